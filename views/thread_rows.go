package views

import (
	"context"
	"html/template"
	"io"
	"strings"

	"github.com/a-h/templ"
)

// A thread page repeats the same controls for each of its posts. The page
// asks once, here: PostRows decides everything a post shows, with the same
// rules (models.User.CanRead and the rest), and PostLabels translates each
// label once per page, so the template only reads flat fields and a
// translation (a message template executed) is paid once, not per post.

// PostRow is one post as the thread page shows it.
type PostRow struct {
	ID       int64
	Question bool // the thread's first post
	Accepted bool // the accepted answer
	Deleted  bool
	// Readable: the viewer may read the text (models.User.CanRead); a post
	// listed but not readable shows a note instead.
	Readable bool
	Status   string // where a post that is not public stands; "" if public
	Author   PostAuthor
	ByAsker  bool
	Time     template.HTML // when it was written, for this reader
	Path     string        // its permanent address
	Edited   bool
	Lang     string
	HTML     template.HTML // sanitized when written
	Helpful  int
	// SolutionAfter: the solution box follows this post (the question).
	SolutionAfter bool

	// What a signed-in viewer may do with the post.
	Member    bool // the viewer is signed in
	Own       bool // the viewer wrote it
	Voted     bool // the viewer found it helpful
	CanAccept bool // the viewer may mark or unmark it as the solution
	CanFlag   bool
	Moderator bool // the viewer moderates, and may hide or show it
	Hidden    bool // hidden by a moderator
	CanChange bool // the viewer may edit or delete it
}

// PostAuthor is what a post shows of who wrote it (Translator.Author); the
// avatar partial reads AvatarURL and Username.
type PostAuthor struct {
	Username  string
	Name      string // the display name
	Path      string // the profile; "" for a deleted account
	AvatarURL string
	Deleted   bool // the account was deleted: Name says so, nothing links
	Staff     bool // works for the vendor (models.User.Staff)
}

// PostLabels are the words each post's controls say, translated once.
type PostLabels struct {
	Asker, Staff, SolutionBadge, Edited, HiddenPending string
	Helpful, Unmark, Mark, Flag, HidePost, UnhidePost  string
	Edit, DeleteConfirm, Delete                        string
}

// PostLabels translates the post controls' words for this page.
func (d ThreadData) PostLabels() PostLabels {
	return PostLabels{
		Asker: d.T("post.asker"), Staff: d.T("user.staff"), SolutionBadge: d.T("solution.badge"), Edited: d.T("post.edited"),
		HiddenPending: d.T("post.hidden_pending"), Helpful: d.T("post.helpful"),
		Unmark: d.T("solution.unmark"), Mark: d.T("solution.mark"), Flag: d.T("post.flag"),
		HidePost: d.T("mod.hide_post"), UnhidePost: d.T("mod.unhide_post"),
		Edit: d.T("post.edit"), DeleteConfirm: d.T("post.delete_confirm"), Delete: d.T("post.delete"),
	}
}

// PostRows lists the posts that take a place on the page (see Listed), each
// with all it shows decided.
func (d ThreadData) PostRows() []PostRow {
	th := d.View.Thread
	clock := d.Clock()
	var solutionID int64
	if th.SolutionPostID != nil {
		solutionID = *th.SolutionPostID
	}
	member := d.User != nil
	canAccept := member && d.CanAccept()
	moderator := member && d.User.CanModerate()
	rows := make([]PostRow, 0, len(d.View.Posts))
	for i := range d.View.Posts {
		p := d.View.Posts[i]
		if !d.Listed(p) {
			continue
		}
		accepted := solutionID == p.ID
		question := p.Position == 1
		row := PostRow{
			ID: p.ID, Question: question, Accepted: accepted,
			Deleted: p.Deleted(), Readable: d.CanSee(p),
			Status:  d.PostStatus(p),
			Author:  d.Author(p.User),
			ByAsker: p.UserID == th.UserID, Time: clock.Time(p.CreatedAt),
			Path: PostPath(th.ID, th.Slug, p.Position, p.ID), Edited: p.Edited(),
			Lang: p.Lang, HTML: p.HTMLSafe(), Helpful: p.HelpfulCount,
			SolutionAfter: question && d.Solution != nil,
			Member:        member,
		}
		if member {
			row.Own = d.User.ID == p.UserID
			row.Voted = d.Voted[p.ID]
			row.CanAccept = canAccept && p.Position > 1
			row.CanFlag = d.CanFlag(p)
			row.Moderator = moderator
			row.Hidden = p.HiddenAt != nil
			row.CanChange = d.CanChange(p)
		}
		rows = append(rows, row)
	}
	return rows
}

// postClasses are the class lists of a post, by question<<2 | accepted<<1 |
// deleted.
var postClasses = [8]string{
	"post", "post deleted", "post accepted", "post accepted deleted",
	"post question", "post question deleted", "post question accepted", "post question accepted deleted",
}

// Class is the post's class list.
func (r *PostRow) Class() string {
	i := 0
	if r.Question {
		i |= 4
	}
	if r.Accepted {
		i |= 2
	}
	if r.Deleted {
		i |= 1
	}
	return postClasses[i]
}

// The compiled thread page writes the words of the post controls, and the
// CSRF field of their forms, as components made once per page: each
// { text } in a template costs two allocations wherever it is written, and
// each component called several, twenty posts over.

// postControls are PostLabels, escaped once, and the CSRF field.
type postControls struct {
	Asker, Staff, SolutionBadge, Edited, HiddenPending templ.Component
	Helpful, Unmark, Mark, Flag, HidePost, UnhidePost  templ.Component
	Edit, Delete                                       templ.Component
	DeleteConfirm                                      string // an attribute's value
	CSRF                                               templ.Component
}

func (d ThreadData) postControls(ctx context.Context) postControls {
	l := d.PostLabels()
	return postControls{
		Asker: escapedText(l.Asker), Staff: escapedText(l.Staff), SolutionBadge: escapedText(l.SolutionBadge), Edited: escapedText(l.Edited),
		HiddenPending: escapedText(l.HiddenPending), Helpful: escapedText(l.Helpful),
		Unmark: escapedText(l.Unmark), Mark: escapedText(l.Mark), Flag: escapedText(l.Flag),
		HidePost: escapedText(l.HidePost), UnhidePost: escapedText(l.UnhidePost),
		Edit: escapedText(l.Edit), Delete: escapedText(l.Delete), DeleteConfirm: l.DeleteConfirm,
		CSRF: rendered(ctx, csrfField(d.CSRFToken)),
	}
}

// helpfulIconHTML is the helpful icon as a component made once.
var helpfulIconHTML = icon(helpfulIcon)

// markup is HTML written as it is; unlike templ.Raw, a markup value made
// into a component once may be written any number of times for nothing.
type markup string

func (m markup) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, string(m))
	return err
}

// escapedText is text, escaped once.
func escapedText(s string) templ.Component { return markup(templ.EscapeString(s)) }

// rendered is a component rendered once, to be repeated.
func rendered(ctx context.Context, c templ.Component) templ.Component {
	var sb strings.Builder
	if err := c.Render(ctx, &sb); err != nil {
		return c
	}
	return markup(sb.String())
}

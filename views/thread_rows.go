package views

import "html/template"

// A thread page repeats the same controls for each of its posts. Asked of
// html/template per post, every method call ({{$.CanSee .}}, {{$.T …}},
// {{.User.DisplayName}}) is a reflective lookup and call, and each field of
// ThreadData a search through the structs it embeds: most of a page's cost.
// So the page asks once, here, in Go: PostRows decides everything a post
// shows, with the same rules (models.User.CanRead and the rest), and
// PostLabels translates each label once per page. The template only reads
// flat fields.

// PostRow is one post as the thread page shows it.
type PostRow struct {
	ID       int64
	Question bool // the thread's first post
	Accepted bool // the accepted answer
	// Answer is a reply described as a suggested answer in the microdata;
	// Described is the question or such an answer, whose text and author
	// are marked up.
	Answer, Described bool
	Deleted           bool
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
}

// PostLabels are the words each post's controls say, translated once.
type PostLabels struct {
	Asker, SolutionBadge, Edited, HiddenPending       string
	Helpful, Unmark, Mark, Flag, HidePost, UnhidePost string
	Edit, DeleteConfirm, Delete                       string
}

// PostLabels translates the post controls' words for this page.
func (d ThreadData) PostLabels() PostLabels {
	return PostLabels{
		Asker: d.T("post.asker"), SolutionBadge: d.T("solution.badge"), Edited: d.T("post.edited"),
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
		answer := p.Position > 1 && !accepted && !p.Deleted()
		row := PostRow{
			ID: p.ID, Question: question, Accepted: accepted, Answer: answer,
			Described: question || answer, Deleted: p.Deleted(), Readable: d.CanSee(p),
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

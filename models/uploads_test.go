package models_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"slices"
	"strings"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// upload records an image for a user as the handlers do once the bytes
// are stored.
func upload(t *testing.T, s *models.Store, userID int64, n int) models.Upload {
	t.Helper()
	up, err := s.SaveUpload(context.Background(), models.Upload{
		UserID: userID, Hash: fmt.Sprintf("%032x", n), Ext: "png", Width: 800, Height: 600,
		ThumbExt: "png", ThumbWidth: 320, ThumbHeight: 240, Bytes: 1234,
	})
	if err != nil {
		t.Fatal(err)
	}
	return up
}

// An image is seen by whoever may read a post showing it, and by whoever
// uploaded it; it leaves with its post, and pasting its address into
// someone else's post does not bring it back.
func TestUploadedImagesFollowTheirPosts(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		modeltest.Relax(t, s)
		hana, ken := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken")
		mod := signIn(t, s, "3", "mo")
		if err := s.GrantRole(ctx, "mo", models.RoleModerator); err != nil {
			t.Fatal(err)
		}
		mod.Role = models.RoleModerator
		shot := upload(t, s, hana.ID, 1)
		sees := func(viewer *models.User, name string) bool {
			t.Helper()
			_, err := s.ImageFor(ctx, viewer, name)
			if err != nil && !errors.Is(err, models.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		if sees(nil, shot.Key()) || sees(&ken, shot.Key()) || !sees(&hana, shot.Key()) {
			t.Fatal("before it is posted, only its uploader sees an image")
		}
		th, err := s.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: 1, Title: "Error on the billing page",
			Body: "This is what I see:\n\n![the error](" + shot.Path() + ")"})
		if err != nil {
			t.Fatal(err)
		}
		img, err := s.ImageFor(ctx, nil, shot.ThumbKey())
		if err != nil || !img.Public || img.File != shot.ThumbKey() {
			t.Fatalf("posted, a visitor gets the thumbnail as public: %+v, %v", img, err)
		}
		if sees(nil, shot.Hash+".thumb.jpg") || sees(nil, shot.Hash+".jpg") {
			t.Error("the right digest with the wrong kind of file is found")
		}
		page, err := s.ThreadPage(ctx, nil, th.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		html := page.Posts[0].HTML
		for _, want := range []string{`src="` + shot.Path() + `"`, `width="800"`, `height="600"`, `loading="lazy"`, `alt="the error"`} {
			if !strings.Contains(html, want) {
				t.Errorf("the question's HTML lacks %s: %s", want, html)
			}
		}
		if page.Thread.Thumb != shot.ThumbKey() || page.Thread.ThumbWidth != 320 {
			t.Errorf("the thread lists the question's thumbnail: %q %d", page.Thread.Thumb, page.Thread.ThumbWidth)
		}

		// Ken quotes the image into his own reply; then a moderator hides
		// Hana's question.
		if _, err := s.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: ken.ID, Body: "Same here ![copy](" + shot.Path() + ")"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetPostHidden(ctx, mod, page.Posts[0].ID, true, "shows a card number"); err != nil {
			t.Fatal(err)
		}
		if sees(nil, shot.Key()) || sees(&ken, shot.Key()) {
			t.Error("an image on a hidden post is still served to other readers")
		}
		if !sees(&hana, shot.Key()) || !sees(&mod, shot.Key()) {
			t.Error("the author and moderators still see the image of a hidden post")
		}
		if _, err := s.SetPostHidden(ctx, mod, page.Posts[0].ID, false, ""); err != nil {
			t.Fatal(err)
		}

		// Editing the image out of the question takes it, and the thread's
		// thumbnail, away.
		if _, _, err := s.EditPost(ctx, hana, page.Posts[0].ID, models.PostEdit{Body: "Solved it, never mind the picture.", Title: th.Title}); err != nil {
			t.Fatal(err)
		}
		if sees(nil, shot.Key()) {
			t.Error("an image no post shows any more is served to visitors")
		}
		page, err = s.ThreadPage(ctx, nil, th.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if page.Thread.Thumb != "" {
			t.Errorf("the thread keeps the thumbnail of an image its question no longer shows: %q", page.Thread.Thumb)
		}
	})
}

// Uploads nobody attached within a day are swept, and their files named
// for deletion once no upload row shares them.
func TestSweepUploadsDeletesOrphans(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		modeltest.Relax(t, s)
		hana, ken := signIn(t, s, "1", "hana"), signIn(t, s, "2", "ken")
		posted, orphan, shared := upload(t, s, hana.ID, 1), upload(t, s, hana.ID, 2), upload(t, s, hana.ID, 3)
		upload(t, s, ken.ID, 3) // the same image from Ken, attached below
		if _, err := s.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: 1, Title: "Screenshot of the error",
			Body: "![error](" + posted.Path() + ")"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateThread(ctx, models.NewThread{UserID: ken.ID, CategoryID: 1, Title: "The same error here",
			Body: "![error](" + shared.Path() + ")"}); err != nil {
			t.Fatal(err)
		}
		keys, err := s.SweepUploads(ctx, time.Now())
		if err != nil || len(keys) != 0 {
			t.Fatalf("a fresh orphan is kept for a day: %v, %v", keys, err)
		}
		keys, err = s.SweepUploads(ctx, time.Now().Add(models.UploadOrphanAge+time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(keys)
		want := []string{orphan.Key(), orphan.ThumbKey()}
		slices.Sort(want)
		if !slices.Equal(keys, want) {
			t.Errorf("swept %v, want %v (the shared image's file stays for Ken's post)", keys, want)
		}
		if _, err := s.ImageFor(ctx, &hana, orphan.Key()); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a swept upload is still found: %v", err)
		}
		if _, err := s.ImageFor(ctx, nil, shared.Key()); err != nil {
			t.Errorf("Ken's post still shows the image Hana's orphan shared: %v", err)
		}
	})
}

// The posting rules run for uploads: new accounts may not while new
// accounts may post no images, a silenced one may not, and the day's quota
// holds; a post shows at most ten images.
func TestUploadRules(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		rules := modeltest.PermissiveRules
		rules.NewMaxImages, rules.NewAccountAge, rules.UploadsPerDay = 0, models.Duration(time.Hour), 2
		if err := s.SetRules(ctx, rules); err != nil {
			t.Fatal(err)
		}
		newcomer := signIn(t, s, "1", "new")
		var refused *models.RefusedError
		if err := s.MayUpload(ctx, newcomer); !errors.As(err, &refused) || refused.Reason != models.RefuseUploadNewAccount {
			t.Errorf("a new account may upload: %v", err)
		}
		rules.NewAccountAge = 0
		rules.NewAccountMinPosts = 0
		if err := s.SetRules(ctx, rules); err != nil {
			t.Fatal(err)
		}
		if err := s.MayUpload(ctx, newcomer); err != nil {
			t.Fatalf("a member may upload: %v", err)
		}
		upload(t, s, newcomer.ID, 1)
		upload(t, s, newcomer.ID, 2)
		if err := s.MayUpload(ctx, newcomer); !errors.As(err, &refused) || refused.Reason != models.RefuseUploadQuota || refused.RetryAfter <= 0 {
			t.Errorf("the third upload of a day of two is taken: %v", err)
		}
		until := time.Now().Add(time.Hour)
		silenced := signIn(t, s, "2", "quiet")
		silenced.SilencedUntil = &until
		if err := s.MayUpload(ctx, silenced); !errors.As(err, &refused) || refused.Reason != models.RefuseSilenced {
			t.Errorf("a silenced account may upload: %v", err)
		}

		var body strings.Builder
		for i := range models.MaxImagesPerPost + 1 {
			fmt.Fprintf(&body, "![shot %d](/u/%032x.png)\n", i, 100+i)
		}
		_, err := s.CreateThread(ctx, models.NewThread{UserID: newcomer.ID, CategoryID: 1, Title: "Eleven screenshots", Body: body.String()})
		if !errors.As(err, &refused) || refused.Reason != models.RefuseTooManyImages {
			t.Errorf("a question with eleven images is taken: %v", err)
		}
	})
}

// A moderator takes one image out of a post: the post no longer shows it,
// the text before is a revision, and the audit log says why.
func TestModeratorRemovesOneImage(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		modeltest.Relax(t, s)
		hana := signIn(t, s, "1", "hana")
		mod := signIn(t, s, "3", "mo")
		if err := s.GrantRole(ctx, "mo", models.RoleModerator); err != nil {
			t.Fatal(err)
		}
		mod.Role = models.RoleModerator
		keep, drop := upload(t, s, hana.ID, 1), upload(t, s, hana.ID, 2)
		th, err := s.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: 1, Title: "Two screenshots of it",
			Body: "First ![one](" + keep.Path() + ")\n\nSecond ![two](" + drop.Path() + ` "my card")`})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RemoveImage(ctx, hana, th.FirstPostID, drop.Hash, "", "[removed]"); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("a member removes an image as a moderator: %v", err)
		}
		post, err := s.RemoveImage(ctx, mod, th.FirstPostID, drop.Hash, "shows a card number", "[removed]")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(post.HTML, drop.Path()) || !strings.Contains(post.HTML, keep.Path()) || !strings.Contains(post.HTML, "[removed]") {
			t.Errorf("after removal the post shows: %s", post.HTML)
		}
		if _, err := s.ImageFor(ctx, nil, drop.Key()); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the removed image is still served: %v", err)
		}
		if _, err := s.ImageFor(ctx, nil, keep.Key()); err != nil {
			t.Errorf("the other image went too: %v", err)
		}
		entries, _, err := s.AuditLog(ctx, 1, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 || entries[0].Action != "post.image.remove" || entries[0].Reason != "shows a card number" {
			t.Errorf("the audit log's newest entry: %+v", entries)
		}
		if _, err := s.RemoveImage(ctx, mod, th.FirstPostID, drop.Hash, "again", "[removed]"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("removing an image the post no longer shows: %v", err)
		}
	})
}

// The findings of an image's text travel as JSON in its row.
func TestUploadFindingsRoundTrip(t *testing.T) {
	var up models.Upload
	want := []models.Finding{{Kind: "email", Box: image.Rect(10, 20, 200, 44)}}
	up.SetFindings(want)
	if got := up.Findings(); !slices.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	up.SetFindings(nil)
	if up.OCRFindings != "" || up.Findings() != nil {
		t.Errorf("no findings stored as %q", up.OCRFindings)
	}
}

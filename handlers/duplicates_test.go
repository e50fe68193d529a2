package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/views"
)

func TestCloseAsDuplicateThroughPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		_, helper, original := askAndAnswer(t, f)
		// ken asks again what hana asked.
		helper.get("/new")
		p := helper.post("/new", url.Values{"category": {"2"}, "title": {"Double charge on my card"}, "body": {"Two charges for one plan."}})
		dup := strings.Split(p.Location, "#")[0]
		other := f.browser()
		other.signIn("mika")

		// Only the asker (and moderators) see the form, and may send it.
		refuse(t, other.get(dup), "Close as duplicate")
		expect(t, other.post("/t/2/duplicate", url.Values{"original": {"1"}}), http.StatusForbidden)
		expect(t, helper.get(dup), http.StatusOK, "Close as duplicate", `name="original"`)
		// A number that leads nowhere comes back, as typed.
		r := helper.post("/t/2/duplicate", url.Values{"original": {"/t/999/nothing"}})
		expect(t, r, http.StatusUnprocessableEntity, "There is no public thread with that number.", `value="/t/999/nothing"`, `aria-invalid="true"`)
		r = helper.post("/t/2/duplicate", url.Values{"original": {"a thread"}})
		expect(t, r, http.StatusUnprocessableEntity, "Enter a thread&#39;s number")
		// The original's address, pasted whole, is understood.
		r = helper.post("/t/2/duplicate", url.Values{"original": {"https://forum.example" + original + "?page=1#p2"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("close: %d\n%s", r.Status, r.Body)
		}
		expect(t, helper.get(dup), http.StatusOK, "Closed as a duplicate.", "Undo: reopen this question")
		for _, b := range []*browser{f.browser(), other, helper} {
			page := b.get(dup)
			expect(t, page, http.StatusOK, `<p class="status-note duplicate-note" role="note">`, "This question has an answer elsewhere:",
				`href="`+original+`"`, "answers go to the original question")
			refuse(t, page, `action="/t/2/replies"`)
		}
		refuse(t, f.browser().get("/search?q=double+charge"), "on my card")
		expect(t, f.browser().get("/search?q=charged"), http.StatusOK, "twice for one plan")

		// The asker takes it back.
		helper.get(dup)
		if r := helper.post("/t/2/duplicate/undo", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("undo: %d", r.Status)
		}
		expect(t, helper.get(dup), http.StatusOK, "The question is open again.", `action="/t/2/replies"`)
		expect(t, f.browser().get("/search?q=double+charge"), http.StatusOK, "on my card")
	})
}

func TestMergeThroughPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, f *forum) {
		ctx := context.Background()
		asker, helper, mod := f.browser(), f.browser(), f.browser()
		asker.signIn("hana")
		helper.signIn("ken")
		mod.signIn("mori")
		grant(t, f, "mori", models.RoleModerator)
		hana, _ := f.srv.Store.UserByUsername(ctx, "hana")
		ken, _ := f.srv.Store.UserByUsername(ctx, "ken")
		// The original runs to a second page; the question merged into it
		// was asked after all of it, and runs to two pages itself.
		base := time.Now().Add(-48 * time.Hour)
		into := models.ImportedThread{CategoryID: 1, Title: "Sign-in loop after the update"}
		for i := range models.PostsPerPage + 5 {
			into.Posts = append(into.Posts, models.ImportedPost{UserID: []int64{hana.ID, ken.ID}[i%2], Body: fmt.Sprintf("Loop report %d", i+1), CreatedAt: base.Add(time.Duration(i) * time.Minute)})
		}
		from := models.ImportedThread{CategoryID: 1, Title: "Cannot stay signed in"}
		for i := range models.PostsPerPage + 2 {
			from.Posts = append(from.Posts, models.ImportedPost{UserID: []int64{ken.ID, hana.ID}[i%2], Body: fmt.Sprintf("Signed out again %d", i+1), CreatedAt: base.Add(time.Duration(100+i) * time.Minute)})
		}
		threads, err := f.srv.Store.ImportThreads(ctx, []models.ImportedThread{into, from})
		if err != nil {
			t.Fatal(err)
		}
		in, out := threads[0], threads[1]
		outPath, inPath := views.ThreadPath(out.ID, out.Slug), views.ThreadPath(in.ID, in.Slug)
		mergePath := fmt.Sprintf("/mod/t/%d/merge", out.ID)

		// Members have no merge.
		refuse(t, helper.get(outPath), "Merge into")
		expect(t, helper.post(mergePath, url.Values{"into": {fmt.Sprint(in.ID)}}), http.StatusForbidden)
		// A moderator names the original, sees what will move, confirms.
		expect(t, mod.get(outPath), http.StatusOK, "Merge into…", `action="`+mergePath+`"`, `href="/mod/merges"`)
		expect(t, mod.post(mergePath, url.Values{"into": {fmt.Sprint(out.ID)}}), http.StatusUnprocessableEntity, "cannot be a duplicate of itself")
		confirm := mod.post(mergePath, url.Values{"into": {inPath}})
		expect(t, confirm, http.StatusOK, fmt.Sprintf("%d posts move", models.PostsPerPage+2), `name="confirm" value="yes"`, "Sign-in loop after the update")
		r := mod.post(mergePath, url.Values{"into": {fmt.Sprint(in.ID)}, "confirm": {"yes"}})
		if r.Status != http.StatusSeeOther || r.Location != inPath {
			t.Fatalf("merge: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		expect(t, mod.get(inPath), http.StatusOK, "The thread was merged here.", "Merged into this thread", "Undo the merge")

		// The old addresses lead to where the posts are: the question after
		// the original's 55 posts, on its second page; the old second page
		// further on; a post's own address to its page and anchor.
		visitor := f.browser()
		for path, want := range map[string]string{
			outPath:                               views.PagePath(inPath, 2),
			fmt.Sprintf("/t/%d", out.ID):          views.PagePath(inPath, 2),
			views.PagePath(outPath, 2):            views.PagePath(inPath, 3),
			fmt.Sprintf("/p/%d", out.FirstPostID): views.PostPath(in.ID, in.Slug, models.PostsPerPage+6, out.FirstPostID),
		} {
			r := visitor.get(path)
			status := http.StatusMovedPermanently
			if strings.HasPrefix(path, "/p/") {
				status = http.StatusFound
			}
			if r.Status != status || r.Location != want {
				t.Errorf("%s: %d to %q, want %d to %q", path, r.Status, r.Location, status, want)
			}
		}
		expect(t, visitor.get(views.PagePath(inPath, 2)), http.StatusOK, fmt.Sprintf(`id="p%d"`, out.FirstPostID), "Signed out again 1")
		refuse(t, visitor.get("/"), "Cannot stay signed in")

		// The asker hears of it; the log has it.
		expect(t, helper.get("/notifications"), http.StatusOK, "mori merged your question into")
		grant(t, f, "mori", models.RoleAdmin)
		expect(t, mod.get("/admin/audit"), http.StatusOK, "Merged into another thread", fmt.Sprintf("Thread #%d", in.ID))

		// Undone from the list of merges, the thread is back where it was.
		expect(t, helper.get("/mod/merges"), http.StatusForbidden)
		list := mod.get("/mod/merges")
		expect(t, list, http.StatusOK, "Cannot stay signed in", "Sign-in loop after the update", "Undo the merge")
		r = mod.post("/mod/merges/1/undo", url.Values{"next": {"/mod/merges"}})
		if r.Status != http.StatusSeeOther || r.Location != "/mod/merges" {
			t.Fatalf("undo: %d %q", r.Status, r.Location)
		}
		expect(t, mod.get("/mod/merges"), http.StatusOK, "The merge was undone", "Undone")
		page := visitor.get(outPath)
		expect(t, page, http.StatusOK, "Signed out again 1")
		refuse(t, page, "has an answer elsewhere")
		expect(t, visitor.get(views.PagePath(inPath, 2)), http.StatusOK, "Loop report 55")
	})
}

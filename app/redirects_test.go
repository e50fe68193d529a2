package app

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"hiroba/models"
	"hiroba/models/modeltest"
)

// After a reply, a vote, a flag or a moderator hiding a post, the browser is
// sent back to the post from what the write returned: no page of posts, and
// no post with its category, is read only to learn the thread's address.
func TestActionsOnPostsRedirectFromTheWrite(t *testing.T) {
	for _, d := range modeltest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			srv, forum := startServer(t, testConfig(t, d))
			var (
				mu    sync.Mutex
				reads []string
			)
			// Reads of a page of posts, or of a post's category (PostByID);
			// not the posting rule's look at whether the category is archived.
			err := srv.Store.AfterQuery("test:address_reads", func(sql, table string) {
				if strings.Contains(sql, "position BETWEEN") || table == "categories" && !strings.Contains(sql, "archived_at") {
					mu.Lock()
					reads = append(reads, sql)
					mu.Unlock()
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			post := func(b *http.Client, page, action string, form url.Values) string {
				t.Helper()
				form.Set("_csrf", pageToken(t, b, forum+page))
				mu.Lock()
				reads = nil
				mu.Unlock()
				resp, err := b.PostForm(forum+action, form)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				defer mu.Unlock()
				if resp.StatusCode != http.StatusSeeOther || len(reads) != 0 {
					t.Errorf("POST %s: status %d, read to redirect: %q", action, resp.StatusCode, reads)
				}
				return resp.Header.Get("Location")
			}

			asker, helper, mod := newBrowserClient(t), newBrowserClient(t), newBrowserClient(t)
			signInDev(t, asker, forum, "hana")
			signInDev(t, helper, forum, "ken")
			signInDev(t, mod, forum, "mo")
			if err := srv.Store.GrantRole(t.Context(), "mo", models.RoleModerator); err != nil {
				t.Fatal(err)
			}
			resp := submitQuestion(t, asker, forum, "Export stops at one thousand rows")
			thread := strings.Split(resp.Header.Get("Location"), "#")[0]
			if !strings.HasPrefix(thread, "/t/1/") {
				t.Fatalf("question: %d %q", resp.StatusCode, thread)
			}
			want := thread + "#p2"
			if got := post(helper, thread, "/t/1/replies", url.Values{"body": {"Use the API for more."}}); got != want {
				t.Errorf("reply went to %q, want %q", got, want)
			}
			if got := post(asker, thread, "/p/2/helpful", url.Values{}); got != want {
				t.Errorf("vote went to %q, want %q", got, want)
			}
			if got := post(asker, "/p/2/flag", "/p/2/flag", url.Values{"reason": {"other"}}); got != want {
				t.Errorf("flag went to %q, want %q", got, want)
			}
			if got := post(mod, thread, "/mod/p/2/hide", url.Values{}); got != want {
				t.Errorf("hide went to %q, want %q", got, want)
			}
		})
	}
}

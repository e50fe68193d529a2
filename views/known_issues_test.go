package views

import (
	"strings"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/public"
)

// knownIssuePageData is what TestEveryPageRenders renders the pages of
// known issues with.
func knownIssuePageData(base Base, th models.Thread) map[Page]any {
	open, resolved := sampleIssues(th)
	return map[Page]any{
		KnownIssuesPage: KnownIssuesData{Base: base, Issues: []models.KnownIssue{open, resolved},
			Categories: []models.Category{{ID: 1, NameEN: "A"}}, Form: KnownIssueForm{Incident: "existing", Errors: map[string]string{"thread": "bad"}}},
		KnownIssuePage: KnownIssueData{Base: base, Issue: open, Resolve: ResolveForm{Errors: map[string]string{"resolution_ja": "bad"}}},
	}
}

func sampleIssues(th models.Thread) (open, resolved models.KnownIssue) {
	opened := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	at := opened.Add(2 * time.Hour)
	open = models.KnownIssue{ID: 3, TitleEN: "Login loop", TitleJA: "ログインできない", BodyEN: "Signing in fails.", BodyJA: "ログインに失敗します。",
		Severity: models.KnownIssueCritical, StatusURL: "https://status.example.com/i/1", ThreadID: &th.ID, Thread: &th, OpenedAt: opened}
	resolved = models.KnownIssue{ID: 4, TitleEN: "Slow search", TitleJA: "検索が遅い", BodyEN: "Slow.", BodyJA: "遅い。",
		Severity: models.KnownIssueMinor, ThreadID: &th.ID, Thread: &th, OpenedAt: opened, ResolvedAt: &at, ResolutionEN: "Fixed.", ResolutionJA: "修正済み。"}
	return open, resolved
}

// The banners say each issue in the reader's language, in a status region
// of its own, with the incident thread, the status page and a way to
// dismiss it; a resolved one says so, and a page showing one is kept no
// longer than the banner stays. The community notice stays first.
func TestKnownIssueBanners(t *testing.T) {
	assets, err := public.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(assets)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := NewCatalog()
	th := models.Thread{ID: 7, Title: "Login loop / ログインできない", Slug: "login-loop"}
	open, resolved := sampleIssues(th)
	hz := &Horizon{}
	base := Base{Translator: c.In("ja"), SiteName: "Hiroba", Path: "/c/api?page=2", Horizon: hz,
		KnownIssues: []models.KnownIssue{open, resolved}}
	var sb strings.Builder
	if err := r.Render(&sb, Home, ListData{Base: base}); err != nil {
		t.Fatal(err)
	}
	page := sb.String()
	for _, want := range []string{
		`<div class="known-issue severity-critical" role="status" data-known-issue="3">`,
		`<span class="known-issue-severity">深刻な問題</span> <strong>ログインできない</strong> ログインに失敗します。`,
		`<a href="/t/7/login-loop">障害スレッドを見る</a>`,
		`<a href="https://status.example.com/i/1" rel="noopener">ステータスページ</a>`,
		`<form method="post" action="/known-issues/3/dismiss" class="known-issue-dismiss" data-dismiss-issue><input type="hidden" name="next" value="/c/api?page=2">`,
		`<div class="known-issue severity-minor resolved" role="status" data-known-issue="4r">`,
		`<strong>解決済み：検索が遅い</strong>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not show %s", want)
		}
	}
	if notice, banner := strings.Index(page, `class="community-notice"`), strings.Index(page, `class="known-issues"`); notice < 0 || banner < notice {
		t.Errorf("the community notice is at %d, the banners at %d", notice, banner)
	}
	if !hz.Until().Equal(resolved.ShownUntil()) {
		t.Errorf("the page may be kept until %v, but the resolved banner goes at %v", hz.Until(), resolved.ShownUntil())
	}
	// A hidden incident thread is not linked.
	hidden := th
	hidden.HiddenAt = &time.Time{}
	open.Thread = &hidden
	sb.Reset()
	if err := r.Render(&sb, Home, ListData{Base: Base{Translator: c.In("en"), KnownIssues: []models.KnownIssue{open}}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sb.String(), "/t/7/") || !strings.Contains(sb.String(), "<strong>Login loop</strong> Signing in fails.") {
		t.Errorf("with the thread hidden:\n%s", sb.String())
	}
}

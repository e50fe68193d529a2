package views

import (
	"strings"
	"testing"
	"time"

	"hiroba/models"
	"hiroba/public"
)

func TestCatalogHasEveryMessageInEveryLanguage(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		if len(c.plain[lang]) < 50 {
			t.Errorf("%s: only %d plain messages loaded", lang, len(c.plain[lang]))
		}
	}
	if got := missingIDs(map[string][]string{"en": {"a", "b"}, "ja": {"a"}}); len(got) != 1 || got[0] != "b" {
		t.Errorf("missingIDs = %v", got)
	}
}

func TestTranslate(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	en, ja := c.In("en"), c.In("ja")
	tests := []struct {
		tr   Translator
		id   string
		args []any
		want string
	}{
		{en, "nav.ask", nil, "Ask a question"},
		{ja, "nav.ask", nil, "質問する"},
		{en, "thread.replies", []any{"Count", 1}, "1 reply"},
		{en, "thread.replies", []any{"Count", 2}, "2 replies"},
		{ja, "thread.replies", []any{"Count", 2}, "返信 2 件"},
		{en, "form.title_length", []any{"Min", 6, "Max", 200, "Count", 3}, "The title needs 6 to 200 characters (it has 3)."},
		{en, "no.such.message", nil, "no.such.message"},
	}
	for _, tt := range tests {
		if got := tt.tr.T(tt.id, tt.args...); got != tt.want {
			t.Errorf("%s %s %v = %q, want %q", tt.tr.Lang(), tt.id, tt.args, got, tt.want)
		}
	}
}

func TestMatchLanguage(t *testing.T) {
	c, _ := NewCatalog()
	tests := []struct{ cookie, accept, fallback, want string }{
		{"", "", "", "en"},
		{"", "ja-JP,ja;q=0.9,en;q=0.8", "", "ja"},
		{"", "en-US,en;q=0.9,ja;q=0.5", "", "en"},
		{"en", "ja", "", "en"},
		{"ja", "", "", "ja"},
		{"xx", "de", "", "en"},
		{"", "garbage;;q=", "", "en"},
		// The site's default language is for browsers asking for none
		// the forum speaks, and only for them.
		{"", "", "ja", "ja"},
		{"", "de-DE,de;q=0.9", "ja", "ja"},
		{"", "en-US,en;q=0.9", "ja", "en"},
		{"en", "de", "ja", "en"},
	}
	for _, tt := range tests {
		if got := c.Match(tt.cookie, tt.accept, tt.fallback); got != tt.want {
			t.Errorf("Match(%q, %q, %q) = %q, want %q", tt.cookie, tt.accept, tt.fallback, got, tt.want)
		}
	}
}

func TestPaths(t *testing.T) {
	tests := []struct{ got, want string }{
		{ThreadPath(12, "請求書"), "/t/12/%E8%AB%8B%E6%B1%82%E6%9B%B8"},
		{PostPath(3, "x", 1, 10), "/t/3/x#p10"},
		{PostPath(3, "x", models.PostsPerPage+1, 77), "/t/3/x?page=2#p77"},
		{PagePath("/", 1), "/"},
		{PagePath("/", 3), "/?page=3"},
		{PagePath("/search?q=a", 2), "/search?q=a&page=2"},
		{UserPath("a b"), "/u/a%20b"},
		{initial("ken"), "K"},
		{initial("花子"), "花"},
		{initial(""), "?"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestEveryPageRenders(t *testing.T) {
	assets, err := public.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(assets)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := NewCatalog()
	base := Base{Translator: c.In("ja"), SiteName: "Hiroba", Path: "/"}
	user := models.User{Username: "hana"}
	th := models.Thread{ID: 1, Title: "T", Slug: "t", User: user}
	history := []HistoryEntry{
		{RevisionView: models.RevisionView{PostRevision: models.PostRevision{ID: 1, Source: "old", User: user}, MayToggle: true}, Changes: Diff(base.Translator, "old", "new")},
		{RevisionView: models.RevisionView{PostRevision: models.PostRevision{ID: 2}, Withheld: true}},
	}
	datas := map[Page]any{
		Home:    ListData{Base: base, List: models.ThreadList{Threads: []models.Thread{th}}},
		Thread:  ThreadData{Base: base, View: models.ThreadView{Thread: th, Posts: []models.Post{{ID: 1, Position: 1, HTML: "<p>x</p>", User: user}}}},
		Compose: ComposeData{Base: base},
		Profile: ProfileData{Base: base, Profile: user},
		Login:   LoginData{Base: base, Dev: true},
		Error:   ErrorData{Base: base, Status: 404, Message: "nope"},
		Preview: PreviewData{Base: base, HTML: "<p>x</p>"},
		Search: SearchData{Base: base, Searched: true, Results: models.SearchResults{
			Words: []string{"t"}, Results: []models.SearchResult{{Thread: th, Post: models.Post{ID: 1, Position: 2, User: user}, Snippet: "<mark>t</mark>"}}}},
		Edit:             EditData{Base: base, Post: models.Post{ID: 1, Position: 1, Thread: th}},
		History:          HistoryData{Base: base, Post: models.Post{ID: 1, Position: 1, Thread: th}, Revisions: history},
		Flag:             FlagData{Base: base, Post: models.Post{ID: 1, Thread: th}},
		Review:           ReviewData{Base: base, Floods: []models.Flood{{Label: "login loop", Count: 2, Threads: []models.Thread{th, th}}}, Items: []models.ReviewItem{{Post: models.Post{ID: 1, Thread: th, User: user, Status: models.StatusHeld}, Reasons: []string{"links:3"}, Flags: []models.Flag{{User: user, Reason: models.FlagSpam}}}}},
		ModUser:          ModUserData{Base: base, Target: user},
		Audit:            AuditData{Base: base, Entries: []models.AuditEntry{{Action: "post.hide", TargetType: "post", TargetID: 1}}},
		Words:            WordsData{Base: base, Words: []models.WatchedWord{{ID: 1, Pattern: "casino", Kind: "word", Action: models.WatchHold}}},
		RulesPage:        RulesData{Base: base, Fields: []RuleField{{Name: "cooldown", Value: "5s"}}},
		Similar:          SimilarData{Base: base, Similar: []models.SearchResult{{Thread: th}}},
		SiteSettingsPage: SiteSettingsData{Base: base, Form: models.SiteSettings{SiteName: "Acme"}, Errors: map[string]string{"status_url": "bad"}},
		AdminCategoriesPage: AdminCategoriesData{Base: base, Categories: []models.CategoryStat{{Category: models.Category{ID: 1, Slug: "a", NameEN: "A"}, PublicThreads: 1, AllThreads: 2}},
			Errors: map[string]string{"name_en": "bad"}},
		AdminCategoryPage:  AdminCategoryData{Base: base, Category: models.Category{ID: 1, Slug: "a", NameEN: "A"}},
		AdminMergePage:     AdminMergeData{Base: base, From: models.CategoryStat{Category: models.Category{ID: 1, NameEN: "A"}}, Targets: []models.Category{{ID: 2, NameEN: "B"}}},
		AdminDashboardPage: AdminDashboardData{Base: base, Dashboard: models.Dashboard{Weeks: []models.DashboardWeek{{Figures: models.Figures{Questions: 3, Replied: 2, AnsweredIn24h: 2, MedianFirstReply: time.Hour}}}}},
	}
	for p, d := range notificationPageData(base, user, th) {
		datas[p] = d
	}
	for p, d := range knownIssuePageData(base, th) {
		datas[p] = d
	}
	for p, d := range duplicatePageData(base, user, th) {
		datas[p] = d
	}
	for p := range compiledPages {
		if _, ok := datas[p]; !ok {
			t.Errorf("page %s has no render test", p)
		}
	}
	for page, data := range datas {
		var sb strings.Builder
		if err := r.Render(&sb, page, data); err != nil {
			t.Errorf("%s: %v", page, err)
			continue
		}
		if strings.Contains(sb.String(), "/static/missing/") {
			t.Errorf("%s links a missing asset", page)
		}
		if fragment := page == Preview || page == Similar; !fragment && !strings.Contains(sb.String(), `<html lang="ja">`) {
			t.Errorf("%s: no <html lang>", page)
		}
	}
}

package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"hiroba/models"
)

// run runs a command line as main does, with an empty environment.
func run(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Main(args, func(string) string { return "" }, &out, &errOut)
	return code, out.String(), errOut.String()
}

// everyCommand is what the forum's command line does; the help must name
// each of them.
var everyCommand = []string{"serve", "migrate", "seed", "admin", "backup", "move", "help"}

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"help"}} {
		code, out, errOut := run(args...)
		if code != 0 || errOut != "" {
			t.Errorf("hiroba %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
		}
		for _, name := range everyCommand {
			if !strings.Contains(out, "\n  "+name+" ") {
				t.Errorf("hiroba %s does not list %q:\n%s", strings.Join(args, " "), name, out)
			}
		}
		if strings.Contains(out, "-threads") {
			t.Errorf("hiroba %s shows a command's flags instead of the commands:\n%s", strings.Join(args, " "), out)
		}
	}
}

func TestEachCommandListsItsFlags(t *testing.T) {
	want := map[string][]string{
		"serve":   {"-addr", "(default \"127.0.0.1:8080\")", "-base-url", "-database", "HIROBA_DATABASE_URL"},
		"migrate": {"-database"},
		"seed":    {"-threads", "(default 1000)", "-replies", "-seed", "-database"},
		"admin":   {"hiroba admin grant USERNAME member|moderator|admin", "-database"},
		"backup":  {"hiroba backup FILE", "-database"},
		"move":    {"hiroba move --to URL", "-to", "-database"},
		"help":    {"hiroba help [COMMAND]"},
	}
	for _, name := range everyCommand {
		for _, args := range [][]string{{name, "-h"}, {name, "--help"}, {"help", name}} {
			code, out, errOut := run(args...)
			if code != 0 || errOut != "" {
				t.Errorf("hiroba %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
			}
			for _, s := range append([]string{"Usage:\n  hiroba " + name}, want[name]...) {
				if !strings.Contains(out, s) {
					t.Errorf("hiroba %s does not say %q:\n%s", strings.Join(args, " "), s, out)
				}
			}
		}
	}
	// A seed flag before -h still gets the help, not a seeded database.
	if code, out, _ := run("seed", "--threads", "5", "-h"); code != 0 || !strings.Contains(out, "-replies") {
		t.Errorf("seed --threads 5 -h: exit %d\n%s", code, out)
	}
}

func TestCommandLineMistakesExit2(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"help", "frobnicate"}, {"-nonsense"}, {"seed", "--threads", "x"},
		{"admin"}, {"admin", "grant", "ken"}, {"admin", "grant", "ken", "boss"}} {
		code, out, errOut := run(args...)
		if code != 2 || errOut == "" || out != "" {
			t.Errorf("hiroba %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errOut)
		}
	}
	// An unknown command lists the ones there are.
	if _, _, errOut := run("frobnicate"); !strings.Contains(errOut, `unknown command "frobnicate"`) || !strings.Contains(errOut, "\n  seed ") {
		t.Errorf("unknown command:\n%s", errOut)
	}
}

// Granting a role to someone who never signed in says why it cannot, and
// what to do instead; once they have signed in, it works.
func TestAdminGrantExplainsAUserWhoNeverSignedIn(t *testing.T) {
	db := "sqlite:" + t.TempDir() + "/hiroba.db"
	code, out, errOut := run("admin", "grant", "bob", "moderator", "-database", db)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, s := range []string{`no user named "bob" has signed in`, "Ask bob to sign in once, then run this again", "HIROBA_ADMIN_EMAILS"} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr does not say %q:\n%s", s, errOut)
		}
	}
	if strings.Contains(errOut, "level=") {
		t.Errorf("a log line instead of an explanation:\n%s", errOut)
	}

	cfg, err := LoadConfig(func(string) string { return "" }, []string{"-database", db})
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = store.SignInUser(context.Background(), models.SignIn{Provider: "test", ProviderUserID: "1", Nickname: "bob"})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run("admin", "grant", "bob", "moderator", "-database", db); code != 0 || out != "bob is now moderator\n" {
		t.Errorf("after signing in: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// A seeded forum has something in every list filter and order: answered
// and unanswered, solved and unsolved threads, and helpful votes.
func TestSeededForumFillsEveryList(t *testing.T) {
	db := "sqlite:" + t.TempDir() + "/hiroba.db"
	code, _, errOut := run("seed", "--threads", "60", "--replies", "4", "-database", db)
	if code != 0 || !strings.Contains(errOut, "solved)") {
		t.Fatalf("seed: exit %d\n%s", code, errOut)
	}
	cfg, err := LoadConfig(func(string) string { return "" }, []string{"-database", db})
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, show := range []models.ThreadShow{models.ShowLatest, models.ShowUnanswered, models.ShowUnsolved, models.ShowSolved} {
		for _, sort := range []models.ThreadSort{models.SortActivity, models.SortCreated, models.SortHelpful} {
			list, err := store.Threads(context.Background(), models.ThreadFilter{Show: show, Sort: sort})
			if err != nil || len(list.Threads) == 0 {
				t.Errorf("show %s, sort %s: %d threads, %v", show, sort, len(list.Threads), err)
			}
		}
	}
	helpful, _ := store.Threads(context.Background(), models.ThreadFilter{Sort: models.SortHelpful})
	if len(helpful.Threads) == 0 || helpful.Threads[0].HelpfulCount == 0 {
		t.Errorf("the most helpful thread has no helpful votes")
	}
	solved, _ := store.Threads(context.Background(), models.ThreadFilter{Show: models.ShowSolved})
	if len(solved.Threads) > 0 {
		if sol, err := store.SolutionPost(context.Background(), solved.Threads[0]); err != nil || sol == nil {
			t.Errorf("a solved thread without its solution: %v", err)
		}
	}
}

package app

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite" // opens the copy as a plain file

	"hiroba/migrations"
	"hiroba/models"
)

// A backup taken while the forum serves and replies keep coming is a
// sound database holding every reply committed before it began.
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	srv, _ := startServer(t, cfg)
	ctx := context.Background()
	store := srv.Store
	u, _, err := store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: "1", Nickname: "writer"})
	if err != nil {
		t.Fatal(err)
	}
	cats, err := store.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	th, err := store.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: cats[0].ID, Title: "Replies during a backup", Body: "Keep writing."})
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var committed []int64
	var writing atomic.Bool
	writing.Store(true)
	done := make(chan error, 1)
	go func() {
		for i := 0; writing.Load(); i++ {
			p, err := store.CreateReply(ctx, models.NewReply{ThreadID: th.ID, UserID: u.ID, Body: "reply number " + time.Now().Format(time.RFC3339Nano)})
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			committed = append(committed, p.ID)
			mu.Unlock()
		}
		done <- nil
	}()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(committed)
	}
	for count() < 30 {
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	before := append([]int64(nil), committed...)
	mu.Unlock()

	file := filepath.Join(t.TempDir(), "backup.db")
	code, out, errOut := run("backup", file, "-database", cfg.DatabaseURL)
	during := count()
	writing.Store(false)
	if err := <-done; err != nil {
		t.Fatalf("writing during the backup: %v", err)
	}
	if code != 0 {
		t.Fatalf("hiroba backup: exit %d\n%s%s", code, out, errOut)
	}
	if during <= len(before) {
		t.Errorf("no reply was written while the backup ran (%d before, %d after)", len(before), during)
	}

	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the copy: %q, %v", check, err)
	}
	var present int
	for _, id := range before {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM posts WHERE id = ?", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		present += n
	}
	if present != len(before) {
		t.Errorf("the copy holds %d of the %d replies committed before the backup began", present, len(before))
	}
	var posts, indexed int
	if err := db.QueryRow("SELECT (SELECT COUNT(*) FROM posts), (SELECT COUNT(*) FROM post_search)").Scan(&posts, &indexed); err != nil || posts != indexed {
		t.Errorf("the copy's search index holds %d of %d posts (%v)", indexed, posts, err)
	}

	// Never over another file.
	info, _ := os.Stat(file)
	code, _, errOut = run("backup", file, "-database", cfg.DatabaseURL)
	if code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("backup over an existing file: exit %d, %q", code, errOut)
	}
	if again, _ := os.Stat(file); again.Size() != info.Size() || again.ModTime() != info.ModTime() {
		t.Error("a refused backup changed the file")
	}
}

// On PostgreSQL, backup says how pg_dump does it, for this database and
// without its password.
func TestBackupOnPostgresShowsPgDump(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "forum.dump")
	code, out, errOut := run("backup", file, "-database", "postgres://hiroba:s3cret@db.internal:5433/forum?sslmode=require&search_path=forum1&pool_max_conns=8")
	if code != 1 || !strings.Contains(errOut, "no backup written") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	want := "pg_dump --format=custom --no-owner --file=" + file + " --schema=forum1 --dbname='postgres://hiroba@db.internal:5433/forum?sslmode=require'"
	if !strings.Contains(out, want) {
		t.Errorf("the command is not\n  %s\nin:\n%s", want, out)
	}
	// The uploads are not in the dump: it says how to copy them after it.
	want = "hiroba move --uploads-to file:" + file + ".uploads -uploads file:./data/uploads"
	if !strings.Contains(out, want) || strings.Index(out, want) < strings.Index(out, "pg_dump") {
		t.Errorf("the uploads' command is not\n  %s\nafter pg_dump's in:\n%s", want, out)
	}
	if strings.Contains(out+errOut, "s3cret") {
		t.Errorf("the password was printed:\n%s", out)
	}
	for _, f := range []string{file, file + ".uploads"} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s was written: %v", f, err)
		}
	}
}

// hiroba move copies a forum into a new database and refuses one that
// holds a forum; without a terminal it reports in plain lines.
func TestMoveCommand(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	srv, _ := startServer(t, cfg)
	ctx := context.Background()
	u, _, err := srv.Store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: "1", Nickname: "mover"})
	if err != nil {
		t.Fatal(err)
	}
	cats, _ := srv.Store.Categories(ctx)
	if _, err := srv.Store.CreateThread(ctx, models.NewThread{UserID: u.ID, CategoryID: cats[0].ID, Title: "Moving house", Body: "Boxes everywhere."}); err != nil {
		t.Fatal(err)
	}
	to := "sqlite:" + filepath.Join(t.TempDir(), "moved.db")
	code, out, errOut := run("move", "--to", to, "-database", cfg.DatabaseURL)
	if code != 0 {
		t.Fatalf("hiroba move: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"] posts: 1 rows\n", "every table has as many rows", "search \"Moving\": the same 1 threads on both"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\r") || strings.Contains(out, "\033[") {
		t.Errorf("terminal control codes without a terminal:\n%q", out)
	}
	code, _, errOut = run("move", "--to", to, "-database", cfg.DatabaseURL)
	if code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("move into a forum: exit %d, %q", code, errOut)
	}
	if code, _, errOut = run("move", "-database", cfg.DatabaseURL); code != 2 || !strings.Contains(errOut, "--to") {
		t.Errorf("move without --to: exit %d, %q", code, errOut)
	}
}

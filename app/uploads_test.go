package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/blobs"
	"hiroba/models/blobs/blobstest"
	"hiroba/models/modeltest"
)

// putUploads fills the forum's upload store with n images and returns them.
func putUploads(t *testing.T, spec string, n int) map[string][]byte {
	t.Helper()
	s, err := blobs.OpenEnv(t.Context(), spec, blobstest.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for i := range n {
		key := fmt.Sprintf("%064x.png", i)
		if i%2 == 1 {
			key = fmt.Sprintf("%064x.thumb.jpg", i-1)
		}
		files[key] = bytes.Repeat([]byte{byte(i)}, 1000+i)
		if err := s.Put(t.Context(), key, files[key], blobs.ContentType(key)); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// holds fails the test unless the store holds exactly files.
func holds(t *testing.T, spec string, files map[string][]byte) {
	t.Helper()
	s, err := blobs.OpenEnv(t.Context(), spec, blobstest.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.Walk(t.Context(), func(key string, size int64) error {
		n++
		if _, ok := files[key]; !ok {
			t.Errorf("%s holds %s, which the forum does not", spec, key)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for key, want := range files {
		r, _, err := s.Get(t.Context(), key)
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes that differ from the %d put", key, len(got), len(want))
		}
	}
	if n != len(files) {
		t.Errorf("%s holds %d files, want %d", spec, n, len(files))
	}
}

// runEnv is run with the test S3 credentials in the environment.
func runEnv(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Main(args, blobstest.Getenv, &out, &errOut)
	return code, out.String(), errOut.String()
}

// A backup copies every upload into FILE.uploads, a folder the forum can
// use as its upload store again.
func TestBackupCopiesUploads(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	files := putUploads(t, cfg.Uploads, 7)
	file := filepath.Join(t.TempDir(), "backup.db")
	code, out, errOut := run("backup", file, "-database", cfg.DatabaseURL, "-uploads", cfg.Uploads)
	if code != 0 {
		t.Fatalf("hiroba backup: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"backed up the SQLite database to " + file, "uploads: copied 7 files", "every upload is in the target"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	holds(t, "file:"+file+".uploads", files)

	// The copy is a forum: its database and its uploads.
	restored := cfg
	restored.DatabaseURL, restored.Uploads = "sqlite:"+file, "file:"+file+".uploads"
	srv, _ := startServer(t, restored)
	for key := range files {
		if _, _, err := srv.Uploads.Get(t.Context(), key); err != nil {
			t.Errorf("the restored forum lacks %s: %v", key, err)
		}
	}
}

// hiroba move copies the uploads with the database, or alone; into a
// folder or a bucket; and a second run adds only what the target lacks.
func TestMoveUploads(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, migrations.SQLite)
	files := putUploads(t, cfg.Uploads, 6)

	folder := "file:" + filepath.Join(t.TempDir(), "moved-uploads")
	to := "sqlite:" + filepath.Join(t.TempDir(), "moved.db")
	code, out, errOut := run("move", "--to", to, "--uploads-to", folder, "-database", cfg.DatabaseURL, "-uploads", cfg.Uploads)
	if code != 0 {
		t.Fatalf("hiroba move: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"every table has as many rows", "uploads: 1/6 files", "uploads: 6/6 files", "uploads: copied 6 files"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	holds(t, folder, files)

	srv := blobstest.NewS3(t)
	bucket := srv.Bucket(t, "forum-uploads", "hiroba")
	code, out, errOut = runEnv("move", "--uploads-to", bucket, "-database", cfg.DatabaseURL, "-uploads", cfg.Uploads)
	if code != 0 {
		t.Fatalf("hiroba move --uploads-to S3: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, "moving the forum") || !strings.Contains(out, "uploads: copied 6 files") {
		t.Errorf("moving only the uploads:\n%s", out)
	}
	holds(t, bucket, files)

	// New uploads since: a second run copies those, and only those.
	more := putUploads(t, cfg.Uploads, 9)
	code, out, errOut = runEnv("move", "--uploads-to", bucket, "-database", cfg.DatabaseURL, "-uploads", cfg.Uploads)
	if code != 0 || !strings.Contains(out, "uploads: copied 3 files") || !strings.Contains(out, "6 were there already") {
		t.Errorf("a second move: exit %d\n%s%s", code, out, errOut)
	}
	holds(t, bucket, more)

	for _, tt := range []struct{ args []string }{
		{[]string{"move", "--uploads-to", "elsewhere"}},
		{[]string{"move", "--uploads-to", cfg.Uploads, "-uploads", cfg.Uploads}},
		{[]string{"move", "--uploads-to"}},
	} {
		if code, _, errOut := run(append(tt.args, "-database", cfg.DatabaseURL)...); code != 2 || !strings.Contains(errOut, "--uploads-to") {
			t.Errorf("hiroba %s: exit %d, %q", strings.Join(tt.args, " "), code, errOut)
		}
	}
	// A bucket that is not there is named, and nothing is copied.
	code, _, errOut = runEnv("move", "--uploads-to", srv.Spec("no-such-bucket", ""), "-database", cfg.DatabaseURL, "-uploads", cfg.Uploads)
	if code != 1 || !strings.Contains(errOut, `"no-such-bucket" does not exist`) {
		t.Errorf("move into a missing bucket: exit %d, %q", code, errOut)
	}
}

// A store that cannot be opened stops start-up, saying which setting and
// what is wrong.
func TestUploadsStopStartUp(t *testing.T) {
	t.Parallel()
	srv := blobstest.NewS3(t)
	cfg := testConfig(t, migrations.SQLite)
	cfg.Uploads, cfg.getenv = srv.Spec("never-made", "forum"), blobstest.Getenv
	_, err := New(context.Background(), cfg, NewLogger(io.Discard, "error"))
	if err == nil || !strings.Contains(err.Error(), "HIROBA_UPLOADS") || !strings.Contains(err.Error(), `the bucket "never-made" does not exist`) {
		t.Errorf("start-up with a missing bucket: %v", err)
	}
}

// The hourly sweep deletes the files of images nobody posted within a day,
// and keeps those a post shows.
func TestSweepUploadsDeletesTheirFiles(t *testing.T) {
	ctx := context.Background()
	srv, err := New(ctx, testConfig(t, migrations.SQLite), NewLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	modeltest.Relax(t, srv.Store)
	hana, _, err := srv.Store.SignInUser(ctx, models.SignIn{Provider: "test", ProviderUserID: "1", Nickname: "hana"})
	if err != nil {
		t.Fatal(err)
	}
	var ups []models.Upload
	for i := range 2 {
		up, err := srv.Store.SaveUpload(ctx, models.Upload{UserID: hana.ID, Hash: fmt.Sprintf("%032x", i+1), Ext: "png",
			Width: 10, Height: 10, ThumbExt: "png", ThumbWidth: 10, ThumbHeight: 10, Bytes: 4})
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{up.Key(), up.ThumbKey()} {
			if err := srv.Uploads.Put(ctx, key, []byte("\x89PNG"), "image/png"); err != nil {
				t.Fatal(err)
			}
		}
		ups = append(ups, up)
	}
	if _, err := srv.Store.CreateThread(ctx, models.NewThread{UserID: hana.ID, CategoryID: 1, Title: "The posted screenshot",
		Body: "![shot](" + ups[0].Path() + ")"}); err != nil {
		t.Fatal(err)
	}
	n, err := srv.SweepUploads(ctx, time.Now().Add(models.UploadOrphanAge+time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("swept %d files, %v; want the orphan's two", n, err)
	}
	for key, want := range map[string]bool{ups[0].Key(): true, ups[0].ThumbKey(): true, ups[1].Key(): false, ups[1].ThumbKey(): false} {
		r, _, err := srv.Uploads.Get(ctx, key)
		if err == nil {
			r.Close()
		}
		if kept := err == nil; kept != want {
			t.Errorf("%s kept = %v, want %v (%v)", key, kept, want, err)
		}
	}
}

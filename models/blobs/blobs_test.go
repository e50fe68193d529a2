package blobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/minio/minio-go/v7"

	"hiroba/models/blobs/blobstest"
)

// conformance is what every store must do, whatever keeps the bytes. Each
// case gets a fresh, empty store from open.
func conformance(t *testing.T, open func(t *testing.T) Store) {
	ctx := context.Background()

	t.Run("put and get", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		data := []byte("\x89PNG\r\n\x1a\nnot really a picture")
		if err := s.Put(ctx, "ab12ef.png", data, "image/png"); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, "ab12ef.png"); !bytes.Equal(got, data) {
			t.Errorf("got %q, want %q", got, data)
		}
	})

	t.Run("overwrite", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		for _, data := range []string{"first, and longer than the second", "second"} {
			if err := s.Put(ctx, "ab12ef.thumb.jpg", []byte(data), "image/jpeg"); err != nil {
				t.Fatal(err)
			}
			if got := string(get(t, s, "ab12ef.thumb.jpg")); got != data {
				t.Errorf("after putting %q, got %q", data, got)
			}
		}
		if keys := walk(t, s); len(keys) != 1 || keys["ab12ef.thumb.jpg"] != int64(len("second")) {
			t.Errorf("after an overwrite the store holds %v", keys)
		}
	})

	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		for _, k := range []string{"gone.png", "kept.png"} {
			if err := s.Put(ctx, k, []byte(k), "image/png"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Delete(ctx, "gone.png"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Get(ctx, "gone.png"); !errors.Is(err, ErrNotFound) {
			t.Errorf("get after delete: %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, "gone.png"); err != nil {
			t.Errorf("deleting again: %v, want no error", err)
		}
		if err := s.Delete(ctx, "never-there.png"); err != nil {
			t.Errorf("deleting a key never put: %v, want no error", err)
		}
		if got := string(get(t, s, "kept.png")); got != "kept.png" {
			t.Errorf("the other key reads %q", got)
		}
	})

	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		r, _, err := s.Get(ctx, "nothing-here.png")
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("get of a missing key: %v, want ErrNotFound", err)
		}
		if r != nil {
			r.Close()
			t.Error("a reader came back with the error")
		}
		if keys := walk(t, s); len(keys) != 0 {
			t.Errorf("an empty store walks %v", keys)
		}
	})

	t.Run("walk", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		want := map[string]int64{}
		for i := range 25 {
			k := fmt.Sprintf("%02x%s.png", i, strings.Repeat("0", 62))
			data := bytes.Repeat([]byte{byte(i)}, 1+i*10)
			if err := s.Put(ctx, k, data, "image/png"); err != nil {
				t.Fatal(err)
			}
			want[k] = int64(len(data))
		}
		if got := walk(t, s); !maps.Equal(got, want) {
			t.Errorf("walk gives %d keys %v, want %d %v", len(got), slices.Sorted(maps.Keys(got)), len(want), slices.Sorted(maps.Keys(want)))
		}
		// fn's error stops the walk and comes back as it is.
		stop := errors.New("enough")
		calls := 0
		err := s.Walk(ctx, func(string, int64) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("walk stopped by its function: %v after %d calls", err, calls)
		}
	})

	t.Run("refused keys", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		for _, key := range []string{
			"", ".", "..", "../outside.png", "../../etc/passwd", "a/b.png", "/abs.png", `a\b.png`,
			".hidden.png", "UPPER.PNG", "space .png", "nul\x00.png", "ünicode.png", "percent%2f.png",
			strings.Repeat("a", MaxKeyLen+1),
		} {
			if err := s.Put(ctx, key, []byte("x"), "image/png"); !errors.Is(err, ErrBadKey) {
				t.Errorf("Put(%q): %v, want ErrBadKey", key, err)
			}
			if _, _, err := s.Get(ctx, key); !errors.Is(err, ErrBadKey) {
				t.Errorf("Get(%q): %v, want ErrBadKey", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, ErrBadKey) {
				t.Errorf("Delete(%q): %v, want ErrBadKey", key, err)
			}
		}
		if keys := walk(t, s); len(keys) != 0 {
			t.Errorf("refused keys left %v", keys)
		}
		long := strings.Repeat("a", MaxKeyLen-4) + ".png"
		if err := s.Put(ctx, long, []byte("x"), "image/png"); err != nil {
			t.Errorf("a key of %d characters: %v", len(long), err)
		}
	})

	t.Run("concurrent puts of one key", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		const writers, size = 6, 256 << 10
		versions := make([][]byte, writers)
		for i := range versions {
			versions[i] = bytes.Repeat([]byte{byte('a' + i)}, size+i)
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers*2)
		for i := range writers {
			wg.Go(func() {
				if err := s.Put(ctx, "same.png", versions[i], "image/png"); err != nil {
					errs <- err
				}
			})
			// A reader at the same time sees nothing yet, or one whole
			// version: never half of one, never two mixed.
			wg.Go(func() {
				r, _, err := s.Get(ctx, "same.png")
				if errors.Is(err, ErrNotFound) {
					return
				}
				if err != nil {
					errs <- err
					return
				}
				defer r.Close()
				data, err := io.ReadAll(r)
				if err != nil {
					errs <- err
				} else if err := whole(data, versions); err != nil {
					errs <- fmt.Errorf("a reader during the puts: %w", err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if err := whole(get(t, s, "same.png"), versions); err != nil {
			t.Errorf("after the puts: %v", err)
		}
		if keys := walk(t, s); len(keys) != 1 {
			t.Errorf("after the puts the store holds %v, want one key", keys)
		}
	})
}

// whole says whether data is exactly one of the versions.
func whole(data []byte, versions [][]byte) error {
	for _, v := range versions {
		if bytes.Equal(data, v) {
			return nil
		}
	}
	head := data
	if len(head) > 16 {
		head = head[:16]
	}
	return fmt.Errorf("read %d bytes starting %q: not one of the versions put", len(data), head)
}

func get(t *testing.T, s Store, key string) []byte {
	t.Helper()
	r, size, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if int64(len(data)) != size {
		t.Errorf("get %s: said %d bytes, read %d", key, size, len(data))
	}
	return data
}

func walk(t *testing.T, s Store) map[string]int64 {
	t.Helper()
	keys := map[string]int64{}
	if err := s.Walk(context.Background(), func(key string, size int64) error {
		if _, twice := keys[key]; twice {
			t.Errorf("walk gave %s twice", key)
		}
		keys[key] = size
		return nil
	}); err != nil {
		t.Fatalf("walk: %v", err)
	}
	return keys
}

func TestFileStore(t *testing.T) {
	t.Parallel()
	conformance(t, func(t *testing.T) Store {
		// A directory not made yet: the first Put makes it.
		s, err := Open(t.Context(), "file:"+filepath.Join(t.TempDir(), "data", "uploads"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestS3Store(t *testing.T) {
	t.Parallel()
	srv := blobstest.NewS3(t)
	var n atomic.Int64
	conformance(t, func(t *testing.T) Store {
		// Each case under its own prefix in one bucket: a store sees only
		// its prefix.
		prefix := fmt.Sprintf("forum%d", n.Add(1))
		s, err := OpenEnv(t.Context(), srv.Bucket(t, "uploads", prefix), blobstest.Getenv)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// Temporary files of puts in progress, and anything that is not a key, are
// not uploads; and nothing is written outside the directory.
func TestFileStoreWalksOnlyKeys(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "uploads")
	s, err := Open(t.Context(), "file:"+dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(t.Context(), "real.png", []byte("png"), "image/png"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".real.png.123456", "README.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("not an upload"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	if keys := walk(t, s); len(keys) != 1 || keys["real.png"] != 3 {
		t.Errorf("walk gives %v, want only real.png", keys)
	}
	if _, _, err := s.Get(t.Context(), "folder"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get of a folder: %v, want ErrNotFound", err)
	}
	_ = s.Put(t.Context(), "../escaped.png", []byte("x"), "image/png")
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("the parent folder holds %d entries, want only uploads/", len(entries))
	}
}

// S3 serves an object with the content type it was put with, and a store
// does not see objects outside its prefix.
func TestS3StoreContentTypeAndPrefix(t *testing.T) {
	t.Parallel()
	srv := blobstest.NewS3(t)
	ctx := t.Context()
	a, err := OpenEnv(ctx, srv.Bucket(t, "media", "a"), blobstest.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	b, err := OpenEnv(ctx, srv.Bucket(t, "media", ""), blobstest.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Put(ctx, "shot.webp", []byte("webp"), "image/webp"); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, "root.png", []byte("png"), "image/png"); err != nil {
		t.Fatal(err)
	}
	s3 := a.(*S3)
	info, err := s3.client.StatObject(ctx, "media", "a/shot.webp", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "image/webp" {
		t.Errorf("Content-Type %q, want image/webp", info.ContentType)
	}
	if keys := walk(t, a); len(keys) != 1 || keys["shot.webp"] != 4 {
		t.Errorf("the prefixed store walks %v", keys)
	}
	// The store at the bucket's root lists the prefixed object's name with a
	// slash in it: not a key, so not its upload.
	if keys := walk(t, b); len(keys) != 1 || keys["root.png"] != 3 {
		t.Errorf("the root store walks %v", keys)
	}
}

// A wrong spec stops start-up with a message that says what is wrong and
// never shows a secret.
func TestOpenRefusesWrongSpecs(t *testing.T) {
	t.Parallel()
	srv := blobstest.NewS3(t)
	srv.Bucket(t, "exists", "")
	for spec, want := range map[string]string{
		"":                              "want file:DIR or s3://",
		"./data/uploads":                "want file:DIR or s3://",
		"file:":                         "names no directory",
		"s3://":                         "names no bucket",
		"s3:///prefix":                  "names no bucket",
		"s3://b/p?endpont=x":            `unknown parameter "endpont"`,
		"s3://b/p?secure=maybe":         "secure wants true or false",
		"s3://b/p?endpoint=h/x":         "endpoint wants HOST",
		"s3://AKIA:topsecret@b/p":       "set AWS_ACCESS_KEY_ID",
		"gs://AKIA:topsecret@b/p":       "want file:DIR or s3://",
		srv.Spec("missing-bucket", "p"): `the bucket "missing-bucket" does not exist`,
		"s3://bucket/p?endpoint=127.0.0.1:1&secure=false": "127.0.0.1:1",
	} {
		_, err := OpenEnv(t.Context(), spec, blobstest.Getenv)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q): %v, want an error saying %q", spec, err, want)
			continue
		}
		if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), blobstest.SecretKey) {
			t.Errorf("Open(%q) shows a secret: %v", spec, err)
		}
		if !strings.Contains(spec, "127.0.0.1") && Check(spec) == nil && !strings.Contains(spec, "missing-bucket") {
			t.Errorf("Check(%q) accepts what Open refuses", spec)
		}
	}
	for _, spec := range []string{"file:./data/uploads", "file:///srv/uploads", srv.Spec("exists", "forum"), "s3://bucket?region=eu-west-1"} {
		if err := Check(spec); err != nil {
			t.Errorf("Check(%q): %v", spec, err)
		}
	}
	s, err := OpenEnv(t.Context(), srv.Spec("exists", "forum"), blobstest.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != srv.Spec("exists", "forum") || strings.Contains(got, blobstest.AccessKey) {
		t.Errorf("String() = %q, want the spec as written and no credentials", got)
	}
	f, _ := Open(t.Context(), "file:///srv/uploads")
	if f.(*File).Dir() != "/srv/uploads" {
		t.Errorf("file:///srv/uploads is the folder %q", f.(*File).Dir())
	}
}

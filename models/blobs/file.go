package blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// File keeps each upload as a file named by its key in one directory: the
// default for a single instance, and the shape of a backup's copy, which is
// itself a store (file:FILE.uploads).
type File struct {
	dir  string
	spec string
}

// fileDir is the directory of a file: spec. "file:///srv/up" is read as a
// URL, as some people write it.
func fileDir(spec string) (string, error) {
	dir := strings.TrimPrefix(spec, "file:")
	if strings.HasPrefix(dir, "//") {
		u, err := url.Parse(spec)
		if err != nil || (u.Host != "" && u.Host != "localhost") {
			return "", fmt.Errorf("blobs: %q: want file:DIR or file:///ABSOLUTE/DIR", spec)
		}
		dir = u.Path
	}
	if dir == "" {
		return "", fmt.Errorf("blobs: %q names no directory: want file:DIR", spec)
	}
	return filepath.Clean(dir), nil
}

// NewFile is the file store over dir.
func NewFile(dir string) *File { return &File{dir: filepath.Clean(dir), spec: "file:" + dir} }

func (s *File) String() string { return s.spec }

// Dir is the directory the store writes in.
func (s *File) Dir() string { return s.dir }

// Put writes to a temporary file in the same directory, syncs it, then
// renames it over the key: a reader opens the old file or the new one,
// never half of one, and two puts of the same key leave one of them whole.
// The content type is not kept: it follows from the key's extension.
func (s *File) Put(ctx context.Context, key string, data []byte, _ string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return fmt.Errorf("blobs: put %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(s.dir, "."+key+".*")
	if err != nil {
		return fmt.Errorf("blobs: put %s: %w", key, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("blobs: put %s: %w", key, err)
	}
	// Readable by a web server in front of the forum, as uploads usually are.
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("blobs: put %s: %w", key, err)
	}
	// The bytes reach the disk before the name points at them: after a
	// crash the key holds the old file or the new one, not an empty one.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("blobs: put %s: sync: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("blobs: put %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, key)); err != nil {
		return fmt.Errorf("blobs: put %s: %w", key, err)
	}
	done = true
	// And the new name itself survives a crash.
	if d, err := os.Open(s.dir); err == nil {
		_ = d.Sync() // some file systems cannot sync a directory; the file is there all the same
		d.Close()
	}
	return nil
}

// Get opens the key's file; the caller closes it.
func (s *File) Get(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(filepath.Join(s.dir, key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("blobs: get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("blobs: get %s: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("blobs: get %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("blobs: get %s: %w", key, ErrNotFound)
	}
	return f, fi.Size(), nil
}

// Delete removes the key's file, if there is one.
func (s *File) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.dir, key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobs: delete %s: %w", key, err)
	}
	return nil
}

// Walk calls fn for every file whose name is a key, reading the directory
// a batch at a time so a large one costs little memory. Temporary files of
// puts in progress start with a dot and are not keys. A directory not made
// yet holds nothing.
func (s *File) Walk(ctx context.Context, fn func(key string, size int64) error) error {
	d, err := os.Open(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("blobs: walk: %w", err)
	}
	defer d.Close()
	for {
		entries, err := d.ReadDir(1000)
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			if !e.Type().IsRegular() || !ValidKey(e.Name()) {
				continue
			}
			fi, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // deleted since the directory was read
			}
			if err != nil {
				return fmt.Errorf("blobs: walk: %w", err)
			}
			if err := fn(e.Name(), fi.Size()); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("blobs: walk: %w", err)
		}
	}
}

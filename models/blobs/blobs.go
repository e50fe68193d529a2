// Package blobs keeps the files people upload (screenshots and their
// thumbnails) outside the database: in a directory on this machine, or in an
// S3-compatible bucket that every instance of the forum shares.
package blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Store keeps uploaded files by key (e.g. "ab12…ef.png", "ab12…ef.thumb.jpg"); keys are
// [a-z0-9._-] only and the store must refuse anything else (no path traversal).
type Store interface {
	Put(ctx context.Context, key string, data []byte, contentType string) error // idempotent overwrite
	Get(ctx context.Context, key string) (io.ReadCloser, int64, error)          // ErrNotFound when missing
	Delete(ctx context.Context, key string) error                               // missing is not an error
	Walk(ctx context.Context, fn func(key string, size int64) error) error      // every key, any order
	String() string                                                             // the spec, credentials never shown
}

// ErrNotFound is Get's answer for a key the store does not hold.
var ErrNotFound = errors.New("blobs: not found")

// ErrBadKey is in the chain of the error for a key outside ValidKey.
var ErrBadKey = errors.New("blobs: bad key")

// MaxKeyLen bounds a key well below what any file system or bucket allows
// for a name, with room for the file store's temporary suffix.
const MaxKeyLen = 128

// ValidKey reports whether a store accepts key: 1 to MaxKeyLen of
// [a-z0-9._-], not starting with a dot. Without slashes a key cannot leave
// the store's directory or prefix; without a leading dot it is never ".",
// "..", or one of the file store's temporary files.
func ValidKey(key string) bool {
	if key == "" || len(key) > MaxKeyLen || key[0] == '.' {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkKey is every method's first step.
func checkKey(key string) error {
	if !ValidKey(key) {
		return fmt.Errorf("%w %q: want 1 to %d of a-z, 0-9, '.', '_', '-', not starting with '.'", ErrBadKey, key, MaxKeyLen)
	}
	return nil
}

// Open opens the store a spec names, S3 credentials coming from the
// process's environment:
//
//	file:DIR                  a directory, relative or absolute, made on the first Put
//	s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=R&secure=false&path_style=true
//
// An S3 spec without endpoint is AWS S3 in its region. Open of an S3 store
// checks that the bucket is there, so a wrong name or credentials stop
// start-up rather than the first upload.
func Open(ctx context.Context, spec string) (Store, error) {
	return OpenEnv(ctx, spec, os.Getenv)
}

// OpenEnv is Open with the AWS variables (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) read through getenv, the way
// the forum reads the rest of its configuration. Without them, the shared
// credentials file (~/.aws/credentials, AWS_PROFILE) and then the instance
// or container role are tried, as the AWS tools do.
func OpenEnv(ctx context.Context, spec string, getenv func(string) string) (Store, error) {
	switch {
	case strings.HasPrefix(spec, "file:"):
		dir, err := fileDir(spec)
		if err != nil {
			return nil, err
		}
		return &File{dir: dir, spec: spec}, nil
	case strings.HasPrefix(spec, "s3://"):
		loc, err := parseS3(spec)
		if err != nil {
			return nil, err
		}
		return openS3(ctx, loc, envCredentials(getenv))
	}
	return nil, badSpec(spec)
}

// Check tells whether a spec reads as one without opening it, for
// configuration to refuse a misspelt one before anything starts.
func Check(spec string) error {
	switch {
	case strings.HasPrefix(spec, "file:"):
		_, err := fileDir(spec)
		return err
	case strings.HasPrefix(spec, "s3://"):
		_, err := parseS3(spec)
		return err
	}
	return badSpec(spec)
}

func badSpec(spec string) error {
	if i := strings.Index(spec, "://"); i > 0 {
		spec = spec[:i+3] + "…" // whatever follows may hold a secret
	}
	return fmt.Errorf("blobs: %q is not a store: want file:DIR or s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=REGION", spec)
}

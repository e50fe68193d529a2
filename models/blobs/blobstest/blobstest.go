// Package blobstest serves an S3-compatible store on a loopback port for
// the tests of the upload store and of what uses it: a real S3 server
// (gofakes3, its objects in memory) spoken to over HTTP, as a bucket in
// production is.
package blobstest

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Credentials the fake server is given. It accepts any; they are here so
// requests are signed the way a real bucket wants them.
const (
	AccessKey = "hiroba-test-access-key"
	SecretKey = "hiroba-test-secret-key-never-shown"
)

// S3 is one fake S3 server, stopped when the test ends.
type S3 struct {
	URL     *url.URL
	backend *s3mem.Backend
}

// NewS3 starts a server on 127.0.0.1 with no buckets.
func NewS3(t testing.TB) *S3 {
	t.Helper()
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &S3{URL: u, backend: backend}
}

// Bucket makes a bucket and returns the spec of a store in it under
// prefix ("" for none).
func (s *S3) Bucket(t testing.TB, bucket, prefix string) string {
	t.Helper()
	if err := s.backend.CreateBucket(bucket); err != nil && !gofakes3.HasErrorCode(err, gofakes3.ErrBucketAlreadyExists) {
		t.Fatal(err)
	}
	return s.Spec(bucket, prefix)
}

// Spec is the spec of a store in bucket under prefix on this server,
// whether the bucket exists or not.
func (s *S3) Spec(bucket, prefix string) string {
	return "s3://" + bucket + "/" + prefix + "?endpoint=" + s.URL.Host + "&secure=false&path_style=true&region=us-east-1"
}

// Getenv is an environment holding the test credentials in the AWS
// variables, for blobs.OpenEnv and the forum's configuration.
func Getenv(key string) string {
	switch key {
	case "AWS_ACCESS_KEY_ID":
		return AccessKey
	case "AWS_SECRET_ACCESS_KEY":
		return SecretKey
	}
	return ""
}

package blobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 keeps each upload as an object in a bucket of any S3-compatible
// service (AWS S3, Cloudflare R2, MinIO, Ceph), under a prefix: the store
// for several instances, which must all see every upload.
type S3 struct {
	client *minio.Client
	loc    s3Location
}

// s3Location is what an s3:// spec says, credentials never among it.
type s3Location struct {
	bucket   string
	prefix   string // "" or ending in "/"
	endpoint string // host[:port]
	region   string
	secure   bool
	lookup   minio.BucketLookupType
	spec     string // as written: it holds no credentials
}

// awsEndpoint is AWS S3; with a region the client goes to that region's
// endpoint.
const awsEndpoint = "s3.amazonaws.com"

// parseS3 reads s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=R&secure=false&path_style=true.
// Unknown parameters are refused: a misspelt one would otherwise be
// ignored and the uploads would go somewhere else than meant.
func parseS3(spec string) (s3Location, error) {
	u, err := url.Parse(spec)
	if err != nil {
		return s3Location{}, fmt.Errorf("blobs: the S3 spec does not parse as a URL; want s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=REGION")
	}
	if u.User != nil {
		// Never echo what was written there: it is a secret.
		return s3Location{}, errors.New("blobs: an S3 spec holds no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead")
	}
	loc := s3Location{bucket: u.Host, secure: true, lookup: minio.BucketLookupAuto, endpoint: awsEndpoint, spec: spec}
	if loc.bucket == "" {
		return s3Location{}, fmt.Errorf("blobs: %q names no bucket: want s3://BUCKET/PREFIX", spec)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		loc.prefix = p + "/"
	}
	for name, values := range u.Query() {
		v := values[len(values)-1]
		switch name {
		case "endpoint":
			// An endpoint written as a URL says itself whether it is secure.
			if e, ok := strings.CutPrefix(v, "http://"); ok {
				v, loc.secure = e, false
			} else if e, ok := strings.CutPrefix(v, "https://"); ok {
				v = e
			}
			if v = strings.TrimRight(v, "/"); v == "" || strings.ContainsAny(v, "/?#@") {
				return s3Location{}, fmt.Errorf("blobs: %q: endpoint wants HOST or HOST:PORT", spec)
			}
			loc.endpoint = v
		case "region":
			loc.region = v
		case "secure", "path_style":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return s3Location{}, fmt.Errorf("blobs: %q: %s wants true or false", spec, name)
			}
			if name == "secure" {
				loc.secure = b
			} else if b {
				loc.lookup = minio.BucketLookupPath
			} else {
				loc.lookup = minio.BucketLookupDNS
			}
		default:
			return s3Location{}, fmt.Errorf("blobs: %q: unknown parameter %q (endpoint, region, secure and path_style are known)", spec, name)
		}
	}
	return loc, nil
}

// envCredentials are the AWS variables read through getenv, then the
// shared credentials file, then the instance or container role: the chain
// the AWS tools follow. With none of them, requests go unsigned, which a
// public bucket may allow.
func envCredentials(getenv func(string) string) *credentials.Credentials {
	return credentials.NewChainCredentials([]credentials.Provider{
		&envProvider{getenv: getenv},
		&credentials.FileAWSCredentials{},
		&credentials.IAM{},
	})
}

// envProvider is minio's EnvAWS reading through getenv instead of the
// process's environment.
type envProvider struct {
	getenv func(string) string
}

func (p *envProvider) Retrieve() (credentials.Value, error) {
	first := func(names ...string) string {
		for _, n := range names {
			if v := p.getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	v := credentials.Value{
		AccessKeyID:     first("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"),
		SecretAccessKey: first("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
		SessionToken:    first("AWS_SESSION_TOKEN"),
		SignerType:      credentials.SignatureV4,
	}
	if v.AccessKeyID == "" || v.SecretAccessKey == "" {
		return credentials.Value{SignerType: credentials.SignatureAnonymous}, nil
	}
	return v, nil
}

func (p *envProvider) RetrieveWithCredContext(*credentials.CredContext) (credentials.Value, error) {
	return p.Retrieve()
}

// IsExpired is never: the environment does not change under a process.
func (p *envProvider) IsExpired() bool { return false }

// openS3 makes the client and checks that the bucket answers.
func openS3(ctx context.Context, loc s3Location, creds *credentials.Credentials) (*S3, error) {
	transport, err := minio.DefaultTransport(loc.secure)
	if err != nil {
		return nil, fmt.Errorf("blobs: open %s: %w", loc, err)
	}
	transport.ResponseHeaderTimeout = 30 * time.Second
	client, err := minio.New(loc.endpoint, &minio.Options{
		Creds:        creds,
		Secure:       loc.secure,
		Region:       loc.region,
		BucketLookup: loc.lookup,
		Transport:    transport,
	})
	if err != nil {
		return nil, fmt.Errorf("blobs: open %s: %w", loc, err)
	}
	s := &S3{client: client, loc: loc}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ok, err := client.BucketExists(ctx, loc.bucket)
	if err != nil {
		switch minio.ToErrorResponse(err).Code {
		case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
			return nil, fmt.Errorf("blobs: open %s: %w (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)", loc, err)
		}
		return nil, fmt.Errorf("blobs: open %s: %w", loc, err)
	}
	if !ok {
		return nil, fmt.Errorf("blobs: open %s: the bucket %q does not exist", loc, loc.bucket)
	}
	return s, nil
}

// String is the spec as written: parseS3 refuses one with credentials.
func (loc s3Location) String() string { return loc.spec }

func (s *S3) String() string { return s.loc.String() }

func (s *S3) object(key string) string { return s.loc.prefix + key }

// Put uploads the bytes with their content type, which S3 serves back.
func (s *S3) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, err := s.client.PutObject(ctx, s.loc.bucket, s.object(key), bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("blobs: put %s: %w", key, err)
	}
	return nil
}

// Get starts the download; the first request answers whether the object
// is there, and the body is read from the same response.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	obj, err := s.client.GetObject(ctx, s.loc.bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, fmt.Errorf("blobs: get %s: %w", key, err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if notFound(err) {
			return nil, 0, fmt.Errorf("blobs: get %s: %w", key, ErrNotFound)
		}
		return nil, 0, fmt.Errorf("blobs: get %s: %w", key, err)
	}
	return obj, info.Size, nil
}

func notFound(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == "NoSuchKey" || r.StatusCode == http.StatusNotFound
}

// Delete removes the object; S3 answers a missing one as done.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.loc.bucket, s.object(key), minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return fmt.Errorf("blobs: delete %s: %w", key, err)
	}
	return nil
}

// Walk lists the prefix a page at a time. Objects under it that are not
// keys (written by something else, or in a folder below) are passed over.
func (s *S3) Walk(ctx context.Context, fn func(key string, size int64) error) error {
	// Cancelling stops the listing's goroutine when fn stops early.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range s.client.ListObjects(ctx, s.loc.bucket, minio.ListObjectsOptions{Prefix: s.loc.prefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("blobs: walk: %w", obj.Err)
		}
		key := strings.TrimPrefix(obj.Key, s.loc.prefix)
		if !ValidKey(key) {
			continue
		}
		if err := fn(key, obj.Size); err != nil {
			return err
		}
	}
	return ctx.Err()
}

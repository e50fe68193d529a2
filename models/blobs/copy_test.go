package blobs

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/minio/minio-go/v7"

	"hiroba/models/blobs/blobstest"
)

// Copy brings the target up to the source: what it lacks, or holds cut
// short, is copied; what it holds is left; a second run copies nothing.
func TestCopy(t *testing.T) {
	t.Parallel()
	srv := blobstest.NewS3(t)
	targets := map[string]func(t *testing.T) Store{
		"file to file": func(t *testing.T) Store { return NewFile(t.TempDir()) },
		"file to S3": func(t *testing.T) Store {
			s, err := OpenEnv(t.Context(), srv.Bucket(t, "copies", "forum"), blobstest.Getenv)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, target := range targets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			from, to := NewFile(t.TempDir()), target(t)
			want := map[string][]byte{}
			for i := range 30 {
				key := fmt.Sprintf("%064x.png", i)
				if i%3 == 0 {
					key = fmt.Sprintf("%064x.thumb.jpg", i)
				}
				want[key] = bytes.Repeat([]byte{byte(i)}, 100+i)
				if err := from.Put(ctx, key, want[key], ContentType(key)); err != nil {
					t.Fatal(err)
				}
			}
			// The target already has one key whole and one cut short.
			present, cut := fmt.Sprintf("%064x.png", 1), fmt.Sprintf("%064x.png", 2)
			if err := to.Put(ctx, present, want[present], "image/png"); err != nil {
				t.Fatal(err)
			}
			if err := to.Put(ctx, cut, want[cut][:10], "image/png"); err != nil {
				t.Fatal(err)
			}
			var last CopyProgress
			calls := 0
			rep, err := Copy(ctx, from, to, func(p CopyProgress) {
				calls++
				if p.Done != last.Done+1 || p.Bytes <= last.Bytes || p.Total != 29 {
					t.Errorf("progress %+v after %+v", p, last)
				}
				last = p
			})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Source != 30 || rep.Present != 1 || rep.Copied != 29 || calls != 29 || rep.Bytes != last.Bytes {
				t.Errorf("report %+v after %d progress calls (last %+v), want 30 in the source, 1 present, 29 copied", rep, calls, last)
			}
			got := walk(t, to)
			sizes := map[string]int64{}
			for k, v := range want {
				sizes[k] = int64(len(v))
			}
			if !maps.Equal(got, sizes) {
				t.Errorf("the target holds %v, want %v", got, sizes)
			}
			for k, v := range want {
				if data := get(t, to, k); !bytes.Equal(data, v) {
					t.Errorf("%s: copied %d bytes that differ", k, len(data))
				}
			}
			if s3, ok := to.(*S3); ok {
				info, err := s3.client.StatObject(ctx, "copies", "forum/"+fmt.Sprintf("%064x.thumb.jpg", 3), minio.StatObjectOptions{})
				if err != nil || info.ContentType != "image/jpeg" {
					t.Errorf("a copied thumbnail is served as %q (%v), want image/jpeg", info.ContentType, err)
				}
			}
			again, err := Copy(ctx, from, to, nil)
			if err != nil || again.Copied != 0 || again.Present != 30 {
				t.Errorf("a second copy: %+v, %v; want nothing copied", again, err)
			}
		})
	}
}

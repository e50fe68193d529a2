package blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"sync"
	"sync/atomic"
)

// CopyProgress is where a copy stands, after each file.
type CopyProgress struct {
	Done, Total int64 // files to copy: those the target lacked
	Bytes       int64 // copied so far
}

// CopyReport says what a copy found and did.
type CopyReport struct {
	Source  int64 // keys in the source
	Present int64 // of those, already in the target with the same size
	Copied  int64
	Bytes   int64 // copied
	Gone    int64 // deleted from the source while the copy ran
}

// Copy puts every key of from that to lacks, or holds with another size (a
// copy cut short), into to; keys to holds already are left alone, so a copy
// that stopped half-way is finished by running it again. Keys are copied a
// few at a time, for stores across a network. A key deleted from the source
// meanwhile is counted, not an error: the forum deleted it.
func Copy(ctx context.Context, from, to Store, progress func(CopyProgress)) (CopyReport, error) {
	var rep CopyReport
	have := map[string]int64{}
	if err := to.Walk(ctx, func(key string, size int64) error {
		have[key] = size
		return nil
	}); err != nil {
		return rep, fmt.Errorf("blobs: copy: list the target %s: %w", to, err)
	}
	var todo []string
	if err := from.Walk(ctx, func(key string, size int64) error {
		rep.Source++
		if got, ok := have[key]; ok && got == size {
			rep.Present++
			return nil
		}
		todo = append(todo, key)
		return nil
	}); err != nil {
		return rep, fmt.Errorf("blobs: copy: list the source %s: %w", from, err)
	}
	have = nil

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const workers = 4
	keys := make(chan string)
	var (
		mu       sync.Mutex // orders progress reports and keeps the first error
		firstErr error
		done     atomic.Int64
		bytes    atomic.Int64
		gone     atomic.Int64
		wg       sync.WaitGroup
	)
	total := int64(len(todo))
	for range workers {
		wg.Go(func() {
			for key := range keys {
				n, err := copyOne(ctx, from, to, key)
				if errors.Is(err, ErrNotFound) {
					gone.Add(1)
					err = nil
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				if err == nil {
					p := CopyProgress{Done: done.Add(1), Total: total, Bytes: bytes.Add(n)}
					if progress != nil {
						progress(p)
					}
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, key := range todo {
		select {
		case keys <- key:
		case <-ctx.Done():
			break feed
		}
	}
	close(keys)
	wg.Wait()
	rep.Copied, rep.Bytes, rep.Gone = done.Load()-gone.Load(), bytes.Load(), gone.Load()
	if firstErr != nil {
		return rep, firstErr
	}
	return rep, context.Cause(ctx)
}

// copyOne reads one key whole (uploads are images of a few megabytes at
// most) and puts it, with the content type its extension names.
func copyOne(ctx context.Context, from, to Store, key string) (int64, error) {
	r, _, err := from.Get(ctx, key)
	if err != nil {
		return 0, err
	}
	data, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return 0, fmt.Errorf("blobs: copy %s: read: %w", key, err)
	}
	if err := to.Put(ctx, key, data, ContentType(key)); err != nil {
		return 0, err
	}
	return int64(len(data)), nil
}

// ContentType is the media type a key's extension names, for stores that
// keep one (S3 serves it back); "application/octet-stream" when unknown.
func ContentType(key string) string {
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}

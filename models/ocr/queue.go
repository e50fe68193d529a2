package ocr

import (
	"context"
	"fmt"
	"sync"
)

// queue admits images to be read: at most workers at once, at most waiting
// more behind them, and one per user. It bounds this instance only; each
// instance has its own cores to protect.
type queue struct {
	admitted chan struct{} // a place taken for each image queued or being read
	workers  chan struct{} // a place taken for each image being read

	mu    sync.Mutex
	users map[int64]struct{} // users with an image queued or being read
}

func newQueue(workers, waiting int) *queue {
	return &queue{
		admitted: make(chan struct{}, workers+waiting),
		workers:  make(chan struct{}, workers),
		users:    map[int64]struct{}{},
	}
}

// enter waits for a worker for user's image and returns the function that
// gives it back. It answers ErrBusy at once when the user already has an
// image in, or the queue is full, rather than let a burst of uploads pile
// up behind one another.
func (q *queue) enter(ctx context.Context, user int64) (leave func(), err error) {
	q.mu.Lock()
	if _, in := q.users[user]; in {
		q.mu.Unlock()
		return nil, fmt.Errorf("%w: this user's previous image is still being read", ErrBusy)
	}
	select {
	case q.admitted <- struct{}{}:
	default:
		q.mu.Unlock()
		return nil, fmt.Errorf("%w: the queue is full", ErrBusy)
	}
	q.users[user] = struct{}{}
	q.mu.Unlock()

	out := func() {
		q.mu.Lock()
		delete(q.users, user)
		q.mu.Unlock()
		<-q.admitted
	}
	select {
	case q.workers <- struct{}{}:
		return func() { <-q.workers; out() }, nil
	case <-ctx.Done():
		out()
		return nil, fmt.Errorf("ocr: wait for a worker: %w", context.Cause(ctx))
	}
}

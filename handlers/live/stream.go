package live

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"hiroba/models"
	"hiroba/views"
)

// writeGrace is how long a write to a reader may take beyond the next
// heartbeat before the connection is given up: a reader who stopped
// reading (a laptop closed mid-stream) is let go at the next heartbeat.
const writeGrace = 15 * time.Second

// Replies is the "replies" event: how many replies the reader may read came
// after the last one their page showed, and where to start reading them.
type Replies struct {
	Count  int    `json:"count"`
	Newest int64  `json:"newest,omitempty"`
	First  string `json:"first,omitempty"` // the address of the first of them
}

// MeToos is the "metoo" event: the question's me-too count.
type MeToos struct {
	Count int `json:"count"`
}

// state is everything a stream tells its reader, as of one read.
type state struct {
	replies     Replies
	meToos      int
	banner      Banner
	bannerKnown bool
}

// stateOf is what a thread, as read, is for one stream's reader.
func stateOf(since models.ThreadSince, st *Stream, banner Banner, bannerKnown bool) state {
	s := state{meToos: since.MeToos, banner: banner, bannerKnown: bannerKnown}
	n, first, newest := since.NewReplies(st.viewer, st.after)
	s.replies.Count = n
	if n > 0 {
		s.replies.Newest = newest.ID
		s.replies.First = views.PostPath(since.Thread.ID, since.Thread.Slug, first.Position, first.ID)
	}
	return s
}

// Stream is one reader's events about one thread.
type Stream struct {
	hub    *Hub
	viewer *models.User
	thread int64
	after  int64 // the last post the reader's page showed
	addr   string
	group  *group // guarded by hub.mu; nil once it has left

	// WriteDeadline, when set, moves the connection's write deadline
	// before each write (the handler sets it to the connection's).
	WriteDeadline func(time.Time) error

	mu      sync.Mutex
	seq     uint64 // of the read the newest state came from
	pending *state // not yet written
	wake    chan struct{}

	ended   chan struct{}
	endOnce sync.Once
}

// offer gives the stream a state read as the seq'th read. A state from a
// read that began before the one the stream has is older and dropped: two
// reads may finish out of order, and only the later one saw every write
// committed before it began.
func (st *Stream) offer(seq uint64, s state) {
	st.mu.Lock()
	if seq <= st.seq {
		st.mu.Unlock()
		return
	}
	st.seq, st.pending = seq, &s
	st.mu.Unlock()
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

func (st *Stream) take() *state {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.pending
	st.pending = nil
	return s
}

// end stops the stream; its Run returns.
func (st *Stream) end() { st.endOnce.Do(func() { close(st.ended) }) }

func (st *Stream) leave() { st.hub.leave(st) }

// Run writes the stream's events to w, flushing each, until the reader
// goes, the stream has been idle for Options.Idle, the thread is no longer
// theirs to see, or the hub closes. It is the body writer of the response
// (fasthttp's SetBodyStreamWriter), and leaves the hub when it returns.
func (st *Stream) Run(w *bufio.Writer) {
	defer st.leave()
	h := st.hub
	heartbeat := time.NewTicker(h.opt.Heartbeat)
	defer heartbeat.Stop()
	idle := time.NewTimer(h.opt.Idle)
	defer idle.Stop()
	// How long a browser waits before connecting again, spread so that
	// the readers of an instance that stops do not all come back at once.
	retry := 2000 + rand.IntN(3000)
	w.WriteString("retry: " + strconv.Itoa(retry) + "\n\n")
	var sent *state
	for {
		var err error
		select {
		case <-st.wake:
			s := st.take()
			if s == nil {
				continue
			}
			if st.write(w, sent, s) {
				idle.Reset(h.opt.Idle)
			}
			sent = s
		case <-heartbeat.C:
			_, err = w.WriteString(": \n\n")
		case <-idle.C:
			// Told, so that its script does not connect again at once.
			st.event(w, "bye", struct{}{})
			st.flush(w)
			return
		case <-st.ended:
			return
		case <-h.done:
			return
		}
		if err != nil || st.flush(w) != nil {
			return // the reader is gone
		}
	}
}

func (st *Stream) flush(w *bufio.Writer) error {
	if st.WriteDeadline != nil {
		_ = st.WriteDeadline(time.Now().Add(st.hub.opt.Heartbeat + writeGrace))
	}
	return w.Flush()
}

// write writes the events of s that differ from what was sent (all of
// them the first time), and reports whether it wrote any.
func (st *Stream) write(w *bufio.Writer, sent, s *state) bool {
	wrote := false
	if sent == nil || sent.replies != s.replies {
		st.event(w, "replies", s.replies)
		wrote = true
	}
	if sent == nil || sent.meToos != s.meToos {
		st.event(w, "metoo", MeToos{Count: s.meToos})
		wrote = true
	}
	if s.bannerKnown && (sent == nil || !sent.bannerKnown || sent.banner != s.banner) {
		st.event(w, "banner", s.banner)
		wrote = true
	} else if !s.bannerKnown && sent != nil {
		// Not read this time: what was sent still stands.
		s.banner, s.bannerKnown = sent.banner, sent.bannerKnown
	}
	return wrote
}

// event writes one event. Its id is always the last post the reader's
// page showed, never the newest: a browser that connects again sends it
// as Last-Event-ID, and is told again of every reply it has not loaded.
func (st *Stream) event(w *bufio.Writer, name string, data any) {
	buf, _ := json.Marshal(data) // plain structs of numbers and strings
	w.WriteString("id: " + strconv.FormatInt(st.after, 10) + "\nevent: " + name + "\ndata: ")
	w.Write(buf)
	w.WriteString("\n\n")
}

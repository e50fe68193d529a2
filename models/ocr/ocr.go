// Package ocr reads the text shown in an uploaded screenshot, so that the
// personal-data guard can find an email address, key, card or phone number
// in the picture as it does in typed text, and the upload can black it out.
//
// The reading is done by the tesseract command, run once per image with the
// image on its standard input. It is optional: without tesseract or one of
// its languages New returns ErrUnavailable and callers skip the step. Reading
// a screenshot takes about half a second of one core, so a Reader bounds
// what it costs: a time limit per image, a fixed number of images read at
// once, a short queue, and one image at a time per user.
package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig sizes every format an upload may be
	_ "image/jpeg"
	_ "image/png"
	"os"
	"os/exec"
	"strings"
	"time"

	_ "golang.org/x/image/webp"
)

var (
	// ErrUnavailable means tesseract or one of the languages is not
	// installed; the caller goes on without reading images.
	ErrUnavailable = errors.New("ocr: tesseract is not available")
	// ErrBusy means the user already has an image being read, or every
	// worker and queue place is taken; the caller may try again later.
	ErrBusy = errors.New("ocr: busy reading other images")
	// ErrTimeout means reading one image took longer than Options.Timeout.
	ErrTimeout = errors.New("ocr: reading the image took too long")
	// ErrTooLarge means the image has more pixels than Options.MaxPixels.
	ErrTooLarge = errors.New("ocr: image too large to read")
)

// Word is one word tesseract read. Box is where it is in the image, in
// pixels; Start and End are its byte offsets in Result.Text, and Line is the
// index of its line (0 for the first line of text).
type Word struct {
	Text       string
	Box        image.Rectangle
	Start, End int
	Line       int
}

// Result is the text of one image. Text is the words in reading order,
// joined by single spaces within a line (none between two Japanese or
// Chinese characters) and by "\n" between lines; Words are in the same order.
type Result struct {
	Text  string
	Words []Word
}

// Options configures a Reader. Zero values take the defaults.
type Options struct {
	// Command is the tesseract program, by name on PATH or by path.
	// Default "tesseract".
	Command string
	// Languages are tesseract's language codes joined by "+".
	// Default "eng+jpn".
	Languages string
	// Timeout bounds the reading of one image, not the wait for a worker
	// (the caller's context bounds that). Default 20s.
	Timeout time.Duration
	// Workers is how many images are read at once, each on one core.
	// Default 1.
	Workers int
	// Queue is how many more images may wait for a worker before Read
	// answers ErrBusy. Default 4.
	Queue int
	// MaxPixels is the largest image, in pixels, that is read at all:
	// tesseract's memory grows with the picture. Default 40 million
	// (a 5K screen is 15 million).
	MaxPixels int
}

const (
	defaultTimeout   = 20 * time.Second
	defaultQueue     = 4
	defaultMaxPixels = 40_000_000
	// maxOutput bounds what tesseract may write: a dense 5K screenshot
	// gives well under a megabyte of TSV.
	maxOutput = 8 << 20
)

// Reader reads images with tesseract. Build it once with New; it is safe
// for concurrent use.
type Reader struct {
	command   string // resolved path
	languages string
	timeout   time.Duration
	maxPixels int
	queue     *queue
}

// New finds the command and checks that it has every language asked for.
// When either is missing it returns ErrUnavailable (wrapped with what is
// missing), and the caller skips reading images.
func New(opts Options) (*Reader, error) {
	if opts.Command == "" {
		opts.Command = "tesseract"
	}
	if opts.Languages == "" {
		opts.Languages = "eng+jpn"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.Queue < 0 {
		opts.Queue = 0
	} else if opts.Queue == 0 {
		opts.Queue = defaultQueue
	}
	if opts.MaxPixels <= 0 {
		opts.MaxPixels = defaultMaxPixels
	}
	path, err := exec.LookPath(opts.Command)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	installed, err := listLanguages(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	for _, lang := range strings.Split(opts.Languages, "+") {
		if !installed[lang] {
			return nil, fmt.Errorf("%w: language %q is not installed (Debian: tesseract-ocr-%s)", ErrUnavailable, lang, lang)
		}
	}
	return &Reader{
		command:   path,
		languages: opts.Languages,
		timeout:   opts.Timeout,
		maxPixels: opts.MaxPixels,
		queue:     newQueue(opts.Workers, opts.Queue),
	}, nil
}

// listLanguages runs `tesseract --list-langs`, which prints a heading and
// then one language code a line.
func listLanguages(path string) (map[string]bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "--list-langs")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s --list-langs: %w: %s", path, err, lastLine(stderr.String()))
	}
	langs := map[string]bool{}
	for i, line := range strings.Split(out.String(), "\n") {
		if line = strings.TrimSpace(line); i > 0 && line != "" {
			langs[line] = true
		}
	}
	return langs, nil
}

// Read returns the text in image, which may be PNG, JPEG, GIF or WebP.
// A user reads one image at a time: a second Read for the same user while
// the first is queued or running returns ErrBusy, as does a Read that finds
// the queue full. Otherwise it waits for a worker as long as ctx allows,
// then gives tesseract Options.Timeout (ErrTimeout past it). An image with
// no text gives an empty Result and no error.
func (r *Reader) Read(ctx context.Context, user int64, img []byte) (Result, error) {
	// Only what Go recognises as an image reaches tesseract, which takes
	// anything else on its standard input for a list of files to read.
	cfg, _, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return Result{}, fmt.Errorf("ocr: read image size: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Result{}, nil
	}
	if cfg.Width > r.maxPixels/cfg.Height {
		return Result{}, fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, cfg.Width, cfg.Height)
	}
	leave, err := r.queue.enter(ctx, user)
	if err != nil {
		return Result{}, err
	}
	defer leave()
	tsv, err := r.run(ctx, img)
	if err != nil {
		return Result{}, err
	}
	res, err := parseTSV(tsv)
	if err != nil {
		return Result{}, fmt.Errorf("ocr: read tesseract output: %w", err)
	}
	return res, nil
}

// run gives img to tesseract and returns its TSV.
func (r *Reader) run(ctx context.Context, img []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, r.timeout, ErrTimeout)
	defer cancel()
	// --psm 3 finds the blocks of text anywhere on the page, as a
	// screenshot has them; "tsv" is the configuration that writes one row
	// per word with its box.
	cmd := exec.CommandContext(ctx, r.command, "stdin", "stdout", "-l", r.languages, "--psm", "3", "tsv")
	// One thread per process: tesseract's OpenMP threads spin, costing
	// two to three times the processor time for the same image, and
	// Workers already says how many cores reading may take.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(img)
	out := &limitedBuffer{limit: maxOutput}
	stderr := &limitedBuffer{limit: 4 << 10, drop: true}
	cmd.Stdout, cmd.Stderr = out, stderr
	// Once killed, tesseract's pipes are not waited on for long.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if cause := context.Cause(ctx); cause != nil {
			if errors.Is(cause, ErrTimeout) {
				return nil, fmt.Errorf("%w (limit %s)", ErrTimeout, r.timeout)
			}
			return nil, fmt.Errorf("ocr: read image: %w", cause)
		}
		return nil, fmt.Errorf("ocr: run %s: %w: %s", r.command, err, lastLine(stderr.String()))
	}
	return out.Bytes(), nil
}

// limitedBuffer holds at most limit bytes. Past it, a write fails, which
// stops tesseract's output from growing without bound, or with drop set
// the rest is thrown away, for messages that matter only by their start.
type limitedBuffer struct {
	bytes.Buffer
	limit int
	drop  bool
}

var errOutputTooLong = errors.New("ocr: tesseract wrote too much")

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); len(p) > room {
		if !b.drop {
			return 0, errOutputTooLong
		}
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// lastLine is tesseract's complaint, for an error message: it writes
// notes ("Estimating resolution as 155") before the error that stopped it.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

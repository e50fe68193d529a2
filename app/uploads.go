package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"hiroba/models/ocr"
)

// newOCR starts the reader of the text in uploaded images when tesseract is
// installed and not turned off; without it, images go unread and the
// editor in the page, where the author blacks out what is private, is the
// one line of defence.
func newOCR(cfg Config, log *slog.Logger) *ocr.Reader {
	if cfg.OCR == "off" {
		return nil
	}
	r, err := ocr.New(ocr.Options{})
	if err != nil {
		log.Info("images are not read for personal data", slog.Any("reason", err))
		return nil
	}
	return r
}

// sweepUploads, every hour, deletes the images nobody attached to a post
// within a day of uploading them, and their files once no upload names
// them.
func (s *Server) sweepUploads(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := s.SweepUploads(ctx, time.Now()); err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("sweep uploads", slog.Any("error", err))
		} else if n > 0 {
			s.log.Info("swept unattached uploads", slog.Int("files", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// SweepUploads runs one round of the sweep now, and returns how many files
// it deleted from the upload store.
func (s *Server) SweepUploads(ctx context.Context, now time.Time) (int, error) {
	keys, err := s.Store.SweepUploads(ctx, now)
	if err != nil {
		return 0, err
	}
	for i, key := range keys {
		if err := s.Uploads.Delete(ctx, key); err != nil {
			return i, err
		}
	}
	return len(keys), nil
}

package app

import (
	"context"
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

// SweepUploads deletes the images nobody attached to a post within a day of
// uploading them, and their files once no upload names them; it returns
// how many files it deleted from the upload store.
func (s *Server) SweepUploads(ctx context.Context, now time.Time) (int64, error) {
	keys, err := s.Store.SweepUploads(ctx, now)
	if err != nil {
		return 0, err
	}
	for i, key := range keys {
		if err := s.Uploads.Delete(ctx, key); err != nil {
			return int64(i), err
		}
	}
	return int64(len(keys)), nil
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"hiroba/models"
	"hiroba/models/blobs"
)

// moveTargets are where `hiroba move` copies to: another database, another
// upload store, or both.
type moveTargets struct {
	db      string // --to URL
	uploads string // --uploads-to SPEC
}

// moveArgs takes `--to URL` and `--uploads-to SPEC` out of the command line
// of `hiroba move`; the flags that remain are the server's.
func moveArgs(cmd string, args []string) (to moveTargets, rest []string, err error) {
	if cmd != "move" {
		return to, args, nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "to" && name != "uploads-to") {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				if name == "to" {
					return to, nil, errors.New("--to needs a database URL")
				}
				return to, nil, errors.New("--uploads-to needs an upload store: file:DIR or s3://BUCKET/PREFIX?…")
			}
			value = args[i+1]
			i++
		}
		if name == "to" {
			to.db = value
		} else {
			to.uploads = value
		}
	}
	if to.db == "" && to.uploads == "" {
		return to, nil, errors.New("--to URL is required: the database to copy the forum into (sqlite:PATH or postgres://…); or --uploads-to SPEC to copy only the uploads")
	}
	return to, rest, nil
}

// move copies the whole forum from the configured database into another,
// then the uploads into another store; either may be left out.
func move(ctx context.Context, cfg Config, to moveTargets, out io.Writer) error {
	if to.db != "" {
		if !strings.HasPrefix(to.db, "sqlite:") && dialect(to.db) != "postgres" {
			return &commandError{code: 2, msg: "--to must be sqlite:PATH or postgres://…"}
		}
		if to.db == cfg.DatabaseURL {
			return &commandError{code: 2, msg: "--to names the forum's own database"}
		}
	}
	if to.uploads != "" {
		if err := blobs.Check(to.uploads); err != nil {
			return &commandError{code: 2, msg: "--uploads-to: " + strings.TrimPrefix(err.Error(), "blobs: ")}
		}
		if to.uploads == cfg.Uploads {
			return &commandError{code: 2, msg: "--uploads-to names the forum's own upload store"}
		}
	}
	// The database first: the uploads copied after it hold every upload
	// its posts name.
	if to.db != "" {
		if err := moveDatabase(ctx, cfg, to.db, out); err != nil {
			return err
		}
	}
	if to.uploads != "" {
		return moveUploads(ctx, cfg, to.uploads, out)
	}
	return nil
}

func moveDatabase(ctx context.Context, cfg Config, to string, out io.Writer) error {
	from, err := models.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer from.Close()
	target, err := models.Open(to)
	if err != nil {
		return err
	}
	defer target.Close()
	fmt.Fprintf(out, "moving the forum from %s to %s\n", from.Dialect(), target.Dialect())
	bar := newProgress(out)
	start := time.Now()
	rep, err := models.Move(ctx, from, target, models.MoveOptions{Progress: bar.show})
	bar.done()
	if errors.Is(err, models.ErrTargetNotEmpty) {
		return &commandError{code: 1, msg: strings.TrimPrefix(err.Error(), "models: ")}
	}
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range rep.Tables {
		rows += t.Target
	}
	fmt.Fprintf(out, "copied %d rows in %d tables in %s; every table has as many rows in the target as in the source\n",
		rows, len(rep.Tables), time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(out, "search index: %d posts indexed\n", rep.Indexed)
	for _, s := range rep.Searches {
		fmt.Fprintf(out, "search %q: the same %d threads on both\n", s.Query, len(s.Target))
	}
	return nil
}

// moveUploads copies every upload the target store lacks into it. It
// writes nothing else there and never deletes, so it can run again (after
// a stop half-way, or to catch up before switching HIROBA_UPLOADS over).
func moveUploads(ctx context.Context, cfg Config, spec string, out io.Writer) error {
	from, err := openUploads(ctx, cfg)
	if err != nil {
		return err
	}
	to, err := blobs.OpenEnv(ctx, spec, cfg.env())
	if err != nil {
		return &commandError{code: 1, msg: "--uploads-to: " + strings.TrimPrefix(err.Error(), "blobs: ")}
	}
	_, err = copyUploads(ctx, from, to, out)
	return err
}

// copyUploads copies what to lacks from from, showing progress, then checks
// that to holds every upload from holds.
func copyUploads(ctx context.Context, from, to blobs.Store, out io.Writer) (blobs.CopyReport, error) {
	fmt.Fprintf(out, "copying the uploads from %s to %s\n", from, to)
	bar := newProgress(out)
	start := time.Now()
	rep, err := blobs.Copy(ctx, from, to, bar.showUploads)
	bar.done()
	if err != nil {
		return rep, err
	}
	missing, err := missingUploads(ctx, from, to)
	if err != nil {
		return rep, err
	}
	if missing > 0 {
		return rep, fmt.Errorf("app: copy uploads: %d uploads of %s are not in %s after the copy", missing, from, to)
	}
	fmt.Fprintf(out, "uploads: copied %d files (%s) in %s, %d were there already; every upload is in the target\n",
		rep.Copied, megabytes(rep.Bytes), time.Since(start).Round(time.Millisecond), rep.Present)
	return rep, nil
}

// missingUploads counts the keys of from that to does not hold with the
// same size.
func missingUploads(ctx context.Context, from, to blobs.Store) (int64, error) {
	have := map[string]int64{}
	if err := to.Walk(ctx, func(key string, size int64) error {
		have[key] = size
		return nil
	}); err != nil {
		return 0, err
	}
	var missing int64
	err := from.Walk(ctx, func(key string, size int64) error {
		if got, ok := have[key]; !ok || got != size {
			missing++
		}
		return nil
	})
	return missing, err
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// progress shows how a move goes: a bar redrawn in place on a terminal,
// a line per table (and every few seconds) otherwise, for logs.
type progress struct {
	out      io.Writer
	terminal bool
	table    string
	last     time.Time
}

func newProgress(out io.Writer) *progress {
	p := &progress{out: out}
	if f, ok := out.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) show(m models.MoveProgress) {
	if p.terminal {
		fmt.Fprintf(p.out, "\r\033[K[%d/%d] %-20s %s", m.Tables+1, m.AllTables, m.Table, bar(m.Done, m.Total))
		return
	}
	switch {
	case m.Table != p.table:
		p.table, p.last = m.Table, time.Now()
		fmt.Fprintf(p.out, "[%d/%d] %s: %d rows\n", m.Tables+1, m.AllTables, m.Table, m.Total)
	case m.Done == m.Total || time.Since(p.last) > 5*time.Second:
		p.last = time.Now()
		if m.Done < m.Total || m.Total > 0 {
			fmt.Fprintf(p.out, "[%d/%d] %s: %d/%d\n", m.Tables+1, m.AllTables, m.Table, m.Done, m.Total)
		}
	}
}

// showUploads is show for a copy of uploads: the bar, or a line for the
// first file, every few seconds, and the last.
func (p *progress) showUploads(c blobs.CopyProgress) {
	if p.terminal {
		fmt.Fprintf(p.out, "\r\033[Kuploads %s %s", bar(c.Done, c.Total), megabytes(c.Bytes))
		return
	}
	if c.Done == 1 || c.Done == c.Total || time.Since(p.last) > 5*time.Second {
		p.last = time.Now()
		fmt.Fprintf(p.out, "uploads: %d/%d files, %s\n", c.Done, c.Total, megabytes(c.Bytes))
	}
}

// bar draws done of total.
func bar(done, total int64) string {
	const width = 30
	filled := width
	if total > 0 {
		filled = int(int64(width) * done / total)
	}
	return fmt.Sprintf("[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
}

func (p *progress) done() {
	if p.terminal {
		fmt.Fprint(p.out, "\r\033[K")
	}
}

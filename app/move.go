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
)

// moveArgs takes `--to URL` out of the command line of `hiroba move`; the
// flags that remain are the server's.
func moveArgs(cmd string, args []string) (to string, rest []string, err error) {
	if cmd != "move" {
		return "", args, nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "to" {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return "", nil, errors.New("--to needs a database URL")
			}
			value = args[i+1]
			i++
		}
		to = value
	}
	if to == "" {
		return "", nil, errors.New("--to URL is required: the database to copy the forum into (sqlite:PATH or postgres://…)")
	}
	return to, rest, nil
}

// move copies the whole forum from the configured database into another.
func move(ctx context.Context, cfg Config, to string, out io.Writer) error {
	if !strings.HasPrefix(to, "sqlite:") && dialect(to) != "postgres" {
		return &commandError{code: 2, msg: "--to must be sqlite:PATH or postgres://…"}
	}
	if to == cfg.DatabaseURL {
		return &commandError{code: 2, msg: "--to names the forum's own database"}
	}
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
		const width = 30
		filled := width
		if m.Total > 0 {
			filled = int(int64(width) * m.Done / m.Total)
		}
		fmt.Fprintf(p.out, "\r\033[K[%d/%d] %-20s [%s%s] %d/%d", m.Tables+1, m.AllTables, m.Table,
			strings.Repeat("#", filled), strings.Repeat(".", width-filled), m.Done, m.Total)
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

func (p *progress) done() {
	if p.terminal {
		fmt.Fprint(p.out, "\r\033[K")
	}
}

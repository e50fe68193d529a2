package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"hiroba/models"
)

// Main runs a command line and returns the process exit code.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	seedArgs, args := seedFlags(cmd, args)
	adminWords, args := adminArgs(cmd, args)
	cfg, err := LoadConfig(getenv, args)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	log := NewLogger(stderr, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, stdout)
	case "admin":
		err = admin(ctx, cfg, adminWords, stdout)
	case "seed":
		err = seedForum(ctx, cfg, seedArgs, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: hiroba [serve|migrate|seed|admin] [-addr ADDR] [-database URL] [-base-url URL]\n       hiroba seed [--threads N] [--replies M] [--seed S] [-database URL]\n       hiroba admin grant USERNAME member|moderator|admin [-database URL]")
	default:
		fmt.Fprintf(stderr, "unknown command %q (want serve, migrate, seed or admin)\n", cmd)
		return 2
	}
	if err != nil {
		log.Error(cmd+" failed", slog.Any("error", err))
		return 1
	}
	return 0
}

func serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	srv, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Close()
	return srv.Run(ctx)
}

func migrate(ctx context.Context, cfg Config, out io.Writer) error {
	store, err := models.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	applied, err := store.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: applied %d migration(s) %v\n", store.Dialect(), len(applied), applied)
	return nil
}

// NewLogger writes structured logs as text lines.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

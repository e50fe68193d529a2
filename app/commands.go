package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"hiroba/models"
)

// command is one thing `hiroba` does.
type command struct {
	name    string
	args    string              // what follows the name on its usage line
	summary string              // one line, for `hiroba -h`
	flags   []string            // the server's flags it reads
	own     func(*flag.FlagSet) // defines its own flags, for its help
}

// commands are what `hiroba -h` lists, in this order.
var commands = []command{
	{name: "serve", args: "[flags]", summary: "run the forum (what hiroba does without a command)", flags: []string{"addr", "base-url", "database", "uploads"}},
	{name: "migrate", args: "[flags]", summary: "bring the database schema up to date, then exit", flags: []string{"database"}},
	{name: "seed", args: "[flags]", summary: "fill the database with a generated forum in English and Japanese, to try or measure it",
		flags: []string{"database"}, own: func(fs *flag.FlagSet) { new(seedOptions).define(fs) }},
	{name: "admin", args: "grant USERNAME member|moderator|admin [flags]", summary: "give a user a role (they must have signed in once), recorded in the audit log",
		flags: []string{"database"}},
	{name: "backup", args: "FILE [flags]", summary: "copy the SQLite database to a new FILE and the uploads into the folder FILE.uploads while the forum serves (for PostgreSQL: shows the pg_dump command)",
		flags: []string{"database", "uploads"}},
	{name: "move", args: "--to URL [--uploads-to SPEC] [flags]", summary: "copy the whole forum into another, empty database (SQLite or PostgreSQL), and its uploads into another store, then check the copy",
		flags: []string{"database", "uploads"}, own: func(fs *flag.FlagSet) {
			fs.String("to", "", "the database to copy into: sqlite:PATH or postgres://… (must be empty; leave out to copy only the uploads)")
			fs.String("uploads-to", "", "the upload store to copy the uploads into, adding what it lacks: file:DIR or s3://BUCKET/PREFIX?… (leave out to copy only the database)")
		}},
	{name: "help", args: "[COMMAND]", summary: "show this list, or what a command takes"},
}

func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// commandError is a failure a command explains in plain words instead of a
// log line: a mistake in the command line (code 2), or a state the person
// running it can put right (code 1).
type commandError struct {
	msg  string
	code int
}

func (e *commandError) Error() string { return e.msg }

// Main runs a command line and returns the process exit code.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd, named := "serve", false
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args, named = args[0], args[1:], true
	}
	if cmd == "help" {
		return help(args, stdout, stderr)
	}
	c, known := findCommand(cmd)
	if !known {
		fmt.Fprintf(stderr, "hiroba: unknown command %q\n\n", cmd)
		printUsage(stderr)
		return 2
	}
	if asksHelp(args) {
		if named {
			printCommand(stdout, c)
		} else {
			printUsage(stdout)
		}
		return 0
	}
	seedArgs, args := seedFlags(cmd, args)
	adminWords, args := adminArgs(cmd, args)
	moveTo, args, moveErr := moveArgs(cmd, args)
	if moveErr != nil {
		fmt.Fprintf(stderr, "hiroba %s: %v\nRun 'hiroba %s -h' for what it takes.\n", cmd, moveErr, cmd)
		return 2
	}
	cfg, err := LoadConfig(getenv, args)
	if err != nil {
		fmt.Fprintf(stderr, "hiroba %s: %v\nRun 'hiroba %s -h' for what it takes.\n", cmd, err, cmd)
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
	case "backup":
		err = backup(ctx, cfg, adminWords, stdout)
	case "move":
		err = move(ctx, cfg, moveTo, stdout)
	case "seed":
		err = seedForum(ctx, cfg, seedArgs, stderr)
	}
	var plain *commandError
	switch {
	case errors.As(err, &plain):
		fmt.Fprintf(stderr, "hiroba %s: %s\n", cmd, plain.msg)
		return plain.code
	case err != nil:
		log.Error(cmd+" failed", slog.Any("error", err))
		return 1
	}
	return 0
}

// asksHelp reports whether a command line asks for help rather than work.
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--h", "-help", "--help":
			return true
		}
	}
	return false
}

// help answers `hiroba help [COMMAND]`.
func help(args []string, stdout, stderr io.Writer) int {
	if asksHelp(args) {
		args = []string{"help"}
	}
	if len(args) == 0 {
		printUsage(stdout)
		return 0
	}
	c, ok := findCommand(args[0])
	if !ok {
		fmt.Fprintf(stderr, "hiroba help: unknown command %q\n\n", args[0])
		printUsage(stderr)
		return 2
	}
	printCommand(stdout, c)
	return 0
}

// printUsage lists every command with one line each.
func printUsage(w io.Writer) {
	fmt.Fprint(w, "hiroba serves a community support forum.\n\nUsage:\n  hiroba [COMMAND] [flags]\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nRun 'hiroba COMMAND -h' for a command's flags. Every server flag also has an\n"+
		"environment variable (HIROBA_ADDR, HIROBA_DATABASE_URL, …); README.md lists them all.\n")
}

// printCommand shows what one command does and every flag it reads.
func printCommand(w io.Writer, c command) {
	fmt.Fprintf(w, "Usage:\n  hiroba %s %s\n\n%s.\n", c.name, c.args, strings.ToUpper(c.summary[:1])+c.summary[1:])
	fs := flag.NewFlagSet("hiroba "+c.name, flag.ContinueOnError)
	fs.SetOutput(w)
	if c.own != nil {
		c.own(fs)
	}
	server := flag.NewFlagSet("", flag.ContinueOnError)
	serverFlags(server, &Config{Addr: defaultAddr})
	for _, name := range c.flags {
		f := server.Lookup(name)
		fs.Var(f.Value, f.Name, f.Usage)
	}
	if len(c.flags) > 0 || c.own != nil {
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
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

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/blobs"
)

// backup writes a consistent copy of the SQLite database to a new file
// while the forum serves, then copies the uploads into the folder
// FILE.uploads beside it; for PostgreSQL it says how pg_dump does it, and
// how to copy the uploads after.
func backup(ctx context.Context, cfg Config, words []string, out io.Writer) error {
	if len(words) != 1 || words[0] == "" {
		return &commandError{code: 2, msg: "usage: hiroba backup FILE [flags]"}
	}
	file := words[0]
	uploadsDir := file + ".uploads"
	if dialect(cfg.DatabaseURL) == migrations.Postgres {
		cmd, notes := pgDumpCommand(cfg.DatabaseURL, file)
		fmt.Fprintf(out, "PostgreSQL is backed up with its own tool, pg_dump, which reads one consistent snapshot while the forum serves:\n\n  %s\n\n", cmd)
		for _, n := range notes {
			fmt.Fprintf(out, "%s\n", n)
		}
		// After the dump, so the copy holds every upload the dump's posts name.
		fmt.Fprintf(out, "Then copy the uploads, which the dump does not hold, into a folder beside it:\n\n  hiroba move --uploads-to %s -uploads %s\n\n",
			shellQuote("file:"+uploadsDir), shellQuote(cfg.Uploads))
		if strings.HasPrefix(cfg.Uploads, "s3://") {
			fmt.Fprintf(out, "(An S3 bucket may instead be kept by its own versioning or replication.)\n")
		}
		fmt.Fprintf(out, "Restore into an empty database with: pg_restore --no-owner --dbname=URL %s\n", shellQuote(file))
		return &commandError{code: 1, msg: "no backup written: run pg_dump as shown above, then copy the uploads"}
	}
	// The schema is left as it is: a backup changes nothing.
	store, err := models.Open(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	err = store.BackupTo(ctx, file)
	if errors.Is(err, models.ErrExists) {
		return &commandError{code: 1, msg: fmt.Sprintf("%s already exists: a backup never replaces a file; choose a new name", file)}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "backed up the SQLite database to %s\n", file)
	// The uploads after the database: the copy then holds every upload the
	// copied posts name (and perhaps a few newer ones, which do no harm).
	if err := backupUploads(ctx, cfg, uploadsDir, out); err != nil {
		return &commandError{code: 1, msg: fmt.Sprintf("the database is backed up, but copying the uploads stopped: %v\nFinish it with: hiroba move --uploads-to %s -uploads %s",
			err, shellQuote("file:"+uploadsDir), shellQuote(cfg.Uploads))}
	}
	return nil
}

// backupUploads copies every upload into dir, a folder that is itself a
// file store: restore by pointing HIROBA_UPLOADS at it (or a copy of it),
// or by moving it into another store with hiroba move --uploads-to.
func backupUploads(ctx context.Context, cfg Config, dir string, out io.Writer) error {
	from, err := openUploads(ctx, cfg)
	if err != nil {
		return err
	}
	// Made even when there is nothing to copy, so every backup has one.
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	_, err = copyUploads(ctx, from, blobs.NewFile(dir), out)
	return err
}

// dialect names the database a URL opens without opening it.
func dialect(rawURL string) string {
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return migrations.Postgres
	}
	return migrations.SQLite
}

// libpqParams are the URL parameters pg_dump (libpq) understands; the
// driver the forum uses accepts others, which libpq refuses.
var libpqParams = map[string]bool{
	"sslmode": true, "sslcert": true, "sslkey": true, "sslrootcert": true, "sslcrl": true, "sslpassword": true,
	"connect_timeout": true, "application_name": true, "target_session_attrs": true, "options": true,
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "service": true,
	"channel_binding": true, "gssencmode": true, "krbsrvname": true, "passfile": true, "requirepeer": true,
}

// pgDumpCommand is the pg_dump command line for the forum's database,
// without its password, and what the reader must know about it.
func pgDumpCommand(rawURL, file string) (string, []string) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "pg_dump --format=custom --file=" + shellQuote(file) + " --dbname=URL", []string{"HIROBA_DATABASE_URL does not parse as a URL: put the database's URL in place of URL."}
	}
	var notes []string
	args := []string{"pg_dump", "--format=custom", "--no-owner", "--file=" + shellQuote(file)}
	if _, has := u.User.Password(); has {
		u.User = url.User(u.User.Username())
		notes = append(notes, "The password is left out: pg_dump reads it from PGPASSWORD or ~/.pgpass.")
	}
	q := u.Query()
	for key := range q {
		switch {
		case key == "search_path":
			// The forum lives in a schema of its own.
			for _, schema := range strings.Split(q.Get(key), ",") {
				if schema = strings.TrimSpace(schema); schema != "" && schema != "public" {
					args = append(args, "--schema="+shellQuote(schema))
				}
			}
			q.Del(key)
		case !libpqParams[key]:
			notes = append(notes, fmt.Sprintf("The URL's %s parameter is the forum driver's, not pg_dump's: it is left out.", key))
			q.Del(key)
		}
	}
	u.RawQuery = q.Encode()
	args = append(args, "--dbname="+shellQuote(u.String()))
	return strings.Join(args, " "), notes
}

// shellQuote quotes a word for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

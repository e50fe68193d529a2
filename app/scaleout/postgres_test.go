package scaleout

// A PostgreSQL primary and its streaming replica of the harness's own, in
// temporary directories on free ports: the machine's server on 5432, which
// other tests share, is never stopped or paused.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgTools runs the server programs: as the postgres user when the tests
// run as root, since initdb and postgres refuse root.
type pgTools struct {
	bin      string   // the directory of initdb, pg_ctl, pg_basebackup
	as       []string // runuser -u postgres --, or nothing
	uid, gid int      // who owns the data directories; -1: the tests' user
}

// findPostgres looks for the server programs on PATH, then where Debian
// installs them (the newest version).
func findPostgres() (pgTools, error) {
	tools := pgTools{uid: -1, gid: -1}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		// A link on PATH (as some images make) to where the other
		// programs are.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		tools.bin = filepath.Dir(p)
	} else {
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
				tools.bin = d
				break
			}
		}
	}
	if tools.bin == "" {
		return tools, errors.New("no pg_ctl on PATH or under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)")
	}
	for _, prog := range []string{"initdb", "pg_ctl", "pg_basebackup"} {
		if _, err := os.Stat(filepath.Join(tools.bin, prog)); err != nil {
			return tools, fmt.Errorf("%s: %w", prog, err)
		}
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return tools, fmt.Errorf("running as root, and no postgres user to run the servers as: %w", err)
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return tools, fmt.Errorf("running as root, and no runuser to run the servers as postgres: %w", err)
		}
		tools.uid, _ = strconv.Atoi(u.Uid)
		tools.gid, _ = strconv.Atoi(u.Gid)
		tools.as = []string{runuser, "-u", "postgres", "--"}
	}
	return tools, nil
}

func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// command is one of the server programs, run in dir.
func (p pgTools) command(dir, prog string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, p.as...), filepath.Join(p.bin, prog)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = environWithout("PG")
	return cmd
}

func (p pgTools) run(dir, prog string, args ...string) error {
	out, err := p.command(dir, prog, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", prog, strings.Join(args, " "), err, out)
	}
	return nil
}

// workDir makes a temporary directory the servers' user owns.
func (p pgTools) workDir() (string, error) {
	dir, err := os.MkdirTemp("", "hiroba-scaleout-")
	if err != nil {
		return "", err
	}
	if p.uid >= 0 {
		if err := os.Chown(dir, p.uid, p.gid); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

// pgServer is one server's data directory and port.
type pgServer struct {
	tools   pgTools
	name    string // primary, replica
	work    string // the directory holding the data directory, sockets and log
	dir     string
	port    int
	logPath string
}

func (s *pgServer) url(db string) string {
	return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", loopback(s.port), db)
}

// initPrimary makes a new cluster that streams to replicas from loopback.
// fsync is off: the harness kills Hiroba, never PostgreSQL, and the disk is
// shared with everything else running here.
func initPrimary(tools pgTools, work string, port int) (*pgServer, error) {
	s := &pgServer{tools: tools, name: "primary", work: work, dir: filepath.Join(work, "primary"), port: port,
		logPath: filepath.Join(work, "primary.log")}
	if err := tools.run(work, "initdb", "-D", s.dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`
listen_addresses = '127.0.0.1'
port = %d
unix_socket_directories = '%s'
wal_level = replica
max_wal_senders = 10
wal_keep_size = '256MB'
hot_standby = on
max_connections = 200
shared_buffers = '32MB'
fsync = off
`, port, work)
	if err := appendFile(filepath.Join(s.dir, "postgresql.conf"), conf); err != nil {
		return nil, err
	}
	hba := "local all all trust\nhost all all 127.0.0.1/32 trust\nlocal replication all trust\nhost replication all 127.0.0.1/32 trust\n"
	if err := os.WriteFile(filepath.Join(s.dir, "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return nil, err
	}
	return s, nil
}

// cloneReplica copies the primary with pg_basebackup -R, which leaves the
// copy set to stream from it, and gives it a port of its own.
func cloneReplica(primary *pgServer, port int) (*pgServer, error) {
	s := &pgServer{tools: primary.tools, name: "replica", work: primary.work, dir: filepath.Join(primary.work, "replica"), port: port,
		logPath: filepath.Join(primary.work, "replica.log")}
	if err := s.tools.run(s.work, "pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(primary.port), "-U", "postgres",
		"-D", s.dir, "-R", "-X", "stream", "-c", "fast", "--no-sync"); err != nil {
		return nil, err
	}
	if err := appendFile(filepath.Join(s.dir, "postgresql.conf"), fmt.Sprintf("\nport = %d\n", port)); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *pgServer) start() error {
	return s.tools.run(s.work, "pg_ctl", "-D", s.dir, "-l", s.logPath, "-w", "-t", "60", "start")
}

// stop stops the server: mode fast ends sessions and shuts down cleanly,
// immediate just ends it.
func (s *pgServer) stop(mode string) error {
	return s.tools.run(s.work, "pg_ctl", "-D", s.dir, "-m", mode, "-w", "-t", "60", "stop")
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pgExec runs one statement on a new connection.
func pgExec(ctx context.Context, url, sql string, args ...any) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql, args...)
	return err
}

// pgQueryRow scans one row of a query on a new connection.
func pgQueryRow(ctx context.Context, url, sql string, args []any, dest ...any) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return conn.QueryRow(ctx, sql, args...).Scan(dest...)
}

// postSources reads the text of the posts with these ids that the
// database holds.
func postSources(ctx context.Context, url string, ids []int64) (map[int64]string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, "SELECT id, source FROM posts WHERE id = ANY($1)", ids)
	if err != nil {
		return nil, err
	}
	got := map[int64]string{}
	for rows.Next() {
		var id int64
		var src string
		if err := rows.Scan(&id, &src); err != nil {
			return nil, err
		}
		got[id] = src
	}
	return got, rows.Err()
}

// pgCtx bounds one query of the harness.
func pgCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 5*time.Second)
}

package servicetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Replication is a PostgreSQL primary and a streaming replica of its own,
// made for one test: servers the test may pause, stop and start without
// touching the machine's PostgreSQL.
type Replication struct {
	PrimaryURL  string // database hiroba on the primary
	ReplicaURL  string // the same database, on the replica
	ReplicaAddr string // the replica's host:port
	// The servers' logs, to show when a test fails.
	PrimaryLog, ReplicaLog string

	bin     string
	dir     string
	replica string // the replica's data folder
	asUser  string // run the server programs as this user ("" = ourselves)
	t       testing.TB
}

// PostgresBin returns the folder of PostgreSQL's server programs (initdb,
// pg_ctl, pg_basebackup), newest version first, or why there is none.
func PostgresBin() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(found, func(i, j int) bool { return versionOf(found[i]) > versionOf(found[j]) })
	if len(found) == 0 {
		return "", errors.New("no PostgreSQL server programs (initdb, pg_basebackup) installed")
	}
	return filepath.Dir(found[0]), nil
}

func versionOf(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// StartReplication initialises a primary in a temporary folder, starts it on
// a free loopback port, creates database hiroba, clones it with
// pg_basebackup -R into a replica streaming from it on another port, and
// waits until the replica has the database. Both stop when the test ends.
// It returns an error (for the caller to skip or fail on) when the server
// programs are missing. When the test has failed, the servers' logs are
// shown before they are removed.
func StartReplication(t testing.TB) (*Replication, error) {
	t.Helper()
	return StartReplicationUnder(t, t.Cleanup)
}

// StartReplicationUnder is StartReplication whose servers are stopped and
// removed by the cleanups it registers with cleanup, for a harness that
// stops things in an order of its own.
func StartReplicationUnder(t testing.TB, cleanup func(func())) (*Replication, error) {
	t.Helper()
	bin, err := PostgresBin()
	if err != nil {
		return nil, err
	}
	r := &Replication{bin: bin, t: t}
	// initdb and postgres refuse to run as root.
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, errors.New("running as root and there is no postgres user to run the servers as")
		}
		r.asUser = "postgres"
	}
	r.dir, err = os.MkdirTemp("", "hiroba-replication-")
	if err != nil {
		return nil, err
	}
	cleanup(func() {
		if t.Failed() {
			r.showLogs()
		}
		_ = os.RemoveAll(r.dir)
	})
	// The servers write their logs and sockets here.
	if err := r.chown(r.dir); err != nil {
		return nil, err
	}
	primaryPort, replicaPort := FreePort(t), FreePort(t)
	primary := filepath.Join(r.dir, "primary")
	r.replica = filepath.Join(r.dir, "replica")
	r.PrimaryLog, r.ReplicaLog = primary+".log", r.replica+".log"
	if err := r.mkdir(primary); err != nil {
		return nil, err
	}
	if err := r.mkdir(r.replica); err != nil {
		return nil, err
	}
	// initdb's own pg_hba.conf trusts loopback, replication included.
	if out, err := r.run("initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// fsync off: tests stop the servers, never the machine. WAL is kept
	// for a replica stopped a while; connections for several instances.
	conf := fmt.Sprintf("port = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n"+
		"wal_level = replica\nmax_wal_senders = 5\nwal_keep_size = '256MB'\nmax_connections = 200\nshared_buffers = '32MB'\n"+
		"fsync = off\nfull_page_writes = off\n", primaryPort, r.dir)
	if err := r.appendConf(primary, conf); err != nil {
		return nil, err
	}
	if err := r.start(primary); err != nil {
		return nil, err
	}
	cleanup(func() { _, _ = r.run("pg_ctl", "-D", primary, "-m", "immediate", "-w", "stop") })
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", primaryPort)
	if err := exec1(admin, "CREATE DATABASE hiroba"); err != nil {
		return nil, err
	}
	if out, err := r.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(primaryPort), "-U", "postgres",
		"-D", r.replica, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"); err != nil {
		return nil, fmt.Errorf("pg_basebackup: %w\n%s", err, out)
	}
	if err := r.appendConf(r.replica, fmt.Sprintf("port = %d\n", replicaPort)); err != nil {
		return nil, err
	}
	if err := r.StartReplica(); err != nil {
		return nil, err
	}
	cleanup(func() { _, _ = r.run("pg_ctl", "-D", r.replica, "-m", "immediate", "-w", "stop") })
	r.PrimaryURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/hiroba?sslmode=disable", primaryPort)
	r.ReplicaAddr = fmt.Sprintf("127.0.0.1:%d", replicaPort)
	r.ReplicaURL = "postgres://postgres@" + r.ReplicaAddr + "/hiroba?sslmode=disable"
	// Streaming, and with the database: ready for what the test writes.
	deadline := time.Now().Add(30 * time.Second)
	for status, _ := query1(r.ReplicaURL, "SELECT status FROM pg_stat_wal_receiver"); status != "streaming"; status, _ = query1(r.ReplicaURL, "SELECT status FROM pg_stat_wal_receiver") {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(r.ReplicaLog)
			return nil, fmt.Errorf("the replica does not stream from the primary after 30s:\n%s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return r, nil
}

// showLogs prints the end of each server's log.
func (r *Replication) showLogs() {
	for _, path := range []string{r.PrimaryLog, r.ReplicaLog} {
		b, _ := os.ReadFile(path)
		if len(b) > 8<<10 {
			b = b[len(b)-8<<10:]
		}
		r.t.Logf("--- %s:\n%s", path, b)
	}
}

// PauseReplay stops the replica applying what it receives
// (pg_wal_replay_pause), so it falls behind while it still answers.
func (r *Replication) PauseReplay() error {
	return exec1(r.ReplicaURL, "SELECT pg_wal_replay_pause()")
}

// ResumeReplay lets the replica catch up again.
func (r *Replication) ResumeReplay() error {
	return exec1(r.ReplicaURL, "SELECT pg_wal_replay_resume()")
}

// StopReplica shuts the replica down (mode fast: its sessions are ended).
func (r *Replication) StopReplica() error {
	if out, err := r.run("pg_ctl", "-D", r.replica, "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		return fmt.Errorf("stop the replica: %w\n%s", err, out)
	}
	return nil
}

// StartReplica starts the replica again and waits until it answers.
func (r *Replication) StartReplica() error { return r.start(r.replica) }

func (r *Replication) start(data string) error {
	if out, err := r.run("pg_ctl", "-D", data, "-l", data+".log", "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(data + ".log")
		return fmt.Errorf("pg_ctl start %s: %w\n%s\n%s", filepath.Base(data), err, out, log)
	}
	return nil
}

// run runs one of the server programs, as the postgres user when we are
// root.
func (r *Replication) run(name string, args ...string) ([]byte, error) {
	path := filepath.Join(r.bin, name)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var cmd *exec.Cmd
	if r.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", r.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = r.dir
	return cmd.CombinedOutput()
}

func (r *Replication) mkdir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	return r.chown(dir)
}

func (r *Replication) appendConf(data, conf string) error {
	f, err := os.OpenFile(filepath.Join(data, "postgresql.auto.conf"), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(conf); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (r *Replication) chown(path string) error {
	if r.asUser == "" {
		return nil
	}
	u, err := user.Lookup(r.asUser)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// exec1 runs one statement on a fresh connection.
func exec1(url, stmt string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// query1 reads one text value on a fresh connection.
func query1(url, query string) (string, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var v string
	err = db.QueryRowContext(ctx, query).Scan(&v)
	return v, err
}

// RequireReplication starts a primary and a replica for t, recording on s
// (the package's PostgreSQL line) that it ran, or why it could not.
func RequireReplication(t testing.TB, s *Service) *Replication {
	t.Helper()
	r, err := StartReplication(t)
	if err != nil {
		s.Unavailable(t, "a PostgreSQL primary and replica: "+err.Error())
	}
	s.Ran()
	return r
}

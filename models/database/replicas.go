package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Reads from PostgreSQL streaming replicas.
//
// The forum's pages read far more than they write, so an operator can add
// replicas and let page reads go to them. What may read from a replica is
// decided by the context, never guessed from the statement alone: a
// context from ReadFromReplica (the app gives one to GET requests) lets the
// plain SELECTs it runs outside transactions go to a replica; everything
// else — every write, every transaction, every read of a POST, every
// background job — stays on the primary, where what it reads is what its
// writes will see. A request that writes reads the primary from then on.
//
// Each request keeps to the replica it first read from, so one page never
// mixes two replicas' moments. A replica is in rotation only while it
// answers, is still a replica, and is at most MaxLag behind; it is checked
// every Every, and a read that finds it gone takes it out at once and is
// asked of the primary instead. With no replica in rotation everything
// reads from the primary.

// ReplicaConfig says which replicas to read from and how stale they may be.
type ReplicaConfig struct {
	URLs []string
	// MaxLag is the furthest a replica may be behind the primary and stay
	// in rotation (default 5 s).
	MaxLag time.Duration
	// Every is how often each replica's lag is measured (default 1 s).
	Every time.Duration
	Log   *slog.Logger
}

// Default replica settings.
const (
	DefaultReplicaMaxLag = 5 * time.Second
	DefaultReplicaCheck  = time.Second
)

// Replicas routes a database's reads; it is the GORM connection pool of a
// database with replicas (UseReplicas).
type Replicas struct {
	primary  *sql.DB
	replicas []*replica
	maxLag   time.Duration
	every    time.Duration
	log      *slog.Logger
	next     atomic.Uint64
	// primaryReads counts the reads the primary served.
	primaryReads atomic.Int64
	stop         context.CancelFunc
	stopped      sync.WaitGroup
}

type replica struct {
	name string // host:port, never the URL: it may hold a password
	db   *sql.DB
	// healthy is whether the replica is in rotation; lag is its last
	// measured lag in nanoseconds (-1 before the first measurement).
	healthy atomic.Bool
	lag     atomic.Int64
	reads   atomic.Int64
	// caughtUp is when it was last seen to have replayed everything the
	// primary had written; the lag when the primary cannot be asked.
	caughtUp atomic.Int64
}

// ReplicaStats is one replica's figures, for /metrics.
type ReplicaStats struct {
	Name    string
	Healthy bool
	Lag     time.Duration // -1: not measured yet
	Reads   int64
}

// UseReplicas makes db, a PostgreSQL database Open returned, send the reads
// that contexts allow to the replicas named in cfg. It returns at once:
// the replicas join the rotation when their first check says they may.
func UseReplicas(db *gorm.DB, cfg ReplicaConfig) (*Replicas, error) {
	if _, ok := db.Dialector.(postgresDialector); !ok {
		return nil, errors.New("database: read replicas need PostgreSQL")
	}
	primary, ok := db.ConnPool.(*sql.DB)
	if !ok {
		return nil, errors.New("database: replicas already in use")
	}
	if cfg.MaxLag <= 0 {
		cfg.MaxLag = DefaultReplicaMaxLag
	}
	if cfg.Every <= 0 {
		cfg.Every = DefaultReplicaCheck
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	r := &Replicas{primary: primary, maxLag: cfg.MaxLag, every: cfg.Every, log: cfg.Log}
	for _, raw := range cfg.URLs {
		rep, err := openReplica(raw)
		if err != nil {
			r.closeReplicas()
			return nil, err
		}
		r.replicas = append(r.replicas, rep)
	}
	ctx, stop := context.WithCancel(context.Background())
	r.stop = stop
	for _, rep := range r.replicas {
		r.stopped.Add(1)
		go r.watch(ctx, rep)
	}
	db.ConnPool = r
	db.Statement.ConnPool = r
	return r, nil
}

func openReplica(raw string) (*replica, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("database: replica URL %q: want postgres://…", RedactURL(raw))
	}
	// The same driver, through GORM's dialector, as the primary: its
	// connections speak the same protocol settings.
	gdb, err := gorm.Open(postgresDialector{&postgres.Dialector{Config: &postgres.Config{DSN: withConnectTimeout(raw)}}},
		&gorm.Config{SkipDefaultTransaction: true})
	if err != nil {
		return nil, fmt.Errorf("database: open replica %s: %w", u.Host, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(postgresPool)
	sqlDB.SetMaxIdleConns(postgresPool)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	rep := &replica{name: u.Host, db: sqlDB}
	rep.lag.Store(-1)
	return rep, nil
}

// RedactURL drops a URL's password, for messages.
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable)"
}

// Close stops the checks and closes the replicas' connections and the
// primary's.
func (r *Replicas) Close() error {
	r.stop()
	r.stopped.Wait()
	r.closeReplicas()
	return r.primary.Close()
}

func (r *Replicas) closeReplicas() {
	for _, rep := range r.replicas {
		_ = rep.db.Close()
	}
}

// Stats returns each replica's figures and the primary's read count.
func (r *Replicas) Stats() (primaryReads int64, replicas []ReplicaStats) {
	for _, rep := range r.replicas {
		replicas = append(replicas, ReplicaStats{Name: rep.name, Healthy: rep.healthy.Load(), Lag: time.Duration(rep.lag.Load()), Reads: rep.reads.Load()})
	}
	return r.primaryReads.Load(), replicas
}

// Staleness bounds how far behind the primary a read from a replica in
// rotation may be: its allowed lag, plus the time until the next check
// would notice more.
func (r *Replicas) Staleness() time.Duration { return r.maxLag + 2*r.every }

// gorm.ConnPool, gorm.TxBeginner and gorm.GetDBConnector: everything but
// the reads a context allows goes to the primary.

func (r *Replicas) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	routeWrote(ctx)
	return r.primary.PrepareContext(ctx, query)
}

func (r *Replicas) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	routeWrote(ctx)
	return r.primary.ExecContext(ctx, query, args...)
}

func (r *Replicas) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	routeWrote(ctx)
	return r.primary.BeginTx(ctx, opts)
}

func (r *Replicas) GetDBConn() (*sql.DB, error) { return r.primary, nil }

// QueryContext serves a read from the request's replica when it may, and
// from the primary when the replica turns out to be gone.
func (r *Replicas) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !isPlainRead(query) {
		// INSERT … RETURNING and the like: a write that answers rows.
		routeWrote(ctx)
		return r.primary.QueryContext(ctx, query, args...)
	}
	if rep := r.replicaFor(ctx); rep != nil {
		rows, err := rep.db.QueryContext(ctx, query, args...)
		if err == nil {
			rep.reads.Add(1)
			return rows, nil
		}
		if ctx.Err() != nil || !unreachable(err) {
			return nil, err
		}
		r.out(rep, "unreachable", err)
		// Nothing was read yet: the primary answers instead, and the rest
		// of the request reads there too.
		routePrimary(ctx, false)
	}
	r.primaryReads.Add(1)
	return r.primary.QueryContext(ctx, query, args...)
}

// QueryRowContext is not used for pages (GORM reads through QueryContext);
// whatever calls it gets the primary, whose errors it can see.
func (r *Replicas) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	r.primaryReads.Add(1)
	return r.primary.QueryRowContext(ctx, query, args...)
}

// replicaFor returns the replica the context's reads go to, nil for the
// primary.
func (r *Replicas) replicaFor(ctx context.Context) *replica {
	rt, _ := ctx.Value(routeKey{}).(*route)
	if rt == nil || len(r.replicas) == 0 {
		return nil
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.primary {
		return nil
	}
	if rt.replica != nil && rt.replica.healthy.Load() {
		return rt.replica
	}
	n := uint64(len(r.replicas))
	start := r.next.Add(1)
	for i := range n {
		if rep := r.replicas[(start+i)%n]; rep.healthy.Load() {
			rt.replica = rep
			return rep
		}
	}
	return nil
}

// isPlainRead reports whether a statement only reads: a SELECT (or a WITH
// ending in one) that locks nothing and changes nothing. Anything else is
// the primary's, whatever the context says.
func isPlainRead(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	if !hasPrefixFold(q, "SELECT") && !hasPrefixFold(q, "WITH") {
		return false
	}
	for _, w := range writeWords {
		if containsFold(q, w) {
			return false
		}
	}
	return true
}

// writeWords mark a statement that changes or locks something, or calls
// what only the primary can do.
var writeWords = []string{"INSERT ", "UPDATE ", "DELETE ", "FOR SHARE", "FOR KEY SHARE", "NEXTVAL(", "SETVAL(", "PG_ADVISORY", "SET_CONFIG("}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// containsFold is strings.Contains ignoring ASCII case, without
// allocating an upper-cased copy of every statement.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// watch measures one replica until Close.
func (r *Replicas) watch(ctx context.Context, rep *replica) {
	defer r.stopped.Done()
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		r.check(ctx, rep)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// check measures how far rep is behind the primary and puts it in or out
// of rotation. Caught up means it has replayed at least what the primary
// had written just before; otherwise the lag is the age of the last
// transaction it replayed (pg_last_xact_replay_timestamp) — an
// overestimate after a quiet spell, which only costs reads on the primary
// for a moment. With the primary unreachable, caught up means it replayed
// all it received, which is the best the replica can know.
func (r *Replicas) check(ctx context.Context, rep *replica) {
	ctx, cancel := context.WithTimeout(ctx, max(r.every, time.Second))
	defer cancel()
	var primaryLSN sql.NullString
	_ = r.primary.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&primaryLSN)
	var (
		inRecovery bool
		caughtUp   bool
		replayAge  sql.NullFloat64
	)
	err := rep.db.QueryRowContext(ctx, `SELECT pg_is_in_recovery(),
		COALESCE(CASE WHEN $1::text IS NULL THEN pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()
			ELSE pg_last_wal_replay_lsn() >= $1::pg_lsn END, false),
		EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8`, primaryLSN).
		Scan(&inRecovery, &caughtUp, &replayAge)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return // closing
	}
	now := time.Now()
	switch {
	case err != nil:
		r.out(rep, "unreachable", err)
		return
	case !inRecovery:
		// Promoted, or never a replica: its data may part from the
		// primary's, so it serves nothing until an operator says so.
		r.out(rep, "not a replica", nil)
		return
	}
	if !caughtUp && rep.caughtUp.Load() == 0 {
		// Not once caught up since this process started: it may lack the
		// tables the migrations just made, however recent its last replay.
		r.out(rep, "catching up", nil)
		return
	}
	var lag time.Duration
	switch {
	case caughtUp:
		rep.caughtUp.Store(now.UnixNano())
	case replayAge.Valid:
		lag = time.Duration(replayAge.Float64 * float64(time.Second))
	default:
		lag = now.Sub(time.Unix(0, rep.caughtUp.Load()))
	}
	rep.lag.Store(int64(max(lag, 0)))
	if lag > r.maxLag {
		r.out(rep, "lagging", fmt.Errorf("%s behind the primary", lag.Round(time.Millisecond)))
		return
	}
	if !rep.healthy.Swap(true) {
		r.log.Info("database replica in rotation", slog.String("replica", rep.name), slog.Duration("lag", lag))
	}
}

// out takes rep out of rotation, logging the first time.
func (r *Replicas) out(rep *replica, why string, err error) {
	if rep.healthy.Swap(false) {
		attrs := []any{slog.String("replica", rep.name), slog.String("reason", why)}
		if err != nil {
			attrs = append(attrs, slog.Any("error", err))
		}
		r.log.Warn("database replica out of rotation: reads go to the primary", attrs...)
	}
}

// A route is one request's choice of where to read.
type route struct {
	mu      sync.Mutex
	primary bool     // the request wrote, or a replica failed it: primary from now on
	wrote   bool     // the request wrote
	replica *replica // the replica it reads from, once chosen
}

type routeKey struct{}

// ReadFromReplica returns a context whose plain reads outside transactions
// may be served by a replica, until something it runs writes.
func ReadFromReplica(ctx context.Context) context.Context {
	return context.WithValue(ctx, routeKey{}, &route{})
}

// ReadFromPrimary returns a context whose reads all go to the primary, and
// which still tells whether it wrote (Wrote).
func ReadFromPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, routeKey{}, &route{primary: true})
}

// MayReadReplica reports whether ctx's reads may still go to a replica.
func MayReadReplica(ctx context.Context) bool {
	rt, _ := ctx.Value(routeKey{}).(*route)
	if rt == nil {
		return false
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return !rt.primary
}

// Wrote reports whether anything ctx ran wrote (or locked) on the primary.
func Wrote(ctx context.Context) bool {
	rt, _ := ctx.Value(routeKey{}).(*route)
	if rt == nil {
		return false
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.wrote
}

// routeWrote sends the rest of ctx's reads to the primary: what it wrote
// is there, and perhaps not yet on any replica.
func routeWrote(ctx context.Context) { routePrimary(ctx, true) }

// routePrimary sends the rest of ctx's reads to the primary.
func routePrimary(ctx context.Context, wrote bool) {
	if rt, _ := ctx.Value(routeKey{}).(*route); rt != nil {
		rt.mu.Lock()
		rt.primary = true
		rt.wrote = rt.wrote || wrote
		rt.mu.Unlock()
	}
}

package app

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"hiroba/handlers/live"
	"hiroba/models"
)

// LiveConfig bounds the live events of thread pages (handlers/live).
type LiveConfig struct {
	Max     int           // HIROBA_SSE_MAX: streams on one instance (default 10,000)
	PerAddr int           // HIROBA_SSE_PER_ADDR: streams from one client address (default 20)
	Idle    time.Duration // HIROBA_SSE_IDLE: a stream with nothing to say this long is closed (default 30m)
	// Heartbeat is not read from the environment: 25 s keeps every common
	// proxy from closing a quiet stream. Tests set less.
	Heartbeat time.Duration
}

// liveFromEnv reads LiveConfig; a value that cannot be read stops start-up,
// naming the variable.
func liveFromEnv(env func(key, def string) string) (LiveConfig, error) {
	lc := LiveConfig{}
	for _, v := range []struct {
		name string
		to   *int
		def  int
	}{{"HIROBA_SSE_MAX", &lc.Max, live.DefaultMaxStreams}, {"HIROBA_SSE_PER_ADDR", &lc.PerAddr, live.DefaultMaxPerAddr}} {
		n, err := strconv.Atoi(env(v.name, strconv.Itoa(v.def)))
		if err != nil || n < 1 {
			return LiveConfig{}, fmt.Errorf("app: %s: want a number of streams, 1 or more", v.name)
		}
		*v.to = n
	}
	idle, err := time.ParseDuration(env("HIROBA_SSE_IDLE", live.DefaultIdle.String()))
	if err != nil || idle < time.Second {
		return LiveConfig{}, fmt.Errorf("app: HIROBA_SSE_IDLE: want a duration such as 30m, at least 1s")
	}
	lc.Idle = idle
	return lc, nil
}

// newLive builds the hub that follows threads for their readers, and the
// bus that wakes it on every instance: over Redis when HIROBA_REDIS_URL is
// set, on a channel named after the database, in process otherwise.
func newLive(ctx context.Context, cfg Config, store *models.Store, log *slog.Logger) (*live.Hub, live.Bus, error) {
	hub := live.NewHub(store, live.Options{
		MaxStreams: cfg.Live.Max, MaxPerAddr: cfg.Live.PerAddr, Idle: cfg.Live.Idle, Heartbeat: cfg.Live.Heartbeat,
		Log: log, Banner: func(ctx context.Context) (live.Banner, error) { return knownIssueBanner(ctx, store) },
	})
	if cfg.RedisURL == "" {
		return hub, live.NewMemory(hub), nil
	}
	site, err := store.SiteID(ctx)
	if err != nil {
		return nil, nil, err
	}
	bus, err := live.NewRedis(ctx, cfg.RedisURL, "hiroba:live:"+site, hub, log)
	if err != nil {
		return nil, nil, err
	}
	return hub, bus, nil
}

// knownIssueBanner is the known-issue banner as live pages follow it: the
// newest issue shown, in its state, versioned by its last change. Every
// known-issue write announces models.KeyAll, which wakes every stream.
func knownIssueBanner(ctx context.Context, store *models.Store) (live.Banner, error) {
	issues, err := store.ActiveKnownIssues(ctx, time.Now())
	if err != nil || len(issues) == 0 {
		return live.Banner{}, err
	}
	k := issues[0]
	for _, i := range issues[1:] {
		if i.UpdatedAt.After(k.UpdatedAt) {
			k = i
		}
	}
	state := "open"
	if k.Resolved() {
		state = "resolved"
	}
	return live.Banner{Issue: k.ID, State: state, Version: k.UpdatedAt.UnixMilli()}, nil
}

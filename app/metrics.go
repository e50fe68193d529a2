package app

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"time"

	vm "github.com/VictoriaMetrics/metrics"

	"hiroba/handlers/metrics"
	"hiroba/handlers/pagecache"
	"hiroba/models"
)

// newMetrics builds the counters of one server and the figures read at each
// scrape; nil when HIROBA_METRICS is off.
func newMetrics(cfg Config, store *models.Store, pages *pagecache.Cache, log *slog.Logger) *metrics.Metrics {
	if !cfg.Metrics {
		return nil
	}
	m := metrics.New()
	store.OnPost(m.Post)
	m.Sample(vm.WriteProcessMetrics) // Go runtime and process: memory, CPU, goroutines, descriptors
	m.Sample(func(w io.Writer) { writePool(w, store) })
	if store.HasReplicas() {
		m.Sample(func(w io.Writer) { writeReplicas(w, store) })
	}
	m.Sample(func(w io.Writer) { writeMailBacklog(w, store, log) })
	if pages != nil {
		m.Sample(func(w io.Writer) { writePages(w, pages.Stats()) })
	}
	return m
}

func writePool(w io.Writer, store *models.Store) {
	s := store.DBStats()
	vm.WriteGaugeUint64(w, "hiroba_db_connections_max_open", uint64(max(s.MaxOpenConnections, 0)))
	vm.WriteGaugeUint64(w, "hiroba_db_connections_open", uint64(max(s.OpenConnections, 0)))
	vm.WriteGaugeUint64(w, "hiroba_db_connections_in_use", uint64(max(s.InUse, 0)))
	vm.WriteGaugeUint64(w, "hiroba_db_connections_idle", uint64(max(s.Idle, 0)))
	vm.WriteCounterUint64(w, "hiroba_db_connection_waits_total", uint64(max(s.WaitCount, 0)))
	vm.WriteCounterFloat64(w, "hiroba_db_connection_wait_seconds_total", s.WaitDuration.Seconds())
	vm.WriteCounterUint64(w, "hiroba_db_connections_closed_total{reason=\"max_idle\"}", uint64(max(s.MaxIdleClosed, 0)))
	vm.WriteCounterUint64(w, "hiroba_db_connections_closed_total{reason=\"max_idle_time\"}", uint64(max(s.MaxIdleTimeClosed, 0)))
	vm.WriteCounterUint64(w, "hiroba_db_connections_closed_total{reason=\"max_lifetime\"}", uint64(max(s.MaxLifetimeClosed, 0)))
}

// writeReplicas says where reads went and how far behind each replica is.
func writeReplicas(w io.Writer, store *models.Store) {
	primary, replicas := store.ReadStats()
	vm.WriteCounterUint64(w, `hiroba_db_reads_total{pool="primary"}`, uint64(max(primary, 0)))
	for _, r := range replicas {
		name := strconv.Quote(r.Name)
		vm.WriteCounterUint64(w, `hiroba_db_reads_total{pool="replica",replica=`+name+`}`, uint64(max(r.Reads, 0)))
		healthy := uint64(0)
		if r.Healthy {
			healthy = 1
		}
		vm.WriteGaugeUint64(w, `hiroba_db_replica_healthy{replica=`+name+`}`, healthy)
		if r.Lag >= 0 {
			vm.WriteGaugeFloat64(w, `hiroba_db_replica_lag_seconds{replica=`+name+`}`, r.Lag.Seconds())
		}
	}
}

// writeMailBacklog reads the queue at each scrape: one indexed count, which
// a scrape every few seconds does not notice.
func writeMailBacklog(w io.Writer, store *models.Store, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := store.MailBacklog(ctx)
	if err != nil {
		// Leave the series out: a scrape without them says more than a zero.
		log.Warn("metrics: mail backlog", slog.Any("error", err))
		return
	}
	vm.WriteGaugeUint64(w, "hiroba_mail_queue_waiting", uint64(b.Waiting))
	age := 0.0
	if !b.Oldest.IsZero() {
		age = max(time.Since(b.Oldest).Seconds(), 0)
	}
	vm.WriteGaugeFloat64(w, "hiroba_mail_queue_oldest_age_seconds", age)
}

func writePages(w io.Writer, s pagecache.Stats) {
	vm.WriteCounterUint64(w, `hiroba_page_cache_lookups_total{result="hit"}`, uint64(s.Hits))
	vm.WriteCounterUint64(w, `hiroba_page_cache_lookups_total{result="miss"}`, uint64(s.Misses))
	vm.WriteCounterUint64(w, `hiroba_page_cache_lookups_total{result="stale"}`, uint64(s.Dropped))
	vm.WriteCounterUint64(w, `hiroba_page_cache_lookups_total{result="paused"}`, uint64(s.Paused))
	vm.WriteCounterUint64(w, "hiroba_page_cache_invalidations_total", uint64(s.Invalidations))
}

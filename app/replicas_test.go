package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/modeltest"
	"hiroba/models/servicetest"
)

// A forum reading its pages from a streaming replica whose replay is paused:
// the person who wrote sees their reply at once; a visitor is served what
// the replica has, and that page is not kept, so once the replica catches
// up the visitor sees the reply although pages are kept for an hour.
func TestReadersOfAReplicaSeeTheirOwnWritesAndNoStalePageIsKept(t *testing.T) {
	rep := servicetest.RequireReplication(t, modeltest.Postgres)
	cfg := testConfig(t, migrations.Postgres)
	cfg.DatabaseURL = rep.PrimaryURL
	// Allowed to lag a minute, so the paused replica stays in rotation.
	cfg.Replicas = models.ReplicaConfig{URLs: []string{rep.ReplicaURL}, MaxLag: time.Minute, Every: 100 * time.Millisecond}
	cfg.PageCacheTTL = time.Hour
	srv, base := startServer(t, cfg)

	writer := newBrowserClient(t)
	signInDev(t, writer, base, "bob")
	thread := redirectTo(t, submitQuestion(t, writer, base, "Invoices show the wrong currency"), http.StatusSeeOther).Path
	visit := func() string {
		t.Helper()
		_, body := getPage(t, http.DefaultClient, base+thread)
		return body
	}
	waitUntil(t, "a visitor reads the thread from the replica", func() bool {
		_, rs := srv.Store.ReadStats()
		return rs[0].Healthy && strings.Contains(visit(), "Invoices show the wrong currency") && replicaReads(srv) > 0
	})

	if err := rep.PauseReplay(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rep.ResumeReplay() })
	const text = "Switching the billing country fixed it for me."
	reply(t, writer, base, thread, text)
	for i := range 5 {
		if _, body := getPage(t, writer, base+thread); !strings.Contains(body, text) {
			t.Fatalf("look %d: the writer does not see their own reply", i+1)
		}
	}
	before := replicaReads(srv)
	if strings.Contains(visit(), text) {
		t.Fatal("a visitor saw the reply while the replica's replay is paused: the page did not come from the replica, and this test shows nothing")
	}
	if replicaReads(srv) == before {
		t.Fatal("the visitor's page was not read from the replica")
	}
	if err := rep.ResumeReplay(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the visitor sees the reply once the replica has it", func() bool { return strings.Contains(visit(), text) })

	// The figures an operator watches, on this instance's /metrics.
	_, metrics := getPage(t, http.DefaultClient, base+"/metrics")
	name := strings.TrimPrefix(strings.Split(rep.ReplicaURL, "/")[2], "postgres@")
	for _, want := range []string{
		`hiroba_db_reads_total{pool="primary"} `,
		fmt.Sprintf(`hiroba_db_reads_total{pool="replica",replica=%q} `, name),
		fmt.Sprintf(`hiroba_db_replica_healthy{replica=%q} 1`, name),
		fmt.Sprintf(`hiroba_db_replica_lag_seconds{replica=%q} `, name),
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func replicaReads(srv *Server) int64 {
	_, rs := srv.Store.ReadStats()
	return rs[0].Reads
}

// waitUntil polls ok for up to 20 s.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

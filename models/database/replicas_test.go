package database_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"hiroba/models/database"
	"hiroba/models/modeltest"
	"hiroba/models/servicetest"
)

// TestReplicasServePagesAndStepAside drives the read routing against a real
// streaming replica: reads a context allows come from it while it keeps up;
// a write sends the rest of its request to the primary; a replica that falls
// behind or goes away is out of rotation (a read that finds it gone is
// answered by the primary, without an error); one that returns is back.
func TestReplicasServePagesAndStepAside(t *testing.T) {
	rep := servicetest.RequireReplication(t, modeltest.Postgres)
	db, _, err := database.Open(rep.PrimaryURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	if err := db.Exec("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	replicas, err := database.UseReplicas(db, database.ReplicaConfig{URLs: []string{rep.ReplicaURL}, MaxLag: time.Second, Every: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	count := func(ctx context.Context) int64 {
		t.Helper()
		var n int64
		if err := db.WithContext(ctx).Table("notes").Count(&n).Error; err != nil {
			t.Fatalf("count: %v", err)
		}
		return n
	}
	reads := func() (primary, replica int64, healthy bool) {
		p, rs := replicas.Stats()
		return p, rs[0].Reads, rs[0].Healthy
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting until %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	insert := func(ctx context.Context) {
		t.Helper()
		if err := db.WithContext(ctx).Exec("INSERT INTO notes (body) VALUES ('hello')").Error; err != nil {
			t.Fatal(err)
		}
	}

	waitFor("the replica is in rotation", func() bool { _, _, h := reads(); return h })
	insert(ctx)
	waitFor("the replica has the row", func() bool { return count(database.ReadFromReplica(ctx)) == 1 })

	// A context that was not given leave reads the primary.
	p0, r0, _ := reads()
	if count(ctx) != 1 {
		t.Fatal("primary lost the row")
	}
	if p1, r1, _ := reads(); p1 != p0+1 || r1 != r0 {
		t.Fatalf("a read without leave went to primary %d→%d, replica %d→%d; want the primary alone", p0, p1, r0, r1)
	}
	// One that was reads the replica.
	if count(database.ReadFromReplica(ctx)) != 1 {
		t.Fatal("replica lost the row")
	}
	if _, r2, _ := reads(); r2 != r0+1 {
		t.Fatalf("a page read went to the replica %d times, want 1", r2-r0)
	}

	// Replay paused: the replica still answers, and lacks what is written now.
	if err := rep.PauseReplay(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rep.ResumeReplay() })
	insert(ctx)
	page := database.ReadFromReplica(ctx)
	if n := count(page); n != 1 {
		t.Fatalf("paused replica read %d rows, want 1 (the test shows nothing if the replica keeps up)", n)
	}
	// The request that writes reads its own write, paused replica or not.
	insert(page)
	if n := count(page); n != 3 {
		t.Fatalf("after writing, the request read %d rows, want its own write among 3", n)
	}
	// Past the allowed lag, the replica is out and every read is fresh.
	waitFor("the lagging replica leaves the rotation", func() bool { _, _, h := reads(); return !h })
	if n := count(database.ReadFromReplica(ctx)); n != 3 {
		t.Fatalf("with the replica out, a page read %d rows, want 3 from the primary", n)
	}
	if err := rep.ResumeReplay(); err != nil {
		t.Fatal(err)
	}
	waitFor("the caught-up replica returns", func() bool { _, _, h := reads(); return h })
	waitFor("the replica has every row", func() bool { return count(database.ReadFromReplica(ctx)) == 3 })

	// Stopped: the next page read is answered by the primary, no error.
	if err := rep.StopReplica(); err != nil {
		t.Fatal(err)
	}
	insert(ctx)
	if n := count(database.ReadFromReplica(ctx)); n != 4 {
		t.Fatalf("with the replica stopped, a page read %d rows, want 4", n)
	}
	if _, _, h := reads(); h {
		t.Fatal("a stopped replica is still in rotation after a read found it gone")
	}
	if err := rep.StartReplica(); err != nil {
		t.Fatal(err)
	}
	waitFor("the restarted replica returns", func() bool { _, _, h := reads(); return h })
	_, r3, _ := reads()
	waitFor("the replica serves pages again", func() bool { return count(database.ReadFromReplica(ctx)) == 4 })
	if _, r4, _ := reads(); r4 <= r3 {
		t.Fatal("page reads did not return to the replica")
	}

	// Writes never go to a replica, whatever the context.
	err = db.WithContext(database.ReadFromReplica(ctx)).Transaction(func(tx *gorm.DB) error {
		return tx.Exec("INSERT INTO notes (body) VALUES ('in a transaction')").Error
	})
	if err != nil {
		t.Fatalf("a transaction with a page's context: %v", err)
	}
}

func TestOnlyPlainReadsMayGoToAReplica(t *testing.T) {
	for q, want := range map[string]bool{
		`SELECT * FROM "threads" WHERE id = $1`:                                true,
		` select count(*) from posts`:                                          true,
		`(SELECT 1) UNION (SELECT 2)`:                                          true,
		`WITH x AS (SELECT 1) SELECT * FROM x`:                                 true,
		`SELECT * FROM mail_queue WHERE id = 1 FOR UPDATE SKIP LOCKED`:         false,
		`select * from threads for share`:                                      false,
		`WITH moved AS (UPDATE posts SET thread_id = 2 RETURNING id) SELECT 1`: false,
		`INSERT INTO posts (body) VALUES ($1) RETURNING id`:                    false,
		`UPDATE threads SET views = views + 1 RETURNING views`:                 false,
		`SELECT nextval('posts_id_seq')`:                                       false,
		`SELECT pg_advisory_xact_lock(1)`:                                      false,
	} {
		if got := database.IsPlainRead(q); got != want {
			t.Errorf("IsPlainRead(%q) = %v, want %v", q, got, want)
		}
	}
}

// A request's context tells whether it wrote, whichever server it read
// from: what decides that the browser reads the primary for a while.
func TestRoutesTellWhetherTheyWrote(t *testing.T) {
	rep := servicetest.RequireReplication(t, modeltest.Postgres)
	db, _, err := database.Open(rep.PrimaryURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	if _, err := database.UseReplicas(db, database.ReplicaConfig{URLs: []string{rep.ReplicaURL}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("CREATE TABLE notes (id serial PRIMARY KEY)").Error; err != nil {
		t.Fatal(err)
	}
	for _, route := range []func(context.Context) context.Context{database.ReadFromReplica, database.ReadFromPrimary} {
		reader, writer := route(context.Background()), route(context.Background())
		var n int64
		if err := db.WithContext(reader).Table("notes").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.WithContext(writer).Exec("INSERT INTO notes DEFAULT VALUES").Error; err != nil {
			t.Fatal(err)
		}
		if database.Wrote(reader) || !database.Wrote(writer) {
			t.Errorf("a reading context says it wrote: %v; a writing one: %v", database.Wrote(reader), database.Wrote(writer))
		}
	}
}

package migrations_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"hiroba/migrations"
)

// TestSearchPartitionsMigration checks 0012 on a PostgreSQL forum that
// already has posts, two partitions' worth of ids apart: every vector moves
// to post_search unchanged, and afterwards the triggers keep it as the old
// one did, making a partition for a post of a new range of ids.
func TestSearchPartitionsMigration(t *testing.T) {
	t.Parallel()
	d := migrations.Postgres
	db := openBare(t, d)
	applyUpTo(t, db, d, 12)
	now := time.Now().UTC()
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO users (username, created_at, updated_at) VALUES ('hana', ?, ?)`, now, now)
	exec(`INSERT INTO categories (slug, name_en, name_ja, created_at, updated_at) VALUES ('c', 'C', 'C', ?, ?)`, now, now)
	for _, title := range []string{"refund charg", "export expir"} {
		exec(`INSERT INTO threads (category_id, user_id, title, slug, search_title, post_count, last_posted_at, last_poster_id, created_at, updated_at)
			VALUES (1, 1, ?, 't', ?, 2, ?, 1, ?, ?)`, title, title, now, now, now)
	}
	post := func(id, thread, position int, body string) {
		t.Helper()
		exec(`INSERT INTO posts (id, thread_id, user_id, position, source, html, search_body, created_at, updated_at)
			VALUES (?, ?, 1, ?, 'x', 'x', ?, ?, ?)`, id, thread, position, body, now, now)
	}
	post(1, 1, 1, "charg twice this month")
	post(2, 1, 2, "support sent it back")
	post(70000, 2, 1, "link expir befor i click")

	vectors := func(sql string) []string {
		t.Helper()
		var out []string
		if err := db.Raw(sql).Scan(&out).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return out
	}
	before := vectors(`SELECT search_vector::text FROM posts ORDER BY id`)

	sqlDB, _ := db.DB()
	if _, err := migrations.Apply(context.Background(), sqlDB, d); err != nil {
		t.Fatal(err)
	}
	if after := vectors(`SELECT vector::text FROM post_search ORDER BY id`); !slices.Equal(after, before) {
		t.Errorf("vectors after the migration:\n%q\nwant the ones before:\n%q", after, before)
	}
	partitions := func() []string {
		return vectors(`SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
			WHERE i.inhparent = 'post_search'::regclass ORDER BY c.relname`)
	}
	if got := partitions(); !slices.Equal(got, []string{"post_search_0", "post_search_1"}) {
		t.Errorf("partitions after the migration: %q", got)
	}
	var gone bool
	if err := db.Raw(`SELECT NOT EXISTS (SELECT 1 FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'posts' AND column_name = 'search_vector')`).Scan(&gone).Error; err != nil || !gone {
		t.Errorf("posts.search_vector is still there (%v)", err)
	}

	// The vector each post should have now, computed as 0002's trigger did.
	want := `SELECT (ts_delete(
			setweight(to_tsvector('simple', th.search_title || ' 0hirobasep0'), 'A') ||
			setweight(to_tsvector('simple', p.search_body), (CASE WHEN p.position = 1 THEN 'B' ELSE 'C' END)::"char"),
			'0hirobasep0'))::text
		FROM posts p JOIN threads th ON th.id = p.thread_id ORDER BY p.id`
	// The columns post_search copies from posts, for the filters.
	const copied = `(id, thread_id, user_id, position, status, created_at, hidden_at, deleted_at)::text`
	check := func(what string) {
		t.Helper()
		if got, want := vectors(`SELECT vector::text FROM post_search ORDER BY id`), vectors(want); !slices.Equal(got, want) {
			t.Errorf("%s: post_search holds\n%q\nwant\n%q", what, got, want)
		}
		if got, want := vectors(`SELECT `+copied+` FROM post_search ORDER BY id`), vectors(`SELECT `+copied+` FROM posts ORDER BY id`); !slices.Equal(got, want) {
			t.Errorf("%s: post_search copies\n%q\nwant what posts holds\n%q", what, got, want)
		}
	}
	check("the migration")
	post(140000, 2, 2, "a new rang of id")
	if got := partitions(); !slices.Equal(got, []string{"post_search_0", "post_search_1", "post_search_2"}) {
		t.Errorf("partitions after a post in a new range: %q", got)
	}
	check("a new post")
	exec(`UPDATE posts SET search_body = 'charg three time' WHERE id = 1`)
	check("an edited post")
	exec(`UPDATE threads SET search_title = 'doubl refund' WHERE id = 1`)
	check("a new title")
	exec(`UPDATE posts SET position = 3 WHERE id = 140000`)
	check("a moved post")
	exec(`UPDATE posts SET status = 'pending', hidden_at = ?, user_id = 1 WHERE id = 1`, now)
	check("a held and hidden post")
	exec(`UPDATE posts SET status = 'published', hidden_at = NULL, deleted_at = ? WHERE id = 1`, now)
	check("a deleted post, kept")
	exec(`DELETE FROM posts WHERE id = 2`)
	check("a deleted post")
	exec(`DELETE FROM threads WHERE id = 2`)
	check("a deleted thread")
	var ids []int64
	if err := db.Raw(`SELECT id FROM post_search ORDER BY id`).Scan(&ids).Error; err != nil || !slices.Equal(ids, []int64{1}) {
		t.Errorf("post_search ids at the end = %v, %v; want [1]", ids, err)
	}
}

// TestSearchPartitionRace has two writers reach a new range of post ids
// together: the second waits for the first to make the partition and then
// uses it, instead of failing to make it again.
func TestSearchPartitionRace(t *testing.T) {
	t.Parallel()
	d := migrations.Postgres
	db := openBare(t, d)
	sqlDB, _ := db.DB()
	if _, err := migrations.Apply(context.Background(), sqlDB, d); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, sql := range []string{
		`INSERT INTO users (username, created_at, updated_at) VALUES ('hana', ?, ?)`,
		`INSERT INTO categories (slug, name_en, name_ja, created_at, updated_at) VALUES ('c', 'C', 'C', ?, ?)`,
	} {
		if err := db.Exec(sql, now, now).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Exec(`INSERT INTO threads (category_id, user_id, title, slug, post_count, last_posted_at, last_poster_id, created_at, updated_at)
		VALUES (1, 1, 'T', 't', 2, ?, 1, ?, ?)`, now, now, now).Error; err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO posts (id, thread_id, user_id, position, source, html, search_body, created_at, updated_at)
		VALUES (?, 1, 1, ?, 'x', 'x', 'word', ?, ?)`
	first := db.Begin()
	defer first.Rollback()
	if err := first.Exec(insert, 300000, 1, now, now).Error; err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() {
		tx := db.Begin()
		if err := tx.Exec(insert, 300001, 2, now, now).Error; err != nil {
			tx.Rollback()
			second <- err
			return
		}
		second <- tx.Commit().Error
	}()
	select {
	case err := <-second:
		t.Fatalf("the second writer finished before the first committed: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := first.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatalf("the second writer: %v", err)
	}
	var ids []int64
	if err := db.Raw(`SELECT id FROM post_search_4 ORDER BY id`).Scan(&ids).Error; err != nil || !slices.Equal(ids, []int64{300000, 300001}) {
		t.Errorf("post_search_4 holds %v, %v; want [300000 300001]", ids, err)
	}
	// An attached partition gets the indexes of post_search.
	var indexes []string
	if err := db.Raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'post_search_4' ORDER BY indexdef`).Scan(&indexes).Error; err != nil ||
		len(indexes) != 2 || !strings.Contains(strings.Join(indexes, "\n"), "UNIQUE INDEX post_search_4_pkey") || !strings.Contains(strings.Join(indexes, "\n"), "USING gin (vector)") {
		t.Errorf("indexes of post_search_4: %q, %v; want the primary key and the GIN index", indexes, err)
	}
}

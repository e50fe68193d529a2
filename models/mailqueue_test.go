package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"hiroba/migrations"
	"hiroba/models"
	"hiroba/models/database"
	"hiroba/models/modeltest"
)

// twoInstances opens one fresh, migrated database twice, each with a pool
// of its own, as two instances of the forum would.
func twoInstances(t *testing.T, dialect string) (raw *gorm.DB, a, b *models.Store) {
	t.Helper()
	var url string
	switch dialect {
	case migrations.SQLite:
		url = modeltest.SQLiteURL(t)
	case migrations.Postgres:
		url = modeltest.PostgresSchemaURL(t)
	}
	var stores [2]*models.Store
	var first *gorm.DB
	for i := range stores {
		db, d, err := database.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = database.Close(db) })
		if i == 0 {
			if _, err := database.Migrate(context.Background(), db, d); err != nil {
				t.Fatal(err)
			}
			first = db
		}
		stores[i] = models.NewStore(db, d)
	}
	return first, stores[0], stores[1]
}

// claimed is what one claim round saw: how often each message was taken,
// and the first thing wrong with a claimed row.
type claimed struct {
	mu    sync.Mutex
	times map[int64]int
	bad   []string
}

func (c *claimed) add(list []models.Mail, want map[int64]models.Mail, until time.Time, attempts int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, m := range list {
		c.times[m.ID]++
		w := want[m.ID]
		switch {
		case m.To != w.To || m.Subject != w.Subject || m.Body != w.Body || m.Headers["List-Unsubscribe"] != w.Headers["List-Unsubscribe"]:
			c.bad = append(c.bad, fmt.Sprintf("message %d read back as %+v", m.ID, m))
		case m.Attempts != attempts:
			c.bad = append(c.bad, fmt.Sprintf("message %d: attempts %d, want %d", m.ID, m.Attempts, attempts))
		case m.ClaimedUntil == nil || !m.ClaimedUntil.Equal(until) || m.ClaimedUntil.Location() != time.UTC:
			c.bad = append(c.bad, fmt.Sprintf("message %d: claimed until %v, want %v", m.ID, m.ClaimedUntil, until))
		case !m.NextAttemptAt.Equal(w.NextAttemptAt) || m.NextAttemptAt.Location() != time.UTC || m.CreatedAt.Location() != time.UTC:
			c.bad = append(c.bad, fmt.Sprintf("message %d: due %v, want %v (UTC)", m.ID, m.NextAttemptAt, w.NextAttemptAt))
		case i > 0 && before(m, list[i-1]):
			c.bad = append(c.bad, fmt.Sprintf("batch out of order: %d after %d", m.ID, list[i-1].ID))
		}
	}
}

func before(a, b models.Mail) bool {
	if !a.NextAttemptAt.Equal(b.NextAttemptAt) {
		return a.NextAttemptAt.Before(b.NextAttemptAt)
	}
	return a.ID < b.ID
}

// TestMailQueueTwoInstancesClaimEachMessageOnce has two instances, with
// three senders each, empty a queue in small batches at once: every message
// is taken exactly once, and taken again only when its lease has run out.
func TestMailQueueTwoInstancesClaimEachMessageOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range modeltest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, a, b := twoInstances(t, dialect)
			now := time.Now().UTC().Truncate(time.Second)
			const total, batch, lease = 300, 7, time.Minute
			want := map[int64]models.Mail{}
			for i := range total {
				// Due times out of step with the ids, so the order is by
				// due time first.
				m := models.Mail{To: fmt.Sprintf("u%d@example.com", i), Subject: "s", Body: fmt.Sprint("b", i),
					Headers:       map[string]string{"List-Unsubscribe": fmt.Sprintf("<https://example.com/u/%d>", i)},
					NextAttemptAt: now.Add(-time.Duration(i%13) * time.Second), CreatedAt: now}
				if err := a.EnqueueMail(ctx, &m); err != nil {
					t.Fatal(err)
				}
				want[m.ID] = m
			}
			// A message not due yet stays where it is.
			later := models.Mail{To: "later@example.com", Subject: "s", Body: "b", Headers: map[string]string{}, NextAttemptAt: now.Add(time.Hour), CreatedAt: now}
			if err := b.EnqueueMail(ctx, &later); err != nil {
				t.Fatal(err)
			}

			got := &claimed{times: map[int64]int{}}
			var wg sync.WaitGroup
			for _, s := range []*models.Store{a, b, a, b, a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						list, err := s.ClaimMail(ctx, now, lease, batch)
						if err != nil {
							t.Error(err)
							return
						}
						if len(list) > batch {
							t.Errorf("claimed %d, limit %d", len(list), batch)
						}
						if len(list) == 0 {
							return
						}
						got.add(list, want, now.Add(lease), 1)
					}
				}()
			}
			wg.Wait()
			if len(got.bad) > 0 {
				t.Fatalf("%d rows wrong, first: %s", len(got.bad), got.bad[0])
			}
			for id := range want {
				if n := got.times[id]; n != 1 {
					t.Errorf("message %d claimed %d times, want once", id, n)
				}
			}
			if n := got.times[later.ID]; n != 0 {
				t.Errorf("message due in an hour claimed %d times", n)
			}

			// Under lease, nobody takes them again.
			for _, s := range []*models.Store{a, b} {
				if again, err := s.ClaimMail(ctx, now.Add(lease-time.Second), lease, total); err != nil || len(again) != 0 {
					t.Errorf("claimed during the lease: %d, %v", len(again), err)
				}
			}

			// Once it has run out, they are due again, oldest first, as
			// a second attempt.
			then := now.Add(lease + time.Second)
			again := &claimed{times: map[int64]int{}}
			var order []models.Mail
			for s := a; ; {
				list, err := s.ClaimMail(ctx, then, lease, batch)
				if err != nil {
					t.Fatal(err)
				}
				if len(list) == 0 {
					break
				}
				again.add(list, want, then.Add(lease), 2)
				order = append(order, list...)
				if s == a {
					s = b
				} else {
					s = a
				}
			}
			if len(again.bad) > 0 {
				t.Fatalf("%d rows wrong after the lease, first: %s", len(again.bad), again.bad[0])
			}
			if len(order) != total || len(again.times) != total {
				t.Fatalf("after the lease claimed %d (%d distinct), want each of %d", len(order), len(again.times), total)
			}
			for i := 1; i < len(order); i++ {
				if before(order[i], order[i-1]) {
					t.Fatalf("claimed %d (due %v) after %d (due %v)", order[i].ID, order[i].NextAttemptAt, order[i-1].ID, order[i-1].NextAttemptAt)
				}
			}
		})
	}
}

// TestMailQueueClaimSkipsLockedRows: while another instance holds the first
// due rows, a claim neither waits for them nor takes them, but takes the
// next ones.
func TestMailQueueClaimSkipsLockedRows(t *testing.T) {
	t.Parallel()
	raw, a, _ := twoInstances(t, migrations.Postgres)
	ctx := context.Background()
	now := time.Now().UTC()
	for i := range 10 {
		m := models.Mail{To: fmt.Sprintf("u%d@example.com", i), Subject: "s", Body: "b", Headers: map[string]string{}, NextAttemptAt: now, CreatedAt: now}
		if err := a.EnqueueMail(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	tx := raw.Begin()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	defer tx.Rollback()
	var held []int64
	if err := tx.Raw("SELECT id FROM mail_queue ORDER BY id LIMIT 4 FOR UPDATE").Scan(&held).Error; err != nil {
		t.Fatal(err)
	}
	quick, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	list, err := a.ClaimMail(quick, now, time.Minute, 5)
	if err != nil {
		t.Fatalf("claim beside held rows: %v after %v", err, time.Since(start))
	}
	if len(list) != 5 {
		t.Fatalf("claimed %d, want 5 of the 6 free", len(list))
	}
	for _, m := range list {
		if m.ID <= held[len(held)-1] {
			t.Errorf("claimed message %d, held by another instance", m.ID)
		}
	}
}

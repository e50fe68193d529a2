package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ThreadPageByGORM is the thread page's reads as GORM scans them, for
// TestThreadPageScansAsGORMDoes to hold the hand-written scans to.
func (s *Store) ThreadPageByGORM(ctx context.Context, id int64, first, last int) (Thread, []Post, error) {
	var th Thread
	db := s.db.WithContext(ctx)
	if err := db.Joins("Category").Joins("User").Where("threads.id = ?", id).Take(&th).Error; err != nil {
		return Thread{}, nil, err
	}
	var posts []Post
	err := db.Joins("User").Omit("Source", "SearchBody").
		Where("posts.thread_id = ? AND posts.position BETWEEN ? AND ?", id, first, last).
		Order("posts.position").Find(&posts).Error
	return th, posts, err
}

// UserByIDByGORM reads a user as GORM scans it.
func (s *Store) UserByIDByGORM(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Take(&u, id).Error
	return u, err
}

// EachSitemapThreadInBatches is EachSitemapThread reading batch threads at
// a time, so a test sees several batches without thousands of threads.
func (s *Store) EachSitemapThreadInBatches(ctx context.Context, from int64, limit, batch int, fn func(SitemapThread) error) error {
	return s.eachSitemapThread(ctx, from, limit, batch, fn)
}

// MovedTables lists the tables Move copies, in the order it copies them.
func (s *Store) MovedTables(ctx context.Context) ([]string, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	tables, err := readCatalog(ctx, sqlDB, s.dialect)
	if err != nil {
		return nil, err
	}
	order, err := insertOrder(tables)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(order))
	for i, t := range order {
		names[i] = t.name
	}
	return names, nil
}

// TableRows reads every row of a table as text the same on both
// databases: times in UTC to the microsecond (PostgreSQL's precision),
// booleans as 0 or 1, NULL as NULL; sorted.
func (s *Store) TableRows(ctx context.Context, name string) ([]string, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	tables, err := readCatalog(ctx, sqlDB, s.dialect)
	if err != nil {
		return nil, err
	}
	t := tables[name]
	if t == nil {
		return nil, fmt.Errorf("no table %s", name)
	}
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = quote(c.name)
	}
	slices.Sort(cols) // the same order whatever order the columns were added in
	rows, err := sqlDB.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quote(name))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		fields := make([]string, len(cols))
		for i, v := range vals {
			kind := t.column(strings.Trim(cols[i], `"`)).kind
			if kind == kindBool {
				kind = kindInt
			}
			if kind == kindText || kind == kindOther {
				kind = kindOther
			}
			c, err := convert(v, kind)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", name, cols[i], err)
			}
			switch x := c.(type) {
			case nil:
				fields[i] = "NULL"
			case time.Time:
				fields[i] = x.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
			case []byte:
				fields[i] = string(x)
			default:
				fields[i] = fmt.Sprint(x)
			}
		}
		out = append(out, strings.Join(fields, " | "))
	}
	slices.Sort(out)
	return out, rows.Err()
}

// UserReferences lists every "table.column" that references users, read
// from the database's catalog.
func (s *Store) UserReferences(ctx context.Context) ([]string, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	tables, err := readCatalog(ctx, sqlDB, s.dialect)
	if err != nil {
		return nil, err
	}
	var out []string
	for name, t := range tables {
		for _, fk := range t.fks {
			if fk.ref == "users" {
				out = append(out, name+"."+fk.column)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// CountRows counts the rows of a table matching a condition, for tests of
// what a write left behind.
func (s *Store) CountRows(ctx context.Context, table, where string, args ...any) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table(table).Where(where, args...).Count(&n).Error
	return n, err
}

// HoldReplies stops reply batches from starting, so that the replies sent
// meanwhile queue, to be written together once ReleaseReplies is called.
func (s *Store) HoldReplies() { s.replies.hold() }

// ReleaseReplies writes the replies held, in batches.
func (s *Store) ReleaseReplies() { s.releaseReplies() }

// QueuedReplies counts the replies waiting for a batch, those whose
// callers left included.
func (s *Store) QueuedReplies() int { return s.replies.waiting() }

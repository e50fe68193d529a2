package scaleout

// Reading the harness's own PostgreSQL primary and replica
// (servicetest.StartReplication): the machine's server on 5432, which other
// tests share, is never stopped or paused.

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

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

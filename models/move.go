package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"hiroba/migrations"
	"hiroba/models/database"
)

// Moving a whole forum from one database to another (hiroba move): SQLite
// to PostgreSQL when a forum outgrows its file, and back.
//
// The tables are the ones the catalog of each database lists, not a list
// kept here: a migration that adds a table adds it to the move. Two kinds
// are not copied. schema_migrations is the target's own, written when it
// is migrated. The search index (searchTables: FTS5 on SQLite with its
// shadow tables, partitions of post_search on PostgreSQL) is a different
// structure on each engine; the target's triggers fill it as the posts are
// inserted, the way the target builds it for every new post. Any other
// table the two catalogs do not both hold, or hold with other columns,
// stops the move before it writes anything.
//
// The source is read in one snapshot (a read transaction), page by page in
// primary-key order, so memory stays constant and a forum that keeps
// serving while it is read is copied as it was at one instant. The target
// is written in batches, each in a transaction, tables in the order their
// foreign keys need; a reference that closes a cycle (a thread's solution
// is one of its posts) is written empty and filled in once both sides are
// there.

// searchTables are the search index: built by the target, never copied.
var searchTables = map[string]bool{"post_search": true}

// MoveProgress is where a move stands, after each batch.
type MoveProgress struct {
	Table       string
	Done, Total int64 // rows of this table
	Tables      int   // tables before this one
	AllTables   int
}

// MoveOptions tune a move.
type MoveOptions struct {
	// Progress hears each batch; nil: nobody listens.
	Progress func(MoveProgress)
	// BatchRows is how many rows go into one statement and one
	// transaction; 500 when zero.
	BatchRows int
}

// TableCount is one table's rows on both sides after a move.
type TableCount struct {
	Table          string
	Source, Target int64
}

// SearchCheck is one search run on both sides after a move.
type SearchCheck struct {
	Query          string
	Source, Target []int64 // the threads found, in ascending id order
}

// MoveReport says what a move copied and how it checked the copy.
type MoveReport struct {
	Tables   []TableCount
	Indexed  int64 // posts in the target's search index
	Searches []SearchCheck
}

// ErrTargetNotEmpty is Move's answer for a target that holds a forum.
var ErrTargetNotEmpty = errors.New("models: the target database is not empty")

// column is one column as the catalog describes it.
type column struct {
	name     string
	kind     valueKind
	nullable bool
}

type valueKind int

const (
	kindOther valueKind = iota
	kindInt
	kindBool
	kindTime
	kindText
	kindBytes
)

// foreignKey is one column's reference to another table.
type foreignKey struct {
	column, ref string
}

// table is one table to copy.
type table struct {
	name    string
	columns []column
	pk      []string
	fks     []foreignKey
	// deferred are the columns written empty and filled in afterwards:
	// their references close a cycle.
	deferred []string
}

// Move copies every row of the forum in from into to, which it migrates
// first and which must hold nothing but what the migrations write; ids are
// kept, PostgreSQL's sequences continue after them. Then it counts the
// rows of every table on both sides and runs a few searches on both.
func Move(ctx context.Context, from, to *Store, opt MoveOptions) (MoveReport, error) {
	var rep MoveReport
	if opt.BatchRows <= 0 {
		opt.BatchRows = 500
	}
	src, err := from.db.DB()
	if err != nil {
		return rep, err
	}
	dst, err := to.db.DB()
	if err != nil {
		return rep, err
	}
	if _, err := to.Migrate(ctx); err != nil {
		return rep, fmt.Errorf("models: move: migrate the target: %w", err)
	}
	srcVersion, err := migrations.Version(ctx, src)
	if err != nil {
		return rep, fmt.Errorf("models: move: the source's schema version: %w", err)
	}
	dstVersion, err := migrations.Version(ctx, dst)
	if err != nil {
		return rep, err
	}
	if srcVersion != dstVersion {
		return rep, fmt.Errorf("models: move: the source's schema is at version %d, this build's at %d: run `hiroba migrate` on the source first", srcVersion, dstVersion)
	}
	srcTables, err := readCatalog(ctx, src, from.dialect)
	if err != nil {
		return rep, fmt.Errorf("models: move: read the source's tables: %w", err)
	}
	dstTables, err := readCatalog(ctx, dst, to.dialect)
	if err != nil {
		return rep, fmt.Errorf("models: move: read the target's tables: %w", err)
	}
	tables, err := matchCatalogs(srcTables, dstTables)
	if err != nil {
		return rep, fmt.Errorf("models: move: %w", err)
	}
	if err := emptyTarget(ctx, dst, to.dialect, tables); err != nil {
		return rep, err
	}

	// One snapshot of the source for everything read from it.
	conn, err := src.Conn(ctx)
	if err != nil {
		return rep, err
	}
	defer conn.Close()
	begin := "BEGIN" // deferred: takes no write lock from the forum serving
	if from.dialect == migrations.Postgres {
		begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return rep, fmt.Errorf("models: move: begin reading the source: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")

	var n int64
	totals := map[string]int64{}
	for _, t := range tables {
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quote(t.name)).Scan(&n); err != nil {
			return rep, fmt.Errorf("models: move: count %s: %w", t.name, err)
		}
		totals[t.name] = n
	}
	for i, t := range tables {
		if err := copyTable(ctx, conn, dst, from.dialect, to.dialect, t, i, len(tables), totals[t.name], opt); err != nil {
			return rep, fmt.Errorf("models: move: copy %s: %w (the target now holds part of the forum: empty it before trying again)", t.name, err)
		}
	}
	for _, t := range tables {
		for _, col := range t.deferred {
			if err := fillDeferred(ctx, conn, dst, from.dialect, to.dialect, t, col, opt.BatchRows); err != nil {
				return rep, fmt.Errorf("models: move: fill in %s.%s: %w", t.name, col, err)
			}
		}
	}
	if to.dialect == migrations.Postgres {
		if err := resetSequences(ctx, dst, tables); err != nil {
			return rep, err
		}
	}

	// The check: every table's rows, the search index, a few searches.
	for _, t := range tables {
		if err := dst.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quote(t.name)).Scan(&n); err != nil {
			return rep, fmt.Errorf("models: move: count %s in the target: %w", t.name, err)
		}
		rep.Tables = append(rep.Tables, TableCount{Table: t.name, Source: totals[t.name], Target: n})
	}
	var mismatched []string
	for _, c := range rep.Tables {
		if c.Source != c.Target {
			mismatched = append(mismatched, fmt.Sprintf("%s: %d in the source, %d in the target", c.Table, c.Source, c.Target))
		}
	}
	if len(mismatched) > 0 {
		return rep, fmt.Errorf("models: move: the copy differs: %s", strings.Join(mismatched, "; "))
	}
	if err := dst.QueryRowContext(ctx, "SELECT COUNT(*) FROM post_search").Scan(&rep.Indexed); err != nil {
		return rep, fmt.Errorf("models: move: count the target's search index: %w", err)
	}
	if rep.Indexed != totals["posts"] {
		return rep, fmt.Errorf("models: move: the target's search index holds %d posts of %d", rep.Indexed, totals["posts"])
	}
	if rep.Searches, err = compareSearches(ctx, from, to); err != nil {
		return rep, err
	}
	return rep, nil
}

// readCatalog lists the tables of a database with their columns, primary
// keys and foreign keys, leaving out the migrations' own table and the
// search index. A table it cannot place is an error.
func readCatalog(ctx context.Context, db *sql.DB, dialect string) (map[string]*table, error) {
	var names []string
	virtual := map[string]bool{}
	switch dialect {
	case migrations.SQLite:
		rows, err := db.QueryContext(ctx, `SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				rows.Close()
				return nil, err
			}
			if strings.HasPrefix(strings.ToUpper(def), "CREATE VIRTUAL TABLE") {
				virtual[name] = true
			}
			names = append(names, name)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	case migrations.Postgres:
		// Partitions belong to their table (post_search's).
		rows, err := db.QueryContext(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return nil, err
			}
			names = append(names, name)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := map[string]*table{}
	for _, name := range names {
		if name == "schema_migrations" || searchTables[name] || shadowOf(name, virtual) {
			continue
		}
		if virtual[name] {
			return nil, fmt.Errorf("%s is a virtual table this build does not know how to move", name)
		}
		t := &table{name: name}
		var err error
		if dialect == migrations.SQLite {
			err = sqliteTable(ctx, db, t)
		} else {
			err = postgresTable(ctx, db, t)
		}
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
		if len(t.pk) == 0 {
			return nil, fmt.Errorf("table %s has no primary key: it cannot be read page by page", name)
		}
		out[name] = t
	}
	return out, nil
}

// shadowOf reports whether a SQLite table is one of the tables an FTS5
// virtual table keeps its index in (post_search_data, …_idx, …).
func shadowOf(name string, virtual map[string]bool) bool {
	for v := range virtual {
		if strings.HasPrefix(name, v+"_") {
			return true
		}
	}
	return false
}

func sqliteTable(ctx context.Context, db *sql.DB, t *table) error {
	rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid`, t.name)
	if err != nil {
		return err
	}
	pk := map[int]string{}
	for rows.Next() {
		var name, typ string
		var notNull bool
		var pkPos int
		if err := rows.Scan(&name, &typ, &notNull, &pkPos); err != nil {
			rows.Close()
			return err
		}
		t.columns = append(t.columns, column{name: name, kind: sqliteKind(typ), nullable: !notNull})
		if pkPos > 0 {
			pk[pkPos] = name
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := 1; i <= len(pk); i++ {
		t.pk = append(t.pk, pk[i])
	}
	t.fks, err = readForeignKeys(ctx, db, `SELECT "from", "table" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, t.name)
	return err
}

// readForeignKeys reads a table's foreign keys from a catalog query whose
// rows are (column, referenced table).
func readForeignKeys(ctx context.Context, db *sql.DB, query string, args ...any) ([]foreignKey, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []foreignKey
	for rows.Next() {
		var fk foreignKey
		if err := rows.Scan(&fk.column, &fk.ref); err != nil {
			return nil, err
		}
		out = append(out, fk)
	}
	return out, rows.Err()
}

func sqliteKind(typ string) valueKind {
	switch t := strings.ToUpper(typ); {
	case t == "BOOLEAN":
		return kindBool
	case strings.Contains(t, "INT"):
		return kindInt
	case t == "DATETIME" || t == "TIMESTAMP" || t == "DATE":
		return kindTime
	case strings.Contains(t, "TEXT") || strings.Contains(t, "CHAR"):
		return kindText
	case t == "BLOB":
		return kindBytes
	}
	return kindOther
}

func postgresTable(ctx context.Context, db *sql.DB, t *table) error {
	rows, err := db.QueryContext(ctx, `SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, t.name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c column
		var typ string
		if err := rows.Scan(&c.name, &typ, &c.nullable); err != nil {
			rows.Close()
			return err
		}
		c.kind = postgresKind(typ)
		t.columns = append(t.columns, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = db.QueryContext(ctx, `SELECT a.attname FROM pg_index i
		JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass AND i.indisprimary
		ORDER BY k.n`, t.name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		t.pk = append(t.pk, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	t.fks, err = readForeignKeys(ctx, db, `SELECT a.attname, rf.relname FROM pg_constraint co
		JOIN pg_class rf ON rf.oid = co.confrelid
		JOIN LATERAL unnest(co.conkey) AS k(attnum) ON true
		JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum
		WHERE co.contype = 'f' AND co.conrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
		ORDER BY co.conname, a.attname`, t.name)
	return err
}

func postgresKind(typ string) valueKind {
	switch typ {
	case "bigint", "integer", "smallint":
		return kindInt
	case "boolean":
		return kindBool
	case "timestamp with time zone", "timestamp without time zone", "date":
		return kindTime
	case "text", "character varying", "character":
		return kindText
	case "bytea":
		return kindBytes
	}
	return kindOther
}

// matchCatalogs pairs the source's tables with the target's: the same
// tables, each with the same columns. It returns the target's description
// (whose types the values are written as) in the order the foreign keys
// need.
func matchCatalogs(src, dst map[string]*table) ([]*table, error) {
	var problems []string
	for name := range src {
		if dst[name] == nil {
			problems = append(problems, fmt.Sprintf("table %s is in the source but not in the target", name))
		}
	}
	for name, t := range dst {
		s := src[name]
		if s == nil {
			problems = append(problems, fmt.Sprintf("table %s is in the target but not in the source", name))
			continue
		}
		have := map[string]bool{}
		for _, c := range s.columns {
			have[c.name] = true
		}
		for _, c := range t.columns {
			if !have[c.name] {
				problems = append(problems, fmt.Sprintf("column %s.%s is in the target but not in the source", name, c.name))
			}
			delete(have, c.name)
		}
		for c := range have {
			problems = append(problems, fmt.Sprintf("column %s.%s is in the source but not in the target", name, c))
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return nil, fmt.Errorf("the two databases do not hold the same tables: %s", strings.Join(problems, "; "))
	}
	return insertOrder(dst)
}

// insertOrder sorts the tables so that each comes after those it refers
// to. A reference that closes a cycle (a thread's solution is one of its
// posts, whose thread is that thread) cannot be satisfied by order: a
// nullable column in the cycle is written empty and filled in at the end.
// A cycle of columns that all refuse NULL cannot be moved at all.
func insertOrder(tables map[string]*table) ([]*table, error) {
	names := make([]string, 0, len(tables))
	for name := range tables {
		names = append(names, name)
		for _, fk := range tables[name].fks {
			if tables[fk.ref] == nil {
				return nil, fmt.Errorf("%s.%s refers to %s, which is not moved", name, fk.column, fk.ref)
			}
		}
	}
	slices.Sort(names)
	// required reports whether from needs to rows of to first, through
	// references that cannot be empty.
	var required func(from, to string, seen map[string]bool) bool
	required = func(from, to string, seen map[string]bool) bool {
		if from == to {
			return true
		}
		seen[from] = true
		t := tables[from]
		for _, fk := range t.fks {
			if c := t.column(fk.column); c != nil && !c.nullable && !seen[fk.ref] && required(fk.ref, to, seen) {
				return true
			}
		}
		return false
	}
	const (
		unvisited = iota
		visiting
		placed
	)
	state := map[string]int{}
	var order []*table
	var visit func(name string) error
	visit = func(name string) error {
		t := tables[name]
		state[name] = visiting
		for _, fk := range t.fks {
			nullable := t.column(fk.column) != nil && t.column(fk.column).nullable
			switch {
			case state[fk.ref] == placed:
			case nullable && (state[fk.ref] == visiting || required(fk.ref, name, map[string]bool{})):
				if !slices.Contains(t.deferred, fk.column) {
					t.deferred = append(t.deferred, fk.column)
				}
			case state[fk.ref] == visiting:
				return fmt.Errorf("%s.%s closes a cycle of references none of which may be empty: no order of tables can insert it", name, fk.column)
			default:
				if err := visit(fk.ref); err != nil {
					return err
				}
			}
		}
		state[name] = placed
		order = append(order, t)
		return nil
	}
	for _, name := range names {
		if state[name] == unvisited {
			if err := visit(name); err != nil {
				return nil, err
			}
		}
	}
	return order, nil
}

func (t *table) column(name string) *column {
	for i := range t.columns {
		if t.columns[i].name == name {
			return &t.columns[i]
		}
	}
	return nil
}

// emptyTarget refuses a target that holds more than a freshly migrated
// database, and clears what the migrations wrote (the default watched
// words) so that the source's rows take their place. What a fresh
// database holds is learnt from one: a scratch SQLite file, migrated.
func emptyTarget(ctx context.Context, dst *sql.DB, dialect string, tables []*table) error {
	fresh, err := freshCounts(ctx, tables)
	if err != nil {
		return err
	}
	var clear, full []string
	for _, t := range tables {
		var n int64
		if err := dst.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quote(t.name)).Scan(&n); err != nil {
			return fmt.Errorf("models: move: count %s in the target: %w", t.name, err)
		}
		switch {
		case n > fresh[t.name]:
			full = append(full, fmt.Sprintf("%s (%d rows)", t.name, n))
		case n > 0:
			clear = append(clear, t.name)
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("%w: it holds %s; move into a new, empty database", ErrTargetNotEmpty, strings.Join(full, ", "))
	}
	if len(clear) == 0 {
		return nil
	}
	tx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Children first: the reverse of the order they are inserted in.
	for i := len(tables) - 1; i >= 0; i-- {
		if slices.Contains(clear, tables[i].name) {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+quote(tables[i].name)); err != nil {
				return fmt.Errorf("models: move: clear the migrations' rows of %s: %w", tables[i].name, err)
			}
		}
	}
	return tx.Commit()
}

// freshCounts counts the rows the migrations alone write, per table.
func freshCounts(ctx context.Context, tables []*table) (map[string]int64, error) {
	dir, err := os.MkdirTemp("", "hiroba-move-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, dialect, err := database.Open("sqlite:" + filepath.Join(dir, "fresh.db"))
	if err != nil {
		return nil, err
	}
	defer database.Close(db)
	if _, err := database.Migrate(ctx, db, dialect); err != nil {
		return nil, fmt.Errorf("models: move: migrate a scratch database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, t := range tables {
		var n int64
		// A table only PostgreSQL has counts as empty when fresh.
		if err := sqlDB.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quote(t.name)).Scan(&n); err == nil {
			out[t.name] = n
		}
	}
	return out, nil
}

// copyTable copies one table's rows, a page at a time in primary-key
// order, each page in one transaction of the target.
func copyTable(ctx context.Context, src *sql.Conn, dst *sql.DB, srcDialect, dstDialect string, t *table, index, all int, total int64, opt MoveOptions) error {
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = quote(c.name)
	}
	// Both databases allow tens of thousands of parameters a statement.
	batch := max(min(opt.BatchRows, 30000/len(cols)), 1)
	page := fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), quote(t.name))
	order := " ORDER BY " + quoteAll(t.pk) + " LIMIT " + strconv.Itoa(batch)
	after := " WHERE (" + quoteAll(t.pk) + ") > (" + placeholders(srcDialect, 1, len(t.pk)) + ")"
	pkAt := make([]int, len(t.pk))
	for i, k := range t.pk {
		pkAt[i] = slices.IndexFunc(t.columns, func(c column) bool { return c.name == k })
	}
	deferredAt := map[int]bool{}
	for _, d := range t.deferred {
		deferredAt[slices.IndexFunc(t.columns, func(c column) bool { return c.name == d })] = true
	}
	report := func(done int64) {
		if opt.Progress != nil {
			opt.Progress(MoveProgress{Table: t.name, Done: done, Total: total, Tables: index, AllTables: all})
		}
	}
	report(0)
	var last []any
	var done int64
	values := make([]any, 0, batch*len(cols))
	for {
		var rows *sql.Rows
		var err error
		if last == nil {
			rows, err = src.QueryContext(ctx, page+order)
		} else {
			rows, err = src.QueryContext(ctx, page+after+order, last...)
		}
		if err != nil {
			return err
		}
		values = values[:0]
		n := 0
		for rows.Next() {
			row := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range row {
				ptrs[i] = &row[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			last = make([]any, len(pkAt))
			for i, at := range pkAt {
				last[i] = row[at]
			}
			for i, c := range t.columns {
				v, err := convert(row[i], c.kind)
				if err != nil {
					rows.Close()
					return fmt.Errorf("column %s: %w", c.name, err)
				}
				if deferredAt[i] {
					v = nil
				}
				values = append(values, v)
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if err := insertRows(ctx, dst, dstDialect, t.name, cols, n, values); err != nil {
			return err
		}
		done += int64(n)
		report(done)
		if n < batch {
			return nil
		}
	}
}

func insertRows(ctx context.Context, dst *sql.DB, dialect, name string, cols []string, n int, values []any) error {
	var b strings.Builder
	b.WriteString("INSERT INTO " + quote(name) + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + placeholders(dialect, i*len(cols)+1, len(cols)) + ")")
	}
	tx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, b.String(), values...); err != nil {
		return err
	}
	return tx.Commit()
}

// fillDeferred writes the references copyTable left empty, now that what
// they refer to is there.
func fillDeferred(ctx context.Context, src *sql.Conn, dst *sql.DB, srcDialect, dstDialect string, t *table, col string, batch int) error {
	pk := quoteAll(t.pk)
	page := fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s IS NOT NULL", pk, quote(col), quote(t.name), quote(col))
	order := " ORDER BY " + pk + " LIMIT " + strconv.Itoa(batch)
	after := " AND (" + pk + ") > (" + placeholders(srcDialect, 1, len(t.pk)) + ")"
	var where []string
	for i, k := range t.pk {
		where = append(where, quote(k)+" = "+placeholders(dstDialect, i+2, 1))
	}
	update := fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s", quote(t.name), quote(col), placeholders(dstDialect, 1, 1), strings.Join(where, " AND "))
	kind := t.column(col).kind
	var last []any
	for {
		var rows *sql.Rows
		var err error
		if last == nil {
			rows, err = src.QueryContext(ctx, page+order)
		} else {
			rows, err = src.QueryContext(ctx, page+after+order, last...)
		}
		if err != nil {
			return err
		}
		var updates [][]any
		for rows.Next() {
			row := make([]any, len(t.pk)+1)
			ptrs := make([]any, len(row))
			for i := range row {
				ptrs[i] = &row[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			last = row[:len(t.pk)]
			v, err := convert(row[len(t.pk)], kind)
			if err != nil {
				rows.Close()
				return err
			}
			updates = append(updates, append([]any{v}, row[:len(t.pk)]...))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(updates) == 0 {
			return nil
		}
		tx, err := dst.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, args := range updates {
			if _, err := tx.ExecContext(ctx, update, args...); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		if len(updates) < batch {
			return nil
		}
	}
}

// resetSequences sets every sequence that numbers a column of a moved
// table past the largest id copied, so the next row takes the next id.
func resetSequences(ctx context.Context, dst *sql.DB, tables []*table) error {
	for _, t := range tables {
		for _, c := range t.columns {
			var seq sql.NullString
			if err := dst.QueryRowContext(ctx, `SELECT pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident($1), $2)`,
				t.name, c.name).Scan(&seq); err != nil {
				return fmt.Errorf("models: move: find the sequence of %s.%s: %w", t.name, c.name, err)
			}
			if !seq.Valid {
				continue
			}
			q := fmt.Sprintf(`SELECT setval($1, COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, false)`, quote(c.name), quote(t.name))
			if _, err := dst.ExecContext(ctx, q, seq.String); err != nil {
				return fmt.Errorf("models: move: reset %s: %w", seq.String, err)
			}
		}
	}
	return nil
}

// convert turns a value as one driver read it into what the target's
// column takes: times in UTC, booleans from SQLite's integers and back.
func convert(v any, kind valueKind) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && kind != kindBytes {
		v = string(b)
	}
	switch kind {
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case string:
			return strconv.ParseBool(x)
		}
	case kindInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case string:
			return strconv.ParseInt(x, 10, 64)
		}
	case kindTime:
		switch x := v.(type) {
		case time.Time:
			return x.UTC(), nil
		case string:
			t, err := parseTime(x)
			return t, err
		}
	case kindText:
		switch x := v.(type) {
		case string:
			return x, nil
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		}
	case kindBytes:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("cannot store a %T (%v) in this column", v, v)
}

// timeLayouts are how times are written as text by the SQLite driver and
// by hand.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", s)
}

// quote quotes an identifier for both databases.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quote(n)
	}
	return strings.Join(out, ", ")
}

// placeholders writes n parameters starting at the first-th: $1, $2 on
// PostgreSQL, ? on SQLite.
func placeholders(dialect string, first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if dialect == migrations.Postgres {
			b.WriteString("$" + strconv.Itoa(first+i))
		} else {
			b.WriteString("?")
		}
	}
	return b.String()
}

// compareSearches runs a few searches on both forums, newest first, and
// compares the threads they find: words from the titles of the oldest,
// the middle and the newest thread the public can see.
func compareSearches(ctx context.Context, from, to *Store) ([]SearchCheck, error) {
	queries, err := from.searchSamples(ctx)
	if err != nil {
		return nil, err
	}
	var out []SearchCheck
	for _, q := range queries {
		c := SearchCheck{Query: q}
		for i, s := range []*Store{from, to} {
			res, err := s.Search(ctx, SearchInput{Query: q, Sort: SortNewest, PerPage: 50})
			if err != nil {
				return out, fmt.Errorf("models: move: search %q: %w", q, err)
			}
			ids := make([]int64, len(res.Results))
			for j, r := range res.Results {
				ids[j] = r.Thread.ID
			}
			slices.Sort(ids)
			if i == 0 {
				c.Source = ids
			} else {
				c.Target = ids
			}
		}
		out = append(out, c)
		if !slices.Equal(c.Source, c.Target) {
			return out, fmt.Errorf("models: move: searching %q finds threads %v in the source, %v in the target", q, c.Source, c.Target)
		}
	}
	return out, nil
}

// searchSamples picks search words from a few thread titles.
func (s *Store) searchSamples(ctx context.Context) ([]string, error) {
	var titles []string
	db := s.db.WithContext(ctx).Model(&Thread{}).Where("hidden_at IS NULL")
	var n int64
	if err := db.Session(&gorm.Session{}).Count(&n).Error; err != nil {
		return nil, err
	}
	for _, at := range []int64{0, n / 2, n - 1} {
		if at < 0 {
			continue
		}
		var title []string
		if err := db.Session(&gorm.Session{}).Order("id").Offset(int(at)).Limit(1).Pluck("title", &title).Error; err != nil {
			return nil, err
		}
		titles = append(titles, title...)
	}
	var queries []string
	for _, title := range titles {
		// The longest word: the likeliest to mean something.
		best := ""
		for _, w := range strings.Fields(title) {
			w = strings.Trim(w, ".,;:!?()[]「」、。？！\"'")
			if len([]rune(w)) > len([]rune(best)) {
				best = w
			}
		}
		if best != "" && !slices.Contains(queries, best) {
			queries = append(queries, best)
		}
	}
	return queries, nil
}

package models

// What each write changed, in the terms of what readers are shown, so that
// caches of rendered pages can drop exactly what went stale. A page says
// what it shows with these keys where it is rendered; a write says what it
// touched here, in the Store method that does it, so no handler can forget.
// The keys reach the caches once the write has committed (Store.OnChange),
// never before: a reader who renders after hearing of a change reads it.

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// Key names a part of what readers are shown that writes change.
type Key string

// The keys that are not about one row.
const (
	// KeyAll is every page: for a change whose reach is wide and rare
	// (a purge, an import), which is not worth tracing row by row.
	KeyAll Key = "all"
	// KeyHome is the list of threads across every category.
	KeyHome Key = "home"
	// KeyCategories is the categories with their thread counts, shown
	// beside every list.
	KeyCategories Key = "categories"
	// KeySearch is every search result and list of similar threads.
	KeySearch Key = "search"
	// KeyKnownIssues is the known issues: the banner on every page and
	// the composer's notice (known_issues.go).
	KeyKnownIssues Key = "known_issues"
)

// ThreadKey is a thread's pages, its posts' histories included.
func ThreadKey(id int64) Key { return Key("thread:" + strconv.FormatInt(id, 10)) }

// CategoryKey is the list of one category's threads.
func CategoryKey(id int64) Key { return Key("category:" + strconv.FormatInt(id, 10)) }

// UserKey is a user's profile: their questions and replies.
func UserKey(id int64) Key { return Key("user:" + strconv.FormatInt(id, 10)) }

// OnChange has fn told, after each write commits, the keys of what it
// changed. It is called once, before the store is shared; fn must not block
// (it runs on the writer's request).
func (s *Store) OnChange(fn func([]Key)) { s.onChange = fn }

// changeSet gathers what one transaction changed. A transaction runs on one
// goroutine, so it needs no lock.
type changeSet struct {
	keys     []Key
	declared bool // the write said what it changed, even if nothing
	wrote    bool // a table pages read was written (see watchContentWrites)
}

type changesKey struct{}

// touch records that the write in progress changed what the keys name. A
// write that changes nothing readers see calls it with no keys, to say so.
// Outside a transaction the change is told at once: it has committed.
func (s *Store) touch(keys ...Key) {
	if s.changes == nil {
		s.announce(&changeSet{keys: keys, declared: true})
		return
	}
	s.changes.declared = true
	s.changes.keys = append(s.changes.keys, keys...)
}

// touchThread records a change to a thread as lists show it: its page, its
// category's list, the home list and search.
func (s *Store) touchThread(th Thread) {
	s.touch(ThreadKey(th.ID), CategoryKey(th.CategoryID), KeyHome, KeySearch)
}

// touchThreadID is touchThread for a thread not loaded, and its asker.
func (s *Store) touchThreadID(id int64) error {
	var th Thread
	if err := s.db.Select("id", "category_id", "user_id").Take(&th, id).Error; err != nil {
		return err
	}
	s.touchThread(th)
	s.touch(UserKey(th.UserID))
	return nil
}

// touchPosters records a change to every profile listing a post of the
// thread: when the thread itself is hidden or shown, the replies in it
// leave or come back to their authors' profiles, which did not list them.
func (s *Store) touchPosters(threadID int64) error {
	var ids []int64
	if err := s.db.Model(&Post{}).Where("thread_id = ?", threadID).Distinct().Pluck("user_id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		s.touch(UserKey(id))
	}
	return nil
}

// announce tells the listener what a committed write changed. A write that
// wrote a table pages read without saying what it changed is taken to have
// changed everything: a write path that forgets costs hit rate, never a
// stale page.
func (s *Store) announce(cs *changeSet) {
	if s.onChange == nil {
		return
	}
	keys := cs.keys
	if cs.wrote && !cs.declared {
		keys = []Key{KeyAll}
	}
	if len(keys) > 0 {
		s.onChange(keys)
	}
}

// contentTables are the tables pages are rendered from.
var contentTables = []string{"threads", "posts", "categories", "post_votes", "post_revisions"}

// watchContentWrites marks, in the transaction's change set, every statement
// that writes a table pages read: the safety net under touch. It needs the
// transaction's context, which Tx gives its store's handle.
func watchContentWrites(db *gorm.DB) {
	mark := func(db *gorm.DB) {
		cs, ok := db.Statement.Context.Value(changesKey{}).(*changeSet)
		if ok && db.Error == nil && writesContent(db.Statement) {
			cs.wrote = true
		}
	}
	const name = "hiroba:content_writes"
	cb := db.Callback()
	if cb.Create().Get(name) != nil {
		return // another Store over the same handle registered it
	}
	_ = cb.Create().After("gorm:create").Register(name, mark)
	_ = cb.Update().After("gorm:update").Register(name, mark)
	_ = cb.Delete().After("gorm:delete").Register(name, mark)
	_ = cb.Raw().After("gorm:raw").Register(name, mark)
	_ = cb.Row().After("gorm:row").Register(name, mark) // UPDATE … RETURNING read back with Scan
}

// writesContent reports whether a statement writes one of contentTables:
// by its model's table, or for SQL written by hand, by its words.
func writesContent(st *gorm.Statement) bool {
	sql := strings.ToLower(st.SQL.String())
	verb, _, _ := strings.Cut(strings.TrimSpace(sql), " ")
	switch verb {
	case "insert", "update", "delete":
	default:
		return false
	}
	for _, t := range contentTables {
		if st.Table == t {
			return true
		}
	}
	words := strings.FieldsFunc(sql, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	for _, w := range words {
		for _, t := range contentTables {
			if w == t {
				return true
			}
		}
	}
	return false
}

// withChanges is the context a transaction's statements run in.
func withChanges(ctx context.Context, cs *changeSet) context.Context {
	return context.WithValue(ctx, changesKey{}, cs)
}

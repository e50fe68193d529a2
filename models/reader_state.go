package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// ReaderState is what a thread page shows of the member reading it: the
// posts they found helpful, how they follow the thread, their unread
// notifications (the bell), whether they may flag posts, and whether they
// said they have the problem too.
type ReaderState struct {
	Voted   map[int64]bool
	Watch   WatchLevel
	Unread  int
	MayFlag error // nil when they may flag; else why not, as MayFlag says
	MeToo   bool  // see SetMeToo
}

// ReaderState reads in one query what VotedPosts, WatchLevel, UnreadCount
// and MayFlag read in five, and the reader's me-too: every signed-in page
// view of a thread asks all of them, and on either database a statement's
// fixed cost (a round trip, or parsing it again) was most of each. Each
// part is the same query those methods build, as a subquery, and the same
// decision.
func (s *Store) ReaderState(ctx context.Context, user User, threadID int64, postIDs []int64) (ReaderState, error) {
	db := s.db.WithContext(ctx)
	watch := db.Model(&ThreadWatch{}).Select("level").Where("user_id = ? AND thread_id = ?", user.ID, threadID).Limit(1)
	// As Count selects: a plain Select would keep the joined tables' columns.
	unread := s.unreadOf(ctx, user).Clauses(clause.Select{Expression: clause.Expr{SQL: "count(*)"}})
	rules := db.Model(&Setting{}).Select("value").Where("key = ?", rulesKey)
	published := s.publishedPosts(user.ID).WithContext(ctx).Select("count(*)")
	meToo := db.Table("thread_me_toos").Select("count(*)").Where("thread_id = ? AND user_id = ?", threadID, user.ID)
	if len(postIDs) == 0 {
		postIDs = []int64{0} // no post has it: IN needs a value
	}
	rows, err := db.Raw(`SELECT (?), (?), (?), (?), (?), v.post_id
		FROM (SELECT 1 AS one) one LEFT JOIN post_votes v ON v.user_id = ? AND v.post_id IN ?`,
		watch, unread, rules, published, meToo, user.ID, postIDs).Rows()
	if err != nil {
		return ReaderState{}, fmt.Errorf("models: reader of thread %d: %w", threadID, err)
	}
	st := ReaderState{Voted: map[int64]bool{}}
	var (
		level          sql.NullString
		unreadN, count int64
		meTooN         int64
		stored         sql.NullString
		voted          sql.NullInt64
	)
	err = scanRows(rows, func() []any { return []any{&level, &unreadN, &stored, &count, &meTooN, &voted} }, func() {
		if voted.Valid {
			st.Voted[voted.Int64] = true
		}
	})
	if err != nil {
		return ReaderState{}, fmt.Errorf("models: reader of thread %d: %w", threadID, err)
	}
	st.Watch, st.Unread, st.MeToo = NotWatching, int(unreadN), meTooN > 0
	if level.Valid {
		st.Watch = WatchLevel(level.String)
	}
	r := DefaultRules
	if stored.Valid {
		if r, err = parseRules(stored.String); err != nil {
			return ReaderState{}, err
		}
	}
	st.MayFlag = mayFlagGiven(user, r, time.Now().UTC(), count)
	return st, nil
}

// mayFlagGiven is mayFlag's decision, given the user's published posts.
func mayFlagGiven(user User, r Rules, now time.Time, published int64) error {
	if err := user.MayAct(now); err != nil {
		return err
	}
	if newAccount(user, r, now, published) {
		return ErrNewAccount
	}
	return nil
}

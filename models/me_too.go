package models

// "I have this problem too": one per person and question, in
// thread_me_toos, counted on the thread (threads.me_too_count) so that lists
// show and sort by it without counting. It is the first thing a newcomer
// arriving in an outage wants to say, so the new-account limits, which
// guard what others must read, do not apply to it; silence and suspension
// do, as to every other write.

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"hiroba/models/search"
)

// SetMeToo says (on) or takes back (!on) that the actor has the problem the
// thread asks about, and returns how many people now say so. Saying it twice
// counts once: the count moves only when a row was really added or removed,
// in the same transaction, so a double click or two tabs never count twice.
// Saying it makes the actor watch the thread, keeping a level they chose
// (a muted thread stays muted); taking it back leaves the watch as it is.
//
// A thread the actor may not open is not found. The asker cannot say it of
// their own question (ErrForbidden); a closed or merged thread, or one in
// an archived category, takes no more (ErrConflict).
func (s *Store) SetMeToo(ctx context.Context, actor User, threadID int64, on bool) (count int, err error) {
	if err := actor.MayAct(time.Now()); err != nil {
		return 0, err
	}
	err = s.Tx(ctx, func(tx *Store) error {
		th, err := tx.visibleThread(actor, threadID)
		if err != nil {
			return err
		}
		if th.UserID == actor.ID {
			return ErrForbidden
		}
		if err := tx.refuseMeTooOn(th); err != nil {
			return err
		}
		now := time.Now().UTC()
		write, delta := `DELETE FROM thread_me_toos WHERE thread_id = ? AND user_id = ?`, -1
		args := []any{threadID, actor.ID}
		if on {
			write, delta = `INSERT INTO thread_me_toos (thread_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, 1
			args = append(args, now)
		}
		res := tx.db.Exec(write, args...)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			if err := tx.db.Exec(`UPDATE threads SET me_too_count = me_too_count + ? WHERE id = ?`, delta, threadID).Error; err != nil {
				return err
			}
			tx.touchThread(th) // the count on the page and in the lists sorted by it
		} else {
			tx.touch() // said already (or never): nothing readers see changed
		}
		if on {
			if err := tx.autoWatch(actor.ID, threadID, now); err != nil {
				return err
			}
		}
		return tx.db.Raw(`SELECT me_too_count FROM threads WHERE id = ?`, threadID).Scan(&count).Error
	})
	if err != nil {
		return 0, fmt.Errorf("models: me too on thread %d: %w", threadID, notFoundErr(err))
	}
	return count, nil
}

// refuseMeTooOn refuses a thread that takes no more me-toos: closed, merged
// into another (its me-toos went there), or in an archived category.
func (s *Store) refuseMeTooOn(th Thread) error {
	if th.Closed() {
		return ErrConflict
	}
	var n int64
	err := s.db.Raw(`SELECT count(*) FROM threads t JOIN categories c ON c.id = t.category_id
		WHERE t.id = ? AND (t.merged_into IS NOT NULL OR c.archived_at IS NOT NULL)`, th.ID).Scan(&n).Error
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrConflict
	}
	return nil
}

// meTooPhrases are the replies that only say "me too", as IsMeTooText
// compares them: folded, with everything but letters, digits and "+"
// left out. A reply made of nothing but these (one or several, "+1 same
// here") is counted as a me-too instead of posted.
var meTooPhrases = []string{
	"+1", "me too", "me as well", "same", "same here", "same problem", "same issue", "same for me",
	"same problem here", "same issue here",
	"i have the same problem", "i have the same issue", "i have this problem too",
	"同じく", "私も", "私もです", "同じです", "自分も", "自分もです", "同じ症状です", "同じ問題です",
}

// maxMeTooText bounds the text IsMeTooText reads: a reply longer than
// this says more than "me too", and is not folded to find out.
const maxMeTooText = 200

// IsMeTooText reports whether a reply's whole text only says "me too" (or
// "+1", "same here", 「私も」…): case, width, spacing, punctuation, markup and
// emoji aside, with a thumbs-up counted as a "+1". A reply that says
// anything more ("+1, clearing the cache fixed it for me") is a reply.
func IsMeTooText(text string) bool {
	if len(text) > maxMeTooText {
		return false
	}
	key := meTooKey(text)
	if key == "" {
		return false
	}
	phrases := make([]string, len(meTooPhrases))
	for i, p := range meTooPhrases {
		phrases[i] = meTooKey(p)
	}
	// Whether the text splits into phrases: reach[i] says its first i
	// bytes do. A phrase may start another ("私も", "私もです"), so every
	// split is tried.
	reach := make([]bool, len(key)+1)
	reach[0] = true
	for i := range key {
		if !reach[i] {
			continue
		}
		for _, p := range phrases {
			if strings.HasPrefix(key[i:], p) {
				reach[i+len(p)] = true
			}
		}
	}
	return reach[len(key)]
}

// meTooKey folds a text for IsMeTooText: NFKC and case folding (so "ＭＥ
// ＴＯＯ" is "me too"), a thumbs-up as "+1", and only letters, digits and
// "+" kept.
func meTooKey(text string) string {
	var b strings.Builder
	for _, r := range search.Normalize(text) {
		switch {
		case r == '👍':
			b.WriteString("+1")
		case r == '+' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

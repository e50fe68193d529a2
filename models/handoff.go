package models

import (
	"context"
	"fmt"
	"time"
)

// NotifyHandOff tells an asker that their question has waited days for a
// reply, and that official support is there for what only the company can
// do (the thread page links it).
const NotifyHandOff NotificationKind = "handoff"

// handOffReach bounds how old a question may be and still be offered the
// hand-off: turning the offer on (or a contact address being set) must not
// notify askers of questions from years ago.
const handOffReach = 7 * 24 * time.Hour

// OfferHandOffs notifies the askers of public questions that have had no
// reply for `after` (and no longer than handOffReach beyond it), once per
// question, and returns how many it notified. Deleted accounts are left
// out. Several instances may run it at once: the notifications' unique key
// keeps it once per question. (Without a reply, a thread's last post is
// its question: last_posted_at is when it was asked, and indexed for the
// unanswered.)
func (s *Store) OfferHandOffs(ctx context.Context, after time.Duration, now time.Time) (int64, error) {
	now = now.UTC()
	visible, args := visibleThreadSQL(nil, "t")
	q := `INSERT INTO notifications (user_id, kind, thread_id, post_id, actor_id, created_at)
		SELECT t.user_id, ?, t.id, p.id, t.user_id, ?
		FROM threads t
		JOIN posts p ON p.thread_id = t.id AND p.position = 1
		JOIN users u ON u.id = t.user_id
		WHERE t.reply_count = 0 AND t.last_posted_at <= ? AND t.last_posted_at > ?
		  AND ` + visible + ` AND ` + publicPostSQL("p") + ` AND u.role <> ?
		  AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.post_id = p.id AND n.kind = ?)
		ON CONFLICT DO NOTHING`
	all := append([]any{NotifyHandOff, now, now.Add(-after), now.Add(-after - handOffReach)}, args...)
	all = append(all, RoleDeleted, NotifyHandOff)
	res := s.db.WithContext(ctx).Exec(q, all...)
	if res.Error != nil {
		return 0, fmt.Errorf("models: offer hand-offs: %w", res.Error)
	}
	return res.RowsAffected, nil
}

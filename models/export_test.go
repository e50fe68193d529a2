package models

import "context"

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

// HoldReplies stops reply batches from starting, so that the replies sent
// meanwhile queue, to be written together once ReleaseReplies is called.
func (s *Store) HoldReplies() { s.replies.hold() }

// ReleaseReplies writes the replies held, in batches.
func (s *Store) ReleaseReplies() { s.releaseReplies() }

// QueuedReplies counts the replies waiting for a batch, those whose
// callers left included.
func (s *Store) QueuedReplies() int { return s.replies.waiting() }

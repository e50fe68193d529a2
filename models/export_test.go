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

// EachSitemapThreadInBatches is EachSitemapThread reading batch threads at
// a time, so a test sees several batches without thousands of threads.
func (s *Store) EachSitemapThreadInBatches(ctx context.Context, from int64, limit, batch int, fn func(SitemapThread) error) error {
	return s.eachSitemapThread(ctx, from, limit, batch, fn)
}

package models

import "context"

// CloseAsDuplicate points a thread at another as its duplicate, or as
// where it was merged, as the duplicates part of the forum does, for the
// flood detector's tests to see such threads left out.
func (s *Store) CloseAsDuplicate(ctx context.Context, id, of int64, merged bool) error {
	column := "duplicate_of"
	if merged {
		column = "merged_into"
	}
	return s.db.WithContext(ctx).Exec("UPDATE threads SET "+column+" = ? WHERE id = ?", of, id).Error
}

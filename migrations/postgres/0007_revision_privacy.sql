-- An earlier version of a post can be hidden from the public by the post's
-- author or a moderator: someone who pasted personal data and then edited
-- it out must be able to take it out of the history too. hidden_by says who
-- hid it, so an author cannot undo what a moderator decided. Versions in
-- which the personal-data guard finds something are withheld when the
-- history is read, so versions written before this migration are covered.
ALTER TABLE post_revisions ADD COLUMN hidden_at TIMESTAMPTZ;
ALTER TABLE post_revisions ADD COLUMN hidden_by BIGINT REFERENCES users(id) ON DELETE SET NULL;

-- The language of each title and post ("ja", "en", or "" when it has no
-- letters), detected when it is written, so pages can tag what they show
-- without looking at the text again. NULL means not yet detected: the store
-- fills those in after migrating (models/language.go), and the partial
-- indexes hold only them, so finding none left costs nothing.
ALTER TABLE threads ADD COLUMN title_lang TEXT;
ALTER TABLE posts ADD COLUMN lang TEXT;
CREATE INDEX threads_title_lang_pending ON threads (id) WHERE title_lang IS NULL;
CREATE INDEX posts_lang_pending ON posts (id) WHERE lang IS NULL;

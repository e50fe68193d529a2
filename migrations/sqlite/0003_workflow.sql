-- The support workflow: an accepted solution per thread, helpful votes on
-- posts, soft deletion that keeps the text, title history in revisions, and
-- roles, so moderators can act where the asker would.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member';
ALTER TABLE threads ADD COLUMN solution_post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL;
ALTER TABLE threads ADD COLUMN solved_at DATETIME;
ALTER TABLE threads ADD COLUMN helpful_count INTEGER NOT NULL DEFAULT 0;

ALTER TABLE posts ADD COLUMN helpful_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN deleted_at DATETIME;
ALTER TABLE posts ADD COLUMN deleted_by INTEGER REFERENCES users(id);

ALTER TABLE post_revisions ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE post_revisions ADD COLUMN category_id INTEGER;

CREATE TABLE post_votes (
    post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_votes_user_id ON post_votes (user_id);

-- Each list filter (unanswered, unsolved, solved) and sort is one index scan.
CREATE INDEX threads_unanswered ON threads (last_posted_at DESC, id DESC) WHERE reply_count = 0;
CREATE INDEX threads_category_unanswered ON threads (category_id, last_posted_at DESC, id DESC) WHERE reply_count = 0;
CREATE INDEX threads_unsolved ON threads (last_posted_at DESC, id DESC) WHERE solution_post_id IS NULL;
CREATE INDEX threads_category_unsolved ON threads (category_id, last_posted_at DESC, id DESC) WHERE solution_post_id IS NULL;
CREATE INDEX threads_solved ON threads (last_posted_at DESC, id DESC) WHERE solution_post_id IS NOT NULL;
CREATE INDEX threads_category_solved ON threads (category_id, last_posted_at DESC, id DESC) WHERE solution_post_id IS NOT NULL;
CREATE INDEX threads_created_at ON threads (created_at DESC, id DESC);
CREATE INDEX threads_helpful ON threads (helpful_count DESC, last_posted_at DESC, id DESC);

-- A reply the forum refused waits here for its author, for an hour, so that
-- the thread's own address can show it again with the reason (redirect
-- after post) and a reload never sends it twice. One per user and thread.
CREATE TABLE kept_replies (
    user_id    BIGINT      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    thread_id  BIGINT      NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    body       TEXT        NOT NULL,
    reason     TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX kept_replies_created_at ON kept_replies (created_at);

-- An edit the posting rules held for a moderator. The post keeps saying
-- what it said, in public, until the edit is approved; one waits per post.
CREATE TABLE pending_edits (
    post_id     INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source      TEXT    NOT NULL,
    html        TEXT    NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    category_id INTEGER REFERENCES categories(id),
    reasons     TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);

-- What a purge of a spammer changed (the posts it deleted, the threads it
-- hid), so that undoing the purge restores exactly that and nothing a
-- moderator removed for another reason.
CREATE TABLE purged_items (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    target_type TEXT    NOT NULL,  -- post or thread
    target_id   INTEGER NOT NULL,
    created_at  DATETIME NOT NULL,
    PRIMARY KEY (user_id, target_type, target_id)
);

-- When the product breaks. A known issue is a moderator's statement that
-- something is wrong, in both languages, tied to one incident thread; while
-- it is open every page says so. Resolving it keeps the row, with when and
-- how.
CREATE TABLE known_issues (
    id            INTEGER  PRIMARY KEY AUTOINCREMENT,
    title_en      TEXT     NOT NULL,
    title_ja      TEXT     NOT NULL,
    body_en       TEXT     NOT NULL,
    body_ja       TEXT     NOT NULL,
    severity      TEXT     NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
    status_url    TEXT     NOT NULL DEFAULT '',
    thread_id     INTEGER  REFERENCES threads(id) ON DELETE SET NULL,
    opened_by     INTEGER  REFERENCES users(id) ON DELETE SET NULL,
    opened_at     DATETIME NOT NULL,
    resolved_at   DATETIME,
    resolved_by   INTEGER  REFERENCES users(id) ON DELETE SET NULL,
    resolution_en TEXT     NOT NULL DEFAULT '',
    resolution_ja TEXT     NOT NULL DEFAULT '',
    updated_at    DATETIME NOT NULL
);
CREATE INDEX known_issues_open ON known_issues (resolved_at, opened_at);

-- "I have this problem too": one per person and question, counted on the
-- thread so lists can show and sort by it without counting.
CREATE TABLE thread_me_toos (
    thread_id  INTEGER  NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    user_id    INTEGER  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_me_toos_user ON thread_me_toos (user_id);
ALTER TABLE threads ADD COLUMN me_too_count INTEGER NOT NULL DEFAULT 0;

-- A thread closed as a duplicate points at its original; a merged one also
-- says where its replies went, and its address redirects there. A merge
-- remembers exactly what it moved, so that it can be undone.
ALTER TABLE threads ADD COLUMN duplicate_of INTEGER REFERENCES threads(id) ON DELETE SET NULL;
ALTER TABLE threads ADD COLUMN merged_into INTEGER REFERENCES threads(id) ON DELETE SET NULL;
CREATE TABLE thread_merges (
    id             INTEGER  PRIMARY KEY AUTOINCREMENT,
    from_thread_id INTEGER  NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    into_thread_id INTEGER  NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    merged_by      INTEGER  REFERENCES users(id) ON DELETE SET NULL,
    merged_at      DATETIME NOT NULL,
    undone_at      DATETIME,
    moved          TEXT     NOT NULL -- JSON: the posts (with their old positions), me-toos and watches moved
);
CREATE INDEX thread_merges_from ON thread_merges (from_thread_id);

-- Two notifications of new kinds: a known issue someone reported on was
-- resolved, and a moderator merged someone's question into another. SQLite
-- cannot change a CHECK, so the table is built again, as in 0014.
DROP TRIGGER posts_deleted_notifications;
CREATE TABLE notifications_next (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('reply', 'mention', 'solution', 'handoff', 'resolved', 'merged')),
    thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    post_id     INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    actor_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  DATETIME NOT NULL,
    read_at     DATETIME,
    digested_at DATETIME,
    mail_id     INTEGER REFERENCES mail_queue(id) ON DELETE SET NULL,
    UNIQUE (user_id, post_id, kind)
);
INSERT INTO notifications_next (id, user_id, kind, thread_id, post_id, actor_id, created_at, read_at, digested_at, mail_id)
SELECT id, user_id, kind, thread_id, post_id, actor_id, created_at, read_at, digested_at, mail_id FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_next RENAME TO notifications;
CREATE INDEX notifications_user_id ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_undigested ON notifications (user_id) WHERE digested_at IS NULL;
CREATE INDEX notifications_post_id ON notifications (post_id);
CREATE TRIGGER posts_deleted_notifications AFTER UPDATE OF deleted_at ON posts
WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL BEGIN
    DELETE FROM notifications WHERE post_id = new.id;
END;

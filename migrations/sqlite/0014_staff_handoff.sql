-- Staff: people who work for the vendor, marked by an admin so that readers
-- can tell; independent of the moderator and admin roles.
ALTER TABLE users ADD COLUMN staff BOOLEAN NOT NULL DEFAULT 0;

-- A question nobody answered within some days offers its asker official
-- support: a notification of its own kind. SQLite cannot change a CHECK,
-- so the table is built again with the new list, its rows and indexes
-- copied; the trigger that names it is set aside meanwhile.
DROP TRIGGER posts_deleted_notifications;
CREATE TABLE notifications_next (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('reply', 'mention', 'solution', 'handoff')),
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

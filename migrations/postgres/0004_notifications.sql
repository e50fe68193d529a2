-- Notifications: a user hears about replies in threads they watch, about
-- being mentioned, and about their reply being accepted. Watching is
-- automatic for whoever posts in a thread and can be muted. Email goes out
-- through a queue kept here, so nothing is lost on restart, at most one
-- email per user per few minutes.
CREATE TABLE thread_watches (
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    thread_id  BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    level      TEXT   NOT NULL CHECK (level IN ('watching', 'muted')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX thread_watches_thread_id ON thread_watches (thread_id);

-- Everyone who already posted watches the thread, as they would have had
-- this existed when they posted.
INSERT INTO thread_watches (user_id, thread_id, level, created_at, updated_at)
SELECT DISTINCT user_id, thread_id, 'watching', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM posts WHERE deleted_at IS NULL;

-- A user without a row has the defaults: every kind of email, in English.
CREATE TABLE notification_prefs (
    user_id        BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email_enabled  BOOLEAN NOT NULL DEFAULT TRUE,
    email_reply    BOOLEAN NOT NULL DEFAULT TRUE,
    email_mention  BOOLEAN NOT NULL DEFAULT TRUE,
    email_solution BOOLEAN NOT NULL DEFAULT TRUE,
    lang           TEXT    NOT NULL DEFAULT 'en',
    updated_at     TIMESTAMPTZ NOT NULL
);

-- Outgoing mail. A sender claims a row by moving claimed_until forward, so
-- several instances never send the same message at once; a failure sets
-- next_attempt_at further out each time, and failed_at when it gives up.
CREATE TABLE mail_queue (
    id              BIGSERIAL PRIMARY KEY,
    user_id         BIGINT REFERENCES users(id) ON DELETE CASCADE,
    to_addr         TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    headers         TEXT    NOT NULL DEFAULT '{}',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until   TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    failed_at       TIMESTAMPTZ,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
-- The batching window looks up a user's latest email.
CREATE INDEX mail_queue_user_id ON mail_queue (user_id, created_at);

-- digested_at is set once the email digest has dealt with a notification,
-- whether it went into an email (mail_id) or not (email off, already read).
CREATE TABLE notifications (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT   NOT NULL CHECK (kind IN ('reply', 'mention', 'solution')),
    thread_id   BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    post_id     BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    actor_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ,
    digested_at TIMESTAMPTZ,
    mail_id     BIGINT REFERENCES mail_queue(id) ON DELETE SET NULL,
    UNIQUE (user_id, post_id, kind)
);
CREATE INDEX notifications_user_id ON notifications (user_id, created_at DESC, id DESC);
-- The bell counts on this index alone.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_undigested ON notifications (user_id) WHERE digested_at IS NULL;
CREATE INDEX notifications_post_id ON notifications (post_id);

-- A deleted post takes its notifications with it, whichever path deleted it.
CREATE FUNCTION posts_deleted_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM notifications WHERE post_id = NEW.id;
    RETURN NEW;
END
$$;

CREATE TRIGGER posts_deleted_notifications AFTER UPDATE OF deleted_at ON posts
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
    EXECUTE FUNCTION posts_deleted_notifications();

-- Trust and safety: moderation state on threads, posts and users; flags and
-- the review queue; the audit log of every moderator action; watched words
-- and domains; and site settings admins can change without a deploy.
ALTER TABLE threads ADD COLUMN hidden_at DATETIME;
ALTER TABLE threads ADD COLUMN closed_at DATETIME;
ALTER TABLE threads ADD COLUMN pinned_at DATETIME;

-- status: published, held (awaiting a moderator) or rejected. hidden_at
-- hides a published post (flags or a moderator) until it is reviewed.
ALTER TABLE posts ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
ALTER TABLE posts ADD COLUMN review_reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN hidden_at DATETIME;
CREATE INDEX posts_status ON posts (status, created_at) WHERE status <> 'published';
CREATE INDEX posts_hidden ON posts (hidden_at) WHERE hidden_at IS NOT NULL;

ALTER TABLE users ADD COLUMN silenced_until DATETIME;
ALTER TABLE users ADD COLUMN suspended_until DATETIME;
ALTER TABLE users ADD COLUMN moderation_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;

CREATE TABLE flags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id     INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    resolved_at DATETIME,
    UNIQUE (post_id, user_id)
);
CREATE INDEX flags_open ON flags (post_id) WHERE resolved_at IS NULL;

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id    INTEGER REFERENCES users(id),
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL,
    target_id   INTEGER NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);
CREATE INDEX audit_log_created_at ON audit_log (created_at DESC, id DESC);

CREATE TABLE watched_words (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    pattern    TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,      -- word or domain
    action     TEXT    NOT NULL,      -- block, hold or nofollow
    created_at DATETIME NOT NULL
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at DATETIME NOT NULL
);

-- A starting list for the spam support forums actually receive: casino and
-- pharmacy ads, essay mills, crypto giveaways and adult "AI" image tools,
-- in English and Japanese. Clear spam is refused; ambiguous words are held
-- for a moderator. Admins edit the list at /admin/words.
INSERT INTO watched_words (pattern, kind, action, created_at) VALUES
    ('online casino', 'word', 'block', CURRENT_TIMESTAMP),
    ('casino bonus', 'word', 'block', CURRENT_TIMESTAMP),
    ('free spins', 'word', 'block', CURRENT_TIMESTAMP),
    ('viagra', 'word', 'block', CURRENT_TIMESTAMP),
    ('cialis', 'word', 'block', CURRENT_TIMESTAMP),
    ('buy tramadol', 'word', 'block', CURRENT_TIMESTAMP),
    ('write my essay', 'word', 'block', CURRENT_TIMESTAMP),
    ('essay writing service', 'word', 'block', CURRENT_TIMESTAMP),
    ('double your bitcoin', 'word', 'block', CURRENT_TIMESTAMP),
    ('crypto giveaway', 'word', 'block', CURRENT_TIMESTAMP),
    ('send 1 btc', 'word', 'block', CURRENT_TIMESTAMP),
    ('undress ai', 'word', 'block', CURRENT_TIMESTAMP),
    ('ai nudes', 'word', 'block', CURRENT_TIMESTAMP),
    ('deepnude', 'word', 'block', CURRENT_TIMESTAMP),
    ('nudify', 'word', 'block', CURRENT_TIMESTAMP),
    ('オンラインカジノ', 'word', 'block', CURRENT_TIMESTAMP),
    ('バイアグラ', 'word', 'block', CURRENT_TIMESTAMP),
    ('出会い系', 'word', 'block', CURRENT_TIMESTAMP),
    ('casino', 'word', 'hold', CURRENT_TIMESTAMP),
    ('betting tips', 'word', 'hold', CURRENT_TIMESTAMP),
    ('online pharmacy', 'word', 'hold', CURRENT_TIMESTAMP),
    ('no prescription', 'word', 'hold', CURRENT_TIMESTAMP),
    ('payday loan', 'word', 'hold', CURRENT_TIMESTAMP),
    ('essay help', 'word', 'hold', CURRENT_TIMESTAMP),
    ('giveaway', 'word', 'hold', CURRENT_TIMESTAMP),
    ('escort', 'word', 'hold', CURRENT_TIMESTAMP),
    ('カジノ', 'word', 'hold', CURRENT_TIMESTAMP),
    ('アダルト', 'word', 'hold', CURRENT_TIMESTAMP),
    ('副業で稼', 'word', 'hold', CURRENT_TIMESTAMP),
    ('無料で稼', 'word', 'hold', CURRENT_TIMESTAMP),
    ('仮想通貨プレゼント', 'word', 'hold', CURRENT_TIMESTAMP);

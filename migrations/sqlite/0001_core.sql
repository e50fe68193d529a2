-- The forum's core: people, how they sign in, their sessions, and what they write.
CREATE TABLE users (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    username    TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL DEFAULT '',
    email       TEXT    NOT NULL DEFAULT '',
    avatar_url  TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);

CREATE TABLE identities (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider         TEXT    NOT NULL,
    provider_user_id TEXT    NOT NULL,
    email            TEXT    NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    UNIQUE (provider, provider_user_id)
);
CREATE INDEX identities_user_id ON identities (user_id);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at  DATETIME NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE categories (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slug           TEXT    NOT NULL UNIQUE,
    name_en        TEXT    NOT NULL,
    name_ja        TEXT    NOT NULL,
    description_en TEXT    NOT NULL DEFAULT '',
    description_ja TEXT    NOT NULL DEFAULT '',
    position       INTEGER NOT NULL DEFAULT 0,
    thread_count   INTEGER NOT NULL DEFAULT 0,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);

CREATE TABLE threads (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    category_id    INTEGER NOT NULL REFERENCES categories(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    title          TEXT    NOT NULL,
    slug           TEXT    NOT NULL,
    post_count     INTEGER NOT NULL DEFAULT 0,
    reply_count    INTEGER NOT NULL DEFAULT 0,
    last_posted_at DATETIME NOT NULL,
    last_poster_id INTEGER NOT NULL REFERENCES users(id),
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
-- Lists are ordered by last activity: the home page, a category page, a profile.
CREATE INDEX threads_last_posted_at ON threads (last_posted_at DESC, id DESC);
CREATE INDEX threads_category_last_posted_at ON threads (category_id, last_posted_at DESC, id DESC);
CREATE INDEX threads_user_id ON threads (user_id, created_at DESC);

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id  INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    position   INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    html       TEXT    NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    edited_at  DATETIME,
    UNIQUE (thread_id, position)
);
CREATE INDEX posts_user_id ON posts (user_id, created_at DESC);

-- Every edit keeps what was there before, so nothing a user wrote is lost.
CREATE TABLE post_revisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    source     TEXT    NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX post_revisions_post_id ON post_revisions (post_id, created_at);

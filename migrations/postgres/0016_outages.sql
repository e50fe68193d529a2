-- When the product breaks. A known issue is a moderator's statement that
-- something is wrong, in both languages, tied to one incident thread; while
-- it is open every page says so. Resolving it keeps the row, with when and
-- how.
CREATE TABLE known_issues (
    id            BIGSERIAL   PRIMARY KEY,
    title_en      TEXT     NOT NULL,
    title_ja      TEXT     NOT NULL,
    body_en       TEXT     NOT NULL,
    body_ja       TEXT     NOT NULL,
    severity      TEXT     NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
    status_url    TEXT     NOT NULL DEFAULT '',
    thread_id     BIGINT   REFERENCES threads(id) ON DELETE SET NULL,
    opened_by     BIGINT   REFERENCES users(id) ON DELETE SET NULL,
    opened_at     TIMESTAMPTZ NOT NULL,
    resolved_at   TIMESTAMPTZ,
    resolved_by   BIGINT   REFERENCES users(id) ON DELETE SET NULL,
    resolution_en TEXT     NOT NULL DEFAULT '',
    resolution_ja TEXT     NOT NULL DEFAULT '',
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX known_issues_open ON known_issues (resolved_at, opened_at);

-- "I have this problem too": one per person and question, counted on the
-- thread so lists can show and sort by it without counting.
CREATE TABLE thread_me_toos (
    thread_id  BIGINT   NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    user_id    BIGINT   NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_me_toos_user ON thread_me_toos (user_id);
ALTER TABLE threads ADD COLUMN me_too_count INTEGER NOT NULL DEFAULT 0;

-- A thread closed as a duplicate points at its original; a merged one also
-- says where its replies went, and its address redirects there. A merge
-- remembers exactly what it moved, so that it can be undone.
ALTER TABLE threads ADD COLUMN duplicate_of BIGINT REFERENCES threads(id) ON DELETE SET NULL;
ALTER TABLE threads ADD COLUMN merged_into BIGINT REFERENCES threads(id) ON DELETE SET NULL;
CREATE TABLE thread_merges (
    id             BIGSERIAL   PRIMARY KEY,
    from_thread_id BIGINT   NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    into_thread_id BIGINT   NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    merged_by      BIGINT   REFERENCES users(id) ON DELETE SET NULL,
    merged_at      TIMESTAMPTZ NOT NULL,
    undone_at      TIMESTAMPTZ,
    moved          TEXT     NOT NULL -- JSON: the posts (with their old positions), me-toos and watches moved
);
CREATE INDEX thread_merges_from ON thread_merges (from_thread_id);

-- Two notifications of new kinds: a known issue someone reported on was
-- resolved, and a moderator merged someone's question into another.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('reply', 'mention', 'solution', 'handoff', 'resolved', 'merged'));

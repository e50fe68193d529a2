-- Search at a million posts. Until now the tsvector lived on posts, so a
-- search read the wide post rows of every match (hundreds of thousands for a
-- common word) before keeping the newest few thousand. The vectors move to
-- post_search: one narrow row per post, in partitions of 65536 post ids,
-- each with its own GIN index. The engine searches a window of the newest
-- ids first and widens it only when too few posts matched, so the work of a
-- common word is bounded by one or two partitions however large the forum
-- grows, while a rare word costs one cheap GIN probe per partition.
--
-- Beside the vector, each row carries copies of the columns of posts that
-- the search's filters read (the visibility rule: status, hidden_at,
-- deleted_at, user_id; and thread, position, time), under the same names,
-- so that the rule's SQL, written over posts, runs on post_search as it
-- stands and a candidate costs one row instead of a row here and another
-- in posts. Triggers keep the copies in the same transaction as every
-- write; a rule that reads another column of posts fails loudly until it is
-- added here.
--
-- The vector is the same as before (same function, same weights), so every
-- score and every answer stays the same.

CREATE FUNCTION post_search_vector(title TEXT, body TEXT, pos INTEGER) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- The separator token keeps a position between title and body, so a
    -- phrase cannot start in the title and end in the body; it is then
    -- removed, leaving the gap.
    SELECT ts_delete(
        setweight(to_tsvector('simple', COALESCE(title, '') || ' 0hirobasep0'), 'A') ||
        setweight(to_tsvector('simple', body), (CASE WHEN pos = 1 THEN 'B' ELSE 'C' END)::"char"),
        '0hirobasep0')
$$;

-- A search of post_search is a few milliseconds of work once bounded by its
-- window, but the planner, seeing partitions of some megabytes, plans
-- parallel workers for it; starting them and waiting for them costs more
-- than the search, all the more on a busy server, where every worker is a
-- process competing with other requests. A parallel-unsafe function in the
-- query keeps it in one process. It is plpgsql so that it is never inlined,
-- and stable without arguments so that it is evaluated once per query.
CREATE FUNCTION post_search_serial() RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL UNSAFE AS $$
BEGIN
    RETURN true;
END
$$;

-- id is the post's id, named as in posts.
CREATE TABLE post_search (
    id         BIGINT      NOT NULL,
    thread_id  BIGINT      NOT NULL,
    user_id    BIGINT      NOT NULL,
    position   INTEGER     NOT NULL,
    status     TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    hidden_at  TIMESTAMPTZ,
    deleted_at TIMESTAMPTZ,
    vector     tsvector    NOT NULL,
    PRIMARY KEY (id)
) PARTITION BY RANGE (id);

-- post_search_partition makes sure the partition that holds post id exists
-- in schema. Partitions are made as posts arrive, not ahead: ids are only
-- known once taken. A partition is made as a table of its own and then
-- attached, which locks post_search against other attachments only (SHARE
-- UPDATE EXCLUSIVE), where making it in place would stop every search and
-- every write until the writer that made it commits. Writers that reach a
-- new range together queue on that lock; taking it, unlike an advisory
-- lock, also brings the waiting writer's view of the catalog up to date, so
-- it sees the partition the first one made and uses it. The vector is kept
-- in line (compressed if need be) rather than in TOAST, and pages keep room
-- so that a moderation change, which rewrites a row but not its vector,
-- stays on its page without new GIN entries (a HOT update).
CREATE FUNCTION post_search_partition(schema TEXT, id BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    width CONSTANT BIGINT := 65536;
    lo BIGINT := (id / width) * width;
    part TEXT := 'post_search_' || (id / width);
BEGIN
    IF to_regclass(format('%I.%I', schema, part)) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format('LOCK TABLE %I.post_search IN SHARE UPDATE EXCLUSIVE MODE', schema);
    IF to_regclass(format('%I.%I', schema, part)) IS NULL THEN
        EXECUTE format('CREATE TABLE %I.%I (LIKE %I.post_search)', schema, part, schema);
        EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN vector SET STORAGE MAIN, SET (fillfactor = 90)', schema, part);
        EXECUTE format('ALTER TABLE %I.post_search ATTACH PARTITION %I.%I FOR VALUES FROM (%s) TO (%s)',
            schema, schema, part, lo, lo + width);
    END IF;
END
$$;

DO $$
DECLARE
    top BIGINT;
BEGIN
    SELECT COALESCE(MAX(id), 0) INTO top FROM posts;
    FOR k IN 0 .. top / 65536 LOOP
        PERFORM post_search_partition(current_schema(), k * 65536);
    END LOOP;
END
$$;

-- The vectors already computed are copied, not recomputed; the indexes are
-- built after the load, which is much faster than growing them row by row.
INSERT INTO post_search (id, thread_id, user_id, position, status, created_at, hidden_at, deleted_at, vector)
SELECT id, thread_id, user_id, position, status, created_at, hidden_at, deleted_at, COALESCE(search_vector, ''::tsvector)
FROM posts ORDER BY id;
CREATE INDEX post_search_vector ON post_search USING GIN (vector);

DROP TRIGGER posts_search_vector ON posts;
DROP FUNCTION posts_search_vector();
DROP INDEX posts_search_vector;
ALTER TABLE posts DROP COLUMN search_vector;

CREATE FUNCTION posts_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM post_search_partition(TG_TABLE_SCHEMA, NEW.id);
    INSERT INTO post_search (id, thread_id, user_id, position, status, created_at, hidden_at, deleted_at, vector)
    VALUES (NEW.id, NEW.thread_id, NEW.user_id, NEW.position, NEW.status, NEW.created_at, NEW.hidden_at, NEW.deleted_at,
        post_search_vector((SELECT search_title FROM threads WHERE id = NEW.thread_id), NEW.search_body, NEW.position));
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_insert();

-- The vector is computed again only when what it is made of changed.
CREATE FUNCTION posts_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_search SET thread_id = NEW.thread_id, user_id = NEW.user_id, position = NEW.position,
        status = NEW.status, created_at = NEW.created_at, hidden_at = NEW.hidden_at, deleted_at = NEW.deleted_at,
        vector = CASE
            WHEN OLD.search_body IS DISTINCT FROM NEW.search_body OR OLD.position IS DISTINCT FROM NEW.position
                OR OLD.thread_id IS DISTINCT FROM NEW.thread_id
            THEN post_search_vector((SELECT search_title FROM threads WHERE id = NEW.thread_id), NEW.search_body, NEW.position)
            ELSE vector END
    WHERE id = NEW.id;
    RETURN NULL;
END
$$;

-- Saving a post writes every column; only a change of what post_search
-- holds rewrites its row.
CREATE TRIGGER posts_search_update AFTER UPDATE ON posts
    FOR EACH ROW WHEN (OLD.search_body IS DISTINCT FROM NEW.search_body
        OR OLD.thread_id IS DISTINCT FROM NEW.thread_id OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.position IS DISTINCT FROM NEW.position OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.hidden_at IS DISTINCT FROM NEW.hidden_at
        OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION posts_search_update();

CREATE FUNCTION posts_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM post_search WHERE id = OLD.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_search_delete AFTER DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_delete();

-- A new title re-indexes the thread's posts directly, instead of rewriting
-- their rows to fire the trigger above.
CREATE OR REPLACE FUNCTION threads_search_title() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE post_search s SET vector = post_search_vector(NEW.search_title, p.search_body, p.position)
    FROM posts p WHERE p.thread_id = NEW.id AND s.id = p.id;
    RETURN NEW;
END
$$;

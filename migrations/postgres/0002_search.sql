-- Full-text search. The text to index is prepared in Go (normalized, accents
-- folded, English stemmed, CJK cut into bigrams) and stored beside the
-- source; a trigger turns it into a weighted tsvector in the same transaction
-- as every write: the thread's title weighs most (A), the question's body
-- next (B), replies least (C). The 'simple' configuration adds no stemming or
-- stop words of its own, so PostgreSQL and SQLite match the same tokens.
ALTER TABLE threads ADD COLUMN search_title TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN search_body TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN search_vector tsvector;

CREATE FUNCTION posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The separator token keeps a position between title and body, so a
    -- phrase cannot start in the title and end in the body; it is then
    -- removed, leaving the gap.
    NEW.search_vector := ts_delete(
        setweight(to_tsvector('simple', COALESCE((SELECT search_title FROM threads WHERE id = NEW.thread_id), '') || ' 0hirobasep0'), 'A') ||
        setweight(to_tsvector('simple', NEW.search_body), (CASE WHEN NEW.position = 1 THEN 'B' ELSE 'C' END)::"char"),
        '0hirobasep0');
    RETURN NEW;
END
$$;

CREATE TRIGGER posts_search_vector BEFORE INSERT OR UPDATE OF search_body, position, thread_id ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_vector();

CREATE FUNCTION threads_search_title() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Touching search_body re-runs the posts trigger, which reads the new title.
    UPDATE posts SET search_body = search_body WHERE thread_id = NEW.id;
    RETURN NEW;
END
$$;

CREATE TRIGGER threads_search_title AFTER UPDATE OF search_title ON threads
    FOR EACH ROW WHEN (OLD.search_title IS DISTINCT FROM NEW.search_title)
    EXECUTE FUNCTION threads_search_title();

CREATE INDEX posts_search_vector ON posts USING GIN (search_vector);

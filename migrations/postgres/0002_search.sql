-- Full-text search. The text to index is prepared in Go (normalized, CJK cut
-- into bigrams) and stored beside the source; a trigger turns it into a
-- weighted tsvector in the same transaction as every write: the thread's
-- title weighs most (A), the question's body next (B), replies least (C).
-- The 'english' configuration stems English words and leaves CJK bigrams whole.
ALTER TABLE threads ADD COLUMN search_title TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN search_body TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN search_vector tsvector;

CREATE FUNCTION posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', COALESCE((SELECT search_title FROM threads WHERE id = NEW.thread_id), '')), 'A') ||
        setweight(to_tsvector('english', NEW.search_body), (CASE WHEN NEW.position = 1 THEN 'B' ELSE 'C' END)::"char");
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

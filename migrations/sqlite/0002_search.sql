-- Full-text search. The text to index is prepared in Go (normalized, accents
-- folded, English stemmed, CJK cut into bigrams) and stored beside the
-- source; an FTS5 table, kept by triggers in the same transaction as every
-- write, indexes one row per post holding its thread's title and its own
-- body. The tokenizer only splits on spaces and lower-cases, so SQLite and
-- PostgreSQL match exactly the same tokens.
ALTER TABLE threads ADD COLUMN search_title TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN search_body TEXT NOT NULL DEFAULT '';

CREATE VIRTUAL TABLE post_search USING fts5(
    title, body,
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (rowid, title, body)
    VALUES (new.id, (SELECT search_title FROM threads WHERE id = new.thread_id), new.search_body);
END;

CREATE TRIGGER posts_search_update AFTER UPDATE OF search_body ON posts BEGIN
    UPDATE post_search SET body = new.search_body WHERE rowid = new.id;
END;

CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN
    DELETE FROM post_search WHERE rowid = old.id;
END;

CREATE TRIGGER threads_search_title AFTER UPDATE OF search_title ON threads BEGIN
    UPDATE post_search SET title = new.search_title
    WHERE rowid IN (SELECT id FROM posts WHERE thread_id = new.id);
END;

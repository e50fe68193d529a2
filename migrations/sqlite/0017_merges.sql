-- A merge moves posts to another thread. Each row of the FTS5 index holds
-- its post's thread title beside the body, so a moved post must take its new
-- thread's title with it: otherwise it would be found by the words of a
-- thread it left. PostgreSQL's trigger already recomputes the vector when
-- thread_id changes (0012).
CREATE TRIGGER posts_search_thread AFTER UPDATE OF thread_id ON posts
WHEN old.thread_id IS NOT new.thread_id BEGIN
    UPDATE post_search SET title = (SELECT search_title FROM threads WHERE id = new.thread_id)
    WHERE rowid = new.id;
END;

-- Search at a million posts: PostgreSQL moves its vectors to a partitioned
-- table of their own (see postgres/0012). SQLite's FTS5 index already holds
-- only the indexed text, in rowid order, and walks it newest first, so its
-- schema stays as it is; this step keeps the two lists in step.
SELECT 1;

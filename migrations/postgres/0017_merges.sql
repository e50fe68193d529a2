-- A merge moves posts to another thread. On SQLite the search index needs a
-- trigger for that (see sqlite/0017); here posts_search_update (0012)
-- already recomputes a post's vector, under its new thread's title and at
-- its new position's weight, whenever thread_id or position changes. This
-- step keeps the two lists in step.
SELECT 1;

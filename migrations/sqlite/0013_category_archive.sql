-- An admin may archive a category: it stays readable, with its threads,
-- but takes no new threads or replies. NULL is open; the time says since
-- when it is archived.
ALTER TABLE categories ADD COLUMN archived_at DATETIME;

-- A user may choose the time zone the site and their email show times in:
-- an IANA name, checked by the application; empty means not chosen, and
-- the reader's browser (or language) decides.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

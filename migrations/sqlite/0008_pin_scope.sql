-- A pin is in the thread's category, or site-wide: a site-wide pin also
-- puts the thread first on the home page. A list reads its pins through
-- an index of the few pinned threads, so the rest of the list keeps its own.
ALTER TABLE threads ADD COLUMN pinned_globally BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX threads_pinned ON threads (category_id, pinned_at DESC) WHERE pinned_at IS NOT NULL;

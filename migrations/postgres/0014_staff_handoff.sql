-- Staff: people who work for the vendor, marked by an admin so that readers
-- can tell; independent of the moderator and admin roles.
ALTER TABLE users ADD COLUMN staff BOOLEAN NOT NULL DEFAULT FALSE;

-- A question nobody answered within some days offers its asker official
-- support: a notification of its own kind.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('reply', 'mention', 'solution', 'handoff'));

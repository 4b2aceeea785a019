-- Per-channel permissions for roles (COM-4): the lowest community role that may
-- post, react, start threads and notify with @everyone/@here in the channel.
-- The defaults are what every channel allowed before.
ALTER TABLE channels ADD COLUMN post_role TEXT NOT NULL DEFAULT 'member'
    CHECK (post_role IN ('member', 'moderator', 'admin', 'owner'));
ALTER TABLE channels ADD COLUMN react_role TEXT NOT NULL DEFAULT 'member'
    CHECK (react_role IN ('member', 'moderator', 'admin', 'owner'));
ALTER TABLE channels ADD COLUMN thread_role TEXT NOT NULL DEFAULT 'member'
    CHECK (thread_role IN ('member', 'moderator', 'admin', 'owner'));
ALTER TABLE channels ADD COLUMN mention_everyone_role TEXT NOT NULL DEFAULT 'moderator'
    CHECK (mention_everyone_role IN ('member', 'moderator', 'admin', 'owner'));

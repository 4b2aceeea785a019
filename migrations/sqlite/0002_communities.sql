-- Communities, their members, invites, moderation; groups and channels inside them.

CREATE TABLE communities (
    id                       BLOB PRIMARY KEY,
    name                     TEXT NOT NULL,
    description              TEXT,
    welcome_message          TEXT,
    -- public: anyone may preview it; discoverable: listed in discovery (public only)
    visibility               TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    discoverable             BOOLEAN NOT NULL,
    -- lowest community role that may create invites
    who_can_create_invites   TEXT NOT NULL CHECK (who_can_create_invites IN ('member', 'moderator', 'admin')),
    owner_id                 BLOB NOT NULL REFERENCES users(id),
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);
CREATE INDEX communities_discoverable ON communities (id) WHERE visibility = 'public' AND discoverable;

CREATE TABLE community_members (
    community_id     BLOB NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_id          BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'moderator', 'member')),
    nickname         TEXT,
    -- a timeout (temporary mute) lasts until this time; it expires by itself
    timed_out_until  TEXT,
    joined_at        TEXT NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_members_user_id ON community_members (user_id);

CREATE TABLE community_invites (
    id            BLOB PRIMARY KEY,
    community_id  BLOB NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    code          TEXT NOT NULL UNIQUE,
    created_by    BLOB REFERENCES users(id) ON DELETE SET NULL,
    max_uses      INTEGER,
    uses          INTEGER NOT NULL DEFAULT 0,
    expires_at    TEXT,
    revoked_at    TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX community_invites_community_id ON community_invites (community_id, id);

CREATE TABLE community_bans (
    community_id  BLOB NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    banned_by     BLOB REFERENCES users(id) ON DELETE SET NULL,
    reason        TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (community_id, user_id)
);

CREATE TABLE community_warnings (
    id            BLOB PRIMARY KEY,
    community_id  BLOB NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issued_by     BLOB REFERENCES users(id) ON DELETE SET NULL,
    reason        TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX community_warnings_member ON community_warnings (community_id, user_id, id);

CREATE TABLE community_groups (
    id            BLOB PRIMARY KEY,
    community_id  BLOB NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    description   TEXT,
    -- public: every community member joins it on arrival and may rejoin;
    -- private: members are added by the group's admins or community moderators
    visibility    TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    -- set for a personal group assigned to one member by a moderator
    assigned_to   BLOB REFERENCES users(id) ON DELETE CASCADE,
    accent_color  TEXT,
    position      INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX community_groups_community_id ON community_groups (community_id, position);

CREATE TABLE group_members (
    group_id   BLOB NOT NULL REFERENCES community_groups(id) ON DELETE CASCADE,
    user_id    BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at  TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_id ON group_members (user_id);

-- Community channels live in a group; direct-message channels (kind dm or group_dm)
-- belong to no community and list their members in dm_members.
CREATE TABLE channels (
    id              BLOB PRIMARY KEY,
    group_id        BLOB REFERENCES community_groups(id) ON DELETE CASCADE,
    -- denormalised from the group: permission checks need the community at once
    community_id    BLOB REFERENCES communities(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('text', 'voice', 'dm', 'group_dm')),
    -- the sorted member IDs of a 1:1 DM, so each pair has exactly one
    dm_key          TEXT UNIQUE,
    topic           TEXT,
    position        INTEGER NOT NULL,
    -- seconds between two messages of one member; 0 = off, else 5..600
    slow_mode_secs  INTEGER NOT NULL DEFAULT 0,
    -- only community admins post
    read_only       BOOLEAN NOT NULL DEFAULT FALSE,
    -- read-only and kept
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((kind IN ('dm', 'group_dm')) = (group_id IS NULL AND community_id IS NULL))
);
CREATE INDEX channels_group_id ON channels (group_id, position);
CREATE INDEX channels_community_id ON channels (community_id);

-- Moderation entries name their community so a community's log can be read alone.
ALTER TABLE audit_log ADD COLUMN community_id BLOB REFERENCES communities(id) ON DELETE SET NULL;
CREATE INDEX audit_log_community_id ON audit_log (community_id, id);

-- Suspension (ADM-2) already has suspended_at/suspended_reason on users.

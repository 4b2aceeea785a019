-- Messages and what hangs off them: edits, mentions, reactions, pins; read state,
-- DM membership, blocks; full-text search (per backend).

CREATE TABLE dm_members (
    channel_id  BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at   TEXT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX dm_members_user_id ON dm_members (user_id);

CREATE TABLE messages (
    id                    BLOB PRIMARY KEY,
    -- insertion counter; the SQLite full-text index is keyed by it
    seq                   INTEGER NOT NULL UNIQUE,
    channel_id            BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    author_id             BLOB REFERENCES users(id) ON DELETE SET NULL,
    content               TEXT NOT NULL,
    -- the message this one quotes
    reply_to_id           BLOB REFERENCES messages(id) ON DELETE SET NULL,
    -- the root message of the thread this reply belongs to
    thread_id             BLOB REFERENCES messages(id) ON DELETE CASCADE,
    thread_reply_count    INTEGER NOT NULL DEFAULT 0,
    thread_last_reply_at  TEXT,
    -- {message_id, channel_id, author_id, author_name, created_at} of a forwarded original
    forwarded_from        TEXT,
    -- user IDs mentioned with @user (for display; counting uses message_mentions)
    mentions              TEXT NOT NULL,
    -- @everyone or @channel
    mentions_everyone     BOOLEAN NOT NULL DEFAULT FALSE,
    has_file              BOOLEAN NOT NULL DEFAULT FALSE,
    edited_at             TEXT,
    -- deleted messages stay as tombstones (content emptied) so replies keep their place
    deleted_at            TEXT,
    created_at            TEXT NOT NULL
);
CREATE INDEX messages_channel_id ON messages (channel_id, id);
CREATE INDEX messages_thread_id ON messages (thread_id, id);
CREATE INDEX messages_author_channel ON messages (author_id, channel_id, id);

CREATE TABLE message_edits (
    id          BLOB PRIMARY KEY,
    message_id  BLOB NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    -- the content before this edit
    content     TEXT NOT NULL,
    edited_at   TEXT NOT NULL
);
CREATE INDEX message_edits_message_id ON message_edits (message_id, id);

-- One row per user a message notifies (@user, @here), for mention counts.
CREATE TABLE message_mentions (
    message_id  BLOB NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id  BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_mentions_user ON message_mentions (user_id, channel_id, message_id);

CREATE TABLE reactions (
    message_id  BLOB NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- denormalised so a page of messages loads its reactions by channel and ID range
    channel_id  BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    emoji       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
CREATE INDEX reactions_channel ON reactions (channel_id, message_id);

CREATE TABLE pins (
    message_id  BLOB PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    channel_id  BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    pinned_by   BLOB REFERENCES users(id) ON DELETE SET NULL,
    pinned_at   TEXT NOT NULL
);
CREATE INDEX pins_channel_id ON pins (channel_id, pinned_at);

-- How far each user has read each channel.
CREATE TABLE read_states (
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id    BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    last_read_id  BLOB NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, channel_id)
);

CREATE TABLE user_blocks (
    blocker_id  BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blocked_id  BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);

-- Read receipts are shared unless the user opts out.
ALTER TABLE users ADD COLUMN read_receipts BOOLEAN NOT NULL DEFAULT TRUE;

-- Full-text search: an FTS5 index over message content, keyed by seq (a stable
-- integer, assigned by the insert; a plain rowid could be renumbered by VACUUM).
-- Kept in step with messages by triggers.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (NEW.seq, NEW.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', OLD.seq, OLD.content);
    INSERT INTO messages_fts (rowid, content) VALUES (NEW.seq, NEW.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', OLD.seq, OLD.content);
END;

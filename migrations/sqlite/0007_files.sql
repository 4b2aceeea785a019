-- Uploaded files (FILE-1..3). The bytes live in the storage folder under the
-- file's ID; a row exists only for a file whose bytes were stored completely.

CREATE TABLE files (
    id              BLOB PRIMARY KEY,
    -- NULL once the uploader's account is deleted (the file stays with its message)
    uploader_id     BLOB REFERENCES users(id) ON DELETE SET NULL,
    -- the name as sent, made safe (no path, no control characters)
    name            TEXT NOT NULL,
    -- detected from the content, never taken from the name or the request
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL,
    -- SHA-256 (hex) of the stored bytes, and of the bytes as uploaded when the
    -- server removed metadata from an image
    sha256          TEXT NOT NULL,
    upload_sha256   TEXT NOT NULL,
    width           INTEGER,
    height          INTEGER,
    -- the thumbnail's content type once it is made (images only)
    thumbnail_type  TEXT,
    -- set when the file is attached to a message; both go NULL when the channel
    -- or message row is removed, and such a file is reaped like an unsent upload
    channel_id      BLOB REFERENCES channels(id) ON DELETE SET NULL,
    message_id      BLOB REFERENCES messages(id) ON DELETE SET NULL,
    -- hidden from everyone but instance admins while set
    quarantined_at  TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX files_message ON files (channel_id, message_id);
CREATE INDEX files_uploader ON files (uploader_id, created_at);
CREATE INDEX files_unattached ON files (message_id, created_at);
CREATE INDEX files_sha256 ON files (sha256);

-- Bytes each user has stored, reserved by one conditional UPDATE per upload so
-- parallel uploads never overshoot UPLOAD_QUOTA_MB.
CREATE TABLE upload_usage (
    user_id     BLOB PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    used_bytes  INTEGER NOT NULL CHECK (used_bytes >= 0)
);

-- Uploads whose SHA-256 matches are refused (ADM-8).
CREATE TABLE blocked_file_hashes (
    sha256      TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    blocked_by  BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);

-- Purges (ADM-8): removing a message, all of a person's messages (in one community
-- or everywhere) or a whole channel, as a background job that works in small
-- batches and picks up where it stopped after a restart. The targets are plain IDs:
-- the job outlives what it removes.
CREATE TABLE purge_jobs (
    id            UUID PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('message', 'user', 'channel')),
    message_id    UUID,
    user_id       UUID,
    channel_id    UUID,
    -- for a person's messages: only those in this community (none: everywhere)
    community_id  UUID,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    -- messages found when the job was made, and removed so far
    total         BIGINT NOT NULL,
    removed       BIGINT NOT NULL DEFAULT 0,
    error         TEXT,
    created_by    UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ
);
CREATE INDEX purge_jobs_unfinished ON purge_jobs (status, id);

-- Removing a message looks up whatever refers to it; these make each look-up an
-- index probe instead of a scan (purges remove thousands).
CREATE INDEX messages_reply_to ON messages (reply_to_id);
CREATE INDEX bookmarks_message ON bookmarks (message_id);
CREATE INDEX notification_jobs_message ON notification_jobs (message_id);

-- How each person is notified (NOTIF-2): their general settings, and their level,
-- mute and @everyone choice per community or channel (DMs are channels).
CREATE TABLE notification_prefs (
    user_id     BLOB PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    -- words that notify like a mention (a JSON array of strings)
    keywords    TEXT NOT NULL,
    sounds      BOOLEAN NOT NULL,
    desktop     BOOLEAN NOT NULL,
    dnd_until   TEXT,
    updated_at  TEXT NOT NULL
);

-- Exactly one of community_id and channel_id is set.
CREATE TABLE notification_overrides (
    user_id            BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    community_id       BLOB REFERENCES communities(id) ON DELETE CASCADE,
    channel_id         BLOB REFERENCES channels(id) ON DELETE CASCADE,
    level              TEXT CHECK (level IN ('all', 'mentions', 'nothing')),
    muted_until        TEXT,
    suppress_everyone  BOOLEAN NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK ((community_id IS NULL) <> (channel_id IS NULL))
);
CREATE UNIQUE INDEX notification_overrides_community ON notification_overrides (user_id, community_id)
    WHERE community_id IS NOT NULL;
CREATE UNIQUE INDEX notification_overrides_channel ON notification_overrides (user_id, channel_id)
    WHERE channel_id IS NOT NULL;
CREATE INDEX notification_overrides_by_channel ON notification_overrides (channel_id);
CREATE INDEX notification_overrides_by_community ON notification_overrides (community_id);

-- Web push (NOTIF-1): one row per browser that subscribed.
CREATE TABLE push_subscriptions (
    id               BLOB PRIMARY KEY,
    user_id          BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint         TEXT NOT NULL UNIQUE,
    p256dh           TEXT NOT NULL,
    auth             TEXT NOT NULL,
    user_agent       TEXT,
    created_at       TEXT NOT NULL,
    last_success_at  TEXT
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- Messages whose notifications are still to be worked out; written in the message's
-- transaction, so a crash or a push outage loses none.
CREATE TABLE notification_jobs (
    id          BLOB PRIMARY KEY,
    message_id  BLOB NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);

-- Pushes to send, one per subscription; retried with backoff until they expire.
CREATE TABLE push_queue (
    id               BLOB PRIMARY KEY,
    subscription_id  BLOB NOT NULL REFERENCES push_subscriptions(id) ON DELETE CASCADE,
    -- the JSON the service worker gets (metadata only, never message text)
    payload          TEXT NOT NULL,
    urgency          TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX push_queue_due ON push_queue (next_attempt_at);

-- `@here` from someone allowed to use it (who it reached is in message_mentions),
-- so clients can tell it from a direct mention.
ALTER TABLE messages ADD COLUMN mentions_here BOOLEAN NOT NULL DEFAULT FALSE;

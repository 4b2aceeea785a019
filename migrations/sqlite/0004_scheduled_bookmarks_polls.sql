-- Scheduled messages, bookmarks and polls (MSG-4).

-- Messages to post later. A row leaves the table when it is posted; one that can
-- no longer be posted (the author lost access) keeps the reason for its author.
CREATE TABLE scheduled_messages (
    id             BLOB PRIMARY KEY,
    user_id        BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id     BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    content        TEXT NOT NULL,
    send_at        TEXT NOT NULL,
    failed_reason  TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX scheduled_messages_send_at ON scheduled_messages (send_at);
CREATE INDEX scheduled_messages_user_id ON scheduled_messages (user_id, send_at);

CREATE TABLE bookmarks (
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_id  BLOB NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    note        TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, message_id)
);

-- A poll belongs to the message that shows it.
CREATE TABLE polls (
    id            BLOB PRIMARY KEY,
    message_id    BLOB NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
    question      TEXT NOT NULL,
    -- the option labels, in order; votes refer to them by index
    options       TEXT NOT NULL,
    multi_select  BOOLEAN NOT NULL,
    -- voters are not shown, only counts
    anonymous     BOOLEAN NOT NULL,
    expires_at    TEXT,
    closed_at     TEXT,
    created_by    BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE poll_votes (
    poll_id       BLOB NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    option_index  INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (poll_id, user_id, option_index)
);

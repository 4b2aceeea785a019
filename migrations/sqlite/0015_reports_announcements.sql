-- Reports (ADM-6): someone reports a message or a person. The community's
-- moderators review reports made inside it, instance administrators all of them.
-- The reported message's text is kept as it was, so the evidence survives edits
-- and the deletion a resolution may bring.
CREATE TABLE reports (
    id               BLOB PRIMARY KEY,
    reporter_id      BLOB REFERENCES users(id) ON DELETE SET NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('message', 'user')),
    -- the person reported: the message's author, or the reported user
    target_user_id   BLOB REFERENCES users(id) ON DELETE SET NULL,
    message_id       BLOB REFERENCES messages(id) ON DELETE SET NULL,
    channel_id       BLOB REFERENCES channels(id) ON DELETE SET NULL,
    -- where it happened; none for direct messages and instance-wide user reports
    community_id     BLOB REFERENCES communities(id) ON DELETE CASCADE,
    message_content  TEXT,
    reason           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'dismissed')),
    action           TEXT CHECK (action IN ('none', 'delete', 'timeout', 'ban', 'suspend')),
    resolution_note  TEXT,
    resolved_by      BLOB REFERENCES users(id) ON DELETE SET NULL,
    resolved_at      TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX reports_by_status ON reports (status, id);
CREATE INDEX reports_by_community ON reports (community_id, status, id);
CREATE INDEX reports_by_reporter ON reports (reporter_id, id);
CREATE INDEX reports_by_message ON reports (message_id);

-- Announcements (ADM-7): instance-wide banners from administrators, until they
-- expire or are withdrawn; each person dismisses them for all of their devices.
CREATE TABLE announcements (
    id          BLOB PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    created_by  BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT
);

CREATE TABLE announcement_dismissals (
    announcement_id  BLOB NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
    user_id          BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dismissed_at     TEXT NOT NULL,
    PRIMARY KEY (announcement_id, user_id)
);

-- Meetings on channels (MEET-1, MEET-2) and the outbox of email (MEET-3, MEET-4).

-- A meeting is a series: one occurrence, or many by its recurrence rule.
CREATE TABLE meetings (
    id                BLOB PRIMARY KEY,
    channel_id        BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    created_by        BLOB REFERENCES users(id) ON DELETE SET NULL,
    title             TEXT NOT NULL,
    -- shown in the app only, never in mail or calendar files
    description       TEXT NOT NULL,
    -- the first occurrence's wall-clock start in its zone (2026-12-10T09:00:00):
    -- later occurrences keep the wall-clock time across daylight saving changes
    start_local       TEXT NOT NULL,
    timezone          TEXT NOT NULL,
    duration_minutes  INTEGER NOT NULL,
    reminder_minutes  INTEGER NOT NULL,
    -- an RFC 5545 RRULE value (FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=10);
    -- NULL for a single occurrence
    recurrence        TEXT,
    -- the first occurrence's start and the last one's end (NULL: no end)
    first_start       TEXT NOT NULL,
    last_end          TEXT,
    -- the calendar SEQUENCE: 0 when scheduled, one more on every change
    sequence          INTEGER NOT NULL,
    cancelled_at      TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX meetings_channel ON meetings (channel_id, first_start);

-- One occurrence of a series cancelled or moved; keyed by its original start.
CREATE TABLE meeting_exceptions (
    meeting_id        BLOB NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    occurrence        TEXT NOT NULL,
    cancelled         BOOLEAN NOT NULL,
    starts_at         TEXT,
    duration_minutes  INTEGER,
    PRIMARY KEY (meeting_id, occurrence)
);

CREATE TABLE meeting_rsvps (
    meeting_id  BLOB NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    occurrence  TEXT NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    response    TEXT NOT NULL CHECK (response IN ('going', 'maybe', 'not_going')),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (meeting_id, occurrence, user_id)
);

-- The reminder of an occurrence has gone out: a row, so it never goes twice.
CREATE TABLE meeting_reminders (
    meeting_id  BLOB NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    occurrence  TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (meeting_id, occurrence)
);

-- Every email, written in the transaction of the change that causes it and sent
-- by a worker: pending until the relay accepts it, failed after the last attempt.
CREATE TABLE email_outbox (
    id               BLOB PRIMARY KEY,
    recipient        TEXT NOT NULL,
    recipient_name   TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    -- an iCalendar file and its METHOD (REQUEST, CANCEL), for meeting invites
    calendar         TEXT,
    calendar_method  TEXT,
    meeting_id       BLOB REFERENCES meetings(id) ON DELETE SET NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
CREATE INDEX email_outbox_recipient ON email_outbox (recipient, id);

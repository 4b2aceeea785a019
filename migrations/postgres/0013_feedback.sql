-- Feedback from people (INT-2): kept here always; also filed as a GitHub issue when
-- the GitHub variables are set (the issue's address, or why it could not be filed).
CREATE TABLE feedback (
    id                UUID PRIMARY KEY,
    user_id           UUID REFERENCES users(id) ON DELETE SET NULL,
    category          TEXT NOT NULL CHECK (category IN ('bug', 'idea', 'other')),
    message           TEXT NOT NULL,
    -- the app path the person was on, and their browser
    page              TEXT,
    user_agent        TEXT,
    github_issue_url  TEXT,
    github_error      TEXT,
    created_at        TIMESTAMPTZ NOT NULL
);

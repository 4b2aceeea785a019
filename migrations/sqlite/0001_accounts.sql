-- Accounts, sessions, registration invites, audit log and instance settings.

CREATE TABLE users (
    id                  BLOB PRIMARY KEY,
    username            TEXT NOT NULL,
    -- lowercase username: case-insensitive uniqueness and lookups
    username_key        TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    email               TEXT,
    email_key           TEXT UNIQUE,
    -- NULL for accounts provisioned by SSO without a local password
    password_hash       TEXT,
    recovery_code_hash  TEXT,
    instance_role       TEXT NOT NULL DEFAULT 'user'
                        CHECK (instance_role IN ('owner', 'admin', 'user')),
    bio                 TEXT,
    pronouns            TEXT,
    custom_status       TEXT,
    suspended_at        TEXT,
    suspended_reason    TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- One row per signed-in device. Deleted on logout/revocation (cascades its tokens).
CREATE TABLE sessions (
    id            BLOB PRIMARY KEY,
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_agent    TEXT,
    ip            TEXT,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT NOT NULL,
    -- refresh tokens extend this on every rotation (30 days from the last use)
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Every refresh token ever issued for a live session, stored as SHA-256.
-- A token with used_at set that is presented again means theft: the session dies.
CREATE TABLE refresh_tokens (
    token_hash  BLOB PRIMARY KEY,
    session_id  BLOB NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

CREATE TABLE registration_invites (
    id          BLOB PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    created_by  BLOB REFERENCES users(id) ON DELETE SET NULL,
    max_uses    INTEGER,
    uses        INTEGER NOT NULL DEFAULT 0,
    expires_at  TEXT,
    revoked_at  TEXT,
    created_at  TEXT NOT NULL
);

-- Failed logins per normalised username, whether or not the account exists,
-- so a lockout never reveals which usernames are real.
CREATE TABLE login_attempts (
    username_key      TEXT PRIMARY KEY,
    failures          INTEGER NOT NULL,
    first_failure_at  TEXT NOT NULL,
    locked_until      TEXT
);

CREATE TABLE audit_log (
    id              BLOB PRIMARY KEY,
    action          TEXT NOT NULL,
    actor_id        BLOB REFERENCES users(id) ON DELETE SET NULL,
    target_user_id  BLOB REFERENCES users(id) ON DELETE SET NULL,
    ip              TEXT,
    user_agent      TEXT,
    details         TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor_id ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_user_id ON audit_log (target_user_id, id);

-- Small key/value store for instance-wide state (owner claim, setup code, …).
CREATE TABLE instance_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

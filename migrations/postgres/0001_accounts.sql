-- Accounts, sessions, registration invites, audit log and instance settings.

CREATE TABLE users (
    id                  UUID PRIMARY KEY,
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
    suspended_at        TIMESTAMPTZ,
    suspended_reason    TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);

-- One row per signed-in device. Deleted on logout/revocation (cascades its tokens).
CREATE TABLE sessions (
    id            UUID PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_agent    TEXT,
    ip            TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ NOT NULL,
    -- refresh tokens extend this on every rotation (30 days from the last use)
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Every refresh token ever issued for a live session, stored as SHA-256.
-- A token with used_at set that is presented again means theft: the session dies.
CREATE TABLE refresh_tokens (
    token_hash  BYTEA PRIMARY KEY,
    session_id  UUID NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    issued_at   TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

CREATE TABLE registration_invites (
    id          UUID PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    created_by  UUID REFERENCES users(id) ON DELETE SET NULL,
    max_uses    INTEGER,
    uses        INTEGER NOT NULL DEFAULT 0,
    expires_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Failed logins per normalised username, whether or not the account exists,
-- so a lockout never reveals which usernames are real.
CREATE TABLE login_attempts (
    username_key      TEXT PRIMARY KEY,
    failures          INTEGER NOT NULL,
    first_failure_at  TIMESTAMPTZ NOT NULL,
    locked_until      TIMESTAMPTZ
);

CREATE TABLE audit_log (
    id              UUID PRIMARY KEY,
    action          TEXT NOT NULL,
    actor_id        UUID REFERENCES users(id) ON DELETE SET NULL,
    target_user_id  UUID REFERENCES users(id) ON DELETE SET NULL,
    ip              TEXT,
    user_agent      TEXT,
    details         JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor_id ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_user_id ON audit_log (target_user_id, id);

-- Small key/value store for instance-wide state (owner claim, setup code, …).
CREATE TABLE instance_settings (
    key         TEXT PRIMARY KEY,
    value       JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- Two-factor authentication (TOTP and backup codes) and single sign-on (OIDC).

-- One TOTP secret per account, AES-256-GCM encrypted under TOTP_ENCRYPTION_KEY
-- (12-byte nonce, then the ciphertext; the user ID is the associated data).
CREATE TABLE totp_secrets (
    user_id     UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret_enc  BYTEA NOT NULL,
    -- NULL while setup waits for its first code
    enabled_at  TIMESTAMPTZ,
    -- the last 30-second step a code was accepted for: each code works once
    last_step   BIGINT,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Single-use backup codes, stored as SHA-256 of the normalised code.
CREATE TABLE backup_codes (
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  BYTEA NOT NULL,
    used_at    TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

-- Short-lived single-use tickets between two steps of signing in: 'two_factor'
-- (password or SSO done, a TOTP code is due) and 'sso' (the SSO callback hands
-- the client a ticket for a session). Stored as SHA-256.
CREATE TABLE sign_in_tickets (
    token_hash  BYTEA PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('two_factor', 'sso')),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_tickets_expires_at ON sign_in_tickets (expires_at);

-- Accounts linked to an identity at the OpenID provider, by the provider's
-- subject (never by email).
CREATE TABLE oidc_identities (
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user_id ON oidc_identities (user_id);

-- Accounts an administrator created for someone who will sign in with SSO: the
-- first SSO sign-in with this (verified) email claims the account, once.
CREATE TABLE sso_invitations (
    user_id     UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email_key   TEXT NOT NULL UNIQUE,
    created_by  UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Authorization requests in flight, by SHA-256 of their state; single use.
CREATE TABLE oidc_logins (
    state_hash     BYTEA PRIMARY KEY,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    invite_code    TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX oidc_logins_expires_at ON oidc_logins (expires_at);

-- Bot accounts and incoming webhooks (INT-4, INT-5 of the integrations issue).

-- A bot is an account that acts through API tokens, never a password: `bot` ones
-- are owned by a person and act with at most their owner's rights; `webhook` ones
-- author the messages of one incoming webhook.
ALTER TABLE users ADD COLUMN bot_kind TEXT CHECK (bot_kind IN ('bot', 'webhook'));
ALTER TABLE users ADD COLUMN bot_owner_id UUID REFERENCES users(id) ON DELETE CASCADE;
CREATE INDEX users_bot_owner ON users (bot_owner_id);

-- A bot's API tokens (SHA-256 of the secret; the secret is shown once).
CREATE TABLE bot_tokens (
    id            UUID PRIMARY KEY,
    bot_id        UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX bot_tokens_bot ON bot_tokens (bot_id);

-- A channel's incoming webhooks: a secret URL that posts as the webhook's account.
CREATE TABLE webhooks (
    id            UUID PRIMARY KEY,
    channel_id    UUID NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id       UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_by    UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX webhooks_channel ON webhooks (channel_id);

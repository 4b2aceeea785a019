-- Whether a message has ever had a reaction: a page whose messages never had one
-- skips the reactions query. It is set before the first reaction is stored and
-- never cleared, so a stale value costs a query, never a missing reaction.
ALTER TABLE messages ADD COLUMN ever_reacted BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE messages SET ever_reacted = TRUE WHERE id IN (SELECT message_id FROM reactions);

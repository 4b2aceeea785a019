-- The channel timeline (messages outside threads) gets its own partial index, so the
-- latest-page query walks it backwards without filtering thread replies; the thread
-- index only holds replies.
CREATE INDEX messages_timeline ON messages (channel_id, id) WHERE thread_id IS NULL;
DROP INDEX messages_thread_id;
CREATE INDEX messages_thread_id ON messages (thread_id, id) WHERE thread_id IS NOT NULL;

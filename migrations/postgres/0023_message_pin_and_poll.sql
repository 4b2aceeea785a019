-- Whether a message is pinned and the poll it shows, kept on the message itself:
-- every page of history reads them, and two joins per row (pins, polls) were a
-- third of PostgreSQL's work for a page. Triggers keep them exact whatever
-- writes the pins and polls (the functions are replaced, as a restore drops the
-- tables and so the triggers, but not the functions).
ALTER TABLE messages ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE messages ADD COLUMN poll_id UUID;
UPDATE messages SET pinned = TRUE WHERE id IN (SELECT message_id FROM pins);
UPDATE messages m SET poll_id = p.id FROM polls p WHERE p.message_id = m.id;

CREATE OR REPLACE FUNCTION pins_mark_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE messages SET pinned = TRUE WHERE id = NEW.message_id;
    ELSE
        UPDATE messages SET pinned = FALSE WHERE id = OLD.message_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER pins_mark_message AFTER INSERT OR DELETE ON pins
    FOR EACH ROW EXECUTE FUNCTION pins_mark_message();

CREATE OR REPLACE FUNCTION polls_mark_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE messages SET poll_id = NEW.id WHERE id = NEW.message_id;
    ELSE
        UPDATE messages SET poll_id = NULL WHERE id = OLD.message_id AND poll_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER polls_mark_message AFTER INSERT OR DELETE ON polls
    FOR EACH ROW EXECUTE FUNCTION polls_mark_message();

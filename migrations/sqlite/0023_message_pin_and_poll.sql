-- Whether a message is pinned and the poll it shows, kept on the message itself:
-- every page of history reads them, and two joins per row (pins, polls) were a
-- third of PostgreSQL's work for a page. Triggers keep them exact whatever
-- writes the pins and polls.
ALTER TABLE messages ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE messages ADD COLUMN poll_id BLOB;
UPDATE messages SET pinned = TRUE WHERE id IN (SELECT message_id FROM pins);
UPDATE messages SET poll_id = (SELECT p.id FROM polls p WHERE p.message_id = messages.id)
    WHERE id IN (SELECT message_id FROM polls);

CREATE TRIGGER pins_mark_message_insert AFTER INSERT ON pins BEGIN
    UPDATE messages SET pinned = TRUE WHERE id = NEW.message_id;
END;
CREATE TRIGGER pins_mark_message_delete AFTER DELETE ON pins BEGIN
    UPDATE messages SET pinned = FALSE WHERE id = OLD.message_id;
END;
CREATE TRIGGER polls_mark_message_insert AFTER INSERT ON polls BEGIN
    UPDATE messages SET poll_id = NEW.id WHERE id = NEW.message_id;
END;
CREATE TRIGGER polls_mark_message_delete AFTER DELETE ON polls BEGIN
    UPDATE messages SET poll_id = NULL WHERE id = OLD.message_id AND poll_id = OLD.id;
END;

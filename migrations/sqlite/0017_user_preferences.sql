-- Display preferences (PROF-3), kept on the server so every device of a person looks
-- the same and changes show on the others at once. No row: the defaults.
CREATE TABLE user_preferences (
    user_id        BLOB PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    theme          TEXT NOT NULL CHECK (theme IN ('system', 'light', 'dark')),
    palette        TEXT NOT NULL,
    -- #rrggbb, or none for the palette's own
    accent         TEXT,
    compact        BOOLEAN NOT NULL,
    time_format    TEXT NOT NULL CHECK (time_format IN ('auto', '12h', '24h')),
    reduce_motion  BOOLEAN NOT NULL,
    link_previews  BOOLEAN NOT NULL,
    updated_at     TEXT NOT NULL
);

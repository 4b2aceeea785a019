-- Community theme overrides (COM-1): a palette and an accent colour (#rrggbb) shown
-- to members while they are in the community; none keeps each member's own.
ALTER TABLE communities ADD COLUMN theme_palette TEXT
    CHECK (theme_palette IN ('default', 'ocean', 'forest', 'rose', 'high_contrast'));
ALTER TABLE communities ADD COLUMN theme_accent TEXT;

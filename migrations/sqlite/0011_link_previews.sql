-- Link previews (INT-3): what the server found at a URL, kept as a cache.

-- Channel staff can turn previews off for a channel.
ALTER TABLE channels ADD COLUMN link_previews BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE link_previews (
    id           BLOB PRIMARY KEY,
    -- the URL as written in messages (normalised by the url crate, no fragment)
    url          TEXT NOT NULL UNIQUE,
    -- FALSE when the fetch failed or the page had no card; retried later
    found        BOOLEAN NOT NULL,
    title        TEXT,
    description  TEXT,
    site_name    TEXT,
    -- the card's image; served only through the server's image proxy
    image_url    TEXT,
    fetched_at   TEXT NOT NULL
);

-- Profile and community images (PROF-1, COM-1, COM-3, FILE-4): each points at a
-- stored file whose purpose names the slot. Deleting the file (an admin's delete)
-- clears the slot; a file no slot points at any more is reaped by the sweep.
ALTER TABLE users ADD COLUMN avatar_file_id UUID REFERENCES files(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN banner_file_id UUID REFERENCES files(id) ON DELETE SET NULL;
ALTER TABLE communities ADD COLUMN icon_file_id UUID REFERENCES files(id) ON DELETE SET NULL;
ALTER TABLE communities ADD COLUMN banner_file_id UUID REFERENCES files(id) ON DELETE SET NULL;
ALTER TABLE community_groups ADD COLUMN icon_file_id UUID REFERENCES files(id) ON DELETE SET NULL;
ALTER TABLE community_groups ADD COLUMN banner_file_id UUID REFERENCES files(id) ON DELETE SET NULL;

-- Deleting a file checks these references; the sweep looks up by them too.
CREATE INDEX users_avatar_file_id ON users (avatar_file_id) WHERE avatar_file_id IS NOT NULL;
CREATE INDEX users_banner_file_id ON users (banner_file_id) WHERE banner_file_id IS NOT NULL;
CREATE INDEX communities_icon_file_id ON communities (icon_file_id) WHERE icon_file_id IS NOT NULL;
CREATE INDEX communities_banner_file_id ON communities (banner_file_id) WHERE banner_file_id IS NOT NULL;
CREATE INDEX community_groups_icon_file_id ON community_groups (icon_file_id) WHERE icon_file_id IS NOT NULL;
CREATE INDEX community_groups_banner_file_id ON community_groups (banner_file_id) WHERE banner_file_id IS NOT NULL;

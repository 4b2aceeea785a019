//! Everything a permission check on one channel needs, in one query: the channel,
//! its group and community, and the user's memberships. The hot path of every
//! message read and write.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Channel, Community, CommunityMember, Conn, Group, GroupMember, StoreResult, db_run};

#[derive(Debug, Clone)]
pub struct ChannelContext {
    pub channel: Channel,
    pub group: Option<Group>,
    pub community: Option<Community>,
    pub community_member: Option<CommunityMember>,
    pub group_member: Option<GroupMember>,
    pub dm_member: bool,
    /// Whether the user blocks anyone (their pages are filtered for them alone).
    pub blocks_anyone: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    channel: Channel,
    g_name: Option<String>,
    g_description: Option<String>,
    g_visibility: Option<String>,
    g_assigned_to: Option<Uuid>,
    g_accent_color: Option<String>,
    g_position: Option<i32>,
    g_icon_file_id: Option<Uuid>,
    g_banner_file_id: Option<Uuid>,
    g_created_at: Option<DateTime<Utc>>,
    g_updated_at: Option<DateTime<Utc>>,
    c_name: Option<String>,
    c_description: Option<String>,
    c_welcome_message: Option<String>,
    c_visibility: Option<String>,
    c_discoverable: Option<bool>,
    c_who_can_create_invites: Option<String>,
    c_owner_id: Option<Uuid>,
    c_icon_file_id: Option<Uuid>,
    c_banner_file_id: Option<Uuid>,
    c_created_at: Option<DateTime<Utc>>,
    c_updated_at: Option<DateTime<Utc>>,
    c_theme_palette: Option<String>,
    c_theme_accent: Option<String>,
    cm_role: Option<String>,
    cm_nickname: Option<String>,
    cm_timed_out_until: Option<DateTime<Utc>>,
    cm_joined_at: Option<DateTime<Utc>>,
    gm_role: Option<String>,
    gm_joined_at: Option<DateTime<Utc>>,
    dm_joined_at: Option<DateTime<Utc>>,
    blocks_anyone: bool,
}

impl Conn<'_> {
    pub async fn channel_context(
        &mut self,
        channel_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<Option<ChannelContext>> {
        let row: Option<Row> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT ch.id, ch.group_id, ch.community_id, ch.name, ch.kind, ch.dm_key, ch.topic, ch.position, \
                 ch.slow_mode_secs, ch.read_only, ch.archived, ch.link_previews, ch.created_at, ch.updated_at, \
                 ch.post_role, ch.react_role, ch.thread_role, ch.mention_everyone_role, \
                 g.name AS g_name, g.description AS g_description, g.visibility AS g_visibility, \
                 g.assigned_to AS g_assigned_to, g.accent_color AS g_accent_color, g.position AS g_position, \
                 g.icon_file_id AS g_icon_file_id, g.banner_file_id AS g_banner_file_id, \
                 g.created_at AS g_created_at, g.updated_at AS g_updated_at, \
                 c.name AS c_name, c.description AS c_description, c.welcome_message AS c_welcome_message, \
                 c.visibility AS c_visibility, c.discoverable AS c_discoverable, \
                 c.who_can_create_invites AS c_who_can_create_invites, c.owner_id AS c_owner_id, \
                 c.icon_file_id AS c_icon_file_id, c.banner_file_id AS c_banner_file_id, \
                 c.created_at AS c_created_at, c.updated_at AS c_updated_at, \
                 c.theme_palette AS c_theme_palette, c.theme_accent AS c_theme_accent, \
                 cm.role AS cm_role, cm.nickname AS cm_nickname, cm.timed_out_until AS cm_timed_out_until, \
                 cm.joined_at AS cm_joined_at, gm.role AS gm_role, gm.joined_at AS gm_joined_at, \
                 dm.joined_at AS dm_joined_at, \
                 EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = $2) AS blocks_anyone \
                 FROM channels ch \
                 LEFT JOIN community_groups g ON g.id = ch.group_id \
                 LEFT JOIN communities c ON c.id = ch.community_id \
                 LEFT JOIN community_members cm ON cm.community_id = ch.community_id AND cm.user_id = $2 \
                 LEFT JOIN group_members gm ON gm.group_id = ch.group_id AND gm.user_id = $2 \
                 LEFT JOIN dm_members dm ON dm.channel_id = ch.id AND dm.user_id = $2 \
                 WHERE ch.id = $1",
            )
            .bind(channel_id)
            .bind(user_id)
            .fetch_optional(e)
            .await?
        });
        Ok(row.map(|r| {
            let group = match (r.channel.group_id, r.channel.community_id) {
                (Some(id), Some(community_id)) => Some(Group {
                    id,
                    community_id,
                    name: r.g_name.unwrap_or_default(),
                    description: r.g_description,
                    visibility: r.g_visibility.unwrap_or_default(),
                    assigned_to: r.g_assigned_to,
                    accent_color: r.g_accent_color,
                    position: r.g_position.unwrap_or_default(),
                    icon_file_id: r.g_icon_file_id,
                    banner_file_id: r.g_banner_file_id,
                    created_at: r.g_created_at.unwrap_or_default(),
                    updated_at: r.g_updated_at.unwrap_or_default(),
                }),
                _ => None,
            };
            let community = match (r.channel.community_id, r.c_owner_id) {
                (Some(id), Some(owner_id)) => Some(Community {
                    id,
                    name: r.c_name.unwrap_or_default(),
                    description: r.c_description,
                    welcome_message: r.c_welcome_message,
                    visibility: r.c_visibility.unwrap_or_default(),
                    discoverable: r.c_discoverable.unwrap_or_default(),
                    who_can_create_invites: r.c_who_can_create_invites.unwrap_or_default(),
                    owner_id,
                    icon_file_id: r.c_icon_file_id,
                    banner_file_id: r.c_banner_file_id,
                    created_at: r.c_created_at.unwrap_or_default(),
                    updated_at: r.c_updated_at.unwrap_or_default(),
                    theme_palette: r.c_theme_palette,
                    theme_accent: r.c_theme_accent,
                }),
                _ => None,
            };
            let community_member = match (r.channel.community_id, r.cm_role, r.cm_joined_at) {
                (Some(community_id), Some(role), Some(joined_at)) => Some(CommunityMember {
                    community_id,
                    user_id,
                    role,
                    nickname: r.cm_nickname,
                    timed_out_until: r.cm_timed_out_until,
                    joined_at,
                }),
                _ => None,
            };
            let group_member = match (r.channel.group_id, r.gm_role, r.gm_joined_at) {
                (Some(group_id), Some(role), Some(joined_at)) => Some(GroupMember {
                    group_id,
                    user_id,
                    role,
                    joined_at,
                }),
                _ => None,
            };
            ChannelContext {
                channel: r.channel,
                group,
                community,
                community_member,
                group_member,
                dm_member: r.dm_joined_at.is_some(),
                blocks_anyone: r.blocks_anyone,
            }
        }))
    }
}

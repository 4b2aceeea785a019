//! Conversions between the stored and domain types and the wire types of
//! `api::groups`.

use crate::api::*;
use crate::domain::community::{ChannelChanges, GroupChanges, GroupRole, NewChannel, NewGroup};
use crate::store::{Channel, Group, GroupForUser, GroupMemberProfile};

impl GroupView {
    pub fn new(g: Group, my_role: Option<GroupRole>) -> GroupView {
        GroupView {
            id: g.id,
            community_id: g.community_id,
            name: g.name,
            description: g.description,
            visibility: g.visibility,
            assigned_to: g.assigned_to,
            accent_color: g.accent_color,
            icon_file_id: g.icon_file_id,
            banner_file_id: g.banner_file_id,
            position: g.position,
            my_role,
            created_at: g.created_at,
        }
    }
}

impl From<GroupForUser> for GroupView {
    fn from(g: GroupForUser) -> Self {
        let role = g.my_role.as_deref().map(GroupRole::parse);
        GroupView::new(g.group, role)
    }
}

impl From<CreateGroupRequest> for NewGroup {
    fn from(r: CreateGroupRequest) -> Self {
        NewGroup {
            name: r.name,
            description: r.description,
            visibility: r.visibility,
            accent_color: r.accent_color,
            assigned_to: r.assigned_to,
        }
    }
}

impl From<UpdateGroupRequest> for GroupChanges {
    fn from(r: UpdateGroupRequest) -> Self {
        GroupChanges {
            name: r.name,
            description: r.description,
            visibility: r.visibility,
            accent_color: r.accent_color,
            position: r.position,
        }
    }
}

impl From<GroupMemberProfile> for GroupMemberView {
    fn from(p: GroupMemberProfile) -> Self {
        GroupMemberView {
            user_id: p.member.user_id,
            username: p.username,
            display_name: p.display_name,
            avatar_file_id: p.avatar_file_id,
            role: GroupRole::parse(&p.member.role),
            joined_at: p.member.joined_at,
        }
    }
}

impl From<Channel> for ChannelView {
    fn from(c: Channel) -> Self {
        ChannelView {
            id: c.id,
            group_id: c.group_id,
            community_id: c.community_id,
            name: c.name,
            kind: c.kind,
            topic: c.topic,
            position: c.position,
            slow_mode_secs: c.slow_mode_secs,
            read_only: c.read_only,
            archived: c.archived,
            link_previews: c.link_previews,
            permissions: ChannelPermissions {
                post: CommunityRole::parse(&c.roles.post_role),
                react: CommunityRole::parse(&c.roles.react_role),
                create_threads: CommunityRole::parse(&c.roles.thread_role),
                mention_everyone: CommunityRole::parse(&c.roles.mention_everyone_role),
            },
            created_at: c.created_at,
            voice_participants: None,
        }
    }
}

impl crate::domain::Core {
    /// Channels for a list, voice channels with who is in their call.
    pub fn channel_list(&self, channels: Vec<Channel>) -> Vec<ChannelView> {
        channels
            .into_iter()
            .map(|channel| {
                let voice = channel.kind == "voice";
                let mut view = ChannelView::from(channel);
                if voice {
                    view.voice_participants = Some(self.voice_participants(view.id));
                }
                view
            })
            .collect()
    }
}

impl From<CreateChannelRequest> for NewChannel {
    fn from(r: CreateChannelRequest) -> Self {
        NewChannel {
            name: r.name,
            kind: r.kind,
            topic: r.topic,
            slow_mode_secs: r.slow_mode_secs,
            read_only: r.read_only,
        }
    }
}

impl From<UpdateChannelRequest> for ChannelChanges {
    fn from(r: UpdateChannelRequest) -> Self {
        ChannelChanges {
            name: r.name,
            topic: r.topic,
            slow_mode_secs: r.slow_mode_secs,
            read_only: r.read_only,
            archived: r.archived,
            link_previews: r.link_previews,
            permissions: r.permissions,
            position: r.position,
        }
    }
}

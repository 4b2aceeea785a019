//! Notification settings (NOTIF-2) and web push (NOTIF-1): levels per community and
//! channel, mutes, `@everyone` suppression, keywords and do-not-disturb decide who a
//! message notifies ([`rules`]); pushes go to people without a live connection
//! ([`dispatch`]) through a durable queue ([`queue`]).

pub mod dispatch;
pub mod queue;
pub mod rules;
mod subscriptions;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::error::{Error, Result};
use super::{Actor, Core};
use crate::api::{
    NotificationLevel, NotificationSettingsView, ScopeNotificationInput, ScopeNotificationView,
    ServerEvent, UpdateNotificationSettings,
};
use crate::store::{self, Conn, NotificationOverride, NotificationPrefs};

const KEYWORDS_MAX: usize = 25;
const KEYWORD_MIN_CHARS: usize = 2;
const KEYWORD_MAX_CHARS: usize = 64;

/// Preferences of someone who never changed them.
fn default_prefs(user_id: Uuid) -> NotificationPrefs {
    NotificationPrefs {
        user_id,
        keywords: "[]".to_owned(),
        sounds: true,
        desktop: true,
        dnd_until: None,
        updated_at: store::now(),
    }
}

pub(crate) fn keywords_of(prefs: &NotificationPrefs) -> Vec<String> {
    serde_json::from_str(&prefs.keywords).unwrap_or_default()
}

pub(crate) fn level_from_text(text: Option<&str>) -> Option<NotificationLevel> {
    match text? {
        "all" => Some(NotificationLevel::All),
        "mentions" => Some(NotificationLevel::Mentions),
        "nothing" => Some(NotificationLevel::Nothing),
        _ => None,
    }
}

fn level_text(level: NotificationLevel) -> &'static str {
    match level {
        NotificationLevel::All => "all",
        NotificationLevel::Mentions => "mentions",
        NotificationLevel::Nothing => "nothing",
    }
}

fn scope_view(o: &NotificationOverride, id: Uuid) -> ScopeNotificationView {
    ScopeNotificationView {
        id,
        level: level_from_text(o.level.as_deref()),
        muted_until: o.muted_until,
        suppress_everyone: o.suppress_everyone,
    }
}

/// Trimmed, distinct (ignoring case) keywords within the limits.
fn clean_keywords(raw: Vec<String>) -> Result<Vec<String>> {
    let mut kept: Vec<String> = Vec::new();
    for keyword in raw {
        let keyword = keyword.trim().to_owned();
        let chars = keyword.chars().count();
        if !(KEYWORD_MIN_CHARS..=KEYWORD_MAX_CHARS).contains(&chars) {
            return Err(Error::invalid(
                "keywords",
                format!("each keyword has {KEYWORD_MIN_CHARS}–{KEYWORD_MAX_CHARS} characters"),
            ));
        }
        if keyword.chars().any(char::is_control) {
            return Err(Error::invalid(
                "keywords",
                "keywords cannot contain control characters",
            ));
        }
        if !kept
            .iter()
            .any(|k| k.to_lowercase() == keyword.to_lowercase())
        {
            kept.push(keyword);
        }
    }
    if kept.len() > KEYWORDS_MAX {
        return Err(Error::invalid(
            "keywords",
            format!("at most {KEYWORDS_MAX} keywords"),
        ));
    }
    Ok(kept)
}

impl Core {
    pub async fn notification_settings(&self, actor: &Actor) -> Result<NotificationSettingsView> {
        let mut conn = self.db.acquire().await?;
        self.settings_view(&mut conn.conn(), actor.id()).await
    }

    pub async fn update_notification_settings(
        &self,
        actor: &Actor,
        input: UpdateNotificationSettings,
    ) -> Result<NotificationSettingsView> {
        actor.require_person()?;
        let keywords = input.keywords.map(clean_keywords).transpose()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let mut prefs = c
            .notification_prefs(actor.id())
            .await?
            .unwrap_or_else(|| default_prefs(actor.id()));
        if let Some(keywords) = keywords {
            prefs.keywords = serde_json::to_string(&keywords).map_err(anyhow::Error::from)?;
        }
        if let Some(sounds) = input.sounds {
            prefs.sounds = sounds;
        }
        if let Some(desktop) = input.desktop {
            prefs.desktop = desktop;
        }
        if let Some(dnd_until) = input.dnd_until {
            prefs.dnd_until = dnd_until.filter(|until| *until > store::now());
        }
        prefs.updated_at = store::now();
        c.save_notification_prefs(&prefs).await?;
        let view = self.settings_view(&mut c, actor.id()).await?;
        tx.commit().await?;
        self.settings_changed(actor.id(), &view);
        Ok(view)
    }

    /// The caller's level, mute and `@everyone` choice for a community they belong to.
    pub async fn set_community_notifications(
        &self,
        actor: &Actor,
        community_id: Uuid,
        input: ScopeNotificationInput,
    ) -> Result<NotificationSettingsView> {
        actor.require_person()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        self.member_access(&mut c, actor, community_id).await?;
        let view = self
            .save_scope(&mut c, actor.id(), Some(community_id), None, input)
            .await?;
        tx.commit().await?;
        self.settings_changed(actor.id(), &view);
        Ok(view)
    }

    /// The caller's level, mute and `@everyone` choice for a channel (or DM) they
    /// may read.
    pub async fn set_channel_notifications(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        input: ScopeNotificationInput,
    ) -> Result<NotificationSettingsView> {
        actor.require_person()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        self.channel_access(&mut c, actor, channel_id).await?;
        let view = self
            .save_scope(&mut c, actor.id(), None, Some(channel_id), input)
            .await?;
        tx.commit().await?;
        self.settings_changed(actor.id(), &view);
        Ok(view)
    }

    async fn save_scope(
        &self,
        c: &mut Conn<'_>,
        user_id: Uuid,
        community_id: Option<Uuid>,
        channel_id: Option<Uuid>,
        input: ScopeNotificationInput,
    ) -> Result<NotificationSettingsView> {
        let now = store::now();
        let muted_until = input.muted_until.filter(|until| *until > now);
        let value = (input.level.is_some() || muted_until.is_some() || input.suppress_everyone)
            .then(|| NotificationOverride {
                user_id,
                community_id,
                channel_id,
                level: input.level.map(|l| level_text(l).to_owned()),
                muted_until,
                suppress_everyone: input.suppress_everyone,
                updated_at: now,
            });
        c.set_notification_override(user_id, community_id, channel_id, value.as_ref())
            .await?;
        self.settings_view(c, user_id).await
    }

    async fn settings_view(
        &self,
        c: &mut Conn<'_>,
        user_id: Uuid,
    ) -> Result<NotificationSettingsView> {
        let prefs = c
            .notification_prefs(user_id)
            .await?
            .unwrap_or_else(|| default_prefs(user_id));
        let now = store::now();
        let mut communities = Vec::new();
        let mut channels = Vec::new();
        for o in c.notification_overrides(user_id).await? {
            match (o.community_id, o.channel_id) {
                (Some(id), _) => communities.push(scope_view(&o, id)),
                (_, Some(id)) => channels.push(scope_view(&o, id)),
                _ => {}
            }
        }
        Ok(NotificationSettingsView {
            keywords: keywords_of(&prefs),
            sounds: prefs.sounds,
            desktop: prefs.desktop,
            dnd_until: prefs.dnd_until.filter(|until: &DateTime<Utc>| *until > now),
            communities,
            channels,
        })
    }

    fn settings_changed(&self, user_id: Uuid, view: &NotificationSettingsView) {
        self.events.to_user(
            user_id,
            &ServerEvent::NotificationSettingsUpdated {
                settings: view.clone(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_trimmed_deduplicated_and_bounded() {
        let kept = clean_keywords(vec![" Deploy ".into(), "deploy".into(), "on-call".into()])
            .expect("valid");
        assert_eq!(kept, vec!["Deploy".to_owned(), "on-call".to_owned()]);
        assert!(clean_keywords(vec!["x".into()]).is_err());
        assert!(clean_keywords(vec!["a\u{0}b".into()]).is_err());
        assert!(clean_keywords((0..26).map(|i| format!("word{i}")).collect()).is_err());
    }
}

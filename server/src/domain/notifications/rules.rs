//! Who a message notifies, as pure rules over someone's settings (the web client
//! mirrors them in `client-ui/src/lib/notifications/rules.ts`).

use chrono::{DateTime, Utc};

use crate::api::NotificationLevel;

/// One person's settings, as far as one channel is concerned.
#[derive(Debug, Clone, Default)]
pub struct ChannelSettings {
    pub is_dm: bool,
    pub channel_level: Option<NotificationLevel>,
    pub community_level: Option<NotificationLevel>,
    pub muted_until: Vec<DateTime<Utc>>,
    pub suppress_everyone: bool,
    pub keywords: Vec<String>,
    pub dnd_until: Option<DateTime<Utc>>,
}

/// Why a message concerns someone, strongest first (the push says which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    Dm,
    Mention,
    Reply,
    Keyword,
    Message,
}

impl Reason {
    pub fn kind(self) -> &'static str {
        match self {
            Reason::Dm => "dm",
            Reason::Mention => "mention",
            Reason::Reply => "reply",
            Reason::Keyword => "keyword",
            Reason::Message => "message",
        }
    }
}

/// What is known of a message, for one reader.
#[derive(Debug, Clone, Copy, Default)]
pub struct MessageFacts<'a> {
    pub text: &'a str,
    /// The reader is named with `@user` (or reached by `@here`).
    pub mentions_reader: bool,
    /// The mention came only through `@here`.
    pub via_here: bool,
    pub mentions_everyone: bool,
    /// It answers one of the reader's messages.
    pub replies_to_reader: bool,
}

impl ChannelSettings {
    /// The level that applies: the channel's, its community's, then the default (every
    /// message in DMs, mentions in community channels).
    pub fn level(&self) -> NotificationLevel {
        self.channel_level
            .or(if self.is_dm {
                None
            } else {
                self.community_level
            })
            .unwrap_or(if self.is_dm {
                NotificationLevel::All
            } else {
                NotificationLevel::Mentions
            })
    }

    pub fn muted(&self, now: DateTime<Utc>) -> bool {
        self.muted_until.iter().any(|until| *until > now)
    }

    pub fn in_dnd(&self, now: DateTime<Utc>) -> bool {
        self.dnd_until.is_some_and(|until| until > now)
    }

    /// Why the message notifies this reader, if it does (do-not-disturb aside: it is
    /// a property of the person, checked by the caller with their presence).
    pub fn reason(&self, message: &MessageFacts<'_>, now: DateTime<Utc>) -> Option<Reason> {
        let level = self.level();
        if self.muted(now) || level == NotificationLevel::Nothing {
            return None;
        }
        let everyone = (message.mentions_everyone || (message.mentions_reader && message.via_here))
            && !self.suppress_everyone;
        let direct = message.mentions_reader && !message.via_here;
        let reason = if direct || everyone {
            Some(Reason::Mention)
        } else if message.replies_to_reader {
            Some(Reason::Reply)
        } else if matches_keyword(message.text, &self.keywords) {
            Some(Reason::Keyword)
        } else {
            None
        };
        match (reason, level) {
            (Some(reason), _) if !self.is_dm => Some(reason),
            (_, NotificationLevel::All) if self.is_dm => Some(Reason::Dm),
            (reason, _) if self.is_dm => reason.map(|_| Reason::Dm),
            (None, NotificationLevel::All) => Some(Reason::Message),
            _ => None,
        }
    }
}

/// Whether any keyword appears in `text` as a whole word, ignoring case: no letter
/// or digit right before or after it.
pub fn matches_keyword(text: &str, keywords: &[String]) -> bool {
    if keywords.is_empty() {
        return false;
    }
    let haystack = text.to_lowercase();
    keywords.iter().any(|keyword| {
        let needle = keyword.to_lowercase();
        !needle.is_empty()
            && haystack.match_indices(&needle).any(|(at, found)| {
                let before = haystack[..at].chars().next_back();
                let after = haystack[at + found.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn facts(text: &str) -> MessageFacts<'_> {
        MessageFacts {
            text,
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_all_in_dms_and_mentions_in_communities() {
        let now = Utc::now();
        let dm = ChannelSettings {
            is_dm: true,
            ..Default::default()
        };
        assert_eq!(dm.reason(&facts("hi"), now), Some(Reason::Dm));
        let channel = ChannelSettings::default();
        assert_eq!(channel.reason(&facts("hi"), now), None);
        let mention = MessageFacts {
            mentions_reader: true,
            ..facts("@bob hi")
        };
        assert_eq!(channel.reason(&mention, now), Some(Reason::Mention));
    }

    #[test]
    fn a_channel_level_beats_its_community_level() {
        let now = Utc::now();
        let s = ChannelSettings {
            community_level: Some(NotificationLevel::All),
            ..Default::default()
        };
        assert_eq!(s.reason(&facts("hi"), now), Some(Reason::Message));
        let s = ChannelSettings {
            channel_level: Some(NotificationLevel::Nothing),
            community_level: Some(NotificationLevel::All),
            ..Default::default()
        };
        let mention = MessageFacts {
            mentions_reader: true,
            ..facts("@bob")
        };
        assert_eq!(s.reason(&mention, now), None);
    }

    #[test]
    fn mutes_expire() {
        let now = Utc::now();
        let mut s = ChannelSettings {
            is_dm: true,
            muted_until: vec![now + Duration::minutes(5)],
            ..Default::default()
        };
        assert_eq!(s.reason(&facts("hi"), now), None);
        s.muted_until = vec![now - Duration::minutes(5)];
        assert_eq!(s.reason(&facts("hi"), now), Some(Reason::Dm));
    }

    #[test]
    fn everyone_and_here_can_be_suppressed_but_not_a_direct_mention() {
        let now = Utc::now();
        let s = ChannelSettings {
            suppress_everyone: true,
            ..Default::default()
        };
        let everyone = MessageFacts {
            mentions_everyone: true,
            ..facts("@everyone")
        };
        let here = MessageFacts {
            mentions_reader: true,
            via_here: true,
            ..facts("@here")
        };
        let direct = MessageFacts {
            mentions_reader: true,
            ..facts("@bob")
        };
        assert_eq!(s.reason(&everyone, now), None);
        assert_eq!(s.reason(&here, now), None);
        assert_eq!(s.reason(&direct, now), Some(Reason::Mention));
        let open = ChannelSettings::default();
        assert_eq!(open.reason(&everyone, now), Some(Reason::Mention));
    }

    #[test]
    fn replies_and_keywords_notify_at_the_mentions_level() {
        let now = Utc::now();
        let s = ChannelSettings {
            keywords: vec!["Deploy".into()],
            ..Default::default()
        };
        let reply = MessageFacts {
            replies_to_reader: true,
            ..facts("ok")
        };
        assert_eq!(s.reason(&reply, now), Some(Reason::Reply));
        assert_eq!(
            s.reason(&facts("the deploy failed"), now),
            Some(Reason::Keyword)
        );
        assert_eq!(s.reason(&facts("redeployed it"), now), None);
    }

    #[test]
    fn keywords_are_whole_words_in_any_script() {
        let kw = |k: &str| vec![k.to_owned()];
        assert!(matches_keyword("Café ouvert", &kw("café")));
        assert!(!matches_keyword("cafés", &kw("café")));
        assert!(matches_keyword("ship it!", &kw("it")));
        assert!(!matches_keyword("item", &kw("it")));
        assert!(matches_keyword("погода: дождь", &kw("ДОЖДЬ")));
        assert!(matches_keyword("on-call today", &kw("on-call")));
        assert!(!matches_keyword("anything", &[]));
    }

    #[test]
    fn dnd_is_a_time() {
        let now = Utc::now();
        let s = ChannelSettings {
            dnd_until: Some(now + Duration::hours(1)),
            ..Default::default()
        };
        assert!(s.in_dnd(now));
        assert!(!s.in_dnd(now + Duration::hours(2)));
    }
}

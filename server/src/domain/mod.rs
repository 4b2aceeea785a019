//! Rules and permissions. REST handlers and WebSocket actions call these
//! functions, so an action is authorised identically on every path.

mod access_cache;
mod accounts;
mod actor;
mod admin_users;
mod announcements;
mod audit;
mod bootstrap;
pub mod bots;
pub mod community;
mod dms;
pub mod email;
pub mod error;
mod feedback;
pub mod files;
pub mod gifs;
mod invites;
pub mod link_previews;
mod lockout;
pub mod meetings;
pub mod messages;
pub mod notifications;
mod preferences;
mod purges;
mod rate;
pub mod realtime;
mod reports;
mod sessions;
mod sso;
mod two_factor;
mod updates;
pub mod validate;
mod voice;
mod webhooks;
mod wire;
mod workers;

pub use accounts::{ProfileChanges, Registration};
pub use actor::{Actor, InstanceRole};
pub use audit::AuditQuery;
pub use bootstrap::Bootstrap;
pub use dms::{GROUP_DM_MAX_OTHERS, GROUP_DMS_PER_USER};
pub use invites::NewInvite;
pub use sessions::{SignedIn, TokenPair};
pub use sso::SsoCallback;
pub use two_factor::{BACKUP_CODE_COUNT, SignIn, TotpSetup, TwoFactorState};
pub use voice::VoiceFlagChanges;

use std::net::IpAddr;
use std::sync::Arc;

use crate::auth::passwords::PasswordHasher;
use crate::auth::tokens::TokenKeys;
use crate::config::Config;
use crate::events::Events;
use crate::store::Db;

/// The domain layer's handle: configuration, store, identity primitives and the
/// event bus with its live connections. Every request clones it (each extractor
/// and middleware holding the state does), so a clone is one reference count.
#[derive(Clone)]
pub struct Core(Arc<CoreParts>);

impl std::ops::Deref for Core {
    type Target = CoreParts;

    fn deref(&self) -> &CoreParts {
        &self.0
    }
}

/// What a [`Core`] shares.
pub struct CoreParts {
    pub config: Arc<Config>,
    pub db: Db,
    pub events: Events,
    /// Single sign-on at the OpenID provider (discovery runs in the background).
    pub sso: crate::auth::oidc::Sso,
    passwords: PasswordHasher,
    tokens: TokenKeys,
    typing: realtime::TypingThrottle,
    send_limiter: Arc<rate::UserRate>,
    pub(crate) scheduler: messages::scheduled::SchedulerWake,
    newest_pages: Arc<messages::newest_pages::NewestPages>,
    /// Sessions and channel contexts kept until what they were read from changes.
    access_cache: access_cache::AccessCache,
    /// Where uploaded files' bytes live.
    pub(crate) storage: crate::storage::Storage,
    pub thumbnails: files::ThumbnailJobs,
    /// Who is in which voice channel's call.
    pub(crate) calls: voice::Calls,
    /// The SMTP relay, when email is configured.
    pub(crate) mailer: Option<crate::mail::Mailer>,
    pub(crate) outbox_wake: email::OutboxWake,
    /// Web push, when both VAPID keys are set.
    pub(crate) pusher: Option<crate::push::Pusher>,
    pub(crate) push_wake: notifications::queue::PushWake,
    pub(crate) reminder_wake: meetings::ReminderWake,
    pub(crate) purge_wake: purges::PurgeWake,
    pub(crate) purge_failures: purges::PurgeFailures,
    /// New messages of one channel are published in the order of their IDs.
    pub(crate) message_turns: messages::ChannelTurns,
    /// The guarded HTTP client for fetches made for users (link previews).
    pub(crate) outbound: crate::outbound::Outbound,
    pub(crate) link_previews: link_previews::LinkPreviews,
    webhook_posts: rate::UserRate,
    gifs: gifs::Gifs,
    feedback: feedback::FeedbackDesk,
    /// Reports each person may still make (ADM-6).
    reports: rate::UserRate,
    /// The Docker updater sidecar, when configured.
    updater: Option<crate::integrations::updater::UpdaterClient>,
}

impl Core {
    /// Argon2 computations run so far (tests check that refused requests run none).
    pub fn password_work(&self) -> u64 {
        self.passwords.runs()
    }

    pub fn new(config: Arc<Config>, db: Db) -> anyhow::Result<Core> {
        let passwords = PasswordHasher::new(&config.tuning.password_hashing)?;
        let tokens = TokenKeys::from_pem(config.jwt.private_pem.expose(), &config.jwt.public_pem)
            .map_err(|e| anyhow::anyhow!("JWT key pair: {e}"))?;
        let events = Events::in_process(config.tuning.ws_queue_capacity);
        let send_limiter = Arc::new(rate::UserRate::per_second(config.tuning.message_rate));
        let sso = crate::auth::oidc::Sso::new(config.oidc.clone())?;
        let storage = crate::storage::Storage::local(&config.files.storage_path).map_err(|e| {
            anyhow::anyhow!(
                "FILE_STORAGE_PATH {}: cannot use this folder: {e}",
                config.files.storage_path.display()
            )
        })?;
        let mailer = config
            .email
            .as_ref()
            .map(|smtp| crate::mail::Mailer::new(smtp, &config.tuning.smtp_extra_roots))
            .transpose()
            .map_err(|e| anyhow::anyhow!("SMTP_HOST: cannot set up outgoing email: {e}"))?;
        let outbound = crate::outbound::Outbound::new(config.tuning.outbound.clone())
            .map_err(|e| anyhow::anyhow!("outbound HTTP client: {e}"))?;
        let pusher = config
            .push
            .as_ref()
            .map(|keys| crate::push::Pusher::new(keys, &config, outbound.clone()))
            .transpose()?;
        Ok(Core(Arc::new(CoreParts {
            pusher,
            push_wake: Default::default(),
            mailer,
            outbound,
            link_previews: Default::default(),
            webhook_posts: webhooks::post_rate(),
            gifs: gifs::Gifs::new(&config)?,
            feedback: feedback::FeedbackDesk::new(&config)?,
            reports: reports::report_rate(),
            updater: config
                .updater
                .clone()
                .map(crate::integrations::updater::UpdaterClient::new)
                .transpose()?,
            outbox_wake: Default::default(),
            reminder_wake: Default::default(),
            purge_wake: Default::default(),
            purge_failures: Default::default(),
            message_turns: Default::default(),
            storage,
            thumbnails: Default::default(),
            calls: Default::default(),
            sso,
            config,
            db,
            events,
            passwords,
            tokens,
            typing: Default::default(),
            send_limiter,
            scheduler: Default::default(),
            newest_pages: Default::default(),
            access_cache: Default::default(),
        })))
    }
}

/// Who is asking, as far as the network tells: recorded in sessions and the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    fn ip_string(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }
}

impl Core {
    /// Whether the database answers within two seconds.
    pub async fn db_ping(&self) -> bool {
        let ping = async { self.db.acquire().await?.conn().ping().await };
        matches!(
            tokio::time::timeout(std::time::Duration::from_secs(2), ping).await,
            Ok(Ok(()))
        )
    }

    /// Deletes expired sessions and stale login counters.
    pub async fn prune(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::domain::error::Result<()> {
        let window = chrono::Duration::from_std(self.config.tuning.lockout.window)
            .unwrap_or(chrono::Duration::MAX);
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let sessions = c.delete_expired_sessions(now).await?;
        let attempts = c.prune_login_attempts(now - window, now).await?;
        let sign_in_state = c.prune_sign_in_state(now).await?;
        tracing::debug!(sessions, attempts, sign_in_state, "pruned expired rows");
        drop(conn);
        self.sweep_files(now).await
    }
}

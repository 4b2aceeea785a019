//! Bot accounts: owned by a person, acting through API tokens on the REST API and
//! the WebSocket, never with a password. A bot acts with at most its owner's rights:
//! the community, group and channel access of a bot is capped by its owner's
//! (`community/access.rs`), so it cannot do what its owner cannot.

use chrono::Utc;
use uuid::Uuid;

use super::error::{Error, Result};
use super::{Actor, Core, RequestMeta, validate};
use crate::api::{BotView, BotWithToken};
use crate::auth::secrets;
use crate::events::CloseReason;
use crate::store::{self, BotRow, Conn, NewAuditEntry, NewUser, User};

/// Bot tokens start with this, so one bearer header serves people and bots.
pub const BOT_TOKEN_PREFIX: &str = "chatalot_bot_";
/// Bots one person may own.
const BOTS_PER_OWNER: usize = 10;

pub(crate) fn bot_not_found() -> Error {
    Error::not_found("bot_not_found", "no such bot")
}

impl From<BotRow> for BotView {
    fn from(b: BotRow) -> Self {
        BotView {
            id: b.id,
            username: b.username,
            display_name: b.display_name,
            owner_id: b.owner_id,
            owner_username: b.owner_username,
            avatar_file_id: b.avatar_file_id,
            created_at: b.created_at,
        }
    }
}

impl Actor {
    /// Whether this is a bot (or a webhook's account) rather than a person.
    pub fn is_bot(&self) -> bool {
        self.user.bot_kind.is_some()
    }

    /// People only: bots do not make bots, webhooks or other people's settings.
    pub(crate) fn require_person(&self) -> Result<()> {
        if self.is_bot() {
            Err(Error::forbidden("bots_not_allowed", "bots cannot do this"))
        } else {
            Ok(())
        }
    }
}

impl Core {
    pub async fn create_bot(
        &self,
        actor: &Actor,
        username: &str,
        display_name: &str,
        meta: &RequestMeta,
    ) -> Result<BotWithToken> {
        actor.require_person()?;
        let username = validate::username(username)?;
        let display_name = validate::display_name(display_name)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if c.bots_of_owner(actor.id()).await?.len() >= BOTS_PER_OWNER {
            return Err(Error::conflict(
                "bot_limit",
                format!("one person may own at most {BOTS_PER_OWNER} bots"),
            ));
        }
        if c.username_taken(&username).await? {
            return Err(
                Error::conflict("username_taken", "this username is taken").on_field("username")
            );
        }
        let id = store::new_id();
        c.insert_user(&NewUser {
            id,
            username: &username,
            display_name: &display_name,
            email: None,
            password_hash: None,
            recovery_code_hash: None,
            instance_role: "user",
            now: store::now(),
        })
        .await?;
        c.mark_bot(id, "bot", actor.id()).await?;
        let token = new_token(&mut c, id).await?;
        let entry = NewAuditEntry::by(actor.id(), "bot.created")
            .target(Some(id))
            .details(serde_json::json!({ "username": username }));
        self.audit(&mut c, meta, entry).await?;
        let bot = c.bot(id).await?.ok_or_else(bot_not_found)?;
        tx.commit().await?;
        Ok(BotWithToken {
            bot: bot.into(),
            token,
        })
    }

    pub async fn my_bots(&self, actor: &Actor) -> Result<Vec<BotView>> {
        let mut conn = self.db.acquire().await?;
        let bots = conn.conn().bots_of_owner(actor.id()).await?;
        Ok(bots.into_iter().map(BotView::from).collect())
    }

    /// Every bot of the instance (administrators).
    pub async fn all_bots(&self, actor: &Actor) -> Result<Vec<BotView>> {
        actor.require_admin()?;
        let mut conn = self.db.acquire().await?;
        let bots = conn.conn().all_bots().await?;
        Ok(bots.into_iter().map(BotView::from).collect())
    }

    pub async fn rename_bot(
        &self,
        actor: &Actor,
        id: Uuid,
        display_name: &str,
        meta: &RequestMeta,
    ) -> Result<BotView> {
        let display_name = validate::display_name(display_name)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        owned_bot(&mut c, actor, id, false).await?;
        c.set_display_name(id, &display_name, store::now()).await?;
        let entry = NewAuditEntry::by(actor.id(), "bot.renamed").target(Some(id));
        self.audit(&mut c, meta, entry).await?;
        let bot = c.bot(id).await?.ok_or_else(bot_not_found)?;
        tx.commit().await?;
        self.events.revisions.bump_all();
        Ok(bot.into())
    }

    /// A new token; the old one stops working at once.
    pub async fn rotate_bot_token(
        &self,
        actor: &Actor,
        id: Uuid,
        meta: &RequestMeta,
    ) -> Result<BotWithToken> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let bot = owned_bot(&mut c, actor, id, false).await?;
        let token = new_token(&mut c, id).await?;
        let entry = NewAuditEntry::by(actor.id(), "bot.token_rotated").target(Some(id));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.events.hub.close_user(id, CloseReason::SESSION_ENDED);
        Ok(BotWithToken {
            bot: bot.into(),
            token,
        })
    }

    /// Deletes a bot (its owner, or an administrator); its messages stay, authorless.
    pub async fn delete_bot(&self, actor: &Actor, id: Uuid, meta: &RequestMeta) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let bot = owned_bot(&mut c, actor, id, true).await?;
        let entry = NewAuditEntry::by(actor.id(), "bot.deleted")
            .details(serde_json::json!({ "bot_id": id, "username": bot.username }));
        self.audit(&mut c, meta, entry).await?;
        c.delete_user(id).await?;
        tx.commit().await?;
        self.events.revisions.bump_all();
        self.events.hub.close_user(id, CloseReason::SESSION_ENDED);
        Ok(())
    }

    /// The bot of an API token, while it, its token and its owner are in good standing.
    pub(crate) async fn authenticate_bot(&self, token: &str) -> Result<Actor> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let found = c.bot_by_token_hash(&secrets::sha256_hex(token)).await?;
        let Some((token_id, user)) = found else {
            return Err(Error::unauthorized(
                "invalid_token",
                "the access token is invalid or expired",
            ));
        };
        let user = self.bot_in_standing(&mut c, user).await?;
        Ok(Actor {
            signed_in_at: user.created_at,
            user,
            session_id: token_id,
        })
    }

    /// A bot actor as the database has it now (the gateway re-reads before actions).
    pub(crate) async fn reload_bot(&self, actor: &Actor) -> Result<Actor> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let user = c
            .bot_by_token_id(actor.session_id)
            .await?
            .filter(|u| u.id == actor.id())
            .ok_or_else(|| {
                Error::unauthorized("session_ended", "this bot's token has been replaced")
            })?;
        let user = self.bot_in_standing(&mut c, user).await?;
        Ok(Actor {
            user,
            session_id: actor.session_id,
            signed_in_at: actor.signed_in_at,
        })
    }

    async fn bot_in_standing(&self, c: &mut Conn<'_>, user: User) -> Result<User> {
        let owner = match user.bot_owner_id {
            Some(owner) if user.bot_kind.as_deref() == Some("bot") => c.user_by_id(owner).await?,
            _ => None,
        };
        let suspended = || Error::forbidden("account_suspended", "this account is suspended");
        match owner {
            None => Err(Error::unauthorized(
                "invalid_token",
                "the access token is invalid or expired",
            )),
            Some(owner) if owner.suspended_at.is_some() => Err(suspended()),
            Some(_) if user.suspended_at.is_some() => Err(suspended()),
            Some(_) => Ok(user),
        }
    }

    /// The owner a bot acts for, as an actor whose rights cap the bot's.
    pub(crate) async fn bot_owner(&self, c: &mut Conn<'_>, actor: &Actor) -> Result<Option<Actor>> {
        if actor.user.bot_kind.as_deref() != Some("bot") {
            return Ok(None);
        }
        let owner = match actor.user.bot_owner_id {
            Some(id) => c.user_by_id(id).await?,
            None => None,
        };
        let owner = owner.ok_or_else(|| {
            Error::unauthorized("invalid_token", "this bot's owner no longer exists")
        })?;
        Ok(Some(Actor {
            user: owner,
            session_id: Uuid::nil(),
            signed_in_at: Utc::now(),
        }))
    }
}

/// The bot `id` if `actor` owns it (or, with `admins`, is an administrator).
pub(crate) async fn owned_bot(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: Uuid,
    admins: bool,
) -> Result<BotRow> {
    let bot = c.bot(id).await?.ok_or_else(bot_not_found)?;
    if bot.owner_id == actor.id() || (admins && actor.require_admin().is_ok()) {
        Ok(bot)
    } else {
        Err(bot_not_found())
    }
}

/// Replaces the bot's token with a new one and returns the secret.
async fn new_token(c: &mut Conn<'_>, bot_id: Uuid) -> Result<String> {
    let token = format!("{BOT_TOKEN_PREFIX}{}", secrets::random_token());
    c.replace_bot_token(
        store::new_id(),
        bot_id,
        &secrets::sha256_hex(&token),
        store::now(),
    )
    .await?;
    Ok(token)
}

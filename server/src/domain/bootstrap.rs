//! Start-up tasks of an instance: `ADMIN_USERNAME` (CFG-6) and the one-time setup
//! code that lets a fresh instance create its owner in any registration mode (CFG-5).

use uuid::Uuid;

use super::{Core, InstanceRole, RequestMeta};
use crate::auth::secrets;
use crate::config::RegistrationMode;
use crate::domain::error::Result;
use crate::store::{self, Conn, NewAuditEntry, SettingKey};

/// What start-up found and did; shown to whoever starts the server.
#[derive(Debug, Clone, Default)]
pub struct Bootstrap {
    /// Set while no owner exists and registration needs a code: the code that
    /// creates the owner account. It changes at every start until used.
    pub setup_code: Option<String>,
    /// True when the instance has no owner yet.
    pub needs_owner: bool,
}

impl Core {
    pub async fn bootstrap(&self) -> Result<Bootstrap> {
        self.apply_admin_username().await?;
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let owner: Option<Uuid> = c.setting(SettingKey::OwnerUserId).await?;
        let needs_owner = owner.is_none();
        let setup_code = if needs_owner && self.config.registration_mode != RegistrationMode::Open {
            let code = secrets::random_code(12);
            c.put_setting(SettingKey::SetupCodeHash, &secrets::sha256_hex(&code), now)
                .await?;
            Some(code)
        } else {
            None
        };
        tx.commit().await?;
        Ok(Bootstrap {
            setup_code,
            needs_owner,
        })
    }

    /// Whether `code` (normalised) is the setup code of an instance without owner.
    pub(super) async fn is_setup_code(&self, c: &mut Conn<'_>, code: &str) -> Result<bool> {
        if c.setting::<Uuid>(SettingKey::OwnerUserId).await?.is_some() {
            return Ok(false);
        }
        let stored: Option<String> = c.setting(SettingKey::SetupCodeHash).await?;
        let presented = secrets::sha256_hex(code);
        Ok(stored.is_some_and(|s| secrets::constant_time_eq(s.as_bytes(), presented.as_bytes())))
    }

    /// Whether an owner account exists yet (for `/api/auth/config`).
    pub async fn has_owner(&self) -> Result<bool> {
        let owner: Option<Uuid> = self
            .db
            .acquire()
            .await?
            .conn()
            .setting(SettingKey::OwnerUserId)
            .await?;
        Ok(owner.is_some())
    }

    /// Grants instance admin to `ADMIN_USERNAME` if that account exists and is a
    /// plain user (the owner keeps its role).
    async fn apply_admin_username(&self) -> Result<()> {
        let Some(name) = self.config.admin_username.as_deref() else {
            return Ok(());
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let Some(user) = c.user_by_login(name).await? else {
            tracing::info!(
                username = name,
                "ADMIN_USERNAME has no account yet; it becomes admin when it registers"
            );
            return Ok(());
        };
        if InstanceRole::parse(&user.instance_role) == InstanceRole::User {
            c.set_instance_role(user.id, InstanceRole::Admin.as_str(), store::now())
                .await?;
            let entry = NewAuditEntry::anonymous("admin.granted")
                .target(Some(user.id))
                .details(serde_json::json!({ "reason": "ADMIN_USERNAME" }));
            self.audit(&mut c, &RequestMeta::default(), entry).await?;
            tracing::info!(username = name, "granted instance admin (ADMIN_USERNAME)");
        }
        tx.commit().await?;
        Ok(())
    }
}

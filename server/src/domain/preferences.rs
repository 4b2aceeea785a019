//! Display preferences (PROF-3): kept on the server, so a person's devices agree;
//! a change made on one reaches the others at once (`preferences_updated`). Only the
//! fields a device changes are written, so two devices changing different things
//! never undo each other.

use super::error::Result;
use super::{Actor, Core, validate};
use crate::api::{
    Palette, PreferencesUpdate, PreferencesView, ServerEvent, ThemeChoice, TimeFormat,
};
use crate::store::{self, Preferences};

fn theme_str(t: ThemeChoice) -> &'static str {
    match t {
        ThemeChoice::System => "system",
        ThemeChoice::Light => "light",
        ThemeChoice::Dark => "dark",
    }
}

fn time_format_str(t: TimeFormat) -> &'static str {
    match t {
        TimeFormat::Auto => "auto",
        TimeFormat::H12 => "12h",
        TimeFormat::H24 => "24h",
    }
}

fn defaults(user_id: uuid::Uuid) -> Preferences {
    Preferences {
        user_id,
        theme: "system".to_owned(),
        palette: "default".to_owned(),
        accent: None,
        compact: false,
        time_format: "auto".to_owned(),
        reduce_motion: false,
        link_previews: true,
        updated_at: store::now(),
    }
}

fn view(p: Preferences, stored: bool) -> PreferencesView {
    PreferencesView {
        theme: match p.theme.as_str() {
            "light" => ThemeChoice::Light,
            "dark" => ThemeChoice::Dark,
            _ => ThemeChoice::System,
        },
        palette: Palette::parse(&p.palette),
        accent: p.accent,
        compact: p.compact,
        time_format: match p.time_format.as_str() {
            "12h" => TimeFormat::H12,
            "24h" => TimeFormat::H24,
            _ => TimeFormat::Auto,
        },
        reduce_motion: p.reduce_motion,
        link_previews: p.link_previews,
        updated_at: stored.then_some(p.updated_at),
    }
}

impl Core {
    pub async fn my_preferences(&self, actor: &Actor) -> Result<PreferencesView> {
        let stored = self
            .db
            .acquire()
            .await?
            .conn()
            .preferences(actor.id())
            .await?;
        Ok(match stored {
            Some(p) => view(p, true),
            None => view(defaults(actor.id()), false),
        })
    }

    /// Changes the fields sent and tells the person's other devices.
    pub async fn update_preferences(
        &self,
        actor: &Actor,
        update: PreferencesUpdate,
    ) -> Result<PreferencesView> {
        let accent = match update.accent {
            Some(Some(raw)) => Some(Some(validate::color("accent", &raw)?)),
            other => other,
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.lock_preferences(&defaults(actor.id())).await?;
        let mut p = c
            .preferences(actor.id())
            .await?
            .unwrap_or_else(|| defaults(actor.id()));
        if let Some(theme) = update.theme {
            p.theme = theme_str(theme).to_owned();
        }
        if let Some(palette) = update.palette {
            p.palette = palette.as_str().to_owned();
        }
        if let Some(accent) = accent {
            p.accent = accent;
        }
        if let Some(compact) = update.compact {
            p.compact = compact;
        }
        if let Some(time_format) = update.time_format {
            p.time_format = time_format_str(time_format).to_owned();
        }
        if let Some(reduce) = update.reduce_motion {
            p.reduce_motion = reduce;
        }
        if let Some(show) = update.link_previews {
            p.link_previews = show;
        }
        p.updated_at = store::now();
        c.upsert_preferences(&p).await?;
        tx.commit().await?;
        let view = view(p, true);
        let event = ServerEvent::PreferencesUpdated {
            preferences: view.clone(),
        };
        self.events.to_user(actor.id(), &event);
        Ok(view)
    }
}

//! Display preferences synced across a person's devices (PROF-3).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

/// The web client's colour palettes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Palette {
    Default,
    Ocean,
    Forest,
    Rose,
    HighContrast,
}

impl Palette {
    pub fn as_str(self) -> &'static str {
        match self {
            Palette::Default => "default",
            Palette::Ocean => "ocean",
            Palette::Forest => "forest",
            Palette::Rose => "rose",
            Palette::HighContrast => "high_contrast",
        }
    }

    /// A stored name; anything unknown is the default palette.
    pub fn parse(raw: &str) -> Palette {
        match raw {
            "ocean" => Palette::Ocean,
            "forest" => Palette::Forest,
            "rose" => Palette::Rose,
            "high_contrast" => Palette::HighContrast,
            _ => Palette::Default,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum TimeFormat {
    /// As the device's language writes times.
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "12h")]
    H12,
    #[serde(rename = "24h")]
    H24,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PreferencesView {
    pub theme: ThemeChoice,
    pub palette: Palette,
    /// `#rrggbb`, or none for the palette's own accent.
    #[schema(pattern = r"^#[0-9a-f]{6}$")]
    pub accent: Option<String>,
    /// Denser message list.
    pub compact: bool,
    pub time_format: TimeFormat,
    /// Reduce motion whatever the system says.
    pub reduce_motion: bool,
    /// Show previews of links under messages.
    pub link_previews: bool,
    /// When they last changed (none: never, the defaults).
    pub updated_at: Option<DateTime<Utc>>,
}

/// Changes: only the fields sent change (`accent: null` goes back to the palette's).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesUpdate {
    #[serde(default)]
    pub theme: Option<ThemeChoice>,
    #[serde(default)]
    pub palette: Option<Palette>,
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, pattern = r"^#[0-9A-Fa-f]{6}$")]
    pub accent: Option<Option<String>>,
    #[serde(default)]
    pub compact: Option<bool>,
    #[serde(default)]
    pub time_format: Option<TimeFormat>,
    #[serde(default)]
    pub reduce_motion: Option<bool>,
    #[serde(default)]
    pub link_previews: Option<bool>,
}

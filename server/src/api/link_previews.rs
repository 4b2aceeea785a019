//! Link previews of messages.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a linked page says about itself, fetched by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LinkPreviewView {
    /// The link as it appears in the message (without its fragment).
    pub url: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub site_name: Option<String>,
    /// The card's image through the server (`/api/link-previews/{id}/image`; add
    /// `?token=` with a media token for `<img>`); never the original address.
    pub image_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewImageParams {
    /// A media token (`GET /api/account/media-token`), for `<img>` elements.
    pub token: Option<String>,
}

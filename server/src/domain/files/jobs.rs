//! Thumbnails are made in the background, a bounded number at a time on the
//! blocking pool, so large images never hold up requests.

use std::sync::Arc;

use tokio::sync::{Semaphore, watch};
use uuid::Uuid;

use super::{images, thumbnail_key};
use crate::domain::Core;

#[derive(Clone)]
pub struct ThumbnailJobs {
    permits: Arc<Semaphore>,
    in_flight: Arc<watch::Sender<usize>>,
}

impl Default for ThumbnailJobs {
    fn default() -> Self {
        // Half the cores at most: decoding a large image is all CPU.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ThumbnailJobs {
            permits: Arc::new(Semaphore::new((cores / 2).max(1))),
            in_flight: Arc::new(watch::Sender::new(0)),
        }
    }
}

impl ThumbnailJobs {
    pub(super) fn spawn(&self, core: Core, file_id: Uuid, format: image::ImageFormat) {
        self.in_flight.send_modify(|n| *n += 1);
        let jobs = self.clone();
        tokio::spawn(async move {
            let permit = jobs.permits.acquire().await;
            if let Err(e) = make_thumbnail(&core, file_id, format).await {
                tracing::warn!(error = %e, file = %file_id, "no thumbnail");
            }
            drop(permit);
            jobs.in_flight.send_modify(|n| *n -= 1);
        });
    }

    /// Waits until no thumbnail is being made (tests and graceful shutdown).
    pub async fn settled(&self) {
        let mut watch = self.in_flight.subscribe();
        let _ = watch.wait_for(|n| *n == 0).await;
    }
}

async fn make_thumbnail(
    core: &Core,
    file_id: Uuid,
    format: image::ImageFormat,
) -> anyhow::Result<()> {
    let path = core.storage.local_path(&super::file_key(file_id));
    let (bytes, content_type) =
        tokio::task::spawn_blocking(move || images::thumbnail(&path, format)).await??;
    core.storage
        .put(&thumbnail_key(file_id), bytes.into())
        .await?;
    let mut tx = core.db.begin().await?;
    let mut c = tx.conn();
    c.set_thumbnail(file_id, content_type).await?;
    // Read after the update: a message attaching the file at the same moment either
    // committed first (and is seen here) or reads the thumbnail when it commits.
    let Some(row) = c.file(file_id).await? else {
        // Deleted meanwhile: the thumbnail goes too.
        drop(tx);
        core.storage.remove(&thumbnail_key(file_id)).await?;
        return Ok(());
    };
    let message = core.file_message(&mut c, &row).await?;
    tx.commit().await?;
    // Clients showing the message swap the image for its thumbnail.
    core.republish(message);
    Ok(())
}

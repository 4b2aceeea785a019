//! Bookmarks with notes (MSG-4): private to their owner, shown only while the
//! message stays readable.

use uuid::Uuid;

use super::message_not_found;
use crate::api::{BookmarkView, ServerEvent};
use crate::domain::{Actor, Core, validate};
use crate::error::Result;
use crate::store::{self, Bookmark};

pub const NOTE_MAX: usize = 500;

impl Core {
    /// Bookmarks a readable message (or changes the note of an existing bookmark).
    pub async fn bookmark(
        &self,
        actor: &Actor,
        message_id: Uuid,
        note: Option<&str>,
    ) -> Result<()> {
        let note = validate::optional_text("note", note, NOTE_MAX)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (_, row) = self.readable_message(&mut c, actor, message_id).await?;
        if row.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        let bookmark = Bookmark {
            user_id: actor.id(),
            message_id,
            note,
            created_at: store::now(),
        };
        c.upsert_bookmark(&bookmark).await?;
        tx.commit().await?;
        self.bookmarks_updated(actor, message_id, Some(bookmark.note));
        Ok(())
    }

    /// Tells the owner's other devices (bookmarks are private: nobody else).
    fn bookmarks_updated(&self, actor: &Actor, message_id: Uuid, note: Option<Option<String>>) {
        self.events.to_user(
            actor.id(),
            &ServerEvent::BookmarksUpdated {
                message_id,
                bookmarked: note.is_some(),
                note: note.flatten(),
            },
        );
    }

    pub async fn remove_bookmark(&self, actor: &Actor, message_id: Uuid) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !tx.conn().delete_bookmark(actor.id(), message_id).await? {
            return Err(crate::error::Error::not_found(
                "bookmark_not_found",
                "this message is not bookmarked",
            ));
        }
        tx.commit().await?;
        self.bookmarks_updated(actor, message_id, None);
        Ok(())
    }

    /// The caller's bookmarks, newest first, skipping messages they can no longer read.
    pub async fn bookmarks(&self, actor: &Actor) -> Result<Vec<BookmarkView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let mut out = Vec::new();
        for bookmark in c.bookmarks_of_user(actor.id()).await? {
            if self
                .readable_message(&mut c, actor, bookmark.message_id)
                .await
                .is_ok()
            {
                let message = self.load_view(&mut c, bookmark.message_id).await?;
                out.push(BookmarkView {
                    message,
                    note: bookmark.note,
                    created_at: bookmark.created_at,
                });
            }
        }
        Ok(out)
    }
}

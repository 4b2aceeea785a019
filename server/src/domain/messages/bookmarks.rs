//! Bookmarks with notes (MSG-4): private to their owner, shown only while the
//! message stays readable.

use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use super::message_not_found;
use crate::api::{BookmarkPage, BookmarkView, ServerEvent};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, validate};
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
            return Err(crate::domain::error::Error::not_found(
                "bookmark_not_found",
                "this message is not bookmarked",
            ));
        }
        tx.commit().await?;
        self.bookmarks_updated(actor, message_id, None);
        Ok(())
    }

    /// A page of the caller's bookmarks, newest first, skipping messages they can no
    /// longer read. Each page costs a bounded amount of work however many there are.
    pub async fn bookmarks(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<BookmarkPage> {
        let limit = limit.unwrap_or(50).clamp(1, 100);
        let before = cursor.map(decode_cursor).transpose()?;
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let rows = c
            .bookmarks_of_user(actor.id(), before, i64::from(limit))
            .await?;
        let next_cursor = match rows.last() {
            Some(last) if rows.len() == limit as usize => {
                Some(encode_cursor(last.created_at, last.message_id))
            }
            _ => None,
        };
        let mut bookmarks = Vec::with_capacity(rows.len());
        for bookmark in rows {
            if let Ok((access, _)) = self
                .readable_message(&mut c, actor, bookmark.message_id)
                .await
            {
                let message = self.load_view(&mut c, bookmark.message_id).await?;
                let mut seen = super::for_viewer(vec![message], access.is_moderator());
                let message = seen.pop().expect("one view in, one out");
                bookmarks.push(BookmarkView {
                    message,
                    note: bookmark.note,
                    created_at: bookmark.created_at,
                });
            }
        }
        Ok(BookmarkPage {
            bookmarks,
            next_cursor,
        })
    }
}

/// A page cursor: the last listed bookmark's creation time (microseconds) and message.
fn encode_cursor(created_at: DateTime<Utc>, message_id: Uuid) -> String {
    format!("{}_{message_id}", created_at.timestamp_micros())
}

fn decode_cursor(cursor: &str) -> Result<(DateTime<Utc>, Uuid)> {
    let parsed = cursor.split_once('_').and_then(|(micros, id)| {
        // Bookmarks are made now: a time before 1970 or past 9999 is no cursor of
        // ours (and PostgreSQL cannot even compare one before 4713 BC).
        let micros: i64 = micros.parse().ok().filter(|m| *m >= 0)?;
        let time = DateTime::from_timestamp_micros(micros).filter(|t| t.year() <= 9999)?;
        Some((time, id.parse().ok()?))
    });
    parsed.ok_or_else(|| {
        Error::invalid(
            "cursor",
            "not a cursor from this list; start again without one",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let (time, id) = (crate::store::now(), Uuid::now_v7());
        assert_eq!(decode_cursor(&encode_cursor(time, id)).unwrap(), (time, id));
        for bad in [
            "",
            "_",
            "12",
            "x_y",
            "-300000000000000000_01a239e0-1b89-713a-91ad-0fc2153cc2d8",
            "999999999999999999_01a239e0-1b89-713a-91ad-0fc2153cc2d8",
            "12_not-a-uuid",
            &format!("9999999999999999999_{id}"),
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad:?} accepted");
        }
    }
}

//! Where the bytes of uploaded files live. One small interface — stream an upload
//! into a temporary object, persist it under a key, open, read a part, write and
//! remove by key, list keys — so an object store can take the local folder's place.
//! Rows about files are the store's; this module knows only bytes and keys.

mod local;
mod mapped;

pub use local::LocalFolder;

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;

/// The configured storage backend.
#[derive(Clone)]
pub enum Storage {
    Local(LocalFolder),
}

impl Storage {
    /// The local folder at `root`, created (with its temporary area) if missing.
    pub fn local(root: &Path) -> io::Result<Storage> {
        Ok(Storage::Local(LocalFolder::at(root)?))
    }

    /// A new temporary object to stream an upload into; it disappears unless
    /// persisted.
    pub async fn begin(&self) -> io::Result<PendingObject> {
        match self {
            Storage::Local(folder) => folder.begin().await,
        }
    }

    /// Moves a finished temporary object under `key` (atomically: a reader sees
    /// the whole object or none).
    pub async fn persist(&self, pending: PendingObject, key: &str) -> io::Result<()> {
        match self {
            Storage::Local(folder) => folder.persist(pending, key).await,
        }
    }

    /// Writes a small object (a thumbnail) under `key`, atomically.
    pub async fn put(&self, key: &str, bytes: Bytes) -> io::Result<()> {
        let mut pending = self.begin().await?;
        pending.write(&bytes).await?;
        pending.finish().await?;
        self.persist(pending, key).await
    }

    /// Opens the object under `key` for reading, with its length.
    pub async fn open(&self, key: &str) -> io::Result<(std::fs::File, u64)> {
        match self {
            Storage::Local(folder) => folder.open(key).await,
        }
    }

    /// The object under `key`, ready to hand out parts (range requests) without
    /// copying them.
    pub async fn parts(&self, key: &str) -> io::Result<Parts> {
        match self {
            Storage::Local(folder) => Ok(Parts(folder.mapping(key).await?)),
        }
    }

    /// A local path to read the object from (for decoders that need a file).
    pub fn local_path(&self, key: &str) -> PathBuf {
        match self {
            Storage::Local(folder) => folder.path_of(key),
        }
    }

    /// Removes the object under `key`; a missing object is not an error.
    pub async fn remove(&self, key: &str) -> io::Result<()> {
        match self {
            Storage::Local(folder) => folder.remove(key).await,
        }
    }

    /// Every stored key with its age in seconds (for reconciling with the rows).
    pub async fn keys(&self) -> io::Result<Vec<(String, u64)>> {
        match self {
            Storage::Local(folder) => folder.keys().await,
        }
    }
}

/// A stored object whose parts are read as shared bytes.
pub struct Parts(std::sync::Arc<mapped::Mapping>);

impl Parts {
    /// The object's length in bytes.
    pub fn size(&self) -> u64 {
        self.0.len()
    }

    /// `len` bytes from `start` (an error past the end).
    pub async fn read(&self, start: u64, len: u64) -> io::Result<Bytes> {
        mapped::part(self.0.clone(), start, len).await
    }
}

/// An upload being written: removed from storage when dropped unless persisted.
pub struct PendingObject {
    file: tokio::fs::File,
    path: tempfile::TempPath,
}

impl PendingObject {
    pub async fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        use tokio::io::AsyncWriteExt;
        self.file.write_all(bytes).await
    }

    /// Flushes everything written to stable storage.
    pub async fn finish(&mut self) -> io::Result<()> {
        use tokio::io::AsyncWriteExt;
        self.file.flush().await?;
        self.file.sync_all().await
    }

    /// Where the temporary object is, for reading it back before persisting.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the content (after metadata was removed from an image).
    pub async fn replace(&mut self, bytes: &[u8]) -> io::Result<()> {
        use tokio::io::AsyncSeekExt;
        self.file.set_len(0).await?;
        self.file.seek(io::SeekFrom::Start(0)).await?;
        self.write(bytes).await?;
        self.finish().await
    }
}

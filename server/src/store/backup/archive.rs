//! The PostgreSQL backup file. A JSON header line; then per table a JSON line naming
//! it and its columns, followed by its `COPY … TO STDOUT` text in chunks (a decimal
//! length line, then that many bytes; a zero length ends the table); last a trailer
//! line with the SHA-256 of everything before it. A restore reads it in one pass
//! inside one transaction, so a truncated or altered file is refused before commit.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::fs::File;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};

use super::BackupError;

pub const FORMAT: &str = "chatalot-backup";
pub const VERSION: u32 = 1;
/// How every archive starts (the header's first field), to tell it from a SQLite file.
pub const MAGIC: &[u8] = b"{\"format\":\"chatalot-backup\"";

/// Longest JSON line accepted, and largest data chunk: bounds for a damaged file.
const MAX_LINE: u64 = 1 << 20;
const MAX_CHUNK: u64 = 64 << 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub backend: String,
    pub server_version: String,
    pub created_at: String,
    pub migrations: Vec<MigrationStamp>,
}

/// One applied migration: its version and checksum (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationStamp {
    pub version: i64,
    pub checksum: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Section {
    Table { name: String, columns: Vec<String> },
    End { tables: usize, sha256: String },
}

pub struct ArchiveWriter {
    out: BufWriter<File>,
    hash: Sha256,
}

impl ArchiveWriter {
    pub async fn create(path: &Path, header: &Header) -> Result<ArchiveWriter, BackupError> {
        let file = File::create(path)
            .await
            .map_err(|e| BackupError::io(path, e))?;
        let mut writer = ArchiveWriter {
            out: BufWriter::new(file),
            hash: Sha256::new(),
        };
        writer.line(header).await?;
        Ok(writer)
    }

    pub async fn table(&mut self, name: &str, columns: &[String]) -> Result<(), BackupError> {
        self.line(&Section::Table {
            name: name.to_owned(),
            columns: columns.to_vec(),
        })
        .await
    }

    /// Writes one chunk of the current table's data (empty chunks are skipped: a
    /// zero length ends the table).
    pub async fn chunk(&mut self, data: &[u8]) -> Result<(), BackupError> {
        if data.is_empty() {
            return Ok(());
        }
        self.raw(format!("{}\n", data.len()).as_bytes()).await?;
        self.raw(data).await
    }

    pub async fn end_table(&mut self) -> Result<(), BackupError> {
        self.raw(b"0\n").await
    }

    /// Writes the trailer and flushes the file to disk.
    pub async fn finish(mut self, tables: usize) -> Result<(), BackupError> {
        let sha256 = hex::encode(self.hash.clone().finalize());
        let trailer = serde_json::to_vec(&Section::End { tables, sha256 })
            .map_err(|e| BackupError::Corrupt(e.to_string()))?;
        self.out
            .write_all(&trailer)
            .await
            .map_err(BackupError::write)?;
        self.out
            .write_all(b"\n")
            .await
            .map_err(BackupError::write)?;
        self.out.flush().await.map_err(BackupError::write)?;
        self.out
            .get_ref()
            .sync_all()
            .await
            .map_err(BackupError::write)
    }

    async fn line<T: Serialize>(&mut self, value: &T) -> Result<(), BackupError> {
        let mut bytes =
            serde_json::to_vec(value).map_err(|e| BackupError::Corrupt(e.to_string()))?;
        bytes.push(b'\n');
        self.raw(&bytes).await
    }

    async fn raw(&mut self, bytes: &[u8]) -> Result<(), BackupError> {
        self.hash.update(bytes);
        self.out.write_all(bytes).await.map_err(BackupError::write)
    }
}

pub struct ArchiveReader {
    input: BufReader<File>,
    hash: Sha256,
    tables: usize,
}

impl ArchiveReader {
    pub async fn open(path: &Path) -> Result<(ArchiveReader, Header), BackupError> {
        let file = File::open(path)
            .await
            .map_err(|e| BackupError::io(path, e))?;
        let mut reader = ArchiveReader {
            input: BufReader::new(file),
            hash: Sha256::new(),
            tables: 0,
        };
        let line = reader.line().await?;
        let header: Header = serde_json::from_slice(&line).map_err(|_| BackupError::NotABackup)?;
        if header.format != FORMAT {
            return Err(BackupError::NotABackup);
        }
        if header.version != VERSION {
            return Err(BackupError::Corrupt(format!(
                "backup format version {} is not supported (this server reads version {VERSION})",
                header.version
            )));
        }
        Ok((reader, header))
    }

    /// The next table (name, columns), or `None` after the trailer, which is checked.
    pub async fn next_table(&mut self) -> Result<Option<(String, Vec<String>)>, BackupError> {
        let expected = hex::encode(self.hash.clone().finalize());
        let line = self.line().await?;
        let section: Section = serde_json::from_slice(&line)
            .map_err(|e| BackupError::Corrupt(format!("unreadable section: {e}")))?;
        match section {
            Section::Table { name, columns } => {
                self.tables += 1;
                Ok(Some((name, columns)))
            }
            Section::End { tables, sha256 } => {
                if sha256 != expected || tables != self.tables {
                    return Err(BackupError::Corrupt(
                        "the checksum does not match: the file was altered or damaged".into(),
                    ));
                }
                Ok(None)
            }
        }
    }

    /// The next chunk of the current table's data, or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, BackupError> {
        let line = self.line().await?;
        let len: u64 = std::str::from_utf8(&line)
            .ok()
            .and_then(|s| s.trim_end().parse().ok())
            .filter(|&n| n <= MAX_CHUNK)
            .ok_or_else(|| BackupError::Corrupt("bad chunk length".into()))?;
        if len == 0 {
            return Ok(None);
        }
        let mut data = vec![0; len as usize];
        self.input
            .read_exact(&mut data)
            .await
            .map_err(|_| BackupError::Corrupt("the file ends early (truncated?)".into()))?;
        self.hash.update(&data);
        Ok(Some(data))
    }

    async fn line(&mut self) -> Result<Vec<u8>, BackupError> {
        let mut line = Vec::new();
        (&mut self.input)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .await
            .map_err(BackupError::read)?;
        if line.last() != Some(&b'\n') {
            return Err(BackupError::Corrupt(
                "the file ends early (truncated?)".into(),
            ));
        }
        self.hash.update(&line);
        line.pop();
        Ok(line)
    }
}

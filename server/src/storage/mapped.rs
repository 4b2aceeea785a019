//! Stored files mapped into memory once and shared by every request that reads a
//! part of them (media players fetch one file in many ranges). Mapping and
//! unmapping per request cost more than sending the bytes (page-table setup and
//! cross-core TLB flushes); a shared mapping costs neither.
//!
//! Stored objects are written once through a temporary file and renamed into
//! place; nothing writes or truncates them afterwards, and removing one only
//! unlinks it (a mapping stays valid), so mapped bytes cannot change or vanish
//! under a reader.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use memmap2::Mmap;
use quick_cache::sync::Cache;

/// Files kept mapped (the most recently used). A mapping holds address space, not
/// memory: its pages stay the kernel's page cache.
const MAPPED_FILES: usize = 64;

/// One stored file, mapped whole (`None` when it is empty: nothing to map).
pub struct Mapping {
    map: Option<Mmap>,
}

impl Mapping {
    pub fn len(&self) -> u64 {
        self.map.as_ref().map_or(0, |m| m.len() as u64)
    }

    fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or_default()
    }
}

/// The mappings of recently read files, by key.
pub struct Mappings {
    cache: Cache<String, Arc<Mapping>>,
}

impl Mappings {
    pub fn new() -> Mappings {
        Mappings {
            cache: Cache::new(MAPPED_FILES),
        }
    }

    /// The mapping of the file at `path` stored under `key`: shared when it is
    /// already mapped, otherwise mapped in the blocking pool.
    pub async fn get(&self, key: &str, path: PathBuf) -> io::Result<Arc<Mapping>> {
        if let Some(mapping) = self.cache.get(key) {
            return Ok(mapping);
        }
        let mapping = tokio::task::spawn_blocking(move || map(path))
            .await
            .map_err(io::Error::other)??;
        let mapping = Arc::new(mapping);
        self.cache.insert(key.to_owned(), mapping.clone());
        Ok(mapping)
    }

    /// Drops the mapping of a removed file (requests still sending from it keep
    /// it until they finish).
    pub fn forget(&self, key: &str) {
        self.cache.remove(key);
    }
}

fn map(path: PathBuf) -> io::Result<Mapping> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(Mapping { map: None });
    }
    // SAFETY: stored files are never written or truncated once in place (see the
    // module's comment), so the mapped bytes stay valid and unchanged.
    let map = unsafe { Mmap::map(&file)? };
    Ok(Mapping { map: Some(map) })
}

/// `len` bytes from `start` of `mapping`, shared without copying. Pages not in
/// memory are read in the blocking pool first, so sending the part never waits
/// on the disk in an async worker.
pub async fn part(mapping: Arc<Mapping>, start: u64, len: u64) -> io::Result<Bytes> {
    let end = start
        .checked_add(len)
        .filter(|end| *end <= mapping.len())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "part beyond the file"))?;
    let (start, end) = (start as usize, end as usize);
    if start == end {
        return Ok(Bytes::new());
    }
    if !resident(&mapping.bytes()[start..end]) {
        let mapping = mapping.clone();
        tokio::task::spawn_blocking(move || touch(&mapping.bytes()[start..end]))
            .await
            .map_err(io::Error::other)?;
    }
    Ok(Bytes::from_owner(Part {
        mapping,
        start,
        end,
    }))
}

/// A part of a mapping, owned by the response body that sends it.
struct Part {
    mapping: Arc<Mapping>,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Part {
    fn as_ref(&self) -> &[u8] {
        &self.mapping.bytes()[self.start..self.end]
    }
}

const PAGE: usize = 4096;

/// Reads one byte of every page so the kernel brings the range into memory.
fn touch(bytes: &[u8]) {
    for i in (0..bytes.len()).step_by(PAGE) {
        // SAFETY: `i` is within `bytes`; a volatile read is not optimised away.
        unsafe { std::ptr::read_volatile(bytes.as_ptr().add(i)) };
    }
}

/// Whether every page of `bytes` (inside a mapping) is in memory, so reading it
/// cannot block.
#[cfg(unix)]
fn resident(bytes: &[u8]) -> bool {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let page = usize::try_from(page).unwrap_or(PAGE).max(1);
    let first = bytes.as_ptr() as usize / page * page;
    let last = bytes.as_ptr() as usize + bytes.len();
    let pages = (last - first).div_ceil(page);
    let mut flags = vec![0u8; pages];
    // SAFETY: the range from `first` (the page holding the first byte) to `last`
    // lies within one live mapping, and `flags` has one byte per page of it.
    let status = unsafe {
        libc::mincore(
            first as *mut libc::c_void,
            last - first,
            flags.as_mut_ptr().cast(),
        )
    };
    status == 0 && flags.iter().all(|f| f & 1 == 1)
}

/// Without a way to ask, every part is read in the blocking pool first.
#[cfg(not(unix))]
fn resident(_bytes: &[u8]) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn parts_are_the_exact_bytes_and_shared() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("object");
        let content: Vec<u8> = (0..3 * PAGE + 17).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let mappings = Mappings::new();
        let mapping = mappings.get("object", path.clone()).await.unwrap();
        assert_eq!(mapping.len(), content.len() as u64);

        let part_bytes = part(mapping.clone(), 100, 5000).await.unwrap();
        assert_eq!(&part_bytes[..], &content[100..5100]);
        let tail = part(mapping.clone(), content.len() as u64 - 1, 1)
            .await
            .unwrap();
        assert_eq!(&tail[..], &content[content.len() - 1..]);
        assert!(
            part(mapping.clone(), 10, content.len() as u64)
                .await
                .is_err()
        );

        // The second reader shares the first mapping.
        let again = mappings.get("object", path.clone()).await.unwrap();
        assert!(Arc::ptr_eq(&mapping, &again));
        // A forgotten file is mapped anew; a part already handed out stays valid
        // after its file is removed.
        mappings.forget("object");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(&part_bytes[..10], &content[100..110]);
        assert!(mappings.get("object", path).await.is_err());
    }

    #[tokio::test]
    async fn an_empty_file_has_no_parts_but_the_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        std::fs::write(&path, b"").unwrap();
        let mapping = Mappings::new().get("empty", path).await.unwrap();
        assert_eq!(mapping.len(), 0);
        assert!(part(mapping.clone(), 0, 0).await.unwrap().is_empty());
        assert!(part(mapping, 0, 1).await.is_err());
    }
}

//! Giving memory back to the system: heap that departed connections freed, and the
//! mappings of code that only start-up ran.

/// Hands the allocator's free memory back to the system. glibc keeps freed memory
/// for reuse; without this a burst of connections would keep the process at its
/// peak size forever.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn trim_heap() {
    // SAFETY: malloc_trim only releases free memory of the allocator; it has no
    // preconditions and is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn trim_heap() {}

/// Unmaps the pages of the executable's code and read-only data that are mapped
/// now, so that only what runs from here on is mapped again.
///
/// Start-up (migrations, configuration, bootstrap, TLS and library set-up) touches
/// code spread over the whole binary, and the kernel maps file pages in large
/// blocks: an idle server kept about 17 of its 25 MiB of code mapped, more than
/// all its heap. These pages are clean copies of the file, so dropping them loses
/// nothing: the page cache still holds them, a page used again is mapped back on
/// its first touch (a minor fault), and the kernel can reclaim the others.
/// Mappings holding private pages (relocated data, anything ever written) are left
/// alone, as `MADV_DONTNEED` would throw those changes away.
#[cfg(target_os = "linux")]
pub(crate) fn release_startup_code() {
    let (Ok(exe), Ok(smaps)) = (
        std::fs::read_link("/proc/self/exe"),
        std::fs::read_to_string("/proc/self/smaps"),
    ) else {
        return;
    };
    let Some(exe) = exe.to_str() else { return };
    for (start, end) in clean_mappings_of(&smaps, exe) {
        // SAFETY: the range is a whole mapping of the executable file that is
        // read-only and holds no private pages (checked by `clean_mappings_of`), so
        // its pages equal the file's and are read back from it when touched again.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn release_startup_code() {}

/// The address ranges of `/proc/self/smaps` mappings of the file `path` that are
/// read-only (`r-xp`, `r--p`) and hold no anonymous pages (private copies, such as
/// relocated data).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn clean_mappings_of(smaps: &str, path: &str) -> Vec<(usize, usize)> {
    struct Mapping {
        range: (usize, usize),
        eligible: bool,
        clean: bool,
    }
    let mut found = Vec::new();
    let mut current: Option<Mapping> = None;
    let mut finish = |mapping: Option<Mapping>| {
        if let Some(m) = mapping
            && m.eligible
            && m.clean
        {
            found.push(m.range);
        }
    };
    for line in smaps.lines() {
        if let Some(range) = mapping_header(line) {
            finish(current.take());
            let mut fields = line.split_whitespace();
            let perms = fields.nth(1).unwrap_or("");
            let file = fields.nth(3).unwrap_or("");
            current = Some(Mapping {
                range,
                eligible: matches!(perms, "r-xp" | "r--p") && file == path,
                clean: true,
            });
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        // Dirty here may also mean the file itself was just written (its page
        // cache not yet on disk); only anonymous pages are the mapping's own.
        if key == "Anonymous"
            && value.trim() != "0 kB"
            && let Some(m) = current.as_mut()
        {
            m.clean = false;
        }
    }
    finish(current.take());
    found
}

/// The range of a mapping's first line in smaps (`start-end perms offset dev inode
/// path`); `None` for the lines of fields under it.
fn mapping_header(line: &str) -> Option<(usize, usize)> {
    let (range, _) = line.split_once(' ')?;
    let (start, end) = range.split_once('-')?;
    let start = usize::from_str_radix(start, 16).ok()?;
    let end = usize::from_str_radix(end, 16).ok()?;
    (start < end).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMAPS: &str = "\
5614de783000-5614def79000 r--p 00000000 fe:00 10122275   /srv/chatalot-server
Rss:                3380 kB
Private_Dirty:         0 kB
Anonymous:             0 kB
VmFlags: rd mr mw me dw sd
5614def79000-5614e07a6000 r-xp 007f5000 fe:00 10122275   /srv/chatalot-server
Rss:               17196 kB
Shared_Dirty:          0 kB
Private_Dirty:       120 kB
Anonymous:             0 kB
5614e07a6000-5614e097c000 r--p 02021000 fe:00 10122275   /srv/chatalot-server
Rss:                1864 kB
Private_Dirty:      1864 kB
Anonymous:          1864 kB
5614e097c000-5614e0983000 rw-p 021f6000 fe:00 10122275   /srv/chatalot-server
Rss:                  28 kB
Anonymous:             0 kB
7f0000000000-7f0000100000 r-xp 00000000 fe:00 20000000   /usr/lib/libc.so.6
Anonymous:             0 kB
7f0000200000-7f0000300000 rw-p 00000000 00:00 0
Anonymous:           512 kB
7f0000400000-7f0000500000 r-xp 00000000 fe:00 10122275   /srv/chatalot-server
Private_Dirty:         4 kB
Anonymous:             4 kB
";

    #[test]
    fn only_the_executables_clean_read_only_mappings_are_released() {
        let found = clean_mappings_of(SMAPS, "/srv/chatalot-server");
        assert_eq!(
            found,
            vec![
                (0x5614de783000, 0x5614def79000),
                (0x5614def79000, 0x5614e07a6000)
            ],
            "relocated data, writable data, other files, anonymous memory and \
             written-to code stay mapped"
        );
        assert!(clean_mappings_of(SMAPS, "/srv/other").is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn released_code_is_unmapped_and_maps_back_when_it_runs() {
        fn mapped_code_kib() -> u64 {
            let exe = std::fs::read_link("/proc/self/exe").unwrap();
            let exe = exe.to_str().unwrap().to_owned();
            let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
            let mut total = 0;
            let mut in_code = false;
            for line in smaps.lines() {
                if mapping_header(line).is_some() {
                    in_code = line.contains(" r-xp ") && line.ends_with(&exe);
                } else if in_code && let Some(kib) = line.strip_prefix("Rss:") {
                    total += kib.trim().trim_end_matches(" kB").parse::<u64>().unwrap();
                }
            }
            total
        }
        let before = mapped_code_kib();
        assert!(before > 0, "the test binary's code is mapped");
        release_startup_code();
        let after = mapped_code_kib();
        assert!(
            after < before,
            "code mapped before the release: {before} KiB, after: {after} KiB"
        );
        // Code keeps running after its pages were dropped: a bit of work that
        // touches formatting, hashing and allocation comes out as before.
        let words: std::collections::BTreeSet<String> =
            (0..1000).map(|n| format!("word-{}", n % 37)).collect();
        assert_eq!(words.len(), 37);
    }
}

//! The web client for guests in a browser. In host mode with LAN access others join by
//! opening the share address; the embedded server serves static files from
//! `<host data>/web`, so at start-up the app writes its own embedded copy of
//! `client-ui/build` there (same version as the app, replaced on every start).

use std::io;
use std::path::{Component, Path, PathBuf};

/// Replaces the contents of `dir` with `files` (`/`-separated paths relative to the
/// site root, e.g. `/index.html`). The files are written to a sibling folder first and
/// swapped in, so a crash never leaves a half-written site. Returns how many were
/// written. A path that would leave `dir` (`..`, absolute parts) is an error and
/// nothing changes.
pub fn install(
    dir: &Path,
    files: impl IntoIterator<Item = (String, Vec<u8>)>,
) -> io::Result<usize> {
    let staging = sibling(dir, "new")?;
    remove_if_present(&staging)?;
    std::fs::create_dir_all(&staging)?;
    let written = write_all(&staging, files).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;

    let previous = sibling(dir, "old")?;
    remove_if_present(&previous)?;
    if dir.exists() {
        std::fs::rename(dir, &previous)?;
    }
    std::fs::rename(&staging, dir)?;
    remove_if_present(&previous)?;
    Ok(written)
}

fn write_all(root: &Path, files: impl IntoIterator<Item = (String, Vec<u8>)>) -> io::Result<usize> {
    let mut written = 0;
    for (path, bytes) in files {
        let target = root.join(relative(&path)?);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, bytes)?;
        written += 1;
    }
    Ok(written)
}

/// `path` as a relative path made of plain names only.
fn relative(path: &str) -> io::Result<PathBuf> {
    let relative = PathBuf::from(path.trim_start_matches('/'));
    let plain = relative
        .components()
        .all(|part| matches!(part, Component::Normal(_)));
    if plain && relative.components().next().is_some() {
        Ok(relative)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("asset path {path:?} leaves the site folder"),
        ))
    }
}

fn sibling(dir: &Path, suffix: &str) -> io::Result<PathBuf> {
    let name = dir.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the site folder has no name")
    })?;
    let mut sibling = name.to_owned();
    sibling.push(format!(".{suffix}"));
    Ok(dir.with_file_name(sibling))
}

fn remove_if_present(dir: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> (String, Vec<u8>) {
        (path.to_owned(), text.as_bytes().to_vec())
    }

    #[test]
    fn writes_the_site_and_replaces_what_was_there() {
        let tmp = tempfile::tempdir().unwrap();
        let web = tmp.path().join("host/web");
        std::fs::create_dir_all(web.join("_app/old")).unwrap();
        std::fs::write(web.join("_app/old/stale.js"), "old").unwrap();

        let written = install(
            &web,
            [
                file("/index.html", "<!doctype html>"),
                file("/_app/immutable/entry/start.js", "start()"),
            ],
        )
        .unwrap();

        assert_eq!(written, 2);
        assert_eq!(
            std::fs::read_to_string(web.join("index.html")).unwrap(),
            "<!doctype html>"
        );
        assert_eq!(
            std::fs::read_to_string(web.join("_app/immutable/entry/start.js")).unwrap(),
            "start()"
        );
        assert!(!web.join("_app/old").exists(), "the old site is gone");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path().join("host"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["web"], "no staging folders stay behind");
    }

    #[test]
    fn a_path_leaving_the_folder_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let web = tmp.path().join("web");
        install(&web, [file("/index.html", "v1")]).unwrap();

        for bad in ["/../escape.txt", "/a/../../escape.txt", "/", ""] {
            let err = install(&web, [file("/index.html", "v2"), file(bad, "x")]).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
        }
        assert_eq!(
            std::fs::read_to_string(web.join("index.html")).unwrap(),
            "v1"
        );
        assert!(!tmp.path().join("escape.txt").exists());
        assert!(!tmp.path().join("web.new").exists());
    }
}

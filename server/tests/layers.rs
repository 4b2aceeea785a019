//! The layers of docs/architecture.md hold in the source: data flows edge (http,
//! gateway) → domain → store; the domain and everything under it know nothing of
//! axum; the edge never reaches the store; `api` (wire types) is a leaf.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `server/src/<dir>`.
fn sources(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut files = Vec::new();
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "no sources under {dir}");
    files
}

/// Lines of `dirs` that mention any of `forbidden` (comments aside).
fn offending(dirs: &[&str], forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in dirs {
        for file in sources(dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if forbidden.iter().any(|f| code.contains(f)) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_domain_and_below_know_nothing_of_axum() {
    let found = offending(
        &["domain", "store", "storage", "events", "auth", "config"],
        &["axum::", "use axum", "tower_http::", "tungstenite::"],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_edge_never_reaches_the_store() {
    let found = offending(
        &["http", "gateway"],
        &["crate::store", "store::", "crate::storage", "storage::"],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_store_knows_nothing_above_it() {
    let found = offending(
        &["store"],
        &[
            "crate::domain",
            "crate::api",
            "crate::http",
            "crate::gateway",
            "crate::events",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn file_storage_knows_only_bytes() {
    let found = offending(
        &["storage"],
        &[
            "crate::domain",
            "crate::api",
            "crate::http",
            "crate::gateway",
            "crate::events",
            "crate::store",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn wire_types_are_a_leaf() {
    let found = offending(
        &["api"],
        &[
            "crate::domain",
            "crate::store",
            "crate::http",
            "crate::gateway",
            "crate::events",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

/// The checks above would pass on an empty tree: make sure they can see a match.
#[test]
fn the_scan_finds_what_it_looks_for() {
    assert!(!offending(&["http"], &["axum"]).is_empty());
    assert!(!offending(&["domain"], &["crate::store"]).is_empty());
}

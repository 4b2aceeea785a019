//! A count of committed changes to what authentication and channel access read.
//!
//! Every store write that can change a live session and its account (sessions,
//! users, TOTP secrets, SSO links, a deleted profile image) or anyone's access to a
//! channel (channels, groups, communities, their memberships, DM members, blocks)
//! moves this count once the change is committed: at once for a single statement,
//! and again when a transaction that ran one ends (see [`Tx`](super::Tx)). A reader
//! takes the count before its query and keeps the result with it; the result is
//! current for as long as the count has not moved.
//!
//! The count is process-wide: servers sharing a process (tests) only invalidate each
//! other's copies more often than needed.

use std::sync::atomic::{AtomicU64, Ordering};

static ACCESS_EPOCH: AtomicU64 = AtomicU64::new(0);

/// The count now; take it before the query whose result is kept.
pub fn access_epoch() -> u64 {
    ACCESS_EPOCH.load(Ordering::Acquire)
}

/// Called after a write to what the count covers (see the module's list); also by
/// anything in this process that writes those tables past the store (tests).
pub fn access_changed() {
    ACCESS_EPOCH.fetch_add(1, Ordering::AcqRel);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Tables and the writes to them that can change a kept result. A new row of
    /// users, sessions, channels, groups or communities is in no kept result (a
    /// missing channel or session is not kept), and a file only matters when deleted
    /// (profile and community images are set to NULL).
    const WATCHED: &[(&str, &[&str])] = &[
        ("users", &["update", "delete from"]),
        ("sessions", &["update", "delete from"]),
        ("totp_secrets", &["insert into", "update", "delete from"]),
        ("oidc_identities", &["insert into", "update", "delete from"]),
        ("files", &["delete from"]),
        ("channels", &["update", "delete from"]),
        ("community_groups", &["update", "delete from"]),
        ("communities", &["update", "delete from"]),
        (
            "community_members",
            &["insert into", "update", "delete from"],
        ),
        ("group_members", &["insert into", "update", "delete from"]),
        ("dm_members", &["insert into", "update", "delete from"]),
        ("user_blocks", &["insert into", "update", "delete from"]),
    ];

    /// Store functions that write a watched table without moving the count, and why
    /// that is safe.
    const EXEMPT: &[(&str, &str)] = &[
        (
            "set_last_seen",
            "last_seen_at is in no kept account (User does not read it)",
        ),
        (
            "touch_session",
            "a refresh only extends expires_at, and a kept session is read again once \
             its kept expiry passes; ip and last_used_at are not kept",
        ),
    ];

    /// Functions that only build a watched write's SQL, and the function that runs it
    /// (which must move the count).
    const RUN_BY: &[(&str, &str)] = &[("update_sql", "set_image")];

    /// Each store function (`fn name … body`, up to the next `fn `), with SQL line
    /// continuations joined and whitespace collapsed, lowercased.
    fn functions(source: &str) -> Vec<(String, String)> {
        let text = source.replace("\\\n", " ").to_lowercase();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let starts: Vec<usize> = text.match_indices(" fn ").map(|(i, _)| i + 4).collect();
        starts
            .iter()
            .enumerate()
            .map(|(k, &start)| {
                let end = starts.get(k + 1).copied().unwrap_or(text.len());
                let body = &text[start..end];
                let name: String = body
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                (name, body.to_string())
            })
            .collect()
    }

    fn writes_watched(body: &str) -> bool {
        WATCHED.iter().any(|(table, verbs)| {
            verbs.iter().any(|verb| {
                let needle = format!("{verb} {table}");
                body.match_indices(&needle).any(|(i, _)| {
                    let after = body[i + needle.len()..].chars().next();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
        })
    }

    #[test]
    fn every_store_write_to_what_is_kept_moves_the_epoch() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
        let (mut writers, mut missing, mut exempt_seen) = (0, Vec::new(), Vec::new());
        for entry in std::fs::read_dir(&dir).expect("src/store") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("readable source");
            for (name, body) in functions(&source) {
                if !writes_watched(&body) {
                    continue;
                }
                writers += 1;
                if EXEMPT.iter().any(|(n, _)| *n == name) {
                    exempt_seen.push(name);
                    continue;
                }
                let runner = RUN_BY.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
                let moves = match runner {
                    Some(runner) => functions(&source)
                        .iter()
                        .any(|(n, b)| n == runner && b.contains("access_changed()")),
                    None => body.contains("access_changed()"),
                };
                if !moves {
                    missing.push(format!("{}: {}", path.display(), runner.unwrap_or(&name)));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "these store functions write what the access caches keep without calling \
             epoch::access_changed(): {missing:#?}"
        );
        // The scan finds the writers it should (a broken scan would pass vacuously).
        assert!(writers >= 30, "only {writers} writers found");
        for (name, _) in EXEMPT {
            assert!(
                exempt_seen.iter().any(|n| n == name),
                "{name} is exempt but writes nothing watched"
            );
        }
    }

    #[test]
    fn the_scan_sees_a_write_across_a_line_continuation() {
        let source = "impl X {\n    pub async fn gone(&mut self) {\n        q(\"DELETE FROM \\\n         community_members WHERE\")\n    }\n    fn other() {}\n}";
        let found = functions(source);
        assert_eq!(found[0].0, "gone");
        assert!(writes_watched(&found[0].1));
        assert!(!writes_watched(&found[1].1));
        assert!(!writes_watched("update users_extra set"));
    }
}

//! `chatalot-server backup FILE` and `restore FILE`: which database they act on.

use std::path::Path;

use crate::config::quickstart::DB_FILE;

/// `DATABASE_URL` when set, else the quick-start database in `data_dir` (what
/// `chatalot-server quickstart` serves when `DATABASE_URL` is unset).
pub fn database_url(lookup: impl Fn(&str) -> Option<String>, data_dir: &Path) -> String {
    lookup("DATABASE_URL")
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| {
            let db = std::path::absolute(data_dir.join(DB_FILE))
                .unwrap_or_else(|_| data_dir.join(DB_FILE));
            format!("sqlite://{}", db.display())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_prefers_the_variable_over_the_data_folder() {
        let url = database_url(
            |name| (name == "DATABASE_URL").then(|| "postgres://db/chatalot".to_owned()),
            Path::new("/data"),
        );
        assert_eq!(url, "postgres://db/chatalot");
        let url = database_url(|_| Some("  ".to_owned()), Path::new("/data"));
        assert_eq!(url, "sqlite:///data/chatalot.db");
        let url = database_url(|_| None, Path::new("/srv/chat"));
        assert_eq!(url, "sqlite:///srv/chat/chatalot.db");
    }
}

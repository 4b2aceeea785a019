//! What a message says: limits, slash commands, mentions.

use crate::domain::error::{Error, Result};

/// Longest message, in characters.
pub const CONTENT_MAX: usize = 4000;

/// Validates content: not blank, not too long; stored exactly as sent (MSG-8).
pub(crate) fn check(content: &str, allow_empty: bool) -> Result<()> {
    if content.trim().is_empty() && !allow_empty {
        return Err(Error::invalid("content", "a message cannot be empty"));
    }
    if content.chars().count() > CONTENT_MAX {
        return Err(Error::invalid(
            "content",
            format!("a message is at most {CONTENT_MAX} characters"),
        ));
    }
    crate::domain::validate::text("content", content)
}

/// Expands the slash commands `/shrug`, `/tableflip`, `/unflip` and `/me` (MSG-4);
/// anything else is left as typed.
pub fn expand_slash_command(content: &str) -> String {
    let Some(rest) = content.strip_prefix('/') else {
        return content.to_owned();
    };
    let (command, argument) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let argument = argument.trim();
    let with = |face: &str| {
        if argument.is_empty() {
            face.to_owned()
        } else {
            format!("{argument} {face}")
        }
    };
    match command {
        "shrug" => with("¯\\\\_(ツ)_/¯"),
        "tableflip" => with("(╯°□°)╯︵ ┻━┻"),
        "unflip" => with("┬─┬ノ( º _ ºノ)"),
        "me" if !argument.is_empty() => format!("_{argument}_"),
        _ => content.to_owned(),
    }
}

/// Mentions in a message.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Mentions {
    /// Lowercased usernames after `@`.
    pub usernames: Vec<String>,
    /// `@everyone` or `@channel`.
    pub everyone: bool,
    /// `@here`.
    pub here: bool,
}

/// Finds `@name` tokens (a username's characters after an `@` that does not follow
/// a word character, so emails do not count). Code spans are not excluded: the
/// client renders them, and a mention there still notifies, as in most chat apps.
pub fn parse_mentions(content: &str) -> Mentions {
    let mut mentions = Mentions::default();
    let chars: Vec<char> = content.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let preceded_by_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if chars[i] == '@' && !preceded_by_word {
            let start = i + 1;
            let mut end = start;
            while end < chars.len()
                && (chars[end].is_ascii_alphanumeric() || matches!(chars[end], '_' | '.' | '-'))
            {
                end += 1;
            }
            let name: String = chars[start..end]
                .iter()
                .collect::<String>()
                .trim_end_matches(['.', '-'])
                .to_lowercase();
            match name.as_str() {
                "everyone" | "channel" => mentions.everyone = true,
                "here" => mentions.here = true,
                "" => {}
                _ if !mentions.usernames.contains(&name) => mentions.usernames.push(name),
                _ => {}
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    mentions.usernames.truncate(50);
    mentions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slash_commands() {
        assert_eq!(expand_slash_command("/shrug"), "¯\\\\_(ツ)_/¯");
        assert_eq!(
            expand_slash_command("/shrug oh well"),
            "oh well ¯\\\\_(ツ)_/¯"
        );
        assert_eq!(expand_slash_command("/me waves"), "_waves_");
        assert_eq!(expand_slash_command("/unknown thing"), "/unknown thing");
        assert_eq!(expand_slash_command("no command"), "no command");
    }

    #[test]
    fn mentions() {
        let m =
            parse_mentions("hi @Alice and @bob.smith, mail me@example.com; @here @everyone @alice");
        assert_eq!(m.usernames, ["alice", "bob.smith"]);
        assert!(m.here && m.everyone);
        assert!(parse_mentions("@channel").everyone);
        assert!(parse_mentions("a@b").usernames.is_empty());
        assert_eq!(parse_mentions("(@carol)").usernames, ["carol"]);
    }

    #[test]
    fn limits() {
        assert!(check("   ", false).is_err());
        assert!(check("", true).is_ok());
        assert!(check(&"x".repeat(CONTENT_MAX), false).is_ok());
        assert!(check(&"x".repeat(CONTENT_MAX + 1), false).is_err());
    }
}

//! E-mail addresses: a reader's, checked and keyed, and the site's sender; what the digest and
//! the subscription service both need.
//!
//! Input: an address as a list row or a form gives it; the site's settings. Output: a checked
//! `lettre::Address` and its key; the sender's mailbox, per language. Must not: let through a
//! value that would break a message header (lettre panics on CR or LF in a display name).

use crate::error::SiteError;
use crate::model::{Config, Lang, Position};
use crate::text::controls_as_spaces;
use std::collections::BTreeMap;

/// One subscriber: from a list row or the subscriber database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// The address.
    pub email: lettre::Address,
    /// Empty when there is none (or one that could not go in a header).
    pub name: String,
    /// The language of their digest.
    pub lang: Lang,
    /// The row's line in the list file (its rank in the database).
    pub line: u64,
}

/// The address as a key: lower-cased, as mail providers treat it.
pub fn key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The address of a list row or a form, checked: no spaces or control characters, no IP
/// literal, and what lettre accepts.
pub fn check_address(email: &str) -> Result<lettre::Address, String> {
    let email = email.trim();
    if email.is_empty() {
        return Err("no e-mail address".into());
    }
    if email.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!("`{}` contains a space or control character", email.escape_debug()));
    }
    if email.ends_with(']') {
        return Err(format!("`{email}` is addressed to an IP address, which mail relays do not deliver to"));
    }
    email.parse().map_err(|e| format!("`{email}` is not an e-mail address ({e})"))
}

/// A problem with the sender's settings, at the key it comes from.
fn config_error(at: Position, message: &str) -> SiteError {
    SiteError::new(crate::config::CONFIG_FILE, at.line, at.column, message.to_string())
        .with_hint("write `digest: {from: \"Name <address@example.org>\"}` in site.yaml")
}

/// The sender: `digest.from`, else the site's English title and `digest@` its host.
pub fn sender(config: &Config) -> Result<String, SiteError> {
    let from = match &config.digest.from {
        Some(from) => from.clone(),
        None => {
            let text = format!("digest@{}", config.host());
            let address: lettre::Address = text.parse().map_err(|e| {
                config_error(config.positions.of("base_url"), &format!("`{text}` is not an e-mail address: {e}"))
            })?;
            lettre::message::Mailbox::new(Some(controls_as_spaces(config.title.get(Lang::En))), address).to_string()
        }
    };
    from.parse::<lettre::message::Mailbox>()
        .map_err(|e| config_error(config.positions.of("digest.from"), &format!("digest.from `{from}`: {e}")))?;
    Ok(from)
}

/// The sender in each language: where it is named as the site (the default, or `digest.from`
/// naming the site by its title in some language), by the site's title in that language.
pub fn senders(config: &Config, from: &str) -> BTreeMap<String, String> {
    let Ok(mailbox) = from.parse::<lettre::message::Mailbox>() else { return BTreeMap::new() };
    let titles: Vec<&str> = config.languages.iter().map(|&l| config.title.get(l)).collect();
    let named_as_site = mailbox.name.as_deref().is_none_or(|name| titles.contains(&name));
    let sender = |lang: Lang| {
        if !named_as_site {
            return mailbox.clone();
        }
        lettre::message::Mailbox::new(Some(controls_as_spaces(config.title.get(lang))), mailbox.email.clone())
    };
    config.languages.iter().map(|&l| (l.code().to_string(), sender(l).to_string())).collect()
}

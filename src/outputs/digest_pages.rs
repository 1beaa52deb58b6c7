//! The catalogue digests as pages of the site: what "View in a browser" in each digest opens.
//!
//! Input: the assembled `Site` (its digests' stored HTML parts) and the UI strings. Output:
//! `digests/<id>/index.html` per language (`urls::digest_archive`). Must not: publish anything
//! personal: the greeting slot gets the greeting without a name, and every link that would carry
//! a subscriber's token becomes the site's unsubscribe address.

use crate::model::{GREETING_SLOT, Lang, OutputFile, Site, TOKEN_SLOT};
use crate::text::escape_html;
use crate::urls;

/// A page for each stored digest part in a language the site has.
pub(crate) fn files(site: &Site, label: &dyn Fn(Lang, &str) -> String) -> Vec<OutputFile> {
    let unsubscribe = site.config.unsubscribe_mailto();
    site.digests
        .iter()
        .filter(|part| site.config.languages.contains(&part.lang))
        .map(|part| {
            let html = part.html.replace(GREETING_SLOT, &escape_html(&label(part.lang, "digest_greeting")));
            let path = urls::output_file(&urls::digest_archive(&part.id, part.lang));
            OutputFile::text(path, without_tokens(&html, &escape_html(&unsubscribe)))
        })
        .collect()
}

/// `html` with the value of every attribute holding the token slot replaced by `instead`.
fn without_tokens(html: &str, instead: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(TOKEN_SLOT) {
        let start = rest[..at].rfind('"').map_or(at, |q| q + 1);
        let end = rest[at..].find('"').map_or(rest.len(), |q| at + q);
        out.push_str(&rest[..start]);
        out.push_str(instead);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_with_the_token_slot_becomes_the_address_given() {
        let html = format!(r#"<a href="https://x.org/u?a=1&amp;s={TOKEN_SLOT}">Unsubscribe</a> <a href="/y">Y</a>"#);
        assert_eq!(
            without_tokens(&html, "mailto:d@x.org"),
            r#"<a href="mailto:d@x.org">Unsubscribe</a> <a href="/y">Y</a>"#
        );
    }
}

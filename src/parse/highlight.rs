//! Code highlighting: the only module that names syntect.
//!
//! Input: code and the language written after the fence. Output: HTML with CSS classes
//! (`hl-keyword`, `hl-string`, …) that the theme's stylesheet colours in light and dark.
//! Must not: load the syntax definitions more than once per process.

use std::sync::LazyLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Highlighted `<pre><code>` for `code`, or `None` when `lang` names no known language.
pub(super) fn highlight(code: &str, lang: &str) -> Option<String> {
    let syntax = SYNTAXES.find_syntax_by_token(lang)?;
    let mut generator =
        ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, ClassStyle::SpacedPrefixed { prefix: "hl-" });
    for line in LinesWithEndings::from(code) {
        // A grammar that fails on a line leaves the rest of the block unhighlighted, never the build broken.
        if generator.parse_html_for_line_which_includes_newline(line).is_err() {
            return Some(plain(code, lang));
        }
    }
    let lang_attr = crate::text::escape_html(lang);
    Some(format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{}</code></pre>\n", generator.finalize()))
}

/// The block as escaped text, for unknown or absent languages.
pub(super) fn plain(code: &str, lang: &str) -> String {
    let mut escaped = String::with_capacity(code.len() + 32);
    pulldown_cmark::html::push_html(&mut escaped, std::iter::once(pulldown_cmark::Event::Text(code.into())));
    if lang.is_empty() {
        format!("<pre class=\"code\"><code>{escaped}</code></pre>\n")
    } else {
        let lang_attr = crate::text::escape_html(lang);
        format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{escaped}</code></pre>\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = highlight("fn main() {}\n", "rust").unwrap();
        assert!(html.contains("hl-storage") || html.contains("hl-keyword"), "{html}");
    }

    #[test]
    fn unknown_language_is_none_and_plain_escapes() {
        assert!(highlight("x", "no-such-lang").is_none());
        assert_eq!(plain("a<b", ""), "<pre class=\"code\"><code>a&lt;b</code></pre>\n");
    }
}

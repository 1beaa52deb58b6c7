//! Search tokens and the plain text they are cut from.
//!
//! Input: text (a field of a page, or HTML for `plain_text`). Output: tokens identical to the
//! client's (`static/search/search.mjs`): maximal runs of letters and digits, lower-cased and
//! Snowball-English stemmed; runs of Han characters become overlapping bigrams (a lone character
//! stays a unigram). Must not: diverge from the client (a test runs both over every word).

use rustc_hash::FxHashMap as HashMap;
use std::sync::LazyLock;

static STEMMER: LazyLock<rust_stemmers::Stemmer> =
    LazyLock::new(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Search tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, |t| out.push(t.to_string()));
    out
}

/// Calls `emit` with each search token of `text`, in order, without allocating per token.
pub fn each_token(text: &str, mut emit: impl FnMut(&str)) {
    let mut word = String::new();
    let mut han: Vec<char> = Vec::new();
    let mut pair = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_han(c) {
            flush_word(&mut word, &mut emit);
            han.push(c);
        } else if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut pair, &mut emit);
            word.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            flush_han(&mut han, &mut pair, &mut emit);
            word.extend(c.to_lowercase());
        } else {
            flush_word(&mut word, &mut emit);
            flush_han(&mut han, &mut pair, &mut emit);
        }
    }
}

thread_local! {
    /// Stems already computed on this thread: a corpus repeats a small vocabulary millions of times.
    static STEMS: std::cell::RefCell<HashMap<String, String>> = Default::default();
}

fn flush_word(word: &mut String, emit: &mut impl FnMut(&str)) {
    if word.is_empty() {
        return;
    }
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(s) = cache.get(word.as_str()) {
            emit(s);
        } else {
            let s = STEMMER.stem(word).into_owned();
            emit(&s);
            cache.insert(word.clone(), s);
        }
    });
    word.clear();
}

fn flush_han(han: &mut Vec<char>, pair: &mut String, emit: &mut impl FnMut(&str)) {
    if han.len() == 1 {
        pair.clear();
        pair.push(han[0]);
        emit(pair);
    }
    for w in han.windows(2) {
        pair.clear();
        pair.extend(w);
        emit(pair);
    }
    han.clear();
}

/// Text of the page's HTML body without tags, entities decoded, white space collapsed.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut space = false;
    while let Some(c) = rest.chars().next() {
        let (piece, len) = match c {
            '<' => (Some(' '), rest.find('>').map_or(rest.len(), |i| i + 1)),
            '&' => entity(rest),
            c if c.is_whitespace() => (Some(' '), c.len_utf8()),
            c => (Some(c), c.len_utf8()),
        };
        rest = &rest[len..];
        match piece {
            Some(' ') => space = !out.is_empty(),
            Some(c) => {
                if std::mem::take(&mut space) {
                    out.push(' ');
                }
                out.push(c);
            }
            None => {}
        }
    }
    out
}

/// The character an entity at the start of `text` stands for (the ones pulldown-cmark writes).
fn entity(text: &str) -> (Option<char>, usize) {
    for (name, c) in [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\'')] {
        if text.starts_with(name) {
            return (Some(c), name.len());
        }
    }
    (Some('&'), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_stem_words_and_split_han_runs_into_bigrams() {
        assert_eq!(tokens("Returning migrants' e-commerce"), ["return", "migrant", "e", "commerc"]);
        assert_eq!(tokens("返乡创业 and 乡"), ["返乡", "乡创", "创业", "and", "乡"]);
        assert_eq!(tokens("AI2018年"), ["ai2018", "年"]);
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(plain_text("<p>A &amp; B <em>&lt;c&gt;</em></p>\n<p>d</p>"), "A & B <c> d");
    }
}

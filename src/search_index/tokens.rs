//! Search tokens.
//!
//! Input: text (a field of a page). Output: tokens identical to the
//! client's (`static/search/search.mjs`): maximal runs of letters and digits, lower-cased and
//! Snowball-English stemmed; runs of Han characters become overlapping bigrams (a lone character
//! stays a unigram). Must not: diverge from the client (a test runs both over every word).

use std::sync::LazyLock;

static STEMMER: LazyLock<rust_stemmers::Stemmer> =
    LazyLock::new(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Search tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_raw_token(text, |t, han| out.push(if han { t.to_string() } else { stem(t) }));
    out
}

/// The Snowball English stem of a lower-cased word.
pub fn stem(word: &str) -> String {
    STEMMER.stem(word).into_owned()
}

/// Calls `emit(token, is_han)` for each token of `text` in order, words lower-cased but not yet
/// stemmed (the indexer stems each distinct word once). Tokens are slices of `text` where they
/// can be (Han bigrams always are; words unless they need lower-casing).
pub fn each_raw_token(text: &str, mut emit: impl FnMut(&str, bool)) {
    let mut lower = String::new();
    let mut starts: Vec<usize> = Vec::new();
    let mut rest = text.char_indices().peekable();
    while let Some(&(at, c)) = rest.peek() {
        if is_han(c) {
            starts.clear();
            while let Some(&(i, _)) = rest.peek().filter(|(_, c)| is_han(*c)) {
                starts.push(i);
                rest.next();
            }
            let end = rest.peek().map_or(text.len(), |&(i, _)| i);
            starts.push(end);
            if starts.len() == 2 {
                emit(&text[starts[0]..end], true);
            }
            for w in starts.windows(3) {
                emit(&text[w[0]..w[2]], true);
            }
        } else if c.is_alphanumeric() {
            let mut needs_lower = false;
            while let Some(&(_, c)) = rest.peek().filter(|(_, c)| c.is_alphanumeric() && !is_han(*c)) {
                needs_lower |= !(c.is_ascii_lowercase() || c.is_ascii_digit());
                rest.next();
            }
            let word = &text[at..rest.peek().map_or(text.len(), |&(i, _)| i)];
            if needs_lower {
                lower.clear();
                lower.extend(word.chars().flat_map(char::to_lowercase));
                emit(&lower, false);
            } else {
                emit(word, false);
            }
        } else {
            rest.next();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_stem_words_and_split_han_runs_into_bigrams() {
        assert_eq!(tokens("Returning migrants' e-commerce"), ["return", "migrant", "e", "commerc"]);
        assert_eq!(tokens("返乡创业 and 乡"), ["返乡", "乡创", "创业", "and", "乡"]);
        assert_eq!(tokens("AI2018年"), ["ai2018", "年"]);
        assert_eq!(tokens("Café ÉTÉ über-straße 返乡x创业"), ["café", "été", "über", "straße", "返乡", "x", "创业"]);
    }
}

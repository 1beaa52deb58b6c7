//! Search tokens.
//!
//! Input: text (a field of a page). Output: tokens identical to the
//! client's (`static/search/search.mjs`): maximal runs of letters and digits, lower-cased and
//! Snowball-English stemmed; runs of Han characters become overlapping bigrams (a lone character
//! stays a unigram). Must not: diverge from the client (a test runs both over every word).

use std::sync::LazyLock;

static STEMMER: LazyLock<rust_stemmers::Stemmer> =
    LazyLock::new(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));

pub(super) use crate::text::is_han;

/// Search tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_raw_token(text, |t, han| out.push(if han { t.to_string() } else { stem(t) }));
    out
}

/// The Snowball English stem of a lower-cased word.
pub(super) fn stem(word: &str) -> String {
    STEMMER.stem(word).into_owned()
}

/// Calls `emit(token, is_han)` for each token of `text` in order, words lower-cased but not yet
/// stemmed (the indexer stems each distinct word once). Tokens are slices of `text` where they
/// can be (Han bigrams always are; words unless they need lower-casing).
pub(super) fn each_raw_token(text: &str, mut emit: impl FnMut(&str, bool)) {
    let bytes = text.as_bytes();
    let mut lower = String::new();
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        // Fast path: ASCII letters and digits, the bulk of English text.
        if b.is_ascii_alphanumeric() {
            let mut end = at;
            while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
                end += 1;
            }
            if end == bytes.len() || bytes[end] < 0x80 {
                let word = &text[at..end];
                if word.bytes().any(|b| b.is_ascii_uppercase()) {
                    lower.clear();
                    lower.push_str(word);
                    lower.make_ascii_lowercase();
                    emit(&lower, false);
                } else {
                    emit(word, false);
                }
                at = end;
                continue;
            }
        } else if b < 0x80 {
            at += 1;
            continue;
        }
        let c = text[at..].chars().next().unwrap_or(' ');
        if is_han(c) {
            at = han_run(text, at, &mut starts, &mut emit);
        } else if c.is_alphanumeric() {
            at = word(text, at, &mut lower, &mut emit);
        } else {
            at += c.len_utf8();
        }
    }
}

/// The Han run starting at `at` as bigrams (a lone character as itself); returns where it ends.
fn han_run(text: &str, at: usize, starts: &mut Vec<usize>, emit: &mut impl FnMut(&str, bool)) -> usize {
    starts.clear();
    let mut end = text.len();
    for (i, c) in text[at..].char_indices() {
        if !is_han(c) {
            end = at + i;
            break;
        }
        starts.push(at + i);
    }
    starts.push(end);
    if starts.len() == 2 {
        emit(&text[at..end], true);
    }
    for w in starts.windows(3) {
        emit(&text[w[0]..w[2]], true);
    }
    end
}

/// The word (letters and digits, not Han) starting at `at`, lower-cased; returns where it ends.
fn word(text: &str, at: usize, lower: &mut String, emit: &mut impl FnMut(&str, bool)) -> usize {
    let mut end = text.len();
    let mut needs_lower = false;
    for (i, c) in text[at..].char_indices() {
        if !c.is_alphanumeric() || is_han(c) {
            end = at + i;
            break;
        }
        needs_lower |= !(c.is_ascii_lowercase() || c.is_ascii_digit());
    }
    let word = &text[at..end];
    if needs_lower {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        emit(lower, false);
    } else {
        emit(word, false);
    }
    end
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
        assert_eq!(tokens("ABCé Abc1 x返"), ["abcé", "abc1", "x", "返"]);
    }
}

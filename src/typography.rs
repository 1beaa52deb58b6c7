//! Typography of short texts the front matter gives (titles, summaries): the curly quotes,
//! dashes and ellipses Markdown bodies get from pulldown-cmark's smart punctuation.
//!
//! Input: plain text. Output: the same text with typographic punctuation. Must not: touch
//! anything but straight quotes, runs of hyphens and three dots.

/// `"x"` → “x”, `it's` → it’s, `'90s` → ’90s, `--` → –, `---` → —, `...` → …
pub fn smart_punctuation(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let run = |c: char| chars[i..].iter().take_while(|&&x| x == c).count();
        match chars[i] {
            '"' => out.push(if opens(prev) { '“' } else { '”' }),
            '\'' if opens(prev) && !next.is_some_and(|c| c.is_ascii_digit()) => out.push('‘'),
            '\'' => out.push('’'),
            '.' if run('.') >= 3 => {
                out.push('…');
                i += 2;
            }
            '-' if run('-') >= 2 => {
                let n = run('-');
                // Like pulldown-cmark: em dashes first, then en dashes.
                let (em, en) = match n % 3 {
                    0 => (n / 3, 0),
                    2 => (n / 3, 1),
                    _ => ((n - 4) / 3, 2),
                };
                out.extend(std::iter::repeat_n('—', em).chain(std::iter::repeat_n('–', en)));
                i += n - 1;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether a quote after `prev` opens: at the start, after a space, or after an opening bracket or dash.
fn opens(prev: Option<char>) -> bool {
    prev.is_none_or(|c| c.is_whitespace() || "([{‘“—–-/".contains(c))
}

#[cfg(test)]
mod tests {
    use super::smart_punctuation as smart;

    #[test]
    fn quotes_apostrophes_dashes_and_ellipses_become_typographic() {
        assert_eq!(smart("Gansu's \"one number\" platform"), "Gansu’s “one number” platform");
        assert_eq!(smart("'Quoted' and (\"bracketed\")"), "‘Quoted’ and (“bracketed”)");
        assert_eq!(smart("Back in the '90s"), "Back in the ’90s");
        assert_eq!(smart("2016--2018 --- a decade..."), "2016–2018 — a decade…");
        assert_eq!(smart("a----b a-----b"), "a––b a—–b");
        assert_eq!(smart("返乡创业：“一号通”"), "返乡创业：“一号通”", "already typographic text is left alone");
        assert_eq!(smart("C-suite, e-commerce, ...."), "C-suite, e-commerce, ….");
    }
}

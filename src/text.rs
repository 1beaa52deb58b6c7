//! Text helpers shared by the stages.
//!
//! Input: strings. Output: answers about them. Must not: know about files, pages or markup.

/// A control character that has no business in a page, a feed or a calendar: everything in
/// Unicode's Cc category but tab, line feed and carriage return (NUL, escape, backspace, DEL, the
/// C1 range). Browsers and XML parsers reject or mangle them.
pub fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The first stray control character of `text`, with its byte offset.
pub fn first_stray_control(text: &str) -> Option<(usize, char)> {
    // Byte by byte (every page's whole text goes through here): C0 and DEL are single bytes,
    // the C1 range is 0xC2 followed by 0x80–0x9F.
    let bytes = text.as_bytes();
    let at = bytes.iter().enumerate().position(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || b == 0x7f
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
    })?;
    text[at..].chars().next().map(|c| (at, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_line_ends_are_text_other_controls_are_not() {
        for ok in ['\t', '\n', '\r', 'a', '中', ' '] {
            assert!(!is_stray_control(ok), "{ok:?}");
        }
        for bad in ['\0', '\u{1b}', '\u{8}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(is_stray_control(bad), "{bad:?}");
        }
        assert_eq!(first_stray_control("ab\u{0}c"), Some((2, '\0')));
        assert_eq!(first_stray_control("中\u{85}x"), Some((3, '\u{85}')));
        assert_eq!(first_stray_control("中文 ok\t\r\n"), None);
    }
}

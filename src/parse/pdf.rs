//! A PDF's text and page count, for search and the download button.
//!
//! Input: the PDF's bytes. Output: `PdfText`, or why it cannot be read. Must not: let a PDF the
//! reader chokes on stop the build (the reader may panic on a malformed file: that is caught).

/// At most this much of a PDF's text is kept (a 300-page report has about 1 MB): the search
/// index weighs the PDF lightly, and a longer text would only make the index larger.
pub const MOST_TEXT: usize = 1 << 20;

thread_local! {
    /// Set while this thread reads a PDF: a panic there is the reader's, caught and reported as a
    /// warning, so the default "thread panicked" message would only confuse.
    static READING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keep the reader's panics quiet; every other panic is reported as before.
fn quiet_reader_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !READING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

/// The text of every page, whitespace collapsed, and how many pages there are.
pub fn text(bytes: &[u8]) -> Result<(u32, String), String> {
    quiet_reader_panics();
    READING.with(|r| r.set(true));
    let read = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    READING.with(|r| r.set(false));
    let pages = match read {
        Ok(Ok(pages)) => pages,
        Ok(Err(e)) => return Err(e.to_string()),
        Err(_) => return Err("the PDF reader could not make sense of it".into()),
    };
    let mut text = String::new();
    for word in pages.iter().flat_map(|p| p.split_whitespace()) {
        if text.len() + word.len() >= MOST_TEXT {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    Ok((u32::try_from(pages.len()).unwrap_or(u32::MAX), text))
}

/// A cached text as `cache_entry` wrote it.
pub fn from_cache(entry: &str) -> Option<(u32, String)> {
    let (first, text) = entry.split_once('\n')?;
    Some((first.strip_prefix("pages ")?.parse().ok()?, text.to_string()))
}

/// What the cache keeps for a PDF.
pub fn cache_entry(pages: u32, text: &str) -> String {
    format!("pages {pages}\n{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_pdf_is_an_error_not_a_panic() {
        assert!(text(b"%PDF-1.4\nnot really").is_err());
        assert!(text(b"").is_err());
        assert_eq!(from_cache(&cache_entry(3, "a b")), Some((3, "a b".into())));
    }
}

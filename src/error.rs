//! The one user-facing error type for problems in a site's own files.
//!
//! Input: whatever a stage found wrong (a path, a position, a message, a hint).
//! Output: `SiteError` values, collected into `SiteErrors`, sorted, printed as
//! `path:line:col: message` so editors and CI logs can jump to them; `BuildError` when a run
//! fails, for the site's files or for the environment.
//! Must not: format with `{:?}`, or stop at the first problem: stages collect.

use std::fmt;

/// Why a run failed: problems in the site's files (exit 1) or in the environment (exit 2).
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's files.
    Site(SiteErrors),
    /// Problems in the environment (disk, network, permissions).
    Env(anyhow::Error),
}

impl From<anyhow::Error> for BuildError {
    fn from(e: anyhow::Error) -> Self {
        BuildError::Env(e)
    }
}

/// How bad a finding is: errors stop the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Printed; the build goes on.
    Warning,
}

/// One problem in one of the site's files, with a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SiteError {
    /// Path relative to the site root, with forward slashes (`content/reports/x.md`).
    pub rel_path: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it, in one sentence.
    pub hint: Option<String>,
    /// The offending source line (a window of it around the column when it is long), shown under
    /// the message with a caret.
    pub source_line: Option<String>,
    /// The caret's column in `source_line` when that is a window (0: `column`).
    pub source_column: u32,
}

impl SiteError {
    /// An error at `rel_path:line:column`.
    pub fn new(rel_path: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        SiteError {
            rel_path: rel_path.to_string(),
            line: line.max(1),
            column: column.max(1),
            severity: Severity::Error,
            message: message.into(),
            hint: None,
            source_line: None,
            source_column: 0,
        }
    }

    /// A warning at `rel_path:line:column`.
    pub fn warning(rel_path: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        SiteError { severity: Severity::Warning, ..SiteError::new(rel_path, line, column, message) }
    }

    /// An error about a file as a whole (its name, its kind, where a link leads), shown at its top.
    pub fn whole_file(rel_path: &str, message: impl Into<String>) -> Self {
        SiteError::new(rel_path, 1, 1, message)
    }

    /// A warning about a file as a whole, shown at its top.
    pub fn whole_file_warning(rel_path: &str, message: impl Into<String>) -> Self {
        SiteError::warning(rel_path, 1, 1, message)
    }

    /// Say how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attach the source line the position points into, taken from the whole file text.
    pub fn with_source(self, file_text: &str) -> Self {
        match file_text.lines().nth(self.line - 1) {
            Some(line) => self.with_source_line(line),
            None => self,
        }
    }

    /// Attach `line`, the source line the position points into. A long line is cut to a window
    /// around the column (a minified line of megabytes must not be copied into every message).
    pub fn with_source_line(self, line: &str) -> Self {
        let ascii = line.is_ascii();
        self.with_known_line(line, ascii)
    }

    /// `with_source_line`, told whether `line` is ASCII (a caller quoting one line for thousands
    /// of problems checks it once).
    pub fn with_known_line(mut self, line: &str, ascii: bool) -> Self {
        const BEFORE: usize = 60;
        const AFTER: usize = 100;
        let line = line.trim_end_matches('\r');
        if line.len() <= BEFORE + AFTER {
            self.source_line = Some(visible(line));
            return self;
        }
        let start = (self.column - 1).saturating_sub(BEFORE);
        // Columns count characters; on an ASCII line (checked by std's fast scan) they are bytes,
        // so thousands of problems on one long line do not each walk it.
        let (window, cut_end) = if ascii {
            let from = start.min(line.len());
            let to = (start + BEFORE + AFTER).min(line.len());
            (line[from..to].to_string(), to < line.len())
        } else {
            let window: String = line.chars().skip(start).take(BEFORE + AFTER).collect();
            (window, line.chars().nth(start + BEFORE + AFTER).is_some())
        };
        let lead = if start > 0 { "…" } else { "" };
        self.source_line = Some(format!("{lead}{}{}", visible(&window), if cut_end { "…" } else { "" }));
        self.source_column = u32::try_from(self.column - start + lead.chars().count()).unwrap_or(u32::MAX);
        self
    }

    /// Whether it stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {label}: {}", self.rel_path, self.line, self.column, self.message)?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string().len();
            let caret_column = if self.source_column == 0 { self.column } else { self.source_column as usize };
            let caret_pad: String =
                src.chars().take(caret_column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            write!(f, "\n {:gutter$} |\n {} | {}\n {:gutter$} | {caret_pad}^", "", self.line, src, "")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// A source line as it can be shown on a terminal: control characters (but tabs) as their
/// pictures (`␀`, `␛`), so one cannot garble the message it is quoted in.
fn visible(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Every problem found in a run, sorted by path, line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteErrors(pub Vec<SiteError>);

impl SiteErrors {
    /// Sorted by file, position and message, duplicates removed.
    pub fn from_vec(mut errors: Vec<SiteError>) -> Self {
        errors.sort();
        errors.dedup();
        SiteErrors(errors)
    }

    /// One problem.
    pub fn single(error: SiteError) -> Self {
        SiteErrors(vec![error])
    }

    /// Whether any is an error (not only warnings).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(SiteError::is_error)
    }
}

impl fmt::Display for SiteErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SiteErrors {}

/// Line and column (both 1-based, column in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

/// Line and column of byte offsets asked for in increasing order, each found from the last
/// (a body of one long line with a hundred thousand links, or a list of a million rows, is read
/// once, not once per position).
#[derive(Default)]
pub struct LineCursor {
    offset: usize,
    /// Line breaks before `offset`.
    breaks: usize,
    /// Characters between the start of the line and `offset`.
    column: usize,
}

impl LineCursor {
    /// Line and column of byte `offset`, which must not be before the last one asked.
    pub fn at(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        if offset < self.offset {
            *self = LineCursor::default();
        }
        let skipped = text.get(self.offset..offset).unwrap_or_default();
        match skipped.rfind('\n') {
            Some(last) => {
                self.breaks += skipped.bytes().filter(|&b| b == b'\n').count();
                self.column = skipped[last + 1..].chars().count();
            }
            None => self.column += skipped.chars().count(),
        }
        self.offset = offset;
        (self.breaks + 1, self.column + 1)
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_characters() {
        let text = "ab\n中文x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 9), (2, 3));
    }

    #[test]
    fn display_shows_position_source_caret_and_hint() {
        let e = SiteError::new("content/a.md", 2, 3, "bad thing").with_hint("fix it").with_source("x\nab: c\n");
        assert_eq!(e.to_string(), "content/a.md:2:3: error: bad thing\n   |\n 2 | ab: c\n   |   ^\n  = hint: fix it");
    }

    #[test]
    fn control_characters_in_a_quoted_line_are_shown_as_pictures() {
        let e = SiteError::new("a.md", 1, 3, "x").with_source("a\u{0}b\u{1b}[31m\tc\u{7f}");
        assert_eq!(e.source_line.as_deref(), Some("a\u{2400}b\u{241b}[31m\tc\u{2421}"));
    }

    #[test]
    fn positions_found_one_after_another_match_counting_from_the_start() {
        let text = "ab\n中文x [l](a.md)\n\n   [m](b.md) tail\n";
        let mut cursor = LineCursor::default();
        for offset in [0, 1, 3, 6, 9, 12, 20, 22, text.len(), 5, 30] {
            let offset = offset.min(text.len());
            if !text.is_char_boundary(offset) {
                continue;
            }
            assert_eq!(cursor.at(text, offset), line_col(text, offset), "offset {offset}");
        }
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(did_you_mean("tilte", ["title", "date"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "date"]), None);
    }
}

#[cfg(test)]
mod window_tests {
    use super::SiteError;

    #[test]
    fn a_long_source_line_is_shown_as_a_window_with_the_caret_under_the_column() {
        let line = format!("{}[a](gone.md){}", "x".repeat(5000), "y".repeat(5000));
        let e = SiteError::new("content/a.md", 3, 5001, "link").with_source_line(&line);
        let shown = e.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[2].chars().count() < 200, "{shown}");
        let caret = lines[3].chars().position(|c| c == '^').expect("caret");
        assert_eq!(lines[2].chars().skip(caret).take(3).collect::<String>(), "[a]", "{shown}");
    }
}

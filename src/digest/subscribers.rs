//! The subscriber list (CSV with header `email,name,lang`) and the suppression list
//! (`unsubscribed.csv`, same header, `email` required).
//!
//! Input: the CSV text. Output: the subscribers in file order, one per address (addresses
//! compared without case), and a problem per row rejected or changed, with its line. Must not:
//! panic on any input, or let through a value that would break a message header (lettre panics
//! on CR or LF in a display name).

use crate::address::{check_address, key};
use crate::error::LineCursor;
use crate::model::Lang;

pub use crate::address::Subscriber;
use std::collections::{BTreeMap, BTreeSet};

/// A row that was rejected (`rejected`) or taken with a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row's line in the file.
    pub line: u64,
    /// What is wrong.
    pub message: String,
    /// The row is left out (else only a warning).
    pub rejected: bool,
}

/// Parse a subscriber list. `suppressed` addresses (keys) are left out silently.
pub fn parse(text: &str, suppressed: &BTreeSet<String>) -> Result<(Vec<Subscriber>, Vec<Problem>), Problem> {
    let (header, rows, mut problems) = rows(text)?;
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut subscribers = Vec::new();
    for (line, values) in rows {
        let fields = Fields { header: &header, values };
        let email = fields.get("email");
        let mut reject = |message: String| problems.push(Problem { line, message, rejected: true });
        let address = match check_address(email) {
            Ok(a) => a,
            Err(why) => {
                reject(why);
                continue;
            }
        };
        if let Some(first) = seen.get(&key(email)) {
            reject(format!("`{email}` is already on line {first} (addresses are compared without case): merged"));
            continue;
        }
        seen.insert(key(email), line);
        if suppressed.contains(&key(email)) {
            continue;
        }
        let raw_name = fields.get("name").trim();
        let name = if raw_name.chars().any(char::is_control) {
            let message = "the name contains a control character (a line break, tab or NUL): sent without the name";
            problems.push(Problem { line, message: message.into(), rejected: false });
            String::new()
        } else {
            raw_name.to_string()
        };
        let lang_code = fields.get("lang").trim();
        let lang = if lang_code.is_empty() {
            Lang::En
        } else if let Some(lang) = Lang::from_tag(lang_code) {
            lang
        } else {
            let message =
                format!("unknown language `{lang_code}` (use en or zh; zh-CN, zh-TW… are read as zh): sent in English");
            problems.push(Problem { line, message, rejected: false });
            Lang::En
        };
        subscribers.push(Subscriber { email: address, name, lang, line });
    }
    problems.sort_by_key(|p| p.line);
    Ok((subscribers, problems))
}

/// The addresses of a suppression list, as keys; rows without a valid address are reported.
pub fn suppression(text: &str) -> Result<(BTreeSet<String>, Vec<Problem>), Problem> {
    let (header, rows, mut problems) = rows(text)?;
    let mut keys = BTreeSet::new();
    for (line, values) in rows {
        let fields = Fields { header: &header, values };
        let email = fields.get("email");
        match check_address(email) {
            Ok(_) => {
                keys.insert(key(email));
            }
            Err(message) => problems.push(Problem { line, message, rejected: true }),
        }
    }
    Ok((keys, problems))
}

/// One row's values, read by column name.
struct Fields<'a> {
    header: &'a [String],
    values: csv::StringRecord,
}

impl Fields<'_> {
    fn get(&self, column: &str) -> &str {
        self.header.iter().position(|h| h == column).and_then(|i| self.values.get(i)).unwrap_or_default()
    }
}

/// The header (lower-cased column names), the rows with their lines, and unreadable rows.
type Table = (Vec<String>, Vec<(u64, csv::StringRecord)>, Vec<Problem>);

/// The rows of a CSV file with a header that names an `email` column, each with its line.
/// A quote that is never closed is an error for the whole file (every row after it would be read
/// as one value); a quoted value running over lines that look like rows is a rejected row.
fn rows(text: &str) -> Result<Table, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| file_problem(1, format!("cannot read the header line: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if !header.iter().any(|h| h == "email") {
        return Err(file_problem(1, "the first line must be the header `email,name,lang`".into()));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut lines = LineCursor::default();
    // Where the last row spanning several lines starts: only the last row can run to the end.
    let mut last_multiline = None;
    for record in reader.records() {
        match record {
            Ok(r) => {
                let start = r.position().map_or(0, |p| p.byte() as usize).min(text.len());
                let line = row_line(&mut lines, text, start);
                last_multiline = None;
                if r.iter().any(|v| v.contains(['\n', '\r'])) {
                    last_multiline = Some((start, line));
                    if let Some(problem) = swallowed_rows(&r, line) {
                        problems.push(problem);
                        continue;
                    }
                }
                rows.push((line, r));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| row_line(&mut lines, text, p.byte() as usize));
                problems.push(Problem { line, message: format!("cannot read this row: {e}"), rejected: true });
            }
        }
    }
    if let Some((start, line)) = last_multiline {
        check_quotes(text, start, line)?;
    }
    Ok((header, rows, problems))
}

/// A problem with the whole list: nothing is sent until it is fixed.
fn file_problem(line: u64, message: String) -> Problem {
    Problem { line, message, rejected: true }
}

/// The 1-based line of the row the csv crate places at `offset` (its own line count is one short
/// with CRLF endings, where its offset points at the `\n` ending the line before).
fn row_line(lines: &mut LineCursor, text: &str, offset: usize) -> u64 {
    let offset = offset.min(text.len());
    let offset = offset + text.as_bytes()[offset..].iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
    lines.at(text, offset).0 as u64
}

/// A row starting at `start` whose quote is never closed takes the rest of the file.
fn check_quotes(text: &str, start: usize, line: u64) -> Result<(), Problem> {
    let quotes = text.get(start..).unwrap_or_default().bytes().filter(|&b| b == b'"').count();
    if quotes % 2 == 1 {
        return Err(file_problem(
            line,
            "a quote opened on this line is never closed, so every line after it would be read as one value: \
             close the quote (write \"\" for a quote inside a quoted value)"
                .into(),
        ));
    }
    Ok(())
}

/// A quoted value holding whole lines that look like subscriber rows: a closing quote is missing.
fn swallowed_rows(record: &csv::StringRecord, line: u64) -> Option<Problem> {
    let inner_lines: Vec<&str> = record.iter().flat_map(|v| v.lines().skip(1)).collect();
    let rowlike = inner_lines.iter().filter(|l| l.contains('@') && l.contains(',')).count();
    (rowlike > 0).then(|| Problem {
        line,
        message: format!(
            "a quoted value on this line runs over the next {} line(s), {rowlike} of which look like subscribers: \
             a closing quote is missing; this row and those lines were not read",
            inner_lines.len()
        ),
        rejected: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_checked_and_case_duplicates_merged() {
        let csv = "email,name,lang\na@example.org,Ann,en\nA@Example.org,Ann again,zh\nnot-an-address,X,en\n\
                   b@example.org,\"Bob\r\nBcc: evil@example.org\",zh\nc@example.org,,fr\n";
        let (subs, problems) = parse(csv, &BTreeSet::new()).unwrap();
        let emails: Vec<String> = subs.iter().map(|s| s.email.to_string()).collect();
        assert_eq!(emails, ["a@example.org", "b@example.org", "c@example.org"]);
        assert_eq!(subs[1].name, "");
        assert_eq!(subs[1].lang, Lang::Zh);
        assert_eq!(subs[2].lang, Lang::En);
        let lines: Vec<(u64, bool)> = problems.iter().map(|p| (p.line, p.rejected)).collect();
        assert_eq!(lines, [(3, true), (4, true), (5, false), (7, false)]);
    }

    #[test]
    fn lines_are_right_with_crlf_endings_and_ip_literals_are_refused() {
        let csv = "email,name,lang\r\na@example.org,A,en\r\nt@[127.0.0.1],T,en\r\nnot-an-address,X,en\r\n";
        let (subs, problems) = parse(csv, &BTreeSet::new()).unwrap();
        assert_eq!(subs[0].line, 2);
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4]);
        assert!(problems[0].message.contains("IP address"), "{}", problems[0].message);
    }

    #[test]
    fn a_quote_never_closed_stops_the_list_and_one_closed_late_rejects_the_rows_it_swallowed() {
        let open = "email,name,lang\na@example.org,A,en\nb@example.org,\"B,en\nc@example.org,C,en\n";
        let e = parse(open, &BTreeSet::new()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.starts_with("a quote opened on this line is never closed"), "{}", e.message);
        let late = "email,name,lang\nb@example.org,\"B,en\nc@example.org,C,en\nd@example.org,D\",en\ne@example.org,,\n";
        let (subs, problems) = parse(late, &BTreeSet::new()).unwrap();
        let emails: Vec<String> = subs.iter().map(|s| s.email.to_string()).collect();
        assert_eq!(emails, ["e@example.org"]);
        assert_eq!((problems[0].line, problems[0].rejected), (2, true));
        assert!(problems[0].message.contains("2 of which look like subscribers"), "{}", problems[0].message);
    }

    #[test]
    fn suppressed_addresses_are_left_out() {
        let (keys, _) = suppression("email\nA@example.org\n").unwrap();
        let (subs, _) = parse("email,name,lang\na@example.org,Ann,en\nb@example.org,,\n", &keys).unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].email.to_string(), "b@example.org");
    }

    #[test]
    fn regional_and_script_tags_are_read_by_their_language_and_others_warned_about() {
        let csv = "email,name,lang\na@example.org,A,zh-CN\nb@example.org,B,zh_Hant\nc@example.org,C,en-GB\nd@example.org,D,fr-CA\n";
        let (subs, problems) = parse(csv, &BTreeSet::new()).unwrap();
        assert_eq!(subs.iter().map(|s| s.lang).collect::<Vec<_>>(), [Lang::Zh, Lang::Zh, Lang::En, Lang::En]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].line == 5 && problems[0].message.contains("`fr-CA`") && !problems[0].rejected);
    }

    #[test]
    fn a_list_without_an_email_column_is_refused() {
        assert!(parse("name,lang\nAnn,en\n", &BTreeSet::new()).is_err());
    }
}

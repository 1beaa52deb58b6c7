//! The only module that names serde_yaml (deprecated upstream, so kept swappable).
//!
//! Input: YAML text and where it sits in its file. Output: typed values, or one
//! `SiteError` with a position counted from the top of the file, a plain message and a hint.
//! Must not: parse oversized input (the caller caps it: serde_yaml is quadratic on
//! nested flow mappings) or leak serde_yaml's message format into user-facing text unexplained.

use crate::error::{SiteError, did_you_mean};
use serde::de::DeserializeOwned;

/// Deserialize `text`, which starts on line `first_line + 1` of `rel_path`.
/// `keys` are the accepted top-level keys, for "did you mean" hints.
pub(crate) fn from_str<T: DeserializeOwned>(
    text: &str,
    rel_path: &str,
    first_line: usize,
    keys: &[&str],
) -> Result<T, SiteError> {
    if let Some((line, column)) = tab_indentation(text) {
        return Err(SiteError::new(rel_path, line + first_line, column, "tab character used for indentation")
            .with_hint("YAML indents with spaces only: replace the tab with spaces"));
    }
    let text_for_serde = if text.trim().is_empty() { "{}" } else { text };
    serde_yaml::from_str(text_for_serde).map_err(|e| {
        let raw = e.to_string();
        let (mut line, mut column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        if let Some((l, c)) = context_mark(&raw) {
            (line, column) = (l, c);
        }
        let (mut message, mut hint) = explain(&raw, keys);
        if message.starts_with("repetition limit exceeded") {
            // An "alias bomb": anchors (`&a`) referred to (`*a`) over and over expand exponentially.
            (line, column) = first_alias(text).unwrap_or((line, column));
            message = "YAML aliases (`*name`) here expand to far more values than the front matter holds".into();
            hint = Some("write the values out instead of referring to anchors (`&name`) again and again".into());
        }
        if message.contains("is given twice")
            && let Some(second) = message.split('`').nth(1).and_then(|k| key_positions(text, k).nth(1))
        {
            (line, column) = second;
        }
        let mut err = SiteError::new(rel_path, line + first_line, column, message);
        err.hint = hint;
        err
    })
}

/// Every top-level key of `text` (starting on line `first_line + 1` of `rel_path`) that is not
/// one of `keys`, as an error at the key with a "did you mean"; and `text` with those keys' lines
/// blanked (so the rest can still be read, at the same positions).
pub(crate) fn unknown_keys(text: &str, rel_path: &str, first_line: usize, keys: &[&str]) -> (Vec<SiteError>, String) {
    let unknown: Vec<(String, usize, usize)> =
        top_level_keys(text).into_iter().filter(|(k, ..)| !keys.contains(&k.as_str())).collect();
    if unknown.is_empty() {
        return (Vec::new(), String::new());
    }
    let errors = unknown
        .iter()
        .map(|(key, line, column)| {
            let (message, hint) = explain(&format!("unknown field `{key}`"), keys);
            let mut err = SiteError::new(rel_path, line + first_line, *column, message);
            err.hint = hint;
            err
        })
        .collect();
    let mut blanking = false;
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if line.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                blanking = unknown.iter().any(|(_, l, _)| *l == i + 1);
            }
            if blanking { "" } else { line }
        })
        .collect();
    (errors, kept.join("\n"))
}

/// Where the first alias (`*name`, outside quotes and comments) is written.
fn first_alias(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let code = line.split(" #").next().unwrap_or(line);
        let mut quoted = None;
        let mut previous = ' ';
        for (at, c) in code.char_indices() {
            match (quoted, c) {
                (Some(q), c) if c == q => quoted = None,
                (None, '"' | '\'') => quoted = Some(c),
                (None, '*') if matches!(previous, ' ' | '[' | ',' | '{' | ':' | '-') => {
                    return Some((i + 1, code[..at].chars().count() + 1));
                }
                _ => {}
            }
            previous = c;
        }
        None
    })
}

/// Scanner errors name where the unfinished construct started: `…, while scanning X at line L column C`.
/// That is where the mistake is (an opening quote, say), not the end of input.
fn context_mark(raw: &str) -> Option<(usize, usize)> {
    let (_, context) = raw.split_once(", while ")?;
    let (_, pos) = context.rsplit_once(" at line ")?;
    let (l, c) = pos.split_once(" column ")?;
    Some((l.trim().parse().ok()?, c.trim().parse().ok()?))
}

/// The top-level keys of a serialized struct whose values are not null (unset `Option`s).
pub(crate) fn non_null_keys<T: serde::Serialize>(value: &T) -> Vec<String> {
    match serde_yaml::to_value(value) {
        Ok(serde_yaml::Value::Mapping(map)) => {
            map.into_iter().filter(|(_, v)| !v.is_null()).filter_map(|(k, _)| k.as_str().map(str::to_string)).collect()
        }
        _ => Vec::new(),
    }
}

/// The top-level keys of `text` whose values hold a stray control character (written, or made
/// by an escape such as `"\0"`), with the first such character.
pub(crate) fn control_chars_by_key(text: &str) -> Vec<(String, char)> {
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(value) => control_chars_in_value(&value),
        Err(_) => Vec::new(),
    }
}

/// The same for a parsed value (front matter), read back through serde.
pub(crate) fn control_chars_in<T: serde::Serialize>(value: &T) -> Vec<(String, char)> {
    serde_yaml::to_value(value).map(|v| control_chars_in_value(&v)).unwrap_or_default()
}

fn control_chars_in_value(value: &serde_yaml::Value) -> Vec<(String, char)> {
    let serde_yaml::Value::Mapping(map) = value else { return Vec::new() };
    map.iter().filter_map(|(k, v)| Some((k.as_str()?.to_string(), first_control(v)?))).collect()
}

fn first_control(value: &serde_yaml::Value) -> Option<char> {
    use serde_yaml::Value;
    match value {
        Value::String(s) => crate::text::first_stray_control(s).map(|(_, c)| c),
        Value::Sequence(items) => items.iter().find_map(first_control),
        Value::Mapping(map) => map.iter().find_map(|(k, v)| first_control(k).or_else(|| first_control(v))),
        Value::Tagged(tagged) => first_control(&tagged.value),
        _ => None,
    }
}

/// Position (line, column; 1-based) of a top-level `key:` in `text`.
pub(crate) fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    key_positions(text, key).next()
}

/// Line and column of `key:` inside the top-level block `parent:` (block style, as written by hand).
pub(crate) fn nested_key_position(text: &str, parent: &str, key: &str) -> Option<(usize, usize)> {
    let (start, _) = key_position(text, parent)?;
    text.lines().enumerate().skip(start).take_while(|(_, l)| l.is_empty() || l.starts_with([' ', '\t'])).find_map(
        |(i, l)| {
            let trimmed = l.trim_start();
            let rest = trimmed.strip_prefix(key)?;
            rest.trim_start().starts_with(':').then_some((i + 1, l.len() - trimmed.len() + 1))
        },
    )
}

/// Every top-level key of a block mapping with its position (line, column; 1-based).
pub(crate) fn top_level_keys(text: &str) -> Vec<(String, usize, usize)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
        .filter_map(|(i, l)| {
            let (key, _) = l.split_once(':')?;
            let key = key.trim_end();
            (!key.contains(' ')).then(|| (key.to_string(), i + 1, 1))
        })
        .collect()
}

/// Where `value` is written inside the block of the top-level `key` (a list item, as a flow
/// `[a, b]` or a block `- a`); the key's own position when it cannot be found.
pub(crate) fn value_position(text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    let (start, column) = key_position(text, key)?;
    let block = text
        .lines()
        .enumerate()
        .skip(start - 1)
        .take_while(|(i, l)| *i == start - 1 || !l.starts_with(|c: char| c.is_alphanumeric() || c == '_'));
    let found = block.into_iter().find_map(|(i, l)| {
        let from = if i == start - 1 { l.find(':')? + 1 } else { 0 };
        let at = l[from..].find(value)? + from;
        Some((i + 1, l[..at].chars().count() + 1))
    });
    Some(found.unwrap_or((start, column)))
}

fn key_positions<'a>(text: &'a str, key: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    text.lines()
        .enumerate()
        .filter(move |(_, l)| l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')))
        .map(|(i, _)| (i + 1, 1))
}

fn tab_indentation(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, l)| {
        let indent_len = l.len() - l.trim_start_matches([' ', '\t']).len();
        l[..indent_len].find('\t').map(|col| (i + 1, col + 1))
    })
}

/// Turn serde_yaml's message into our wording: `field: what is wrong`, plus a hint.
fn explain(raw: &str, keys: &[&str]) -> (String, Option<String>) {
    let without_pos = strip_positions(raw);
    let without_pos = without_pos.as_str();
    let (path, msg) = split_path(without_pos);
    let field = |p: &str| {
        if p.is_empty() { String::new() } else { format!("`{p}`: ") }
    };
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let hint = match did_you_mean(name, keys.iter().copied()).filter(|_| path.is_empty()) {
            Some(good) => format!("did you mean `{good}`?"),
            None if path.is_empty() => "custom keys go under `extra:`".to_string(),
            None => format!("check the spelling; {}", expected_list(rest)),
        };
        let place = if path.is_empty() { String::new() } else { format!(" in `{path}`") };
        return (format!("unknown field `{name}`{place}"), Some(hint));
    }
    if let Some(rest) = msg.strip_prefix("duplicate field `").or_else(|| msg.strip_prefix("duplicate entry with key "))
    {
        let name = rest.trim_matches(|c| c == '`' || c == '"');
        return (format!("{}`{name}` is given twice", field(&path)), Some("keep one of the two lines".into()));
    }
    if msg.starts_with("invalid type: unit value") {
        return (
            format!("{}has no value (`~` or nothing after the colon)", field(&path)),
            Some("give it a value, or remove the line".into()),
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return (format!("{}missing required field `{name}`", field(&path)), Some(format!("add `{name}:` to it")));
    }
    (format!("{}{msg}", field(&path)), syntax_hint(msg))
}

/// Remove every ` at line L column C` from a message: the position is reported separately.
fn strip_positions(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let skip = after.find(" column ").map(|c| {
            let digits = after[c + 8..].bytes().take_while(u8::is_ascii_digit).count();
            c + 8 + digits
        });
        match skip {
            Some(n) => rest = &after[n..],
            None => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace(", while", " while")
}

/// serde_yaml prefixes errors inside a value with its path: `event.start: invalid value …`.
fn split_path(msg: &str) -> (String, &str) {
    match msg.split_once(": ") {
        Some((p, rest)) if !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || "_.[]-".contains(c)) => {
            (p.to_string(), rest)
        }
        _ => (String::new(), msg),
    }
}

fn expected_list(rest: &str) -> String {
    rest.split_once(", ").map_or_else(|| "this block takes no keys".into(), |(_, e)| e.to_string())
}

fn syntax_hint(msg: &str) -> Option<String> {
    let hint = if msg.contains("expected a list") {
        "write a list, like `[Su Hongwen, Liu Zheng]`, or one name in quotes"
    } else if msg.contains("expected a date") {
        "write the date as YYYY-MM-DD, or YYYY-MM-DD HH:MM for a time of day"
    } else if msg.contains("expected a string") {
        "put the text in quotes"
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        "fix the value's type; quote text that YAML would read as a number or date"
    } else if msg.contains("quoted scalar") {
        "a quoted value is not closed: add the closing quote on the same line"
    } else if msg.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted"
    } else if msg.contains("did not find expected") || msg.contains("could not find expected") {
        "check the indentation and that quotes and brackets are closed"
    } else {
        return None;
    };
    Some(hint.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn tabs_in_indentation_are_found() {
        assert_eq!(tab_indentation("a: 1\nb:\n\t- x\n"), Some((3, 1)));
        assert_eq!(tab_indentation("a: x\ty\n"), None);
    }

    #[test]
    fn positions_are_offset_to_the_file() {
        let e = from_str::<BTreeMap<String, u32>>("a: 1\nb: x\n", "f.md", 1, &[]).unwrap_err();
        assert_eq!((e.line, e.column), (3, 4));
    }

    #[test]
    fn values_are_found_in_flow_and_block_lists_of_their_key() {
        let text = "title: /a/\naliases: [/a/, /b/]\nother:\n  - /c/\nlist:\n  - /c/\n";
        assert_eq!(value_position(text, "aliases", "/a/"), Some((2, 11)));
        assert_eq!(value_position(text, "aliases", "/b/"), Some((2, 16)));
        assert_eq!(value_position(text, "list", "/c/"), Some((6, 5)));
        assert_eq!(value_position(text, "aliases", "/zzz/"), Some((2, 1)));
        let keys: Vec<String> = top_level_keys(text).into_iter().map(|(k, ..)| k).collect();
        assert_eq!(keys, ["title", "aliases", "other", "list"]);
    }

    #[test]
    fn an_alias_bomb_is_located_at_its_first_alias() {
        let mut text =
            String::from("title: x\nextra:\n  a: &a [\"*x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        for (name, prev) in
            ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            text.push_str(&format!("  {name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
        }
        let e = from_str::<serde_yaml::Value>(&text, "f.md", 1, &[]).unwrap_err();
        assert_eq!((e.line, e.column), (5, 10), "{}", e.message);
        assert!(e.message.starts_with("YAML aliases"), "{}", e.message);
    }

    #[test]
    fn key_position_matches_top_level_keys_only() {
        assert_eq!(key_position("title: x\n  base_url: y\nbase_url : z\n", "base_url"), Some((3, 1)));
    }
}

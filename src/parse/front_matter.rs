//! Split a content file into front matter and body, and check the front matter
//! against its collection's schema.
//!
//! Input: the file's text (BOM stripped, LF line endings). Output: `FrontMatter` and the
//! body with the line it starts on, or located `SiteError`s.
//! Must not: hand oversized YAML to the parser.

use crate::error::SiteError;
use crate::model::{Collection, FrontMatter, Title};
use crate::yaml;

/// Front matter larger than this is rejected before parsing.
pub(super) const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// The parts of a content file, with the 0-based line each part starts on.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct SplitFile<'a> {
    pub yaml: &'a str,
    pub yaml_first_line: usize,
    pub body: &'a str,
    pub body_first_line: usize,
}

/// Find the `---` fences. The YAML starts on line 1 (0-based), after the opening fence.
pub(super) fn split<'a>(rel_path: &str, text: &'a str) -> Result<SplitFile<'a>, SiteError> {
    let Some(after_open) = text.strip_prefix("---\n").or_else(|| (text == "---").then_some("")) else {
        return Err(SiteError::whole_file(rel_path, "the file does not start with front matter")
            .with_hint("begin the file with a `---` line, then `title: …`, then another `---` line")
            .with_source(text));
    };
    let mut offset = 0;
    for (i, line) in after_open.split_inclusive('\n').enumerate() {
        if offset > MAX_FRONT_MATTER_BYTES {
            break;
        }
        let bare = line.trim_end_matches('\n').trim_end();
        if bare == "---" || bare == "..." {
            return Ok(SplitFile {
                yaml: &after_open[..offset],
                yaml_first_line: 1,
                body: &after_open[offset + line.len()..],
                body_first_line: i + 2,
            });
        }
        offset += line.len();
    }
    if offset > MAX_FRONT_MATTER_BYTES {
        return Err(SiteError::whole_file(
            rel_path,
            format!("front matter is larger than {} KiB", MAX_FRONT_MATTER_BYTES / 1024),
        )
        .with_hint("move long text into the body of the file"));
    }
    Err(SiteError::whole_file(rel_path, "front matter is not closed")
        .with_hint("add a line with `---` after the last front-matter key")
        .with_source(text))
}

/// Parse the YAML part into `FrontMatter`.
/// The front matter, and every unknown key (each an error; the rest is read without them, so the
/// file's other mistakes show in the same run); or every problem when it cannot be read.
pub(super) fn parse(rel_path: &str, split: &SplitFile) -> Result<(FrontMatter, Vec<SiteError>), Vec<SiteError>> {
    let keys = FrontMatter::keys();
    let (mut unknown, known) = yaml::unknown_keys(split.yaml, rel_path, split.yaml_first_line, &keys);
    let text = if unknown.is_empty() { split.yaml } else { known.as_str() };
    match yaml::from_str(text, rel_path, split.yaml_first_line, &keys) {
        Ok(front) => Ok((front, unknown)),
        Err(e) => {
            unknown.push(e);
            Err(unknown)
        }
    }
}

/// The top-level keys `fm` sets, read back through serde so a new field can never be missed.
fn present_keys(fm: &FrontMatter) -> Vec<String> {
    yaml::non_null_keys(fm)
}

/// Required fields present, and no field that belongs to another collection. A translation
/// (`translation`) needs only its title here: assemble gives it the rest from its original.
pub(super) fn check_schema(
    rel_path: &str,
    (collection, translation): (Collection, bool),
    fm: &FrontMatter,
    split: &SplitFile,
) -> Vec<SiteError> {
    let at_key =
        |key: &str| yaml::key_position(split.yaml, key).map_or((1, 1), |(l, c)| (l + split.yaml_first_line, c));
    let mut errors = Vec::new();
    let present = present_keys(fm);
    for key in present.iter().map(String::as_str) {
        let Some(used) = FrontMatter::key_use(key) else { continue };
        if !used.allows(collection) {
            let (line, col) = at_key(key);
            let owners: Vec<&str> = Collection::ALL.iter().filter(|c| used.allows(**c)).map(|c| c.dir()).collect();
            errors.push(
                SiteError::new(rel_path, line, col, format!("`{key}` is not a field of {}", collection.dir()))
                    .with_hint(format!("it belongs to {}; put custom values under `extra:`", owners.join(", "))),
            );
        }
    }
    let mut required = vec!["title"];
    let collection_required = if translation { Collection::Page } else { collection };
    // A report without a date still builds (it is listed last and gets no citation tags, with a
    // warning from assemble); proceedings and stories are events and need one.
    required.extend(crate::model::required_keys(collection_required, fm.series.is_some()));
    // A misspelt key (`tilte:`) is already an error that names the key it meant: not missing too.
    let keys = FrontMatter::keys();
    let misspelt: Vec<String> =
        yaml::top_level_keys(split.yaml).into_iter().map(|(k, ..)| k).filter(|k| !keys.contains(&k.as_str())).collect();
    for key in required {
        if present.iter().any(|p| p == key) || misspelt.iter().any(|m| crate::error::did_you_mean(m, [key]).is_some()) {
            continue;
        }
        // `title: ~` parses as absent; say so at the key rather than calling it missing.
        errors.push(match yaml::key_position(split.yaml, key) {
            Some((line, col)) => {
                SiteError::new(rel_path, line + split.yaml_first_line, col, format!("`{key}` has no value"))
                    .with_hint(format!("write the {key} after `{key}:`; {} require it", collection.dir()))
            }
            // At the closing `---`: where the key would go.
            None => SiteError::new(rel_path, split.body_first_line, 1, format!("missing required field `{key}`"))
                .with_hint(format!("{} need `{key}:` in their front matter: add it above this line", collection.dir())),
        });
    }
    // The file's own text was checked already: only a YAML escape (`"\0"`) can add one here.
    let escapes = if split.yaml.contains('\\') { yaml::control_chars_in(fm) } else { Vec::new() };
    for (key, bad) in escapes {
        let (line, col) = at_key(&key);
        let message = format!("`{key}` contains the control character U+{:04X}", u32::from(bad));
        errors.push(
            SiteError::new(rel_path, line, col, message)
                .with_hint("remove it (an escape such as \\0 or \\e makes one)"),
        );
    }
    errors.extend(event_order(rel_path, fm, split));
    if fm.doi.is_some() && fm.bare_doi().is_none() {
        let (line, col) = at_key("doi");
        errors.push(
            SiteError::new(
                rel_path,
                line,
                col,
                format!("`doi: {}` is not a DOI", fm.doi.as_deref().unwrap_or_default()),
            )
            .with_hint(
                "write it as 10.1234/suffix (or https://doi.org/10.1234/suffix), as the registration agency gave it",
            ),
        );
    }
    if fm.title.as_ref().is_some_and(Title::is_blank) {
        let (line, col) = at_key("title");
        errors.push(SiteError::new(rel_path, line, col, "`title` is empty").with_hint("write the item's title"));
    }
    if collection != Collection::Person && matches!(fm.title, Some(Title::PerLanguage(_))) {
        let (line, col) = at_key("title");
        errors.push(
            SiteError::new(rel_path, line, col, "only a people page may give its title per language")
                .with_hint("write one title here, and the other language's in a translation (`x.zh.md`)"),
        );
    }
    errors
}

/// An event, and each of its sessions, ends after it starts.
fn event_order(rel_path: &str, fm: &FrontMatter, split: &SplitFile) -> Vec<SiteError> {
    let mut errors = Vec::new();
    let at = |parent: &str, key: &str| {
        yaml::nested_key_position(split.yaml, parent, key)
            .or_else(|| yaml::key_position(split.yaml, parent))
            .map_or((1, 1), |(l, c)| (l + split.yaml_first_line, c))
    };
    if let Some(event) = &fm.event
        && event.end.is_some_and(|end| end < event.start)
    {
        let (line, col) = at("event", "end");
        let message = format!(
            "the event ends ({}) before it starts ({})",
            event.end.map(|e| e.iso()).unwrap_or_default(),
            event.start.iso()
        );
        errors.push(SiteError::new(rel_path, line, col, message).with_hint("check `start:` and `end:` of `event:`"));
    }
    for (n, session) in fm.sessions.iter().flatten().enumerate() {
        if session.end.is_some_and(|end| end < session.start) {
            let (line, col) = at("sessions", "end");
            let message = format!("session {} ends before it starts", n + 1);
            errors.push(SiteError::new(rel_path, line, col, message).with_hint("check its `start:` and `end:`"));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_yaml_and_body_lines() {
        let s = split("a.md", "---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_first_line, 3);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("a.md", "---\ntitle: x\nbody\n").unwrap_err();
        assert_eq!(e.message, "front matter is not closed");
    }

    #[test]
    fn oversized_front_matter_is_refused_before_parsing() {
        let text = format!("---\n{}", "a: [{{[{{\n".repeat(20_000));
        let e = split("a.md", &text).unwrap_err();
        assert!(e.message.starts_with("front matter is larger than"));
    }

    #[test]
    fn present_keys_covers_every_key() {
        let fm: FrontMatter = serde_yaml::from_str("title: x\nextra: {a: 1}\nrole: r\n").unwrap();
        let mut keys = present_keys(&fm);
        keys.sort();
        assert_eq!(keys, ["extra", "role", "title"]);
    }
}

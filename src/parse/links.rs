//! Classify a link destination written in Markdown: keep it, drop it as unsafe, or treat it
//! as a link to another Markdown file (resolved later, in assemble).

#[derive(Debug, PartialEq, Eq)]
pub(super) enum LinkKind {
    Keep,
    Anchor(String),
    Markdown { path: String, anchor: Option<String> },
    Unsafe(String),
}

pub(super) fn classify(dest: &str, image: bool) -> LinkKind {
    // Browsers drop tabs and newlines inside URLs and leading control characters and spaces.
    let cleaned: String = dest.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let cleaned = cleaned.trim_start_matches(|c: char| c <= ' ');
    if let Some(anchor) = cleaned.strip_prefix('#') {
        return if anchor.is_empty() { LinkKind::Keep } else { LinkKind::Anchor(anchor.to_string()) };
    }
    if let Some(colon) = cleaned.find(':')
        && !cleaned[..colon].contains(['/', '?', '#'])
    {
        let scheme = cleaned[..colon].to_ascii_lowercase();
        let allowed: &[&str] = if image { &["http", "https"] } else { &["http", "https", "mailto"] };
        return if allowed.contains(&scheme.as_str()) { LinkKind::Keep } else { LinkKind::Unsafe(scheme) };
    }
    let (path, anchor) = match cleaned.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string()).filter(|a| !a.is_empty())),
        None => (cleaned, None),
    };
    if !image && !path.starts_with("//") && path.to_ascii_lowercase().ends_with(".md") {
        return LinkKind::Markdown { path: path.to_string(), anchor };
    }
    LinkKind::Keep
}

/// `content/reports/a.md` + `../stories/b.md` → `content/stories/b.md`; `/x/y.md` is from `content/`.
pub(super) fn resolve_path(from_rel_path: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        vec!["content"]
    } else {
        from_rel_path.split('/').collect::<Vec<_>>().split_last().map(|(_, dir)| dir.to_vec()).unwrap_or_default()
    };
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
                if parts.is_empty() {
                    return None;
                }
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_path_handles_dots_and_root() {
        assert_eq!(resolve_path("content/reports/a.md", "./b.md").as_deref(), Some("content/reports/b.md"));
        assert_eq!(resolve_path("content/reports/a.md", "/people/p.md").as_deref(), Some("content/people/p.md"));
        assert_eq!(resolve_path("content/reports/a.md", "../../../x.md"), None);
    }

    #[test]
    fn schemes_are_allowed_only_from_the_list() {
        assert_eq!(classify("https://x.org/a.md", false), LinkKind::Keep);
        assert_eq!(classify(" javascript:alert(1)", false), LinkKind::Unsafe("javascript".into()));
        assert_eq!(classify("mailto:a@b.org", true), LinkKind::Unsafe("mailto".into()));
        assert_eq!(classify("b.md#x", false), LinkKind::Markdown { path: "b.md".into(), anchor: Some("x".into()) });
    }
}

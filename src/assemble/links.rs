//! Resolve links between Markdown files into URLs, checking targets and anchors.

use crate::error::SiteError;
use crate::model::Page;
use std::collections::HashMap;

/// Why a page that exists on disk is not published in this build.
pub type Unpublished<'a> = HashMap<&'a str, &'static str>;

/// Put real URLs into every page's links; report missing pages and anchors.
pub fn resolve(pages: &mut [Page], base_path: &str, unpublished: &Unpublished) -> Vec<SiteError> {
    let by_path: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel_path.clone(), i))
        .collect();
    let mut errors = Vec::new();
    let mut filled: Vec<(usize, String)> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        if page.links.is_empty() {
            continue;
        }
        let mut hrefs = Vec::with_capacity(page.links.len());
        for link in &page.links {
            let fail = |message: String, hint: &str| {
                SiteError::new(&page.rel_path, link.line, link.column, message).with_hint(hint)
            };
            let Some(&target_id) = by_path.get(&link.target) else {
                let message = match unpublished.get(link.target.as_str()) {
                    Some(reason) => format!(
                        "link to `{}`, which is {reason} and not published",
                        link.target
                    ),
                    None => format!("link to `{}`, which does not exist", link.target),
                };
                errors.push(fail(message, "check the path: it is relative to this file, or to content/ when it starts with /"));
                hrefs.push(String::new());
                continue;
            };
            let target = &pages[target_id];
            if let Some(anchor) = &link.anchor
                && !target.has_anchor(anchor)
            {
                let known: Vec<&str> = target.headings.iter().map(|h| h.id.as_str()).collect();
                let hint = match crate::error::did_you_mean(anchor, known.iter().copied()) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None if known.is_empty() => "that page has no headings to link to".to_string(),
                    None => format!(
                        "its headings are: {}",
                        known
                            .iter()
                            .map(|k| format!("#{k}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                errors.push(fail(
                    format!(
                        "link to `#{anchor}` in `{}`, which has no such heading",
                        link.target
                    ),
                    &hint,
                ));
            }
            let fragment = link
                .anchor
                .as_ref()
                .map(|a| format!("#{a}"))
                .unwrap_or_default();
            hrefs.push(if target_id == i {
                fragment
            } else {
                format!("{base_path}{}{fragment}", target.url_path)
            });
        }
        filled.push((i, fill(&page.body_html, &hrefs)));
    }
    for (i, html) in filled {
        pages[i].body_html = html;
    }
    errors
}

/// Replace each `href="seedbed-link:N"` with the N-th URL (escaped for the attribute).
fn fill(html: &str, hrefs: &[String]) -> String {
    let mut out = String::with_capacity(html.len() + hrefs.len() * 16);
    let mut rest = html;
    let marker = "href=\"seedbed-link:";
    while let Some(pos) = rest.find(marker) {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + marker.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|n| hrefs.get(n))
        {
            Some(url) if after[digits..].starts_with('"') => {
                out.push_str("href=\"");
                out.push_str(&crate::parse::markdown::escape_attr(url));
                out.push('"');
                rest = &after[digits + 1..];
            }
            _ => {
                out.push_str(marker);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_placeholders_in_order() {
        let html = "<a href=\"seedbed-link:1\">b</a><a href=\"seedbed-link:0\">a</a>";
        assert_eq!(
            fill(html, &["/a/".into(), "/b/#x".into()]),
            "<a href=\"/b/#x\">b</a><a href=\"/a/\">a</a>"
        );
    }
}

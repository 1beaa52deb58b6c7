//! SVG files that would run script when opened: a browser runs an SVG's `<script>` and event
//! handlers when the file is opened directly (not through `<img>`), with the site's origin.
//!
//! Input: an SVG file's text. Output: where it could run script, and why. Must not: change the
//! file (a cleaned copy that differs from the editor's file would surprise; they fix it once).

use quick_xml::events::{BytesStart, Event};

/// Elements that run script or embed a document that can.
const ACTIVE_ELEMENTS: [&str; 5] = ["script", "foreignobject", "iframe", "embed", "object"];

/// Each place in `text` where the SVG could run script: byte offset and what is there.
/// An SVG that is not well-formed XML gives one problem at the error.
pub(crate) fn active_content(text: &str) -> Vec<(usize, String)> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut problems = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let at = || text[before..].find('<').map_or(before, |i| before + i);
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => problems.extend(element_problem(&e).map(|m| (at(), m))),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                problems.push((reader.error_position() as usize, format!("it is not well-formed XML ({e})")));
                break;
            }
        }
    }
    problems
}

fn element_problem(element: &BytesStart) -> Option<String> {
    let name = String::from_utf8_lossy(element.local_name().as_ref()).to_ascii_lowercase();
    if ACTIVE_ELEMENTS.contains(&name.as_str()) {
        return Some(format!("it has a <{name}> element, which runs when the file is opened"));
    }
    for attribute in element.attributes().with_checks(false).flatten() {
        let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).to_ascii_lowercase();
        if key.starts_with("on") {
            return Some(format!("<{name}> has an event handler `{key}`, which runs when the file is opened"));
        }
        // As a browser reads it: entities decoded, then spaces and control characters dropped.
        let value = attribute
            .unescape_value()
            .map_or_else(|_| String::from_utf8_lossy(&attribute.value).into_owned(), |v| v.into_owned())
            .to_ascii_lowercase();
        let value: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
        if value.contains("javascript:") || value.starts_with("data:text/html") {
            return Some(format!("<{name} {key}=…> points at script"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawings_pass_and_scripts_handlers_and_script_links_are_found_where_they_are() {
        let clean = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><a href="/x/"><rect width="5" height="5"/></a></svg>"#;
        assert!(active_content(clean).is_empty());
        let script = "<svg>\n  <script>alert(1)</script></svg>";
        assert_eq!(active_content(script)[0].0, 8);
        assert!(active_content(r#"<svg><rect ONLOAD="alert(1)"/></svg>"#)[0].1.contains("onload"));
        assert!(!active_content(r#"<svg><a xlink:href=" java&#x09;script:x"><text>t</text></a></svg>"#).is_empty());
        assert!(!active_content(r#"<svg><set attributeName="href" to="javascript:x"/></svg>"#).is_empty());
        assert!(!active_content(r#"<svg><foreignObject><p/></foreignObject></svg>"#).is_empty());
        assert!(active_content("<svg><g></svg>")[0].1.contains("well-formed"));
    }
}

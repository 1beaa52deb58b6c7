//! Images in a body: each becomes a marker render fills (`text::image_marker`), with its alt
//! text, title, position and the files it may be; one with an unsafe address is dropped.

use super::BodyState;
use crate::error::SiteError;
use crate::model::{BodyImage, Position};
use crate::parse::links::{LinkKind, classify, resolve_path};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

impl<'a> BodyState<'a, '_> {
    /// An image becomes a marker that render replaces (it needs the file's size and copies);
    /// one with an unsafe address is dropped, its alt text kept as text.
    pub(super) fn start_image(&mut self, dest: CowStr<'a>, title: CowStr<'a>, offset: usize) {
        let (line, column) = self.position(offset);
        let Some(candidates) = self.image_candidates(&dest, line, column) else {
            self.kept.push(false);
            return;
        };
        let image = BodyImage {
            written: dest.to_string(),
            candidates,
            alt: String::new(),
            title: title.to_string(),
            line,
            column,
            link: false,
        };
        self.rendered.images.push(image);
        self.image = Some((self.rendered.images.len() - 1, 0));
    }

    /// The output paths an image in the site may be (`Some(None)` for an http(s) image), `None`
    /// to drop it.
    pub(super) fn image_candidates(&mut self, dest: &str, line: usize, column: usize) -> Option<Option<Vec<String>>> {
        match classify(dest, true) {
            LinkKind::Unsafe(scheme) => {
                let what = ("image", "images may use http, https or a path to a file in the site");
                self.warn_scheme(what, &scheme, (line, column));
                None
            }
            _ if dest.contains("://") || dest.starts_with("//") => Some(None),
            _ => Some(Some(site_file_paths(self.ctx.rel_path, dest))),
        }
    }

    /// Inside an image: its text is the alt text; its end writes the marker.
    pub(super) fn image_event(&mut self, event: Event<'a>) {
        let Some((index, depth)) = self.image else { return };
        match event {
            Event::Text(t) | Event::Code(t) => self.rendered.images[index].alt.push_str(&t),
            Event::SoftBreak | Event::HardBreak => self.rendered.images[index].alt.push(' '),
            Event::Start(Tag::Image { .. }) => self.image = Some((index, depth + 1)),
            Event::End(TagEnd::Image) if depth > 0 => self.image = Some((index, depth - 1)),
            Event::End(TagEnd::Image) => {
                self.image = None;
                self.warn_without_alt(index);
                self.emit(Event::InlineHtml(crate::text::image_marker(index).into()));
            }
            _ => {}
        }
    }

    pub(super) fn warn_without_alt(&mut self, index: usize) {
        let image = &self.rendered.images[index];
        if !image.alt.trim().is_empty() {
            return;
        }
        let message = format!("image `{}` has no alt text", image.written);
        let warning = SiteError::warning(self.ctx.rel_path, image.line, image.column, message)
            .with_hint("say what it shows between the brackets: ![Use rate by county, 2015-2023](chart.png)");
        self.rendered.problems.push(warning);
    }
}

/// The front matter's `image:` (the picture shown when the item is shared) as one of the page's
/// images, not shown in its body; an address that is neither http(s) nor a path is an error.
pub(crate) fn front_image(rel_path: &str, src: &str, alt: String, at: Position) -> Result<BodyImage, SiteError> {
    let src = src.trim();
    let candidates = match classify(src, true) {
        LinkKind::Unsafe(scheme) => {
            let message = format!("`image:` uses the `{scheme}:` scheme");
            let hint = "give a path to an image in the site (share.png, /images/share.png) or an https address";
            return Err(SiteError::new(rel_path, at.line, at.column, message).with_hint(hint));
        }
        _ if src.contains("://") || src.starts_with("//") => None,
        _ => Some(site_file_paths(rel_path, src)),
    };
    let (line, column) = (at.line, at.column);
    Ok(BodyImage { written: src.to_string(), candidates, alt, title: String::new(), line, column, link: false })
}

/// Whether a link's `dest` is a relative path to a file (`data.csv`, `../files/x.pdf`), which a
/// browser would read from the page's own URL (`/reports/x/`), not the Markdown file's folder.
pub(super) fn is_relative_file(dest: &str) -> bool {
    let path = dest.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    !path.starts_with('/')
        && !dest.starts_with('#')
        && !path.contains(':')
        && name.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && !ext.is_empty() && !matches!(ext.to_ascii_lowercase().as_str(), "md" | "html" | "htm")
        })
}

/// The output paths an image (or a linked file) written as `dest` in `rel_path` may be, in order: with a
/// leading `/`, from `content/` or `static/` (both are copied to the output's root); otherwise
/// beside the Markdown file, then in a folder named after it (`x.md` and `x/chart.png`).
/// Empty when the path climbs out of `content/`.
pub(super) fn site_file_paths(rel_path: &str, dest: &str) -> Vec<String> {
    let path = dest.split(['?', '#']).next().unwrap_or_default();
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if path.starts_with('/') {
        return resolve_path(rel_path, &path).and_then(|p| out_path(&p)).into_iter().collect();
    }
    // A translation (`x.zh.md`) shares its item's folder (`x/`).
    let stem = rel_path.strip_suffix(".md").unwrap_or(rel_path);
    let stem = match stem.rsplit_once('.') {
        Some((item, code)) if crate::model::Lang::from_code(code).is_some() => item,
        _ => stem,
    };
    let own_folder = format!("{stem}/x.md");
    [rel_path, own_folder.as_str()]
        .iter()
        .filter_map(|from| resolve_path(from, &path).and_then(|p| out_path(&p)))
        .collect()
}

/// `content/reports/chart.png` → `reports/chart.png`.
fn out_path(content_path: &str) -> Option<String> {
    content_path.strip_prefix("content/").filter(|p| !p.is_empty()).map(str::to_string)
}

//! Stage 2: content files → `Page`s, in parallel.
//!
//! Input: `SourceFile`s from `content/` and the validated `Config`. Output: one `Page` per
//! file that parsed, plus every problem found (errors and warnings), located in its file.
//! Must not: read files, or look at other pages (links are resolved in assemble).

mod data;
mod digests;
mod front_matter;
pub use data::datasets;
pub use digests::digest_parts;
mod highlight;
mod links;
pub(crate) mod markdown;
pub mod pdf;

use crate::config::Config;
use crate::error::{SiteError, line_col};
use crate::model::{
    Collection, FrontMatter, InternalLink, Lang, Packed, Page, Position, Positions, RawBudget, SourceFile,
};
use rayon::prelude::*;
use std::borrow::Cow;

/// Parse each content file as it comes, dropping its bytes once parsed: `sources` reads the files
/// (the load stage), so the site's sources are never all held. The first error reading stops it.
pub fn pages_as_read<E: Send>(
    config: &Config,
    sources: impl IndexedParallelIterator<Item = Result<SourceFile, E>>,
    raw: &RawBudget,
) -> Result<(Vec<Page>, Vec<SiteError>), E> {
    let parsed = sources.map(|source| source.map(|s| page(config, &s, raw))).collect::<Result<Vec<_>, E>>()?;
    Ok(gather(parsed))
}

/// A file's bytes and what they parsed to.
type Parsed = (Vec<u8>, Option<Page>, Vec<SiteError>);

/// What each content file parsed to last time, with the bytes it came from: `serve` re-parses
/// only files whose bytes changed. Valid for one config: clear it when `site.yaml` changes.
#[derive(Default)]
pub struct ParseMemo {
    parsed: std::collections::HashMap<String, Parsed>,
    /// Files parsed since `take_count` was last called.
    count: usize,
}

impl ParseMemo {
    /// Forget every file, so the next parse reads all again.
    pub fn clear(&mut self) {
        self.parsed.clear();
    }

    /// Whether the memo holds these very bytes for this file.
    pub fn has(&self, source: &SourceFile) -> bool {
        self.parsed.get(&source.rel_path).is_some_and(|(bytes, _, _)| *bytes == source.bytes)
    }

    /// Parse one file and remember the result.
    pub fn parse_one(&mut self, config: &Config, source: &SourceFile) -> (Option<Page>, Vec<SiteError>) {
        let (page, problems) = page(config, source, &KEPT);
        self.count += 1;
        self.parsed.insert(source.rel_path.clone(), (source.bytes.clone(), page.clone(), problems.clone()));
        (page, problems)
    }

    /// How many files were parsed since the last call.
    pub fn take_count(&mut self) -> usize {
        std::mem::take(&mut self.count)
    }

    /// The problems (warnings, when the site built) of every file remembered.
    pub fn problems(&self) -> Vec<SiteError> {
        self.parsed.values().flat_map(|(_, _, problems)| problems.iter().cloned()).collect()
    }
}

/// Parse every content file (a `serve` rebuild), reusing the memo's result for every file whose
/// bytes are unchanged; the memo then holds exactly these files.
pub fn pages_changed(config: &Config, sources: &[SourceFile], memo: &mut ParseMemo) -> (Vec<Page>, Vec<SiteError>) {
    let fresh: Vec<Option<(Option<Page>, Vec<SiteError>)>> = sources
        .par_iter()
        .map(|s| match memo.parsed.get(&s.rel_path) {
            Some((bytes, _, _)) if *bytes == s.bytes => None,
            _ => Some(page(config, s, &KEPT)),
        })
        .collect();
    memo.count += fresh.iter().filter(|f| f.is_some()).count();
    let mut previous = std::mem::take(&mut memo.parsed);
    for (source, result) in sources.iter().zip(fresh) {
        let entry = match result {
            Some((page, problems)) => (source.bytes.clone(), page, problems),
            None => match previous.remove(&source.rel_path) {
                Some(entry) => entry,
                None => continue,
            },
        };
        memo.parsed.insert(source.rel_path.clone(), entry);
    }
    let results: Vec<(Option<Page>, Vec<SiteError>)> = sources
        .par_iter()
        .filter_map(|s| memo.parsed.get(&s.rel_path).map(|(_, page, problems)| (page.clone(), problems.clone())))
        .collect();
    gather(results)
}

fn gather(results: Vec<(Option<Page>, Vec<SiteError>)>) -> (Vec<Page>, Vec<SiteError>) {
    let mut pages = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (page, mut found) in results {
        pages.extend(page);
        problems.append(&mut found);
    }
    (pages, problems)
}

/// Pages kept between builds (`serve`) hold every text packed.
static KEPT: RawBudget = RawBudget::new(0);

/// Parse one content file, its texts kept unpacked while `raw` allows. A `Page` comes back
/// whenever there is no error.
pub fn page(config: &Config, source: &SourceFile, raw: &RawBudget) -> (Option<Page>, Vec<SiteError>) {
    let rel_path = source.rel_path.as_str();
    let text = match decode(source) {
        Ok(t) => t,
        Err(e) => return (None, vec![e]),
    };
    let (split, (front, unknown), location) = match front_and_location(config, rel_path, &text) {
        Ok(parts) => parts,
        Err(e) => return (None, e),
    };
    let mut problems = unknown;
    problems.extend(front_matter::check_schema(
        rel_path,
        (location.collection, location.lang != config.default_language),
        &front,
        &split,
    ));
    let slug = front.slug.clone().unwrap_or_else(|| location.stem.clone());
    problems.extend(check_slug(rel_path, &slug, front.slug.is_some(), split.yaml).err());
    problems.extend(check_lang(rel_path, &front, &location, split.yaml).err());
    if let Err(e) = markdown::check_density(rel_path, split.body, split.body_first_line) {
        problems.push(e);
        return (None, problems.into_iter().map(|e| e.with_source(&text)).collect());
    }
    let body = markdown::render(
        &markdown::BodyContext {
            rel_path,
            line_offset: split.body_first_line,
            trusted_html: config.markdown.trusted_html,
            smart_punctuation: config.markdown.smart_punctuation.unwrap_or(true),
            keep_text: config.search_index,
        },
        split.body,
    );
    problems.extend(body.problems);
    let positions = positions(&split, &front);
    let smart = config.markdown.smart_punctuation.unwrap_or(true);
    let smarten = |text: &str| if smart { crate::typography::smart_punctuation(text) } else { text.to_string() };
    let mut front = front;
    front.summary = front.summary.as_deref().map(smarten);
    let mut images = body.images;
    let share_image = match front.image.as_deref().map(|src| {
        let alt = front.image_alt.clone().unwrap_or_default();
        markdown::front_image(rel_path, src, alt, positions.of("image"))
    }) {
        Some(Ok(image)) => {
            if image.alt.trim().is_empty() {
                let at = positions.of("image");
                let message = format!("`image: {}` has no `image_alt`", image.written);
                let hint = "say what the picture shows for readers who cannot see it: image_alt: \"…\"";
                problems.push(SiteError::warning(rel_path, at.line, at.column, message).with_hint(hint));
            }
            images.push(image);
            Some(images.len() - 1)
        }
        Some(Err(e)) => {
            problems.push(e);
            None
        }
        None => None,
    };
    let problems: Vec<SiteError> = problems.into_iter().map(|e| e.with_source(&text)).collect();
    if problems.iter().any(SiteError::is_error) {
        return (None, problems);
    }
    let page = Page {
        positions,
        rel_path: rel_path.to_string(),
        collection: location.collection,
        lang: location.lang,
        url_path: crate::urls::item(location.collection, location.lang, &slug),
        translation_key: format!("{}/{}", location.collection.dir(), location.stem),
        slug,
        title: front
            .title
            .as_ref()
            .map(|t| smarten(t.in_lang(location.lang, config.default_language)))
            .unwrap_or_default(),
        date: front.date,
        draft: front.draft.unwrap_or(false),
        related: related_links(rel_path, &front, &split),
        front,
        anchors: markdown::element_ids(&body.html, &body.headings),
        body_html: Packed::pack_beyond(&body.html, raw),
        headings: body.headings,
        links: body.links,
        images,
        share_image,
        embeds: body.embeds,
        word_count: body.word_count,
        text: Packed::pack_beyond(&body.text, raw),
    };
    (Some(page), problems)
}

/// A file's fenced parts, its front matter with its unknown keys' errors, and where it sits.
type FrontAndLocation<'t> = (front_matter::SplitFile<'t>, (FrontMatter, Vec<SiteError>), FileLocation);

/// The fenced parts, the parsed front matter (with its unknown keys' errors) and where the file
/// sits; what cannot be read stops here.
fn front_and_location<'t>(
    config: &Config,
    rel_path: &str,
    text: &'t str,
) -> Result<FrontAndLocation<'t>, Vec<SiteError>> {
    let split = front_matter::split(rel_path, text).map_err(|e| vec![e])?;
    let sourced = |errors: Vec<SiteError>| errors.into_iter().map(|e| e.with_source(text)).collect::<Vec<_>>();
    let (front, unknown) = front_matter::parse(rel_path, &split).map_err(sourced)?;
    let location = file_location(rel_path, config).map_err(|e| vec![e])?;
    Ok((split, (front, unknown), location))
}

fn check_lang(rel_path: &str, front: &FrontMatter, location: &FileLocation, yaml: &str) -> Result<(), SiteError> {
    match front.lang {
        Some(lang) if lang != location.lang => {
            let (line, column) = crate::yaml::key_position(yaml, "lang").map_or((2, 1), |(l, c)| (l + 1, c));
            let message = format!(
                "`lang: {}` disagrees with the file name, which makes it `{}`",
                lang.code(),
                location.lang.code()
            );
            Err(SiteError::new(rel_path, line, column, message)
                .with_hint("name Chinese files `x.zh.md`, other files `x.md`, or remove `lang:`"))
        }
        _ => Ok(()),
    }
}

/// Where the front matter's keys and aliases are written, counted from the top of the file.
fn positions(split: &front_matter::SplitFile, front: &FrontMatter) -> Positions {
    let offset = split.yaml_first_line;
    let at = |(line, column): (usize, usize)| Position { line: line + offset, column };
    let aliases = front
        .aliases
        .iter()
        .flat_map(|a| a.0.iter())
        .map(|value| at(crate::yaml::value_position(split.yaml, "aliases", value).unwrap_or((0, 1))))
        .collect();
    let keys = crate::yaml::top_level_keys(split.yaml).into_iter().map(|(k, l, c)| (k, at((l, c))));
    let mut positions = Positions::of_keys(keys, aliases);
    positions.end = Some(Position { line: split.body_first_line, column: 1 });
    positions
}

/// `related:` entries are paths to other Markdown files, like links in the body.
fn related_links(rel_path: &str, front: &FrontMatter, split: &front_matter::SplitFile) -> Vec<InternalLink> {
    let (line, column) = crate::yaml::key_position(split.yaml, "related").map_or((1, 1), |(l, c)| (l + 1, c));
    front
        .related
        .iter()
        .flat_map(|l| l.0.iter())
        .map(|path| {
            let target = links::resolve_path(rel_path, path).unwrap_or_else(|| format!("(outside the site) {path}"));
            InternalLink { target, anchor: None, line, column }
        })
        .collect()
}

/// UTF-8 text with any BOM removed and CRLF turned into LF, so both give the same HTML.
fn decode(source: &SourceFile) -> Result<Cow<'_, str>, SiteError> {
    let text = std::str::from_utf8(&source.bytes).map_err(|e| {
        let valid = e.valid_up_to();
        let prefix = String::from_utf8_lossy(&source.bytes[..valid]);
        let (line, column) = line_col(&prefix, valid);
        SiteError::new(&source.rel_path, line, column, format!("invalid UTF-8 at byte offset {valid}"))
            .with_hint("save the file as UTF-8 (most editors: \"Save with encoding\")")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some((offset, bad)) = crate::text::first_stray_control(text) {
        let (line, column) = line_col(text, offset);
        let count = text.chars().filter(|c| crate::text::is_stray_control(*c)).count();
        let others = if count > 1 { format!(" (and {} more)", count - 1) } else { String::new() };
        return Err(SiteError::new(&source.rel_path, line, column, format!("the control character U+{:04X}{others} is not text", u32::from(bad)))
            .with_hint("remove it: pages, feeds and calendars cannot carry it (it often comes from pasting out of another program)")
            .with_source(text));
    }
    Ok(if text.contains('\r') { Cow::Owned(text.replace("\r\n", "\n")) } else { Cow::Borrowed(text) })
}

struct FileLocation {
    collection: Collection,
    lang: Lang,
    stem: String,
}

/// Collection from the first folder under `content/`, language from `x.zh.md`.
fn file_location(rel_path: &str, config: &Config) -> Result<FileLocation, SiteError> {
    let inner = rel_path.strip_prefix("content/").unwrap_or(rel_path);
    let (dir, file) = (inner.split('/').next().unwrap_or(""), inner.rsplit('/').next().unwrap_or(inner));
    let collection = Collection::from_dir(dir).filter(|_| inner.contains('/')).ok_or_else(|| {
        let dirs: Vec<&str> = Collection::ALL.iter().map(|c| c.dir()).collect();
        SiteError::whole_file(rel_path, "content files must be inside a collection folder")
            .with_hint(format!("move it into content/<folder>/, where folder is one of: {}", dirs.join(", ")))
    })?;
    let name = file.strip_suffix(".md").unwrap_or(file);
    let (stem, lang) = match name.rsplit_once('.') {
        Some((stem, code)) => {
            let lang = Lang::from_code(code).filter(|l| config.languages.contains(l)).ok_or_else(|| {
                SiteError::whole_file(rel_path, format!("`{code}` in the file name is not one of the site's languages"))
                    .with_hint("add it to `languages:` in site.yaml, or rename the file")
            })?;
            (stem, lang)
        }
        None => (name, config.default_language),
    };
    Ok(FileLocation { collection, lang, stem: stem.to_string() })
}

/// Slugs are lower-case ASCII letters, digits and single hyphens.
fn check_slug(rel_path: &str, slug: &str, from_front: bool, yaml: &str) -> Result<(), SiteError> {
    let max = crate::text::MAX_SLUG_BYTES;
    if crate::text::is_valid_slug(slug) && slug.len() > max {
        let (line, column, what, fix) = match (from_front, crate::yaml::key_position(yaml, "slug")) {
            (true, Some((l, c))) => (l + 1, c, "`slug`", "shorten it"),
            _ => (1, 1, "the file name", "rename the file, or set a shorter `slug:`"),
        };
        let message = format!("{what} gives a slug of {} characters; URLs take at most {max}", slug.len());
        return Err(SiteError::new(rel_path, line, column, message).with_hint(fix));
    }
    if crate::text::is_valid_slug(slug) {
        return Ok(());
    }
    let suggestion = slug::slugify(slug);
    let (line, column, what) = match (from_front, crate::yaml::key_position(yaml, "slug")) {
        (true, Some((l, c))) => (l + 1, c, "`slug`"),
        _ => (1, 1, "the file name"),
    };
    let hint = if suggestion.is_empty() {
        "use lower-case letters, digits and hyphens".to_string()
    } else {
        format!("use lower-case letters, digits and hyphens, like `{suggestion}`")
    };
    Err(SiteError::new(rel_path, line, column, format!("{what} gives the slug `{slug}`, which is not valid"))
        .with_hint(hint))
}

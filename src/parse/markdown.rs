//! Markdown body → HTML, with heading anchors, safe links and highlighted code.
//!
//! Input: the body text and where it starts in its file. Output: `RenderedBody` (HTML with
//! placeholders for links to other Markdown files, headings, those links, warnings).
//! Must not: let raw HTML or `javascript:`-style links through unless the site trusts its HTML,
//! or resolve links to other pages (assemble does, once every page is known).

use crate::error::{LineCursor, SiteError};
use crate::model::{BodyImage, Embed, Heading, InternalLink};
use crate::parse::highlight;
use crate::parse::links::{LinkKind, classify, resolve_path};
use crate::text::{escape_html, is_cjk_wide, is_han};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet, VecDeque};

/// Where the body sits and how to treat it.
pub(crate) struct BodyContext<'a> {
    pub rel_path: &'a str,
    /// 0-based file line of the line before the body's first line: body line N is file line N + this.
    pub line_offset: usize,
    pub trusted_html: bool,
    pub smart_punctuation: bool,
    /// Collect the body's plain text (only the search index needs it).
    pub keep_text: bool,
}

#[derive(Debug, Default)]
pub(crate) struct RenderedBody {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<InternalLink>,
    pub images: Vec<BodyImage>,
    /// Tables and charts, each where `text::data_marker` stands in the HTML.
    pub embeds: Vec<Embed>,
    /// Errors (an embed written wrong) and warnings.
    pub problems: Vec<SiteError>,
    pub word_count: usize,
    /// The body's text without markup, blocks separated by a space (what search indexes).
    pub text: String,
}

/// Inline elements: their end is not a break between words.
fn is_inline(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Markdown's parser keeps a node for every line and every character that may open or close
/// something (`[`, `*`, `<`…): about 150 bytes each. A body may have this many, or one per 16
/// bytes if it is larger, so parsing it takes at most about ten times its size in memory.
pub(crate) const MARKUP_FLOOR: usize = 50_000;
/// Whether a byte counts against the budget: `[ ] * _ ` < ! & \ ~ |` and line feeds.
fn is_markup(b: u8) -> bool {
    matches!(b, b'[' | b']' | b'*' | b'_' | b'`' | b'<' | b'!' | b'&' | b'\\' | b'~' | b'|' | b'\n')
}

/// Refuse a body so dense with markup that parsing it would take far more memory than its size
/// (a megabyte of `[` took 400 MB): the error points where the budget runs out.
pub(crate) fn check_density(rel_path: &str, body: &str, first_line: usize) -> Result<(), SiteError> {
    let budget = MARKUP_FLOOR.max(body.len() / 16);
    if body.len() <= budget {
        return Ok(());
    }
    let mut seen = 0;
    for (offset, b) in body.bytes().enumerate() {
        seen += usize::from(is_markup(b));
        if seen > budget {
            let (line, column) = crate::error::line_col(body, offset);
            let message = format!(
                "the body has more than {budget} lines and markup characters ([ ] * _ ` < ! & \\ ~ |) by here; \
                 a page this dense would take hundreds of times its size to parse"
            );
            return Err(SiteError::new(rel_path, line + first_line, column, message)
                .with_hint("split it into several pages, or put long data in a file under static/ and link it"));
        }
    }
    Ok(())
}

pub(crate) fn render(ctx: &BodyContext, body: &str) -> RenderedBody {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if ctx.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let prepared = embeds::prepare(ctx.rel_path, body, ctx.line_offset);
    let body: &str = &prepared.body;
    let mut state = BodyState::default_for(ctx, body);
    state.rendered.problems = prepared.errors;
    state.blocks = prepared.blocks;
    if ctx.keep_text {
        // The text is shorter than its Markdown: one allocation instead of a growing string.
        state.rendered.text.reserve(body.len());
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    // Events go to HTML as they come: only a heading's own events wait (for its id), so memory
    // follows the body, not the number of events in it (a body of 1 MB of `[` is a million).
    let mut parser = Parser::new_ext(body, opts).into_offset_iter();
    let events = std::iter::from_fn(|| {
        loop {
            if let Some(event) = state.out.pop_front() {
                return Some(event);
            }
            let (event, range) = parser.next()?;
            state.event(event, range.start);
        }
    });
    pulldown_cmark::html::push_html(&mut html, events);
    // Table alignment as classes, not inline styles, so pages work under a strict CSP.
    if html.contains(" style=\"text-align: ") {
        for align in ["left", "center", "right"] {
            html = html.replace(&format!(" style=\"text-align: {align}\""), &format!(" class=\"align-{align}\""));
        }
    }
    state.rendered.html = html;
    state.rendered
}

/// The value of every `id` attribute in `html` but the headings' (kept with them), sorted and
/// without repeats: what else a link's `#anchor` may name (footnotes, raw HTML).
pub(crate) fn element_ids(html: &str, headings: &[Heading]) -> Vec<String> {
    let mut ids: Vec<String> = html
        .match_indices(" id=\"")
        .filter_map(|(at, marker)| {
            let value = &html[at + marker.len()..];
            value.find('"').map(|end| &value[..end])
        })
        .filter(|id| !headings.iter().any(|h| h.id == *id))
        .map(str::to_string)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A heading being read: level, explicit `{#id}`, classes, and its inner events.
type OpenHeading<'a> = (HeadingLevel, Option<CowStr<'a>>, Vec<CowStr<'a>>, Vec<Event<'a>>);

struct BodyState<'a, 'b> {
    ctx: &'b BodyContext<'b>,
    body: &'a str,
    /// Events ready for the HTML writer.
    out: VecDeque<Event<'a>>,
    rendered: RenderedBody,
    /// Where the last position asked for was, so positions are found without reading the body
    /// from its start each time.
    lines: LineCursor,
    /// Events of the heading being read, so its id can be derived from its text.
    heading: Option<OpenHeading<'a>>,
    code: Option<(String, String, usize)>,
    /// For each open link or dropped image: whether its start tag was kept.
    kept: Vec<bool>,
    /// The image being read (its alt text is collected, not written): its index in
    /// `rendered.images` and how many images are nested in its alt text.
    image: Option<(usize, usize)>,
    /// What each embed marker in the body stands for, with its line and column.
    blocks: Vec<(embeds::Block, usize, usize)>,
    used_ids: HashSet<String>,
    /// For each heading id asked for, the suffix to try next (`id-N`).
    next_suffix: HashMap<String, usize>,
    footnotes: Vec<String>,
    warned_html: bool,
    /// A soft line break not yet written: dropped when it falls between two Han characters.
    pending_break: bool,
    last_char: Option<char>,
    /// A space is due in `rendered.text` before the next text (a block or line ended).
    text_space: bool,
}

impl<'a, 'b> BodyState<'a, 'b> {
    fn default_for(ctx: &'b BodyContext<'b>, body: &'a str) -> Self {
        BodyState {
            ctx,
            body,
            out: VecDeque::new(),
            rendered: RenderedBody::default(),
            lines: LineCursor::default(),
            heading: None,
            code: None,
            kept: Vec::new(),
            image: None,
            blocks: Vec::new(),
            used_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            footnotes: Vec::new(),
            warned_html: false,
            pending_break: false,
            last_char: None,
            text_space: false,
        }
    }

    fn position(&mut self, offset: usize) -> (usize, usize) {
        let (line, column) = self.lines.at(self.body, offset);
        (line + self.ctx.line_offset, column)
    }

    fn emit(&mut self, event: Event<'a>) {
        match &mut self.heading {
            Some((.., buffered)) => buffered.push(event),
            None => self.out.push_back(event),
        }
    }

    fn event(&mut self, event: Event<'a>, offset: usize) {
        if self.code.is_some() {
            return self.code_event(event);
        }
        if self.image.is_some() {
            return self.image_event(event);
        }
        match &event {
            Event::SoftBreak => return self.pending_break = true,
            Event::Text(t) | Event::Code(t) => {
                self.rendered.word_count += count_words(t);
                self.flush_break(t.chars().next());
                self.last_char = t.chars().last();
                self.push_text(t);
            }
            Event::End(end) if !is_inline(end) => {
                self.flush_break(None);
                self.text_space = true;
            }
            Event::HardBreak | Event::Rule => {
                self.flush_break(None);
                self.text_space = true;
            }
            _ => self.flush_break(None),
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new(), self.position(offset).0));
            }
            Event::Start(Tag::Heading { level, id, classes, .. }) => {
                self.heading = Some((level, id, classes, Vec::new()))
            }
            Event::End(TagEnd::Heading(_)) => self.finish_heading(),
            Event::Start(Tag::Image { dest_url, title, .. }) => self.start_image(dest_url, title, offset),
            Event::Start(tag @ Tag::Link { .. }) => self.start_link(tag, offset),
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                if self.kept.pop().unwrap_or(false) {
                    self.emit(Event::End(end));
                }
            }
            Event::Html(t) if embeds::marker_index(&t).is_some() => self.embed(embeds::marker_index(&t)),
            Event::Html(_) | Event::InlineHtml(_) if !self.ctx.trusted_html => self.omit_html(offset),
            Event::Start(Tag::Table(_)) => {
                self.emit(Event::Html("<div class=\"table-scroll\">".into()));
                self.emit(event);
            }
            Event::End(TagEnd::Table) => {
                self.emit(event);
                self.emit(Event::Html("</div>\n".into()));
            }
            Event::FootnoteReference(label) => {
                let (n, id) = (self.footnote_number(&label), escape_html(&label));
                let html =
                    format!("<sup class=\"footnote-reference\" id=\"fnref-{id}\"><a href=\"#fn-{id}\">{n}</a></sup>");
                self.emit(Event::Html(html.into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (n, id) = (self.footnote_number(&label), escape_html(&label));
                let html = format!(
                    "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>\n"
                );
                self.emit(Event::Html(html.into()));
            }
            Event::End(TagEnd::FootnoteDefinition) => self.emit(Event::Html("</div>\n".into())),
            other => self.emit(other),
        }
    }

    fn push_text(&mut self, text: &str) {
        if !self.ctx.keep_text {
            return;
        }
        if std::mem::take(&mut self.text_space) && !self.rendered.text.is_empty() {
            self.rendered.text.push(' ');
        }
        self.rendered.text.push_str(text);
    }

    /// Inside a code block: collect its text until the block ends.
    fn code_event(&mut self, event: Event<'a>) {
        match (event, &mut self.code) {
            (Event::Text(t), Some((_, code, _))) => code.push_str(&t),
            (Event::End(TagEnd::CodeBlock), _) => self.finish_code(),
            _ => {}
        }
    }

    /// Write a pending line break, unless it falls between two Han characters:
    /// a line break inside a Chinese paragraph is not a space between words.
    fn flush_break(&mut self, next: Option<char>) {
        if std::mem::take(&mut self.pending_break)
            && !(self.last_char.is_some_and(is_cjk_wide) && next.is_some_and(is_cjk_wide))
        {
            self.emit(Event::SoftBreak);
            self.text_space = true;
        }
    }

    fn start_link(&mut self, tag: Tag<'a>, offset: usize) {
        let tag = match tag {
            Tag::Link { link_type, dest_url, title, id } => {
                self.link_target(dest_url, offset, false).map(|dest_url| Tag::Link { link_type, dest_url, title, id })
            }
            other => Some(other),
        };
        self.kept.push(tag.is_some());
        if let Some(tag) = tag {
            self.emit(Event::Start(tag));
        }
    }

    /// Footnotes are numbered in the order their labels first appear.
    fn footnote_number(&mut self, label: &str) -> usize {
        match self.footnotes.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.footnotes.push(label.to_string());
                self.footnotes.len()
            }
        }
    }

    fn omit_html(&mut self, offset: usize) {
        if !self.warned_html {
            self.warned_html = true;
            let (line, col) = self.position(offset);
            self.rendered
                .problems
                .push(SiteError::warning(self.ctx.rel_path, line, col, "raw HTML is left out of the page").with_hint(
                "write it in Markdown, or set `markdown: {trusted_html: true}` in site.yaml if every editor is trusted",
            ));
        }
    }

    fn finish_code(&mut self) {
        let Some((lang, code, line)) = self.code.take() else {
            return;
        };
        self.text_space = true;
        self.push_text(&code);
        self.text_space = true;
        let html = if lang.is_empty() {
            highlight::plain(&code, "")
        } else {
            highlight::highlight(&code, &lang).unwrap_or_else(|| {
                self.rendered.problems.push(
                    SiteError::warning(
                        self.ctx.rel_path,
                        line,
                        1,
                        format!("unknown code language `{lang}`; the block is shown as plain text"),
                    )
                    .with_hint("use a common name such as rust, python, yaml, bash, json"),
                );
                highlight::plain(&code, &lang)
            })
        };
        self.emit(Event::Html(html.into()));
    }

    fn finish_heading(&mut self) {
        let Some((level, id, classes, inner)) = self.heading.take() else {
            return;
        };
        let text: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let base = id.as_deref().map_or_else(|| anchor_id(&text), str::to_string);
        let mut unique = base.clone();
        // Start where the last heading with this base stopped: every suffix below is taken.
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        while !self.used_ids.insert(unique.clone()) {
            unique = format!("{base}-{n}");
            *n += 1;
        }
        self.rendered.headings.push(Heading { level: level as u8, id: unique.clone(), text });
        self.out.push_back(Event::Start(Tag::Heading { level, id: Some(unique.into()), classes, attrs: Vec::new() }));
        self.out.extend(inner);
        self.out.push_back(Event::End(TagEnd::Heading(level)));
    }

    /// The href to write for a link, or `None` to drop an unsafe one (its text stays).
    fn link_target(&mut self, dest: CowStr<'a>, offset: usize, image: bool) -> Option<CowStr<'a>> {
        let (line, column) = self.position(offset);
        match classify(&dest, image) {
            LinkKind::Keep if !image && images::is_relative_file(&dest) => {
                let candidates = Some(images::site_file_paths(self.ctx.rel_path, &dest));
                let file = BodyImage {
                    written: dest.to_string(),
                    candidates,
                    alt: String::new(),
                    title: String::new(),
                    line,
                    column,
                    link: true,
                };
                self.rendered.images.push(file);
                Some(crate::text::file_placeholder(self.rendered.images.len() - 1).into())
            }
            LinkKind::Keep => Some(dest),
            LinkKind::Anchor(anchor) => {
                self.push_link(self.ctx.rel_path.to_string(), Some(anchor), line, column);
                Some(crate::text::link_placeholder(self.rendered.links.len() - 1).into())
            }
            LinkKind::Markdown { path, anchor } => {
                let target =
                    resolve_path(self.ctx.rel_path, &path).unwrap_or_else(|| format!("(outside the site) {path}"));
                self.push_link(target, anchor, line, column);
                Some(crate::text::link_placeholder(self.rendered.links.len() - 1).into())
            }
            LinkKind::Unsafe(scheme) => {
                self.warn_scheme(
                    ("link", "links may use http, https, mailto or a relative path"),
                    &scheme,
                    (line, column),
                );
                None
            }
        }
    }

    /// A link or image left out for its scheme (`what`: the thing and the schemes it may use).
    fn warn_scheme(&mut self, what: (&str, &str), scheme: &str, (line, column): (usize, usize)) {
        let message = format!("{} with scheme `{scheme}:` is left out", what.0);
        self.rendered.problems.push(SiteError::warning(self.ctx.rel_path, line, column, message).with_hint(what.1));
    }

    fn push_link(&mut self, target: String, anchor: Option<String>, line: usize, column: usize) {
        self.rendered.links.push(InternalLink { target, anchor, line, column });
    }
}

/// A heading's anchor: lower-case letters and digits (any script), words joined by `-`.
pub(crate) fn anchor_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            id.push(c);
        } else if (c.is_whitespace() || c == '-' || c == '_') && !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() { "section".to_string() } else { id.to_string() }
}

/// Words for reading time: runs of non-space characters, with each Han character counted as one.
fn count_words(text: &str) -> usize {
    let (mut count, mut in_word) = (0, false);
    for c in text.chars() {
        if is_han(c) {
            count += 1;
            in_word = false;
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            count += 1;
            in_word = true;
        }
    }
    count
}

mod embeds;
mod images;
pub(crate) use images::front_image;
#[cfg(test)]
mod tests;

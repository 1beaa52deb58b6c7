//! Embeds: `{{< name key="value" >}}` on a line of its own (the syntax Hugo's shortcodes taught
//! editors; nothing in Markdown reads it). A closed set: `figure`, `table`, `chart` and the paired
//! `note` … `/note`.
//!
//! Input: a body's text. Output: the body with each embed line replaced by a marker of the same
//! line (so positions stay true), what each marker stands for, and errors at `path:line:col`.
//! Must not: read a dataset or an image (assemble and render do).

use super::BodyState;
use crate::error::{SiteError, did_you_mean};
use crate::model::{BodyImage, ChartKind, Embed, Shows};
use crate::text::escape_html;
use pulldown_cmark::Event;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What an embed line becomes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// `figure`: an image with its caption, credit and source.
    Figure { src: String, alt: String, caption: String, credit: String, source: String },
    /// `table` or `chart`: shown from a dataset at render.
    Data(Embed),
    /// `note`: the callout's opening.
    NoteOpen { kind: &'static str, title: Option<String> },
    /// `/note`.
    NoteClose,
}

/// A body ready for Markdown: embed lines replaced by markers.
pub(crate) struct Prepared<'a> {
    pub body: Cow<'a, str>,
    pub blocks: Vec<(Block, usize, usize)>,
    pub errors: Vec<SiteError>,
}

const OPEN: &str = "{{<";
const CLOSE: &str = ">}}";
const MARKER: &str = "<!--seedbed-embed:";
const NAMES: [&str; 4] = ["figure", "table", "chart", "note"];
const NOTE_KINDS: [&str; 4] = ["note", "tip", "important", "warning"];

/// The marker that stands for block `n` in the body.
pub(crate) fn marker(n: usize) -> String {
    format!("{MARKER}{n}-->")
}

/// The block number a marker line names.
pub(crate) fn marker_index(html: &str) -> Option<usize> {
    html.trim().strip_prefix(MARKER)?.strip_suffix("-->")?.parse().ok()
}

/// Find every embed of `body` (body line 1 is file line `first_line + 1`).
pub(crate) fn prepare<'a>(rel_path: &str, body: &'a str, first_line: usize) -> Prepared<'a> {
    let mut prepared = Prepared { body: Cow::Borrowed(body), blocks: Vec::new(), errors: Vec::new() };
    if !body.contains(OPEN) {
        return prepared;
    }
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<(char, usize)> = None;
    let mut open_note: Option<(usize, usize)> = None;
    for (n, line) in body.split_inclusive('\n').enumerate() {
        let at = first_line + n + 1;
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        fence = next_fence(fence, trimmed, indent);
        let in_code = fence.is_some() || trimmed.starts_with("```") || trimmed.starts_with("~~~") || indent > 3;
        let content = trimmed.trim_end();
        if in_code || !content.contains(OPEN) {
            out.push_str(line);
            continue;
        }
        let column = indent + 1;
        if !(content.starts_with(OPEN) && content.ends_with(CLOSE)) {
            if let Some(col) = outside_code_span(content) {
                let error = SiteError::new(rel_path, at, indent + col, "an embed must be on a line of its own")
                    .with_hint("put `{{< … >}}` alone on its line, with a blank line before and after");
                prepared.errors.push(error);
            }
            out.push_str(line);
            continue;
        }
        match block(content, (rel_path, at, column)) {
            Ok(b) => {
                match (&b, open_note) {
                    (Block::NoteOpen { .. }, Some((l, _))) => prepared.errors.push(
                        SiteError::new(rel_path, at, column, format!("a note inside the note opened on line {l}"))
                            .with_hint("close the first with {{< /note >}} before opening another"),
                    ),
                    (Block::NoteOpen { .. }, None) => open_note = Some((at, column)),
                    (Block::NoteClose, None) => prepared.errors.push(
                        SiteError::new(rel_path, at, column, "`/note` closes no note")
                            .with_hint("open it with {{< note >}} above, or remove this line"),
                    ),
                    (Block::NoteClose, Some(_)) => open_note = None,
                    _ => {}
                }
                out.push_str(&" ".repeat(indent));
                out.push_str(&marker(prepared.blocks.len()));
                out.push('\n');
                prepared.blocks.push((b, at, column));
            }
            Err(e) => {
                prepared.errors.push(e);
                out.push('\n');
            }
        }
    }
    if let Some((line, column)) = open_note {
        prepared.errors.push(
            SiteError::new(rel_path, line, column, "this note is never closed")
                .with_hint("end it with a line {{< /note >}}"),
        );
    }
    prepared.body = Cow::Owned(out);
    prepared
}

/// The fence a line leaves open: a ``` or ~~~ line opens one, a like line at least as long closes it.
fn next_fence(fence: Option<(char, usize)>, trimmed: &str, indent: usize) -> Option<(char, usize)> {
    let c = trimmed.chars().next()?;
    let run = trimmed.chars().take_while(|&x| x == c).count();
    let is_fence = indent <= 3 && (c == '`' || c == '~') && run >= 3;
    match fence {
        Some((f, len)) if is_fence && c == f && run >= len && trimmed[run..].trim().is_empty() => None,
        Some(open) => Some(open),
        None if is_fence => Some((c, run)),
        None => None,
    }
}

/// The 1-based column of a `{{<` not inside a code span (an even number of backticks before it).
fn outside_code_span(line: &str) -> Option<usize> {
    line.match_indices(OPEN)
        .find(|(at, _)| line[..*at].matches('`').count().is_multiple_of(2))
        .map(|(at, _)| line[..at].chars().count() + 1)
}

/// Where the embed is: the file, its line and the column it starts at.
type At<'a> = (&'a str, usize, usize);

/// One embed line as a block, or what is wrong with it.
fn block(content: &str, at: At) -> Result<Block, SiteError> {
    let inner = &content[OPEN.len()..content.len() - CLOSE.len()];
    let lead = inner.len() - inner.trim_start().len();
    let inner = inner.trim();
    let name_len = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let name = &inner[..name_len];
    let args_from = at.2 + OPEN.len() + lead + name.chars().count();
    let args = arguments(&inner[name_len..], (at.0, at.1, args_from))?;
    match name {
        "figure" => figure(args, at),
        "table" | "chart" => data_embed(name, args, at),
        "note" => {
            let mut args = only(name, args, &["kind", "title"], &[], at)?;
            let kind = match args.remove("kind") {
                None => "note",
                Some((v, col)) => NOTE_KINDS.iter().find(|k| **k == v).copied().ok_or_else(|| {
                    SiteError::new(at.0, at.1, col, format!("`kind=\"{v}\"` is not a kind of note"))
                        .with_hint(format!("use one of {}", NOTE_KINDS.join(", ")))
                })?,
            };
            Ok(Block::NoteOpen { kind, title: args.remove("title").map(|(v, _)| v) })
        }
        "/note" => only(name, args, &[], &[], at).map(|_| Block::NoteClose),
        other => {
            let hint = match did_you_mean(other.trim_start_matches('/'), NAMES) {
                Some(near) => format!("did you mean `{near}`? The embeds are {}", NAMES.join(", ")),
                None => format!("the embeds are {}", NAMES.join(", ")),
            };
            Err(SiteError::new(at.0, at.1, at.2, format!("unknown embed `{other}`")).with_hint(hint))
        }
    }
}

impl BodyState<'_, '_> {
    /// Write what embed marker `index` stands for.
    pub(super) fn embed(&mut self, index: Option<usize>) {
        let Some((block, line, column)) = index.and_then(|i| self.blocks.get(i)).cloned() else { return };
        let html = match block {
            Block::Figure { src, alt, caption, credit, source } => {
                let Some(candidates) = self.image_candidates(&src, line, column) else { return };
                let image =
                    BodyImage { written: src, candidates, alt, title: String::new(), line, column, link: false };
                self.rendered.images.push(image);
                let n = self.rendered.images.len() - 1;
                self.warn_without_alt(n);
                for text in [&caption, &credit, &source] {
                    self.text_space = true;
                    self.push_text(text);
                }
                figure_html(&crate::text::image_marker(n), &caption, &credit, &source)
            }
            Block::Data(embed) => {
                for text in [&embed.caption, &embed.source].into_iter().flatten() {
                    self.text_space = true;
                    self.push_text(text);
                }
                self.rendered.embeds.push(embed);
                format!("{}\n", crate::text::data_marker(self.rendered.embeds.len() - 1))
            }
            Block::NoteOpen { kind, title } => {
                let title =
                    title.map(|t| format!("<p class=\"note-title\">{}</p>\n", escape_html(&t))).unwrap_or_default();
                format!("<aside class=\"note note-{kind}\" role=\"note\">\n{title}")
            }
            Block::NoteClose => "</aside>\n".to_string(),
        };
        self.emit(Event::Html(html.into()));
    }
}

/// A figure embed: the image (its marker) with a caption, credit and source under it.
fn figure_html(image: &str, caption: &str, credit: &str, source: &str) -> String {
    let mut parts = Vec::new();
    if !caption.is_empty() {
        parts.push(escape_html(caption));
    }
    // The theme labels these per language (`:lang(zh) .figure-source::before`).
    if !credit.is_empty() {
        parts.push(format!("<span class=\"figure-credit\">{}</span>", escape_html(credit)));
    }
    if !source.is_empty() {
        parts.push(format!("<span class=\"figure-source\">{}</span>", escape_html(source)));
    }
    let caption =
        if parts.is_empty() { String::new() } else { format!("<figcaption>{}</figcaption>", parts.join(" ")) };
    format!("<figure class=\"embed-figure\">{image}{caption}</figure>\n")
}

/// Argument values with the column each starts at.
type Args = BTreeMap<String, (String, usize)>;

/// `key="value" key='value' key=bare`, each key once.
fn arguments(text: &str, at: At) -> Result<Args, SiteError> {
    let mut args = Args::new();
    let mut rest = text;
    let mut column = at.2;
    loop {
        let trimmed = rest.trim_start();
        column += rest[..rest.len() - trimmed.len()].chars().count();
        if trimmed.is_empty() {
            return Ok(args);
        }
        let bad = |message: String| {
            SiteError::new(at.0, at.1, column, message)
                .with_hint("write arguments as key=\"value\", separated by spaces")
        };
        let Some((key, after)) = trimmed.split_once('=') else {
            return Err(bad(format!("`{}` has no value", trimmed.split_whitespace().next().unwrap_or(trimmed))));
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(bad(format!("`{key}` is not an argument name")));
        }
        let (value, used) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                Some(end) => (&after[1..=end], end + 2),
                None => return Err(bad(format!("the value of `{key}` has no closing {q}"))),
            },
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        if args.insert(key.to_string(), (value.to_string(), column)).is_some() {
            return Err(bad(format!("`{key}` is given twice")));
        }
        let consumed = key.len() + 1 + used;
        column += trimmed[..consumed].chars().count();
        rest = &trimmed[consumed..];
    }
}

/// `args` when every key is one `name` takes and every required one is there.
fn only(name: &str, args: Args, allowed: &[&str], required: &[&str], at: At) -> Result<Args, SiteError> {
    for (key, (_, column)) in &args {
        if !allowed.contains(&key.as_str()) && !required.contains(&key.as_str()) {
            let all: Vec<&str> = required.iter().chain(allowed).copied().collect();
            let hint = match did_you_mean(key, all.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? `{name}` takes {}", all.join(", ")),
                None if all.is_empty() => format!("`{name}` takes no arguments"),
                None => format!("`{name}` takes {}", all.join(", ")),
            };
            return Err(
                SiteError::new(at.0, at.1, *column, format!("`{name}` has no argument `{key}`")).with_hint(hint)
            );
        }
    }
    if let Some(missing) = required.iter().find(|k| !args.contains_key(**k)) {
        return Err(SiteError::new(at.0, at.1, at.2, format!("`{name}` needs `{missing}`"))
            .with_hint(format!("add {missing}=\"…\" inside the braces")));
    }
    Ok(args)
}

fn figure(args: Args, at: At) -> Result<Block, SiteError> {
    let mut args = only("figure", args, &["caption", "credit", "source", "alt"], &["src"], at)?;
    let mut take = |k: &str| args.remove(k).map(|(v, _)| v).unwrap_or_default();
    Ok(Block::Figure {
        src: take("src"),
        alt: take("alt"),
        caption: take("caption"),
        credit: take("credit"),
        source: take("source"),
    })
}

fn data_embed(name: &str, args: Args, at: At) -> Result<Block, SiteError> {
    let (allowed, required): (&[&str], &[&str]) = if name == "table" {
        (&["caption", "source", "columns"], &["data"])
    } else {
        (&["source", "type", "unit"], &["data", "x", "y", "caption"])
    };
    let mut args = only(name, args, allowed, required, at)?;
    let mut take = |k: &str| args.remove(k);
    let list = |v: Option<(String, usize)>| -> Vec<String> {
        v.map(|(v, _)| v.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect())
            .unwrap_or_default()
    };
    let shows = if name == "table" {
        Shows::Table { columns: list(take("columns")) }
    } else {
        let kind = match take("type") {
            None => ChartKind::Bar,
            Some((v, _)) if v == "bar" => ChartKind::Bar,
            Some((v, _)) if v == "line" => ChartKind::Line,
            Some((v, col)) => {
                return Err(SiteError::new(at.0, at.1, col, format!("`type=\"{v}\"` is not a chart type"))
                    .with_hint("use type=\"bar\" or type=\"line\""));
            }
        };
        let x = take("x").map(|(v, _)| v).unwrap_or_default();
        Shows::Chart { kind, x, y: list(take("y")), unit: take("unit").map(|(v, _)| v) }
    };
    let data = take("data").map(|(v, _)| v).unwrap_or_default();
    Ok(Block::Data(Embed {
        line: at.1,
        column: at.2,
        data,
        shows,
        caption: take("caption").map(|(v, _)| v),
        source: take("source").map(|(v, _)| v),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Result<Block, SiteError> {
        let p = prepare("a.md", line, 0);
        match p.errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(p.blocks.into_iter().next().expect("a block").0),
        }
    }

    #[test]
    fn an_embed_line_becomes_a_marker_on_the_same_line_and_code_is_left_alone() {
        let body =
            "Text.\n\n{{< chart data=\"a.csv\" x=year y=\"a, b\" caption=\"Rates\" >}}\n\n```\n{{< nope >}}\n```\n";
        let p = prepare("a.md", body, 4);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.body, "Text.\n\n<!--seedbed-embed:0-->\n\n```\n{{< nope >}}\n```\n");
        let (Block::Data(embed), line, column) = &p.blocks[0] else { panic!("{:?}", p.blocks) };
        assert_eq!((*line, *column), (7, 1));
        assert_eq!(
            embed.shows,
            Shows::Chart { kind: ChartKind::Bar, x: "year".into(), y: vec!["a".into(), "b".into()], unit: None }
        );
    }

    #[test]
    fn unknown_names_and_arguments_are_errors_at_their_column_with_a_suggestion() {
        let e = one("{{< chrat data=a.csv >}}").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.hint.as_deref().unwrap_or_default().contains("did you mean `chart`"), "{e:?}");
        let e = one("{{< table data=\"a.csv\" captoin=\"x\" >}}").unwrap_err();
        assert_eq!((e.line, e.column, e.message.as_str()), (1, 24, "`table` has no argument `captoin`"));
        let e = one("{{< chart data=a.csv x=year y=a caption=c type=pie >}}").unwrap_err();
        assert!(e.message.contains("not a chart type") && e.column == 43, "{e:?}");
        assert!(one("{{< chart data=a.csv x=year >}}").unwrap_err().message.contains("needs `y`"));
        assert!(one("{{< table data=\"a.csv >}}").unwrap_err().message.contains("no closing"));
    }

    #[test]
    fn notes_pair_and_a_stray_or_unclosed_one_is_an_error() {
        let p = prepare("a.md", "{{< note kind=tip title=\"Mind\" >}}\nText.\n{{< /note >}}\n", 0);
        assert!(p.errors.is_empty());
        assert_eq!(p.blocks[0].0, Block::NoteOpen { kind: "tip", title: Some("Mind".into()) });
        assert_eq!(p.blocks[1].0, Block::NoteClose);
        assert!(prepare("a.md", "{{< note >}}\nText.\n", 0).errors[0].message.contains("never closed"));
        assert!(prepare("a.md", "{{< /note >}}\n", 0).errors[0].message.contains("closes no note"));
    }

    #[test]
    fn an_embed_inside_a_line_is_an_error_unless_in_a_code_span() {
        let p = prepare("a.md", "See {{< chart >}} here.\n", 2);
        assert_eq!((p.errors[0].line, p.errors[0].column), (3, 5));
        assert!(prepare("a.md", "Write `{{< note >}}` to open one.\n", 0).errors.is_empty());
    }
}

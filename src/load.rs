//! Stage 1: read the site's files. The only stage that reads from the site's tree.
//!
//! Input: the site root. Output: `LoadedSite` (site.yaml parsed into `Config`, content files
//! as bytes, the theme after overrides), sorted by path so every later stage is deterministic.
//! Must not: parse content, or follow a symlink out of the site.

use crate::config::{CONFIG_FILE, Config};
use crate::error::BuildError;
use crate::error::{SiteError, SiteErrors};
use crate::model::{Asset, AssetSource, FoundFile, Lang, LoadedSite, SourceFile, ThemeFiles};
use anyhow::Context as _;
use include_dir::{Dir, include_dir};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The default theme, built into the binary so sites without a `themes/` folder build.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Read `site.yaml`, `content/`, and the theme (embedded default, then `themes/<name>/`,
/// then the site's own `templates/` and `static/`, each overriding the one before).
pub fn site(root: &Path) -> Result<(Config, LoadedSite, Vec<SiteError>), BuildError> {
    let (config, found, warnings) = site_unread(root)?;
    let content = found.content.into_par_iter().map(content_file).collect::<Result<Vec<_>, BuildError>>()?;
    let LoadedSite { config_file, theme, data, digests, .. } = found;
    Ok((config, LoadedSite { config_file, content, theme, data, digests }, warnings))
}

/// Like `site`, but only find the content files: `content_file` reads each.
pub fn site_unread(root: &Path) -> Result<(Config, LoadedSite<FoundFile>, Vec<SiteError>), BuildError> {
    let (config, config_bytes) = read_config(root)?;
    let config_text = String::from_utf8_lossy(&config_bytes).into_owned();
    let canonical_root = root.canonicalize().with_context(|| format!("cannot open {}", root.display()))?;
    let mut warnings = Vec::new();
    let bounds = Bounds::new(canonical_root, &config, &config_text, &mut warnings);
    let content_files = walk(&bounds, "content", &mut warnings);
    let (markdown, others): (Vec<_>, Vec<_>) = content_files.into_iter().partition(|(rel, _)| rel.ends_with(".md"));
    let content = markdown.into_iter().map(|(rel_path, path)| FoundFile { rel_path, path }).collect();
    let theme = theme(&bounds, &config, &config_text, others, &mut warnings)?;
    let data = data_files(&bounds, &mut warnings)?;
    let digests = digest_parts(&bounds, &mut warnings)?;
    let config_file = SourceFile { rel_path: CONFIG_FILE.into(), bytes: config_bytes };
    Ok((config, LoadedSite { config_file, content, theme, data, digests }, warnings))
}

/// Only `site.yaml` and the theme, for the subscription service (which shows no content).
pub fn config_and_theme(root: &Path) -> Result<(Config, ThemeFiles, Vec<SiteError>), BuildError> {
    let (config, config_bytes) = read_config(root)?;
    let config_text = String::from_utf8_lossy(&config_bytes).into_owned();
    let canonical_root = root.canonicalize().with_context(|| format!("cannot open {}", root.display()))?;
    let mut warnings = Vec::new();
    let bounds = Bounds::new(canonical_root, &config, &config_text, &mut warnings);
    let theme = theme(&bounds, &config, &config_text, Vec::new(), &mut warnings)?;
    Ok((config, theme, warnings))
}

/// The tables under `data/` (`.csv`, `.yaml`, `.yml`) that embeds may show.
fn data_files(bounds: &Bounds, warnings: &mut Vec<SiteError>) -> Result<Vec<SourceFile>, BuildError> {
    let is_data = |rel: &str| [".csv", ".yaml", ".yml"].iter().any(|ext| rel.to_ascii_lowercase().ends_with(ext));
    walk(bounds, "data", warnings)
        .into_iter()
        .filter(|(rel, _)| is_data(rel))
        .map(|(rel_path, path)| Ok(SourceFile { bytes: read(&path)?, rel_path }))
        .collect()
}

/// The HTML parts `digest build` stored (`digests/<id>/digest.<lang>.html`), which the site
/// publishes as the digests' web pages.
fn digest_parts(bounds: &Bounds, warnings: &mut Vec<SiteError>) -> Result<Vec<SourceFile>, BuildError> {
    let is_part = |rel: &str| {
        let name = rel.rsplit('/').next().unwrap_or_default();
        rel.matches('/').count() == 2 && name.starts_with("digest.") && name.ends_with(".html")
    };
    walk(bounds, "digests", warnings)
        .into_iter()
        .filter(|(rel, _)| is_part(rel))
        .map(|(rel_path, path)| Ok(SourceFile { bytes: read(&path)?, rel_path }))
        .collect()
}

/// Read a content file `site_unread` found.
pub fn content_file(found: FoundFile) -> Result<SourceFile, BuildError> {
    Ok(SourceFile { bytes: read(&found.path)?, rel_path: found.rel_path })
}

/// `problems` with the source line under each that points into a content file and has none yet
/// (those found after parsing: links, translations, images), each file read once.
pub fn with_sources(root: &Path, problems: Vec<SiteError>) -> Vec<SiteError> {
    let mut texts: std::collections::HashMap<String, Option<(String, Vec<usize>)>> = std::collections::HashMap::new();
    let mut ascii_lines: std::collections::HashMap<(String, usize), bool> = std::collections::HashMap::new();
    problems
        .into_iter()
        .map(|p| {
            if p.source_line.is_some() || !p.rel_path.starts_with("content/") || (p.line, p.column) == (1, 1) {
                return p;
            }
            // Each file read and split into lines once: a file may have thousands of problems.
            let text = texts.entry(p.rel_path.clone()).or_insert_with(|| {
                let text = String::from_utf8_lossy(&std::fs::read(root.join(&p.rel_path)).ok()?).into_owned();
                let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
                Some((text, starts))
            });
            let line = text.as_ref().and_then(|(text, starts)| {
                let start = *starts.get(p.line - 1)?;
                let end = starts.get(p.line).map_or(text.len(), |next| next - 1);
                text.get(start..end)
            });
            match line {
                Some(line) => {
                    let ascii = *ascii_lines.entry((p.rel_path.clone(), p.line)).or_insert_with(|| line.is_ascii());
                    p.with_known_line(line, ascii)
                }
                None => p,
            }
        })
        .collect()
}

/// The bytes of a static file or content image (for the images the bodies show).
pub fn asset_bytes(source: &AssetSource) -> std::io::Result<Vec<u8>> {
    match source {
        AssetSource::Embedded(bytes) => Ok(bytes.to_vec()),
        AssetSource::File(path) => std::fs::read(path),
    }
}

/// The folder where image copies are kept between builds (`.seedbed-cache/images/` in the site),
/// or `None` when that path leads out of the site (a link elsewhere: copies read from it would be
/// published).
pub fn image_cache(root: &Path) -> Option<PathBuf> {
    cache_folder(root, "images")
}

/// Where the text of the site's PDFs is kept between builds (`.seedbed-cache/pdf-text/`), under
/// the same rule as `image_cache`.
pub fn pdf_text_cache(root: &Path) -> Option<PathBuf> {
    cache_folder(root, "pdf-text")
}

/// A cached PDF text, if it is there.
pub fn cached_text(cache: &Path, name: &str) -> Option<String> {
    let path = cache.join(name);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if meta.is_file() { std::fs::read_to_string(path).ok() } else { None }
}

fn cache_folder(root: &Path, name: &str) -> Option<PathBuf> {
    let cache = root.join(".seedbed-cache").join(name);
    let root = root.canonicalize().ok()?;
    match cache.canonicalize() {
        Ok(real) => real.starts_with(&root).then_some(real),
        // Not made yet: the first build makes it.
        Err(_) => (!root.join(".seedbed-cache").is_symlink()).then(|| root.join(".seedbed-cache").join(name)),
    }
}

/// Where the image cache holds a copy named `name`, and its size: only a regular file there, not
/// a link (the write stage copies it into the output, or links it when unchanged).
pub fn cached_copy(cache: &Path, name: &str) -> Option<(PathBuf, u64)> {
    let path = cache.join(name);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    meta.is_file().then_some((path, meta.len()))
}

/// Bring `loaded` up to date after the files at `changed` (absolute paths under `root`) changed,
/// reading only those; returns the content files changed (`content/…`, created, edited or removed).
/// Returns `None`, having changed nothing, when a change is not to a content Markdown file
/// (site.yaml, the theme, a static file, a folder, a symlink): then load the whole site with `site`.
pub fn refresh(root: &Path, loaded: &mut LoadedSite, changed: &[PathBuf]) -> Result<Option<Vec<String>>, BuildError> {
    let root = root.canonicalize().with_context(|| format!("cannot open {}", root.display()))?;
    let mut updates: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    for path in changed {
        let Ok(rel) = path.strip_prefix(&root) else { return Ok(None) };
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if parts.iter().any(|p| is_ignored(std::ffi::OsStr::new(p))) {
            continue;
        }
        if parts.first().map(String::as_str) != Some("content") || !rel.to_string_lossy().ends_with(".md") {
            return Ok(None);
        }
        // A folder on the way that is a symbolic link: the whole load decides whether it may be read.
        if path.parent().and_then(|p| p.canonicalize().ok()) != rel.parent().map(|p| root.join(p)) {
            return Ok(None);
        }
        let bytes = match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => Some(read(path)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            _ => return Ok(None),
        };
        updates.push((parts.join("/"), bytes));
    }
    let paths = updates.iter().map(|(rel_path, _)| rel_path.clone()).collect();
    for (rel_path, bytes) in updates {
        let at = loaded.content.binary_search_by(|f| walk_order(&f.rel_path, &rel_path));
        match (at, bytes) {
            (Ok(i), Some(bytes)) => loaded.content[i].bytes = bytes,
            (Ok(i), None) => drop(loaded.content.remove(i)),
            (Err(i), Some(bytes)) => loaded.content.insert(i, SourceFile { rel_path, bytes }),
            (Err(_), None) => {}
        }
    }
    Ok(Some(paths))
}

/// The order `walk` yields paths in: names compared folder by folder.
fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Only `site.yaml` (for commands that need no content, such as `digest send`).
pub fn config(root: &Path) -> anyhow::Result<Config> {
    match read_config(root) {
        Ok((config, _)) => Ok(config),
        Err(BuildError::Env(e)) => Err(e),
        Err(BuildError::Site(errors)) => Err(anyhow::anyhow!("{errors}")),
    }
}

fn read_config(root: &Path) -> Result<(Config, Vec<u8>), BuildError> {
    let config_path = root.join(CONFIG_FILE);
    if std::fs::symlink_metadata(&config_path).is_err() {
        return Err(BuildError::Env(anyhow::anyhow!(
            "no {CONFIG_FILE} in {}: run seedbed in a site's folder, pass --root DIR, or create a site with `seedbed init DIR`",
            root.display()
        )));
    }
    let inside = match (config_path.canonicalize(), root.canonicalize()) {
        (Ok(file), Ok(root)) => file.starts_with(root),
        _ => false,
    };
    if !inside || !config_path.is_file() {
        return Err(BuildError::Env(anyhow::anyhow!(
            "{} is not a regular file in the site's folder (a link out of it, a pipe or a device): make it a plain file",
            config_path.display()
        )));
    }
    let config_bytes = read(&config_path)?;
    let config_text = std::str::from_utf8(&config_bytes).map_err(|e| {
        let (line, column) =
            crate::error::line_col(&String::from_utf8_lossy(&config_bytes[..e.valid_up_to()]), e.valid_up_to());
        let error =
            SiteError::new(CONFIG_FILE, line, column, format!("invalid UTF-8 at byte offset {}", e.valid_up_to()))
                .with_hint("save site.yaml as UTF-8 (most editors: \"Save with encoding\")");
        BuildError::Site(SiteErrors::single(error))
    })?;
    let config = Config::parse(config_text).map_err(|errs| {
        BuildError::Site(SiteErrors::from_vec(errs.into_iter().map(|e| e.with_source(config_text)).collect()))
    })?;
    Ok((config, config_bytes))
}

fn theme(
    bounds: &Bounds,
    config: &Config,
    config_text: &str,
    content_assets: Vec<(String, PathBuf)>,
    warnings: &mut Vec<SiteError>,
) -> Result<ThemeFiles, BuildError> {
    let mut layers = Vec::new();
    let theme_dir = format!("themes/{}", config.theme);
    if bounds.root.join(&theme_dir).is_dir() {
        layers.push((theme_dir.clone(), walk(bounds, &theme_dir, warnings)));
    } else if config.theme != "default" {
        let text = config_text;
        let (line, col) = crate::yaml::key_position(text, "theme").unwrap_or((1, 1));
        return Err(BuildError::Site(SiteErrors::single(
            SiteError::new(
                CONFIG_FILE,
                line,
                col,
                format!("theme `{}` not found: there is no {theme_dir}/ folder", config.theme),
            )
            .with_hint("use `theme: default`, or copy a theme into the themes/ folder")
            .with_source(text),
        )));
    }
    let mut site_layer: Vec<(String, PathBuf)> = walk(bounds, "templates", warnings);
    site_layer.extend(walk(bounds, "static", warnings));
    site_layer.extend(walk(bounds, "i18n", warnings));
    layers.push((String::new(), site_layer));
    let mut files = ThemeFiles::default();
    add_embedded(&DEFAULT_THEME, &mut files);
    for (prefix, entries) in layers {
        for (rel, abs) in entries {
            let inner = rel.strip_prefix(&prefix).unwrap_or(&rel).trim_start_matches('/').to_string();
            add_file(&mut files, &inner, &rel, AssetSource::File(abs))?;
        }
    }
    for (rel, abs) in content_assets {
        let out_path = rel.strip_prefix("content/").unwrap_or(&rel).to_string();
        let source = AssetSource::File(abs);
        let len = asset_len(&source);
        files.assets.push(Asset { out_path, source, origin: rel, len });
    }
    files.templates.sort_by(|a, b| a.0.cmp(&b.0));
    files.assets.sort_by(|a, b| a.out_path.cmp(&b.out_path));
    Ok(files)
}

fn add_embedded(dir: &'static Dir<'static>, files: &mut ThemeFiles) {
    for entry in dir.entries() {
        if let Some(sub) = entry.as_dir() {
            add_embedded(sub, files);
        } else if let Some(file) = entry.as_file() {
            let inner = file.path().to_string_lossy().replace('\\', "/");
            let rel = format!("themes/default/{inner}");
            // Embedded files are ours; a name that fits no slot is simply not a theme file.
            let _ = add_file(files, &inner, &rel, AssetSource::Embedded(file.contents()));
        }
    }
}

/// Put one theme file in its slot, replacing an earlier layer's file of the same name.
fn add_file(files: &mut ThemeFiles, inner: &str, rel: &str, source: AssetSource) -> Result<(), BuildError> {
    let bytes = || match &source {
        AssetSource::Embedded(b) => Ok(b.to_vec()),
        AssetSource::File(p) => read(p),
    };
    if let Some(name) = inner.strip_prefix("templates/") {
        let file = SourceFile { rel_path: rel.to_string(), bytes: bytes()? };
        files.templates.retain(|(n, _)| n != name);
        files.templates.push((name.to_string(), file));
    } else if let Some(code) = inner.strip_prefix("i18n/").and_then(|f| f.strip_suffix(".yaml")) {
        if let Some(lang) = Lang::from_code(code) {
            files.strings.retain(|(l, _)| *l != lang);
            files.strings.push((lang, SourceFile { rel_path: rel.to_string(), bytes: bytes()? }));
        }
    } else if let Some(out) = inner.strip_prefix("static/") {
        files.assets.retain(|a| a.out_path != out);
        let len = asset_len(&source);
        files.assets.push(Asset { out_path: out.to_string(), source, origin: rel.to_string(), len });
    }
    Ok(())
}

/// Where the site's files may come from: the site's folder (but not its hidden folders, such as
/// `.git`), and the outside folders `site.yaml` names in `allowed_outside`.
struct Bounds {
    /// Canonical.
    root: PathBuf,
    allowed: Vec<PathBuf>,
}

impl Bounds {
    fn new(root: PathBuf, config: &Config, config_text: &str, problems: &mut Vec<SiteError>) -> Bounds {
        let mut allowed = Vec::new();
        for folder in &config.allowed_outside {
            match root.join(folder).canonicalize() {
                Ok(path) if path.is_dir() => allowed.push(path),
                _ => {
                    let (line, col) = crate::yaml::key_position(config_text, "allowed_outside").unwrap_or((1, 1));
                    problems.push(
                        SiteError::new(
                            CONFIG_FILE,
                            line,
                            col,
                            format!("`allowed_outside` names `{folder}`, which is not a folder"),
                        )
                        .with_hint("write the path of an existing folder, absolute or relative to the site")
                        .with_source(config_text),
                    );
                }
            }
        }
        Bounds { root, allowed }
    }

    /// Whether a canonical path may be read.
    fn admits(&self, path: &Path) -> bool {
        let hidden = |inner: &Path| inner.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        match path.strip_prefix(&self.root) {
            Ok(inner) => !hidden(inner),
            Err(_) => self.allowed.iter().any(|a| path.starts_with(a)),
        }
    }
}

/// Files under `root/sub`, as (`sub/…` relative path, absolute path), sorted; hidden and
/// editor temporary files skipped. A symbolic link (or `sub` itself being one) that leads out of
/// the site is an error; pipes, sockets and devices are never read.
fn walk(bounds: &Bounds, sub: &str, problems: &mut Vec<SiteError>) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(base) = bounds.root.join(sub).canonicalize() else { return out };
    if !bounds.admits(&base) {
        problems.push(link_out(sub, &base, bounds));
        return out;
    }
    if !base.is_dir() {
        return out;
    }
    let walker = WalkDir::new(&base).sort_by_file_name().into_iter().filter_entry(|e| !is_ignored(e.file_name()));
    for entry in walker.flatten() {
        let path = entry.path();
        let rel = format!("{sub}/{}", path.strip_prefix(&base).unwrap_or(path).to_string_lossy().replace('\\', "/"));
        let (real, file_type) = if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if bounds.admits(&target) => match std::fs::metadata(&target) {
                    Ok(meta) => (target, meta.file_type()),
                    Err(_) => continue,
                },
                Ok(target) => {
                    problems.push(link_out(&rel, &target, bounds));
                    continue;
                }
                Err(_) => {
                    problems.push(SiteError::whole_file_warning(&rel, "this symbolic link leads nowhere: skipped"));
                    continue;
                }
            }
        } else {
            (path.to_path_buf(), entry.file_type())
        };
        if file_type.is_file() {
            out.push((rel, real));
        } else if entry.path_is_symlink() && file_type.is_dir() {
            problems.push(
                SiteError::whole_file_warning(&rel, "a symbolic link to a folder is not followed")
                    .with_hint("link the files one by one, or copy the folder into the site"),
            );
        } else if !file_type.is_dir() {
            problems
                .push(SiteError::whole_file_warning(&rel, "not a regular file (a pipe, socket or device): skipped"));
        }
    }
    out
}

/// A link (or a source folder that is a link) leading out of the site: publishing what it points
/// to could publish anything on the machine that builds the site, or the site's hidden files.
fn link_out(rel: &str, target: &Path, bounds: &Bounds) -> SiteError {
    match target.strip_prefix(&bounds.root) {
        Ok(inner) => SiteError::whole_file(
            rel,
            format!("leads to the hidden `{}` through a symbolic link", inner.display()),
        )
        .with_hint("hidden files (such as .git/) are never published: copy what should be into the site"),
        Err(_) => SiteError::whole_file(rel, format!("leads outside the site (to {}) through a symbolic link", target.display()))
            .with_hint(
                "copy the files into the site; to allow a folder outside it, list the folder under `allowed_outside:` in site.yaml",
            ),
    }
}

/// A file or folder name the site never reads: hidden names and editors' temporary, backup and
/// swap files (Vim's `.swp`, `.swx`, `~` and its `4913` probe; Emacs's `#a#`, `.#a`; JetBrains's
/// `___jb_tmp___`). `serve` ignores changes to them with the same rule.
pub fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// A static file's size (0 when it cannot be read: copying it reports that).
fn asset_len(source: &AssetSource) -> u64 {
    match source {
        AssetSource::Embedded(b) => b.len() as u64,
        AssetSource::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, BuildError> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display())).map_err(BuildError::Env)
}

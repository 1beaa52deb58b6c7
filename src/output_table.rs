//! One table of every path a build writes, checked before the build is swapped in.
//!
//! Input: the output paths of a build (pages, aliases, static and content files, feeds, the
//! search index…), the assembled site and the static files, to say where each path comes from.
//! Output: a located error for every path two sources would write, every file that another path
//! needs as a folder (an alias `/atom.xml` against the feed `atom.xml`), and every path part
//! longer than file systems allow. Must not: write, or decide which of two sources wins.

use crate::error::SiteError;
use crate::model::{Asset, Position, Site};
use std::collections::{HashMap, HashSet};

/// Longest file or folder name most file systems take, in bytes.
pub(crate) const MAX_NAME_BYTES: usize = 255;
/// Longest output path seedbed writes, in bytes (the system's limit, 4,096 on Linux, also
/// counts the output folder's own path).
pub(crate) const MAX_PATH_BYTES: usize = 1024;

/// Where an output path comes from.
enum Origin<'a> {
    Alias { file: &'a str, url: &'a str, at: Position },
    File(&'a str),
    Item { file: &'a str, at: Position },
    Generated,
}

impl Origin<'_> {
    fn describe(&self) -> String {
        match self {
            Origin::Alias { url, .. } => format!("the alias `{url}`"),
            Origin::File(file) => format!("the file `{file}`"),
            Origin::Item { file, .. } => format!("the page of `{file}`"),
            Origin::Generated => "a page or file seedbed makes".to_string(),
        }
    }

    /// The user's file to point at (a generated path has none), and how much it is to blame:
    /// an alias or a copied file is more likely the mistake than an item page.
    fn location(&self) -> Option<(u8, &str, Position)> {
        let top = Position { line: 1, column: 1 };
        match self {
            Origin::Alias { file, at, .. } => Some((0, file, *at)),
            Origin::File(file) => Some((1, file, top)),
            Origin::Item { file, at } => Some((2, file, *at)),
            Origin::Generated => None,
        }
    }

    fn hint(&self) -> &'static str {
        match self {
            Origin::Alias { .. } => "remove the alias, or give it an address nothing else uses",
            Origin::File(_) => {
                "rename or move the file; to change a page seedbed makes, override its template in templates/"
            }
            _ => "give the item another `slug:`",
        }
    }
}

/// Every clash between the output paths, located at the user's side of it.
pub(crate) fn check<'a>(paths: impl IntoIterator<Item = &'a str>, site: &Site, assets: &[Asset]) -> Vec<SiteError> {
    let paths: Vec<&str> = paths.into_iter().collect();
    let mut count: HashMap<&str, usize> = HashMap::with_capacity(paths.len());
    let mut folders: HashSet<&str> = HashSet::new();
    for path in &paths {
        *count.entry(path).or_insert(0) += 1;
        folders.extend(path.match_indices('/').map(|(i, _)| &path[..i]));
    }
    let mut clashes: Vec<(&str, Clash)> = Vec::new();
    for (&path, &n) in &count {
        if n > 1 {
            clashes.push((path, Clash::Twice));
        }
        if folders.contains(path) {
            clashes.push((path, Clash::FileAndFolder));
        }
        if path.len() > MAX_PATH_BYTES || path.split('/').any(|part| part.len() > MAX_NAME_BYTES) {
            clashes.push((path, Clash::TooLong));
        }
    }
    if clashes.is_empty() {
        return Vec::new();
    }
    let origins = Origins::new(site, assets);
    let mut errors: Vec<SiteError> =
        clashes.into_iter().map(|(path, clash)| origins.error(path, clash, &paths)).collect();
    errors.sort();
    errors.dedup();
    errors
}

#[derive(Clone, Copy)]
enum Clash {
    Twice,
    FileAndFolder,
    TooLong,
}

/// Every source of an output path that a user wrote.
struct Origins<'a> {
    by_path: HashMap<String, Vec<Origin<'a>>>,
}

impl<'a> Origins<'a> {
    fn new(site: &'a Site, assets: &'a [Asset]) -> Origins<'a> {
        let mut by_path: HashMap<String, Vec<Origin<'a>>> = HashMap::new();
        let file_of = |url: &str| crate::urls::output_file(url);
        for a in &site.aliases {
            let file = site.pages[a.target].rel_path.as_str();
            by_path.entry(file_of(&a.url_path)).or_default().push(Origin::Alias { file, url: &a.url_path, at: a.at });
        }
        for asset in assets {
            by_path.entry(asset.out_path.clone()).or_default().push(Origin::File(&asset.origin));
        }
        for p in &site.pages {
            let origin = Origin::Item { file: &p.rel_path, at: p.positions.of("slug") };
            by_path.entry(file_of(&p.url_path)).or_default().push(origin);
        }
        Origins { by_path }
    }

    /// The sources of `path`; what no user file explains is seedbed's own.
    fn of(&self, path: &str, times: usize) -> Vec<&Origin<'a>> {
        let mut found: Vec<&Origin> = self.by_path.get(path).map(|v| v.iter().collect()).unwrap_or_default();
        while found.len() < times {
            found.push(&Origin::Generated);
        }
        found
    }

    fn error(&self, path: &str, clash: Clash, all: &[&str]) -> SiteError {
        let times = all.iter().filter(|p| **p == path).count();
        let mut sides = self.of(path, times);
        let message = match clash {
            Clash::Twice => {
                let names: Vec<String> = sides.iter().map(|o| o.describe()).collect();
                let verb = if names.len() == 2 { "are both" } else { "are all" };
                format!("{} {verb} written to `{path}`: one would silently replace the other", names.join(" and "))
            }
            Clash::FileAndFolder => {
                let inside = all.iter().find(|p| p.starts_with(path) && p.as_bytes().get(path.len()) == Some(&b'/'));
                let inside = inside.copied().unwrap_or_default();
                sides.extend(self.of(inside, 1).into_iter().take(1));
                format!(
                    "{} writes the file `{path}`, but {} needs `{path}/` as a folder (for `{inside}`)",
                    sides[0].describe(),
                    sides[sides.len() - 1].describe()
                )
            }
            Clash::TooLong => format!(
                "{} writes `{path}`, which is longer than {MAX_PATH_BYTES} bytes or has a part longer than {MAX_NAME_BYTES}: \
                 file systems refuse such names",
                sides[0].describe()
            ),
        };
        let blamed = sides.iter().filter_map(|o| o.location().map(|l| (l, *o))).min_by_key(|((rank, ..), _)| *rank);
        match blamed {
            Some(((_, file, at), origin)) => SiteError::new(file, at.line, at.column, message).with_hint(origin.hint()),
            None => SiteError::whole_file(crate::config::CONFIG_FILE, message)
                .with_hint("this is seedbed's own clash: please report it"),
        }
    }
}

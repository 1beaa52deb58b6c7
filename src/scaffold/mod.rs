//! `seedbed init` and `seedbed new`: start a site, start a content file.
//!
//! Input: a folder or a kind and title. Output: new files with valid front matter.
//! Must not: overwrite an existing file.

use crate::model::{Collection, Lang};
use anyhow::{Context as _, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

/// What `seedbed init` writes: a commented site.yaml and an example item in every collection,
/// dated the day it runs (`{date}` in the files).
static NEW_SITE: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/new_site");

/// Create a new site in `dir`, which must be empty or not exist yet: a site.yaml whose comments
/// explain each key, a folder for every collection and an example item in each (a report with
/// its Chinese translation, a forum, a story, a person, the about page), dated `today`.
pub fn init(dir: &Path, today: jiff::civil::Date) -> Result<Vec<PathBuf>> {
    if dir.exists() && fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?.next().is_some() {
        bail!("{} is not empty: choose a new folder for the site", dir.display());
    }
    let mut created = Vec::new();
    write_tree(&NEW_SITE, dir, &today.to_string(), &mut created)?;
    for c in Collection::ALL {
        fs::create_dir_all(dir.join("content").join(c.dir()))
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    created.sort();
    Ok(created)
}

fn write_tree(from: &include_dir::Dir<'static>, to: &Path, date: &str, created: &mut Vec<PathBuf>) -> Result<()> {
    for file in from.files() {
        let text = String::from_utf8_lossy(file.contents()).replace("{date}", date);
        created.push(write_new(&to.join(file.path()), &text)?);
    }
    for sub in from.dirs() {
        write_tree(sub, to, date, created)?;
    }
    Ok(())
}

/// Create `content/<collection>/<slug>[.<lang>].md` in the site at `root`, dated `today`. The
/// language suffix is left out only for the site's default language (`None`: not known, so always
/// written), since a file without one is in the default language.
pub fn new_item(
    root: &Path,
    (collection, title, lang): (Collection, &str, Lang),
    default_language: Option<Lang>,
    today: jiff::civil::Date,
) -> Result<PathBuf> {
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        bail!("no site.yaml in {}: run this inside a site, or pass --root DIR", root.display());
    }
    let slug =
        if collection == Collection::Person { crate::text::person_slug(title) } else { crate::text::name_slug(title) };
    let suffix = if Some(lang) == default_language { String::new() } else { format!(".{}", lang.code()) };
    let path = root.join("content").join(collection.dir()).join(format!("{slug}{suffix}.md"));
    write_new(&path, &front_matter(collection, title, lang, &today.to_string()))
}

/// Create the translation into `lang` of the item at `content/<of>` (which must exist, be of
/// `collection` and be in the default language): `content/<folder>/<stem>.<lang>.md` with the
/// keys to translate. It writes none of the keys the original gives (a key written here, even
/// empty, would replace the original's).
pub fn new_translation(
    root: &Path,
    (collection, title, lang): (Collection, &str, Lang),
    of: &str,
    default_language: Option<Lang>,
) -> Result<PathBuf> {
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        bail!("no site.yaml in {}: run this inside a site, or pass --root DIR", root.display());
    }
    let of = of.trim_start_matches('/').trim_start_matches("content/");
    let Some((dir, stem)) = of.strip_suffix(".md").and_then(|p| p.rsplit_once('/')) else {
        bail!("--translation-of takes the original's path under content/, such as reports/x.md");
    };
    if dir != collection.dir() {
        bail!(
            "{of} is not in content/{}/: a translation of it is made with `seedbed new` of its own kind",
            collection.dir()
        );
    }
    if Some(lang) == default_language.or(Some(Lang::En)) || stem.contains('.') {
        bail!("{of} must be an item in the default language, and the translation in another (--lang zh)");
    }
    if !root.join("content").join(of).is_file() {
        bail!("content/{of} does not exist: name the original item's file");
    }
    let title = serde_json::to_string(title).unwrap_or_else(|_| "\"Untitled\"".into());
    let text = format!(
        "---\ntitle: {title}\n# Translates {of}: its date, authors, series, volume, number, topics, regions, PDF\n\
         # and event come from there. Write one here only to give it in this language (topics: [...]).\n\
         summary: \"\"\ndraft: true\n---\n\n{}\n",
        lang.spec().new_body
    );
    write_new(&root.join("content").join(dir).join(format!("{stem}.{}.md", lang.code())), &text)
}

/// Front matter with every field the collection requires and the common optional ones.
pub fn front_matter(collection: Collection, title: &str, lang: Lang, date: &str) -> String {
    let title = serde_json::to_string(title).unwrap_or_else(|_| "\"Untitled\"".into());
    let body = lang.spec().new_body;
    let fields = match collection {
        Collection::Report => format!(
            "date: {date}\nauthors: []\nsummary: \"\"\ntopics: []\nregions: []\nseries: \"Research Report\"\nvolume: 1\nnumber: 1\naccess: open\ndraft: true\n"
        ),
        Collection::Proceedings => format!(
            "date: {date}\nsummary: \"\"\ntopics: []\nevent:\n  name: {title}\n  location: \"\"\n  start: {date}\n  end: {date}\n  timezone: Asia/Shanghai\norganisers: []\nsessions: []\ndraft: true\n"
        ),
        Collection::Story => format!(
            "date: {date}\nsummary: \"\"\nsubject: \"\"\nregion:\n  province: \"\"\n  county: \"\"\nindustry: \"\"\ntopics: []\ndraft: true\n"
        ),
        Collection::Person => "affiliation: \"\"\nrole: \"\"\nsummary: \"\"\n".to_string(),
        Collection::Page => "summary: \"\"\n".to_string(),
    };
    format!("---\ntitle: {title}\n{fields}---\n\n{body}\n")
}

fn write_new(path: &Path, text: &str) -> Result<PathBuf> {
    if path.exists() {
        bail!("{} already exists: choose another title or edit that file", path.display());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_new_sites_settings_explain_every_key_seedbed_reads() {
        let text = super::NEW_SITE.get_file("site.yaml").and_then(|f| f.contents_utf8()).unwrap_or_default();
        let mut keys: Vec<&str> = crate::config::RAW_KEYS.to_vec();
        keys.extend(crate::model::DIGEST_KEYS);
        for key in keys {
            assert!(text.contains(&format!("{key}:")), "site.yaml of `seedbed init` does not mention `{key}`");
        }
    }
}

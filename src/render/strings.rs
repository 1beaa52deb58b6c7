//! UI strings per language (`i18n/<lang>.yaml` in the theme).

use crate::error::SiteError;
use crate::model::{Lang, SourceFile};
use std::collections::BTreeMap;

/// Interface text for one language: key → text.
pub(super) type Strings = BTreeMap<String, String>;

/// Parse every language's strings; a language the site uses must have a file.
/// `languages_at`: where `site.yaml` lists the languages, for the error when one lacks its file.
pub(crate) fn load(
    files: &[(Lang, SourceFile)],
    languages: &[Lang],
    languages_at: crate::model::Position,
) -> Result<BTreeMap<Lang, Strings>, Vec<SiteError>> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for (lang, file) in files {
        let text = String::from_utf8_lossy(&file.bytes);
        match crate::yaml::from_str::<Strings>(&text, &file.rel_path, 0, &[]) {
            Ok(strings) => {
                out.insert(*lang, strings);
            }
            Err(e) => errors.push(e.with_source(&text)),
        }
    }
    for lang in languages {
        if !out.contains_key(lang) && errors.is_empty() {
            errors.push(
                SiteError::new(
                    crate::config::CONFIG_FILE,
                    languages_at.line,
                    languages_at.column,
                    format!("the theme has no UI strings for `{}`", lang.code()),
                )
                .with_hint(format!("add i18n/{}.yaml to the theme", lang.code())),
            );
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

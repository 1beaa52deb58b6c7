//! The digests' stored HTML parts, for their pages on the site.
//!
//! Input: the files `load` found under `digests/` (`digests/<id>/digest.<lang>.html`). Output:
//! `DigestPart`s, by id then language. Must not: take a part whose id could leave its folder in a
//! URL, or whose language the site does not know (a folder renamed by hand is skipped).

use crate::model::{DigestPart, Lang, SourceFile};

/// The parts of `files`, sorted by id and language.
pub fn digest_parts(files: &[SourceFile]) -> Vec<DigestPart> {
    let mut parts: Vec<DigestPart> = files.iter().filter_map(part).collect();
    parts.sort_by(|a, b| (&a.id, a.lang).cmp(&(&b.id, b.lang)));
    parts
}

fn part(file: &SourceFile) -> Option<DigestPart> {
    let mut names = file.rel_path.split('/');
    let (_, id, name) = (names.next()?, names.next()?, names.next()?);
    let code = name.strip_prefix("digest.")?.strip_suffix(".html")?;
    let id_ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let lang = Lang::from_code(code).filter(|_| id_ok && names.next().is_none())?;
    Some(DigestPart { id: id.to_string(), lang, html: String::from_utf8_lossy(&file.bytes).into_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel_path: &str) -> SourceFile {
        SourceFile { rel_path: rel_path.into(), bytes: b"<p>x</p>".to_vec() }
    }

    #[test]
    fn parts_are_taken_by_id_and_language_and_odd_names_skipped() {
        let files = [
            file("digests/2026-11-28/digest.zh.html"),
            file("digests/2026-11-28/digest.en.html"),
            file("digests/2026-11-28/digest.xx.html"),
            file("digests/a b/digest.en.html"),
            file("digests/2026-11-27/digest.en.txt"),
        ];
        let parts: Vec<(String, Lang)> = digest_parts(&files).into_iter().map(|p| (p.id, p.lang)).collect();
        assert_eq!(parts, [("2026-11-28".to_string(), Lang::En), ("2026-11-28".to_string(), Lang::Zh)]);
    }
}

//! Find the file each body image (or relative link to a file) names among the site's files.

use crate::error::{SiteError, did_you_mean};
use crate::model::{BodyImage, Page};
use std::collections::BTreeMap;

/// For each page, the output path of each of its images (`None` for an http(s) image); an
/// image that is not in the site is an error at its position.
pub(super) fn resolve(pages: &[Page], assets: &BTreeMap<String, u64>) -> (Vec<Vec<Option<String>>>, Vec<SiteError>) {
    let mut errors = Vec::new();
    let paths = pages
        .iter()
        .map(|page| {
            let mut found = |image: &BodyImage| {
                find(image, assets).unwrap_or_else(|(message, hint)| {
                    // A link to a file not in the site may be meant (a path the server has);
                    // it is kept as written, with a warning.
                    let problem = if image.link { SiteError::warning } else { SiteError::new };
                    let message = if image.link { message.replacen("image", "linked file", 1) } else { message };
                    errors.push(problem(&page.rel_path, image.line, image.column, message).with_hint(hint));
                    None
                })
            };
            page.images.iter().map(&mut found).collect()
        })
        .collect();
    (paths, errors)
}

/// The output path of the first candidate in the site (`None` for an http(s) image), or what is
/// wrong and how to fix it.
fn find(image: &BodyImage, assets: &BTreeMap<String, u64>) -> Result<Option<String>, (String, String)> {
    let Some(candidates) = &image.candidates else { return Ok(None) };
    if let Some(found) = candidates.iter().find(|c| assets.contains_key(c.as_str())) {
        return Ok(Some(found.clone()));
    }
    let Some(first) = candidates.first() else {
        return Err((
            format!("image `{}` is outside the site's content/ folder", image.written),
            "put the image beside the Markdown file, or under static/ and write it with a leading /".into(),
        ));
    };
    let looked: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    let message = format!(
        "image `{}` is not in the site (looked in content/ and static/ for {})",
        image.written,
        looked.join(" and ")
    );
    let name = first.rsplit('/').next().unwrap_or_default();
    let same_name = assets.keys().map(String::as_str).find(|a| a.rsplit('/').next() == Some(name));
    let hint = match same_name.or_else(|| did_you_mean(first, assets.keys().map(String::as_str))) {
        Some(path) => format!("did you mean `/{path}`?"),
        None => "a relative path is from this file's folder (or a folder named after the file); \
                 a path starting with / is from content/ or static/"
            .to_string(),
    };
    Err((message, hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(candidates: Option<&[&str]>) -> BodyImage {
        BodyImage {
            written: "chart.png".into(),
            candidates: candidates.map(|c| c.iter().map(|s| s.to_string()).collect()),
            alt: "A chart".into(),
            title: String::new(),
            line: 7,
            column: 3,
            link: false,
        }
    }

    #[test]
    fn the_first_candidate_in_the_site_is_taken_and_a_missing_one_names_a_file_of_that_name() {
        let assets: BTreeMap<String, u64> =
            [("reports/x/chart.png".to_string(), 1), ("img/chart.png".to_string(), 1)].into();
        let beside_or_folder = image(Some(&["reports/chart.png", "reports/x/chart.png"]));
        assert_eq!(find(&beside_or_folder, &assets), Ok(Some("reports/x/chart.png".to_string())));
        let (message, hint) = find(&image(Some(&["reports/chart.png"])), &assets).unwrap_err();
        assert!(message.contains("not in the site") && message.contains("`reports/chart.png`"), "{message}");
        assert_eq!(hint, "did you mean `/img/chart.png`?");
        assert!(find(&image(Some(&[])), &assets).unwrap_err().0.contains("outside"));
        assert_eq!(find(&image(None), &assets), Ok(None));
    }
}

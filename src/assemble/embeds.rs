//! Check every table and chart against the dataset it names: the file exists, the columns it
//! names are in it, and a chart's values are numbers.
//!
//! Input: pages and the datasets read from `data/`. Output: errors at the embed's `path:line:col`.
//! Must not: draw anything (render does).

use crate::error::{SiteError, did_you_mean};
use crate::model::{Dataset, Embed, Page, Shows};
use std::collections::BTreeSet;

/// What is wrong with the pages' embeds; one naming an `unreadable` dataset (which has its own
/// error) is not checked.
pub(super) fn check(pages: &[Page], datasets: &[Dataset], unreadable: &BTreeSet<String>) -> Vec<SiteError> {
    let mut errors = Vec::new();
    for page in pages {
        for embed in page.embeds.iter().filter(|e| !unreadable.contains(&e.data_path())) {
            if let Err(e) = check_one(embed, datasets) {
                errors.push(SiteError::new(&page.rel_path, embed.line, embed.column, e.0).with_hint(e.1));
            }
        }
    }
    errors
}

/// A message and a hint.
type Problem = (String, String);

fn check_one(embed: &Embed, datasets: &[Dataset]) -> Result<(), Problem> {
    let path = embed.data_path();
    let Some(set) = crate::model::find_dataset(datasets, &path) else {
        let names = datasets.iter().map(|d| d.rel_path.as_str());
        let hint = match did_you_mean(&path, names) {
            Some(near) => format!("did you mean `{}`?", near.trim_start_matches("data/")),
            None => "put the table under data/ (CSV with a header row, or YAML rows) and name it from there".into(),
        };
        return Err((format!("no dataset `{path}`"), hint));
    };
    let column = |name: &str| {
        set.column(name).ok_or_else(|| {
            let hint = match did_you_mean(name, set.columns.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`? Its columns are {}", set.columns.join(", ")),
                None => format!("its columns are {}", set.columns.join(", ")),
            };
            (format!("{path} has no column `{name}`"), hint)
        })
    };
    match &embed.shows {
        Shows::Table { columns } => columns.iter().try_for_each(|c| column(c).map(drop)),
        Shows::Chart { x, y, .. } => {
            column(x)?;
            for name in y {
                let at = column(name)?;
                numbers(set, at).map_err(|(row, cell)| {
                    let message = format!("`{name}` in {path} has `{cell}` on line {}, not a number", row + 2);
                    (message, "a chart draws numbers: leave the cell empty for a gap, or chart another column".into())
                })?;
            }
            if y.is_empty() {
                return Err(("`y` names no column".into(), "write y=\"rate\" or y=\"rate, target\"".into()));
            }
            Ok(())
        }
    }
}

/// Every cell of column `at` is a number or empty; else the first that is not, with its row.
fn numbers(set: &Dataset, at: usize) -> Result<(), (usize, String)> {
    for (row, cells) in set.rows.iter().enumerate() {
        let cell = cells.get(at).map_or("", String::as_str);
        if !cell.is_empty() && crate::text::parse_number(cell).is_none() {
            return Err((row, cell.to_string()));
        }
    }
    Ok(())
}

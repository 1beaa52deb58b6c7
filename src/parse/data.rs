//! The tables under `data/`: CSV with a header row, or YAML as a list of rows
//! (`- {year: 2015, rate: 12.5}`).
//!
//! Input: the files load read. Output: `Dataset`s sorted by path, and errors at `path:line:col`.
//! Must not: decide what an embed shows (render does) or read files.

use crate::error::SiteError;
use crate::model::{Dataset, SourceFile};

/// Every table that reads, and what is wrong with those that do not.
pub fn datasets(files: &[SourceFile]) -> (Vec<Dataset>, Vec<SiteError>) {
    let mut sets = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            errors.push(SiteError::whole_file(&file.rel_path, "is not UTF-8 text").with_hint("save it as UTF-8"));
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let read = if file.rel_path.to_ascii_lowercase().ends_with(".csv") {
            csv_table(&file.rel_path, text)
        } else {
            yaml_table(&file.rel_path, text)
        };
        match read {
            Ok(set) => sets.push(set),
            Err(e) => errors.push(e.with_source(text)),
        }
    }
    (sets, errors)
}

fn csv_table(rel_path: &str, text: &str) -> Result<Dataset, SiteError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let bad = |e: csv::Error| {
        let line = e.position().map_or(1, |p| usize::try_from(p.line()).unwrap_or(1));
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("this row has {len} cells; the header has {expected_len}")
            }
            _ => e.to_string(),
        };
        SiteError::new(rel_path, line, 1, message)
            .with_hint("give every row as many cells as the header, quoting cells that hold commas")
    };
    let columns: Vec<String> = reader.headers().map_err(bad)?.iter().map(|h| h.trim().to_string()).collect();
    if columns.iter().all(String::is_empty) {
        return Err(SiteError::new(rel_path, 1, 1, "the table has no header row")
            .with_hint("name each column on the first line: year,rate"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        rows.push(record.map_err(bad)?.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(Dataset { rel_path: rel_path.to_string(), columns, rows })
}

fn yaml_table(rel_path: &str, text: &str) -> Result<Dataset, SiteError> {
    let rows: Vec<serde_yaml::Mapping> = crate::yaml::from_str(text, rel_path, 0, &[])
        .map_err(|e| e.with_hint("write the table as a list of rows: `- {year: 2015, rate: 12.5}`"))?;
    let mut columns: Vec<String> = Vec::new();
    let mut cells: Vec<Vec<(String, String)>> = Vec::new();
    for row in &rows {
        let mut out = Vec::new();
        for (key, value) in row {
            let key = scalar(key);
            if !columns.contains(&key) {
                columns.push(key.clone());
            }
            out.push((key, scalar(value)));
        }
        cells.push(out);
    }
    let rows = cells
        .into_iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| row.iter().find(|(k, _)| k == c).map(|(_, v)| v.clone()).unwrap_or_default())
                .collect()
        })
        .collect();
    Ok(Dataset { rel_path: rel_path.to_string(), columns, rows })
}

/// A YAML value as a cell: scalars as written, anything else as YAML.
fn scalar(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Null => String::new(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel_path: &str, text: &str) -> SourceFile {
        SourceFile { rel_path: rel_path.into(), bytes: text.as_bytes().to_vec() }
    }

    #[test]
    fn csv_and_yaml_tables_read_alike_and_a_short_row_is_an_error_at_its_line() {
        let (sets, errors) = datasets(&[
            file("data/a.csv", "\u{feff}year, rate\n2015,12.5\n\"2016\",\"1,300\"\n"),
            file("data/b.yaml", "- {year: 2015, rate: 12.5}\n- {year: 2016}\n"),
            file("data/c.csv", "year,rate\n2015\n"),
        ]);
        assert_eq!(sets[0].columns, ["year", "rate"]);
        assert_eq!(sets[0].rows, [["2015", "12.5"], ["2016", "1,300"]]);
        assert_eq!(sets[1].columns, ["year", "rate"]);
        assert_eq!(sets[1].rows, [["2015", "12.5"], ["2016", ""]]);
        assert_eq!((errors[0].rel_path.as_str(), errors[0].line), ("data/c.csv", 2));
        assert!(errors[0].message.contains("1 cells; the header has 2"), "{errors:?}");
    }
}

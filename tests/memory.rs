//! The build's memory is bounded by what listings and the search index need, not by the site's
//! text or its output: pages are written while the build goes on (`write::Staging`), sources are
//! read as they are parsed, the search index merges its postings window by window, and texts are
//! kept unpacked only up to a budget (a site of 20,000 files or more packs every one). A
//! generated site of 3,000 reports (~20 KB of Markdown each, 143 MB of output) builds under a data
//! limit (RLIMIT_DATA, which counts the heap) that the earlier builds went over, both ways.

use crate::common::{stderr, write};
use std::process::Command;

const PAGES: usize = 3000;
/// Measured with the debug binaries (RAYON_NUM_THREADS=2): the build holding its output in memory
/// (e78596e) aborts at 380 MiB; writing while it builds but holding every body, source and
/// posting (6b7adc2) aborts at 240 and runs at 270; now, with this site's texts (80 MB) unpacked,
/// it runs at 230 and aborts at 220.
const LIMIT_MIB: u64 = 300;
/// Every text packed: runs at 150, aborts at 120.
const PACKED_LIMIT_MIB: u64 = 200;

const WORDS: [&str; 24] = [
    "returning",
    "migrants",
    "county",
    "cooperative",
    "credit",
    "training",
    "e-commerce",
    "villages",
    "households",
    "entrepreneurs",
    "loans",
    "revitalization",
    "Guizhou",
    "Sichuan",
    "workforce",
    "tea",
    "logistics",
    "platforms",
    "survey",
    "policy",
    "income",
    "startups",
    "skills",
    "remittances",
];

/// A report of about 12 KB: headings, paragraphs of words, a list, a link to the report before it.
fn report(n: usize) -> String {
    let mut body = String::new();
    let mut k = n * 7919;
    let mut word = || {
        k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        WORDS[(k >> 33) % WORDS.len()]
    };
    for section in 0..6 {
        body.push_str(&format!("\n## Section {section} on {}\n\n", word()));
        for _ in 0..4 {
            let sentence: Vec<&str> = (0..80).map(|_| word()).collect();
            body.push_str(&sentence.join(" "));
            body.push_str(".\n\n");
        }
        body.push_str(&format!("- {} and {}\n- {} in {}\n", word(), word(), word(), word()));
    }
    if n > 0 {
        body.push_str(&format!("\nSee [the previous report](r{}.md).\n", n - 1));
    }
    format!(
        "---\ntitle: \"Report {n} on {} and {}\"\ndate: 2020-{:02}-{:02}\nauthors: [\"Author {}\"]\n\
         topics: [\"{}\"]\nregions: [\"{}\"]\nsummary: \"A study of {} {}.\"\nseries: Research Report\n\
         volume: {}\nnumber: {}\n---\n{body}",
        word(),
        word(),
        n % 12 + 1,
        n % 28 + 1,
        n % 97,
        word(),
        word(),
        word(),
        word(),
        n / 100 + 1,
        n % 12 + 1
    )
}

/// The generated archive.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "site.yaml", "title: Archive\nbase_url: https://example.org/\nlanguages: [en]\n");
    for n in 0..PAGES {
        write(dir.path(), &format!("content/reports/r{n}.md"), report(n));
    }
    dir
}

/// Build `site` with its data (heap) limited to `limit_mib`: it succeeds and makes every report
/// page and listing.
fn build_within(site: &std::path::Path, limit_mib: u64, pack_all: bool) {
    let mut command = Command::new("prlimit");
    command
        .arg(format!("--data={}", limit_mib * 1024 * 1024))
        .arg(env!("CARGO_BIN_EXE_seedbed"))
        .args(["build", "--root"])
        .arg(site)
        .env("RAYON_NUM_THREADS", "2")
        .env("SOURCE_DATE_EPOCH", "1798761600");
    if pack_all {
        command.env("SEEDBED_TEST_PACK_ALL", "1");
    }
    let out = command.output().expect("run prlimit (util-linux)");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pages = walkdir::WalkDir::new(site.join("public/reports"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "index.html")
        .count();
    assert!(pages > PAGES, "{pages} report pages and listings");
}

#[test]
#[cfg(target_os = "linux")]
fn a_large_site_builds_within_a_memory_limit_its_whole_output_would_exceed() {
    build_within(archive().path(), LIMIT_MIB, false);
}

/// The way a site of more than 20,000 files is built (every text packed), taken here on 3,000.
#[test]
#[cfg(target_os = "linux")]
fn with_every_text_packed_a_large_site_builds_within_a_lower_limit() {
    build_within(archive().path(), PACKED_LIMIT_MIB, true);
}

//! The search index in isolation: builds a site once, then times `search_index::files` alone.
//!
//! `cargo bench --bench index -- [SITE_DIR] [RUNS]` (default `bench/corpus/10000/seedbed`, 7 runs;
//! generate the corpus with `scripts/bench-build` first). Prints each run and the median, beside the
//! median of the whole in-memory build (`build_site`, index included) for scale. Used to compare
//! indexer changes: whole-build shares move with render and disk noise, this does not.

use seedbed::{BuildSettings, assemble::BuildOptions, build_site, outputs::search_index};
use std::time::Instant;

// The same allocator and setting as the binary (src/main.rs): allocation is much of indexing.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() -> anyhow::Result<()> {
    // SAFETY: sets a process-wide allocator option before any other thread exists (src/main.rs).
    unsafe { libmimalloc_sys::mi_option_set(15, -1) };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let root = args.first().map(String::as_str).unwrap_or("bench/corpus/10000/seedbed");
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(7);
    let today = jiff::civil::date(2026, 1, 1);
    let settings = BuildSettings { options: BuildOptions { drafts: false, future: false, today }, base_url: None };
    let mut builds = Vec::new();
    let mut site = None;
    for _ in 0..3 {
        let started = Instant::now();
        let output = build_site(root.as_ref(), &settings).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        builds.push(started.elapsed().as_secs_f64());
        site = Some(output.site);
    }
    let site = site.ok_or_else(|| anyhow::anyhow!("no build"))?;
    let mut index = Vec::new();
    for run in 0..runs {
        let started = Instant::now();
        let files = search_index::files(&site);
        index.push(started.elapsed().as_secs_f64());
        println!("run {run}: index {:.3} s ({} files)", index[run], files.len());
    }
    println!(
        "{} pages: whole build median {:.3} s, index alone median {:.3} s",
        site.pages.len(),
        median(builds),
        median(index)
    );
    Ok(())
}

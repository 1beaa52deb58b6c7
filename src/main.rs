//! Parse the command line, run the command, set the exit code; nothing else.

mod cli;

use clap::Parser;

// The pipeline allocates many small strings on every core; mimalloc keeps that from serialising.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same index in its v2 and v3 headers;
/// the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // A run is short and its peak is what it is: keep freed memory for reuse instead of handing it
    // back to the OS and faulting it in again (zeroing re-faulted pages took about a tenth of a
    // 10,000-page build; BENCHMARKS.md). `serve` keeps it too: handing memory back made every
    // rebuild fault it in again, 15-20 ms of an edit's reload at 10,000 pages, for 0.8 GB less RSS.
    // SAFETY: sets a process-wide allocator option before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let cli = cli::Cli::parse();
    let level = if cli.verbose { "debug" } else { "warn" };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level)).format_timestamp(None).init();
    cli::run(cli)
}

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
    let cli = cli::Cli::parse();
    // A build is short and its peak is what it is: it keeps freed memory for reuse instead of
    // handing it back to the OS and faulting it in again (zeroing re-faulted pages took about a
    // tenth of a 10,000-page build; BENCHMARKS.md). `serve` runs for hours: it hands freed memory
    // back (mimalloc's default): at 10,000 pages, 946 MiB after 20 edits instead of 1348, for a
    // body edit's reload in 72 ms instead of 69 (scripts/bench-serve; BENCHMARKS.md).
    if !matches!(cli.command, cli::Command::Serve(_)) {
        // SAFETY: sets a process-wide allocator option before any other thread exists.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
    let level = if cli.verbose { "debug" } else { "warn" };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level)).format_timestamp(None).init();
    cli::run(cli)
}

//! Parse the command line, run the command, set the exit code; nothing else.

mod cli;

use clap::Parser;

// The pipeline allocates many small strings on every core; mimalloc keeps that from serialising.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let level = if cli.verbose { "debug" } else { "warn" };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level)).format_timestamp(None).init();
    cli::run(cli)
}

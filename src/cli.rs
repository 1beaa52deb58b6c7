//! The command line: clap definitions and one `run` per command.
//!
//! Input: parsed arguments. Output: an exit code (0 ok, 1 problems in the site's files,
//! 2 usage or environment errors) and messages on stderr.
#![allow(clippy::print_stderr)]

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};
use seedbed::assemble::BuildOptions;
use seedbed::model::{Collection, Lang};
use seedbed::{BuildError, BuildSettings};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

mod digest;
mod subscribers;

/// seedbed builds a research centre's bilingual site (reports, forum proceedings, success
/// stories, people) from Markdown files with YAML front matter.
#[derive(Parser, Debug)]
#[command(name = "seedbed", version, about, long_about = None)]
pub struct Cli {
    /// Print debug details (stage timings).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
    /// Validate every file and link; write nothing.
    Check(CheckArgs),
    /// Create a new site in DIR.
    Init {
        /// Folder for the new site (must be empty or new).
        dir: PathBuf,
    },
    /// Create a content file with the front matter its collection needs.
    New(NewArgs),
    /// Build the site in memory and serve it on this machine (http://127.0.0.1:1111/).
    Serve(ServeArgs),
    /// The catalogue e-mail digest: build it, send it, see how far it went.
    #[command(subcommand)]
    Digest(digest::DigestCommand),
    /// The digest's subscribers: the subscription service, and the list in its database.
    #[command(subcommand)]
    Subscribers(subscribers::SubscribersCommand),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address exposes the site to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Look for changes by scanning every half second (for file systems without change events,
    /// such as network and some container mounts).
    #[arg(long)]
    pub poll: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Args, Debug)]
pub struct SiteArgs {
    /// The site's folder (holding site.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include items marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include items dated in the future.
    #[arg(long)]
    pub future: bool,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder; relative paths are inside the site's folder.
    #[arg(long, default_value = "public")]
    pub output: PathBuf,
    /// Publish under this address instead of site.yaml's base_url.
    #[arg(long, value_parser = base_url)]
    pub base_url: Option<String>,
    /// Replace the output folder even though seedbed did not make it (everything in it is
    /// deleted). The site's own folders are never replaced.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
}

/// `seedbed new KIND`: the collections' singular names, from the model.
fn kind_parser() -> impl clap::builder::TypedValueParser<Value = Collection> {
    clap::builder::PossibleValuesParser::new(Collection::ALL.map(Collection::kind))
        .try_map(|kind: String| Collection::from_kind(&kind).ok_or("not a kind of item"))
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// What to create.
    #[arg(value_parser = kind_parser())]
    pub kind: Collection,
    /// Its title; the file name is made from it.
    pub title: String,
    /// Language of the item (`zh` writes `<slug>.zh.md`).
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// The item this translates (`reports/x.md`, under content/): writes `reports/x.<lang>.md`,
    /// which takes the date, authors, issue and the like from it.
    #[arg(long, value_name = "PATH")]
    pub translation_of: Option<String>,
    /// The site's folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// `--base-url`: the same rule as site.yaml's `base_url`.
fn base_url(text: &str) -> Result<String, String> {
    seedbed::config::check_base_url(text).map(|()| text.to_string())
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Init { dir } => report_env(seedbed::scaffold::init(&dir, today()).map(|files| {
            eprintln!(
                "Created a new site in {} ({} files). Next: cd into it and run `seedbed build`.",
                dir.display(),
                files.len()
            );
        })),
        Command::New(args) => new(args),
        Command::Serve(args) => serve(args),
        Command::Digest(command) => digest::run(command),
        Command::Subscribers(command) => subscribers::run(command),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    use seedbed::{pipeline::incremental::IncrementalBuild, serve::live::Live};
    use std::sync::Arc;
    if !args.bind.is_loopback() {
        eprintln!("warning: serving on {} makes the site reachable from other machines", args.bind);
    }
    let (listener, addr) = match seedbed::serve::bind(std::net::SocketAddr::new(args.bind, args.port)) {
        Ok(bound) => bound,
        Err(e) => return report_env(Err(e)),
    };
    let host =
        if addr.ip().is_loopback() && addr.is_ipv4() { format!("127.0.0.1:{}", addr.port()) } else { addr.to_string() };
    let settings = settings(&args.site, Some(format!("http://{host}/")));
    // Watch before the first build, so a change made while it runs is not missed; the watcher
    // waits for that build before rebuilding.
    let (ready, wait_ready) = std::sync::mpsc::channel::<(IncrementalBuild, Arc<Live>)>();
    let mut state = None;
    watch_site(&args, move |change, newer| {
        if state.is_none() {
            state = wait_ready.recv().ok();
        }
        if let Some((build, live)) = &mut state {
            live.rebuild(build, change, newer, &say_rebuilt);
        }
    });
    let mut build = IncrementalBuild::new(&args.site.root, &settings);
    match build.update(None) {
        Ok(update) => print_problems(&update.warnings),
        Err(e) => return report_build_error(e),
    }
    let live = Arc::new(Live::new(seedbed::serve::ServedSite::new(build.files().clone())));
    let _ = ready.send((build, Arc::clone(&live)));
    if args.open {
        open_browser(&format!("http://{host}/"));
    }
    eprintln!("Serving http://{host}/ (Ctrl+C to stop; pages reload when you save a file)");
    report_env(seedbed::serve::run(&live, listener, addr))
}

/// The site's default language, when its `site.yaml` can be read.
fn default_language(root: &std::path::Path) -> Option<Lang> {
    seedbed::load::config(root).ok().map(|c| c.default_language)
}

/// How a rebuild in `serve` went, on the terminal (a closed terminal must not stop the server,
/// so a failed write is ignored).
fn say_rebuilt(result: &Result<seedbed::pipeline::incremental::Update, String>, took: std::time::Duration) {
    use std::io::Write;
    let _ = match result {
        Ok(u) => writeln!(
            std::io::stderr(),
            "Rebuilt in {} ms ({} parsed, {} pages rendered, {} files changed)",
            took.as_millis(),
            u.parsed,
            u.rendered.len(),
            u.changed
        ),
        Err(errors) => writeln!(std::io::stderr(), "{errors}\nThe build failed: still serving the last good one."),
    };
}

/// Start watching the site's folder; a failure only means changes need a restart.
fn watch_site(
    args: &ServeArgs,
    rebuild: impl FnMut(&seedbed::serve::live::Change, seedbed::outputs::search_index::Stop) + Send + 'static,
) {
    match seedbed::serve::live::watch(&args.site.root, args.poll, rebuild) {
        Ok(seedbed::serve::live::Watching::Polling { fell_back: true }) => eprintln!(
            "warning: the system's limit on watched files is reached (fs.inotify.max_user_watches): \
             looking for changes every half second instead. Raise the limit, or pass --poll to say so."
        ),
        Ok(_) => {}
        Err(e) => {
            eprintln!("warning: cannot watch {} for changes ({e}): restart to pick them up", args.site.root.display())
        }
    }
}

/// Ask the desktop to open `url`; a failure is only a warning.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let started = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = started {
        eprintln!("warning: cannot open a browser ({opener}: {e}); open {url} yourself");
    }
}

/// Today, or the day of `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when set: the
/// reproducible-builds convention, which also makes digests and scheduled items testable.
pub(crate) fn today() -> jiff::civil::Date {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    match epoch.and_then(|s| jiff::Timestamp::from_second(s).ok()) {
        Some(t) => t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
        None => jiff::ZonedDateTime::now().date(),
    }
}

fn settings(site: &SiteArgs, base_url: Option<String>) -> BuildSettings {
    let today = today();
    BuildSettings { options: BuildOptions { drafts: site.drafts, future: site.future, today }, base_url }
}

fn build(args: BuildArgs) -> ExitCode {
    let started = Instant::now();
    let out_dir = if args.output.is_absolute() { args.output.clone() } else { args.site.root.join(&args.output) };
    let target = match seedbed::write::OutputTarget::check(&args.site.root, &out_dir, args.force) {
        Ok(target) => target,
        Err(e) => return report_env(Err(e)),
    };
    // Files go to the staging folder as they are made; it replaces the output only if the whole
    // build succeeds (dropped, it is removed and the previous output stays).
    let staging = match seedbed::write::Staging::begin(&target) {
        Ok(staging) => staging,
        Err(e) => return report_env(Err(e)),
    };
    let built = match seedbed::pipeline::build_into(&args.site.root, &settings(&args.site, args.base_url), &|file| {
        staging.put(file)
    }) {
        Ok(built) => built,
        Err(e) => return report_build_error(e),
    };
    print_problems(&built.warnings);
    if let Err(e) = staging.finish() {
        return report_env(Err(e));
    }
    let c = built.counts;
    eprintln!(
        "Built {}, {}, {}, {} ({}) into {} in {} ms",
        count(c.items, "page"),
        count(c.listings, "listing"),
        count(c.catalogue, "catalogue page"),
        count(c.aliases, "redirect"),
        count(built.files, "file"),
        out_dir.display(),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn check(args: CheckArgs) -> ExitCode {
    let started = Instant::now();
    // Everything `build` does but keeping the files: the same errors, in less memory.
    match seedbed::pipeline::build_into(&args.site.root, &settings(&args.site, None), &|_| {}) {
        Ok(built) => {
            print_problems(&built.warnings);
            let site = &built.site;
            for warning in
                seedbed::assemble::missing_translations(site).into_iter().chain(seedbed::assemble::unnamed_terms(site))
            {
                eprintln!("{warning}");
            }
            eprintln!("Checked {} items: no errors ({} ms)", built.site.pages.len(), started.elapsed().as_millis());
            ExitCode::SUCCESS
        }
        Err(e) => report_build_error(e),
    }
}

fn new(args: NewArgs) -> ExitCode {
    let Some(lang) = Lang::from_code(&args.lang) else {
        let codes: Vec<&str> = Lang::all().map(Lang::code).collect();
        eprintln!("error: unknown language `{}`: use {}", args.lang, codes.join(" or "));
        return ExitCode::from(2);
    };
    let collection = args.kind;
    if args.title.trim().is_empty() || args.title.chars().any(char::is_control) {
        eprintln!("error: give the item a title of letters and words (it names the file and heads the page)");
        return ExitCode::from(2);
    }
    let item = (collection, args.title.as_str(), lang);
    let created = match &args.translation_of {
        Some(of) => seedbed::scaffold::new_translation(&args.root, item, of, default_language(&args.root)),
        None => seedbed::scaffold::new_item(&args.root, item, default_language(&args.root), today()),
    };
    report_env(created.map(|path| eprintln!("Created {}", path.display())))
}

fn print_problems(problems: &[seedbed::error::SiteError]) {
    for p in problems {
        eprintln!("{p}");
    }
}

fn report_build_error(e: BuildError) -> ExitCode {
    match e {
        BuildError::Site(errors) => {
            eprintln!("{errors}");
            let n = errors.0.iter().filter(|e| e.is_error()).count();
            eprintln!("Build failed: {n} error{} (nothing was written)", if n == 1 { "" } else { "s" });
            ExitCode::from(1)
        }
        BuildError::Env(e) => report_env(Err(e)),
    }
}

fn report_env(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

//! `seedbed digest build | send | status`: arguments to the `digest` module, results to stderr.

use super::{report_build_error, report_env};
use clap::{Args, Subcommand};
use seedbed::digest::{self, Built, deliver, ledger, store};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum DigestCommand {
    /// Make the next digest of the items published since the last one sent (digests/<id>/).
    Build(DigestBuildArgs),
    /// Send the newest digest to every subscriber who has not had it.
    Send(DigestSendArgs),
    /// List the digests and how far each was delivered, and the subscribers by state.
    Status(DigestStatusArgs),
}

#[derive(Args, Debug)]
pub struct DigestRootArgs {
    /// The site's folder (holding site.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Args, Debug)]
pub struct DigestStatusArgs {
    #[command(flatten)]
    pub root: DigestRootArgs,
    /// The subscriber database (default: SEEDBED_DATABASE, else subscribers.sqlite in the site's folder).
    #[arg(long)]
    pub database: Option<String>,
}

#[derive(Args, Debug)]
pub struct DigestBuildArgs {
    #[command(flatten)]
    pub root: DigestRootArgs,
    /// Cover items dated after this day (YYYY-MM-DD) instead of the usual window.
    #[arg(long)]
    pub since: Option<jiff::civil::Date>,
}

#[derive(Args, Debug)]
pub struct DigestSendArgs {
    #[command(flatten)]
    pub root: DigestRootArgs,
    /// A subscriber list (CSV with the header `email,name,lang`; an `unsubscribed.csv` beside it
    /// is always honoured) instead of the subscriber database.
    #[arg(long, conflicts_with = "database")]
    pub subscribers: Option<PathBuf>,
    /// The subscriber database (default: SEEDBED_DATABASE, else subscribers.sqlite in the site's folder).
    #[arg(long)]
    pub database: Option<String>,
    /// smtp://[user:pass@]host:port?tls=none|starttls|tls (password also from SEEDBED_SMTP_PASSWORD).
    #[arg(long, required_unless_present_any = ["outbox", "dry_run"])]
    pub smtp: Option<String>,
    /// Check the lists and build every message; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// At most this many messages per second.
    #[arg(long, value_parser = rate, allow_hyphen_values = true)]
    pub rate: Option<f64>,
    /// Write each message as an .eml file in this folder instead of sending it.
    #[arg(long, conflicts_with = "smtp")]
    pub outbox: Option<PathBuf>,
}

/// `--rate`: a number of messages per second above zero.
fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!("`{text}` is not a rate: give messages per second above zero, like 10 or 0.5")),
    }
}

pub fn run(command: DigestCommand) -> ExitCode {
    match command {
        DigestCommand::Build(args) => build(args),
        DigestCommand::Send(args) => send(args),
        DigestCommand::Status(args) => report_env(status(&args)),
    }
}

fn build(args: DigestBuildArgs) -> ExitCode {
    let today = super::today();
    match digest::build(&args.root.root, today, args.since) {
        Ok(Built::Nothing { since }) => {
            eprintln!("Nothing new since {since}: no digest made.");
            ExitCode::SUCCESS
        }
        Ok(Built::Digest { id, dir, items, replaced }) => {
            for old in replaced {
                eprintln!("Replaced digest {old}, which had not been sent.");
            }
            eprintln!("Made digest {id}: {items} item{} in {}", if items == 1 { "" } else { "s" }, dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => report_build_error(e),
    }
}

fn send(args: DigestSendArgs) -> ExitCode {
    let delivery = if args.dry_run {
        deliver::Delivery::DryRun
    } else if let Some(dir) = args.outbox {
        deliver::Delivery::Outbox(dir)
    } else {
        let url = args.smtp.unwrap_or_default();
        let session = seedbed::smtp::parse_url(&url, std::env::var("SEEDBED_SMTP_PASSWORD").ok())
            .and_then(seedbed::smtp::SmtpSession::new);
        match session {
            Ok(session) => deliver::Delivery::Smtp(Box::new(session)),
            Err(e) => return report_env(Err(e)),
        }
    };
    let progress = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let subscribers = match args.subscribers {
        Some(path) => deliver::Recipients::Csv(path),
        None => match super::subscribers::open_existing(&args.root.root, args.database.as_deref()) {
            Ok(db) => deliver::Recipients::Database(db),
            Err(e) => return report_env(Err(e)),
        },
    };
    let options = deliver::SendOptions { subscribers, delivery, rate: args.rate, progress };
    let retry = match seedbed::load::config(&args.root.root) {
        Ok(config) => (config.digest.attempts, config.digest.retry_ms),
        Err(e) => return report_env(Err(e)),
    };
    let dry_run = args.dry_run;
    match deliver::send(&args.root.root, options, retry) {
        Ok(summary) => {
            for p in &summary.problems {
                eprintln!("{}: {}", if p.rejected { "skipped" } else { "warning" }, p.message);
            }
            let verb = if dry_run { "would be sent to" } else { "sent to" };
            if summary.unsubscribed > 0 {
                eprintln!("{} readers unsubscribed while the digest went out: skipped.", summary.unsubscribed);
            }
            if summary.suppressed > 0 {
                eprintln!(
                    "{} addresses refused a second digest for good and are suppressed (see `seedbed digest status`).",
                    summary.suppressed
                );
            }
            eprintln!(
                "Digest {}: {} subscribers: {} sent ({} by this run), {} failed, {} deferred{}",
                summary.digest,
                summary.subscribers,
                summary.sent,
                summary.sent_now,
                summary.failed,
                summary.deferred,
                if dry_run { format!(" (dry run: {} {verb})", summary.deferred) } else { String::new() },
            );
            if summary.deferred > 0 && !dry_run {
                eprintln!("Some messages were deferred: run the same command again later to retry them.");
                return ExitCode::from(3);
            }
            ExitCode::SUCCESS
        }
        Err(e) => report_env(Err(e)),
    }
}

fn status(args: &DigestStatusArgs) -> anyhow::Result<()> {
    let root = &args.root;
    if let Ok(db) = super::subscribers::open_existing(&root.root, args.database.as_deref()) {
        super::subscribers::print_counts(&db)?;
    }
    let digests = store::list(&root.root)?;
    if digests.is_empty() {
        eprintln!("No digests yet: run `seedbed digest build`.");
    }
    for d in digests {
        let text = std::fs::read_to_string(d.dir.join(store::LEDGER_FILE)).unwrap_or_default();
        let states = ledger::parse(&text);
        let counts = ledger::counts(&states);
        let n = |s| counts.get(&s).copied().unwrap_or(0);
        let state = if d.started { "" } else { ", not sent yet" };
        eprintln!(
            "{}: {} items{state}; {} sent, {} failed, {} deferred, {} in flight when a run stopped",
            d.record.id,
            d.record.items.len(),
            n(ledger::State::Sent),
            n(ledger::State::Failed),
            n(ledger::State::Deferred),
            n(ledger::State::Sending),
        );
        let failed: Vec<_> = states.iter().filter(|(_, (s, _))| *s == ledger::State::Failed).collect();
        for (address, (_, reply)) in failed.iter().take(20) {
            eprintln!("  failed: {address}: {reply}");
        }
        if failed.len() > 20 {
            eprintln!("  … and {} more failed (see {})", failed.len() - 20, d.dir.join(store::LEDGER_FILE).display());
        }
    }
    Ok(())
}

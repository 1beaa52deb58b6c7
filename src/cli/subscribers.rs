//! `seedbed subscribers import | list | export | remove | serve`: arguments to the
//! `subscription` module, results to stdout (data) and stderr (messages).

use super::report_env;
use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use seedbed::subscription::{Database, database, roster};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum SubscribersCommand {
    /// Add a CSV list (`email,name,lang`) as subscribers who agreed elsewhere; an
    /// `unsubscribed.csv` beside it is recorded too.
    Import(ImportArgs),
    /// List the subscribers (CSV on stdout).
    List(ListArgs),
    /// Everything kept about the subscribers, or one person (a data request).
    Export(ExportArgs),
    /// Unsubscribe an address, or with --erase delete everything about it.
    Remove(RemoveArgs),
    /// Run the service the site's subscribe form and the digests' links lead to.
    Serve(ServiceArgs),
}

#[derive(Args, Debug)]
pub struct DatabaseArgs {
    /// The site's folder (holding site.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// sqlite://FILE or postgres://USER@HOST/DB (default: SEEDBED_DATABASE, else
    /// subscribers.sqlite in the site's folder).
    #[arg(long)]
    pub database: Option<String>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The CSV list.
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Only these: pending, subscribed, unsubscribed or suppressed.
    #[arg(long)]
    pub status: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Only this person (with their consent records and bounces).
    #[arg(long)]
    pub email: Option<String>,
    /// CSV (one row per subscriber) or JSON (with consents and bounces).
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The address.
    pub email: String,
    /// Delete every record of the address, consents included (a request to be forgotten).
    #[arg(long)]
    pub erase: bool,
}

#[derive(Args, Debug)]
pub struct ServiceArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8025)]
    pub port: u16,
    /// Address to listen on; keep it on this machine behind the HTTPS reverse proxy.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// smtp://[user:pass@]host:port?tls=none|starttls|tls for the confirmation mails (password
    /// also from SEEDBED_SMTP_PASSWORD).
    #[arg(long, required_unless_present = "outbox")]
    pub smtp: Option<String>,
    /// Write the confirmation mails to this folder instead (trying the service out).
    #[arg(long, conflicts_with = "smtp")]
    pub outbox: Option<PathBuf>,
    /// A reverse proxy whose X-Forwarded-For names the client (repeat for several).
    #[arg(long)]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Confirmation mails one client may cause in an hour.
    #[arg(long, default_value_t = 10)]
    pub mails_per_client: u32,
    /// Send readers to the site at this address instead of site.yaml's base_url (the site as
    /// `seedbed serve` shows it, when trying the service out).
    #[arg(long, value_parser = super::base_url)]
    pub base_url: Option<String>,
}

pub fn run(command: SubscribersCommand) -> ExitCode {
    match command {
        SubscribersCommand::Serve(args) => serve(args),
        other => report_env(blocking(other)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

/// Open (or create) the database `args` names.
fn open(args: &DatabaseArgs, runtime: &tokio::runtime::Runtime) -> anyhow::Result<Database> {
    runtime.block_on(Database::open(&database::url(&args.root, args.database.as_deref())))
}

/// The database `given` names, or the site's own when it exists (never created here).
pub fn open_existing(root: &Path, given: Option<&str>) -> anyhow::Result<Database> {
    let url = database::url(root, given);
    let named = given.is_some() || std::env::var("SEEDBED_DATABASE").is_ok_and(|u| !u.is_empty());
    if !named && !root.join(database::SQLITE_FILE).exists() {
        anyhow::bail!(
            "no subscribers: give --subscribers FILE, or import a list once with `seedbed subscribers import FILE` \
             (or point --database at the service's database)"
        );
    }
    runtime()?.block_on(Database::open(&url))
}

/// The subscribers by state, and the suppressed addresses (`digest status`).
pub fn print_counts(db: &Database) -> anyhow::Result<()> {
    let rt = runtime()?;
    let counts = rt.block_on(roster::counts(db))?;
    let parts: Vec<String> = counts.iter().map(|(status, n)| format!("{n} {status}")).collect();
    eprintln!("Subscribers: {}", if parts.is_empty() { "none".into() } else { parts.join(", ") });
    let suppressed = rt.block_on(roster::list(db, Some("suppressed")))?;
    for s in suppressed.iter().take(20) {
        eprintln!("  suppressed after hard bounces on {} digests: {}", roster::BOUNCES_TO_SUPPRESS, s.email);
    }
    Ok(())
}

fn blocking(command: SubscribersCommand) -> anyhow::Result<()> {
    let rt = runtime()?;
    match command {
        SubscribersCommand::Import(args) => import(&args, &rt),
        SubscribersCommand::List(args) => {
            let db = open(&args.db, &rt)?;
            write_csv(&rt.block_on(roster::list(&db, args.status.as_deref()))?)
        }
        SubscribersCommand::Export(args) => export(&args, &rt),
        SubscribersCommand::Remove(args) => {
            let db = open(&args.db, &rt)?;
            if !rt.block_on(roster::remove(&db, &args.email, args.erase))? {
                anyhow::bail!("`{}` is not in the subscriber database", args.email);
            }
            let done = if args.erase { "erased: every record of it is deleted" } else { "unsubscribed" };
            eprintln!("{}: {done}.", args.email);
            rt.block_on(db.close());
            Ok(())
        }
        SubscribersCommand::Serve(_) => Ok(()),
    }
}

fn import(args: &ImportArgs, rt: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    use seedbed::digest::subscribers;
    let text = std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let located = |p: &subscribers::Problem, file: &Path| format!("{}:{}: {}", file.display(), p.line, p.message);
    let suppression_file = args.file.with_file_name("unsubscribed.csv");
    let unsubscribed: Vec<String> = match std::fs::read_to_string(&suppression_file) {
        Ok(t) => {
            let (keys, problems) =
                subscribers::suppression(&t).map_err(|p| anyhow::anyhow!(located(&p, &suppression_file)))?;
            problems.iter().for_each(|p| eprintln!("skipped: {}", located(p, &suppression_file)));
            keys.into_iter().collect()
        }
        Err(_) => Vec::new(),
    };
    let (subs, problems) =
        subscribers::parse(&text, &Default::default()).map_err(|p| anyhow::anyhow!(located(&p, &args.file)))?;
    for p in &problems {
        eprintln!("{}: {}", if p.rejected { "skipped" } else { "warning" }, located(p, &args.file));
    }
    let db = open(&args.db, rt)?;
    let source = format!("import of {}", args.file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
    let done = rt.block_on(roster::import(&db, &subs, &unsubscribed, &source))?;
    rt.block_on(db.close());
    eprintln!(
        "Imported {}: {} added, {} already there, {} left out because they had unsubscribed; {} unsubscribed recorded.",
        args.file.display(),
        done.added,
        done.kept,
        done.opted_out,
        done.unsubscribed
    );
    Ok(())
}

fn write_csv(rows: &[roster::Listed]) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    for row in rows {
        out.serialize(row)?;
    }
    out.flush()?;
    Ok(())
}

fn export(args: &ExportArgs, rt: &tokio::runtime::Runtime) -> anyhow::Result<()> {
    let db = open(&args.db, rt)?;
    let emails: Vec<String> = match &args.email {
        Some(e) => vec![e.clone()],
        None => rt.block_on(roster::list(&db, None))?.into_iter().map(|l| l.email).collect(),
    };
    let mut people = Vec::new();
    for email in &emails {
        match rt.block_on(roster::person(&db, email))? {
            Some(p) => people.push(p),
            None => anyhow::bail!("`{email}` is not in the subscriber database"),
        }
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&people)?),
        Format::Csv => write_csv(&people.into_iter().map(|p| p.subscriber).collect::<Vec<_>>())?,
    }
    Ok(())
}

fn serve(args: ServiceArgs) -> ExitCode {
    report_env(service(args))
}

fn service(args: ServiceArgs) -> anyhow::Result<()> {
    use seedbed::subscription::service::{self, ServiceOptions, ServiceSite, mailer::MailDelivery};
    let (mut config, theme, _) = seedbed::load::config_and_theme(&args.db.root).map_err(|e| match e {
        seedbed::BuildError::Site(errors) => anyhow::anyhow!("{errors}"),
        seedbed::BuildError::Env(e) => e,
    })?;
    if let Some(url) = &args.base_url {
        config.set_base_url(url);
    }
    let templates = seedbed::render::Templates::load(&theme, &config)
        .map_err(|e| anyhow::anyhow!("{}", e.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")))?;
    let site = ServiceSite::new(&config, &templates)?;
    let delivery = match (&args.smtp, &args.outbox) {
        (_, Some(dir)) => MailDelivery::Outbox(dir.clone()),
        (Some(url), None) => MailDelivery::Smtp(Box::new(seedbed::smtp::SmtpSession::new(seedbed::smtp::parse_url(
            url,
            std::env::var("SEEDBED_SMTP_PASSWORD").ok(),
        )?)?)),
        (None, None) => anyhow::bail!("give --smtp URL or --outbox DIR"),
    };
    let db = open(&args.db, &runtime()?)?;
    if !args.bind.is_loopback() {
        eprintln!("warning: listening on {}: put the service behind the HTTPS reverse proxy", args.bind);
    }
    let listener = std::net::TcpListener::bind((args.bind, args.port))
        .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    let options = ServiceOptions {
        listener,
        trusted_proxies: args.trusted_proxy,
        mails_per_client_hour: args.mails_per_client,
        delivery,
    };
    service::run(db, site, options, |addr| eprintln!("Subscription service on http://{addr}/ (Ctrl+C to stop)"))
}

//! `digest send`: the newest digest to every subscriber who has not had it, recorded in its ledger.
//!
//! Input: the site's `digests/`, the subscriber and suppression lists, where to deliver (an SMTP
//! URL or an outbox folder). Output: messages handed over one at a time, each recorded in the
//! ledger before (`sending`) and after (`sent` on 250, `failed` on 5xx, `deferred` when 4xx
//! replies or dropped connections outlast the attempts); a `Summary`. Must not: send to anyone the
//! ledger marks `sent` or `failed`, hand over a message before its `sending` line is written, or
//! grow its own queue (one message in flight at a time).

use super::ledger::{Ledger, State};
use super::message::{self, Parts};
use super::store::{self, StoredDigest};
use super::subscribers::{self, Problem};
use crate::address::{Subscriber, key};
use crate::model::Lang;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where messages go.
pub enum Delivery {
    /// Through a real SMTP server.
    Smtp(Box<crate::smtp::SmtpSession>),
    /// `.eml` files in this folder.
    Outbox(PathBuf),
    /// Nowhere: validate and count.
    DryRun,
}

/// Who the digest goes to.
pub enum Recipients {
    /// A CSV list; an `unsubscribed.csv` beside it is honoured.
    Csv(PathBuf),
    /// The subscribed readers of the subscriber database.
    Database(crate::subscription::Database),
}

impl Recipients {
    /// How problems name the list.
    fn name(&self) -> String {
        match self {
            Recipients::Csv(path) => path.display().to_string(),
            Recipients::Database(_) => "the subscriber database".into(),
        }
    }
}

/// What `digest send` is given.
pub struct SendOptions {
    /// The subscribers.
    pub subscribers: Recipients,
    /// Where the messages go.
    pub delivery: Delivery,
    /// Messages per second at most.
    pub rate: Option<f64>,
    /// Print a line per message.
    pub progress: bool,
}

/// What a run found and did; `sent + failed + deferred == subscribers` once a run completes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The digest's id (`2026-11-28`).
    pub digest: String,
    /// Subscribers in the list.
    pub subscribers: usize,
    /// Messages accepted in this run.
    pub sent: usize,
    /// Messages that failed for good.
    pub failed: usize,
    /// Messages left for a later run.
    pub deferred: usize,
    /// Of `sent`: handed over by this run.
    pub sent_now: usize,
    /// Readers who unsubscribed while this run was sending, so were skipped.
    pub unsubscribed: usize,
    /// Addresses suppressed by this run (their second digest refused for good).
    pub suppressed: usize,
    /// Rows and recipients with a problem.
    pub problems: Vec<Problem>,
}

/// The newest digest, its parts and its record.
fn newest(root: &Path) -> anyhow::Result<(StoredDigest, Parts)> {
    let digest = store::list(root)?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no digest to send: run `seedbed digest build` first"))?;
    let mut parts = Parts { by_lang: Default::default() };
    for code in digest.record.subjects.keys() {
        let Some(lang) = Lang::from_code(code) else { continue };
        let read = |ext: &str| {
            let path = digest.dir.join(format!("digest.{code}.{ext}"));
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
        };
        parts.by_lang.insert(lang, (read("txt")?, read("html")?));
    }
    Ok((digest, parts))
}

/// The subscribers of `path`, less those in `unsubscribed.csv` beside it (if any).
fn subscribers(path: &Path) -> anyhow::Result<(Vec<Subscriber>, Vec<Problem>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let suppression_path = path.with_file_name("unsubscribed.csv");
    let (suppressed, mut problems) = match std::fs::read_to_string(&suppression_path) {
        Ok(text) => subscribers::suppression(&text).map_err(|e| whole_list(&e, &suppression_path))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", suppression_path.display())),
    };
    locate(&mut problems, &suppression_path);
    let (subs, mut more) = subscribers::parse(&text, &suppressed).map_err(|e| whole_list(&e, path))?;
    locate(&mut more, path);
    problems.append(&mut more);
    Ok((subs, problems))
}

/// A problem that stops the run: the list cannot be read as a whole.
fn whole_list(problem: &Problem, file: &Path) -> anyhow::Error {
    anyhow::anyhow!("{}:{}: {}", file.display(), problem.line, problem.message)
}

/// Prefix each problem with `file:line:`.
fn locate(problems: &mut [Problem], file: &Path) {
    for p in problems {
        p.message = format!("{}:{}: {}", file.display(), p.line, p.message);
    }
}

/// One subscriber to send to: from a CSV list (no id) or the database.
struct Recipient {
    subscriber: Subscriber,
    id: Option<i64>,
}

/// The recipients and the problems with the list.
fn recipients(list: &Recipients, runtime: &tokio::runtime::Runtime) -> anyhow::Result<(Vec<Recipient>, Vec<Problem>)> {
    match list {
        Recipients::Csv(path) => {
            let (subs, problems) = subscribers(path)?;
            Ok((subs.into_iter().map(|subscriber| Recipient { subscriber, id: None }).collect(), problems))
        }
        Recipients::Database(db) => {
            let rows = runtime.block_on(crate::subscription::roster::recipients(db))?;
            let out = rows.into_iter().map(|r| Recipient { subscriber: r.subscriber, id: Some(r.id) }).collect();
            Ok((out, Vec::new()))
        }
    }
}

/// Where each message's unsubscribe token comes from.
enum Tokens<'a> {
    /// None: the digest links only the unsubscribe address.
    None,
    /// Signed with `SEEDBED_UNSUBSCRIBE_SECRET` (`digest.unsubscribe_url`).
    Signed(&'a [u8]),
    /// Random, kept hashed in the subscriber database (`digest.service_url`).
    Database,
}

impl Tokens<'_> {
    fn token(&self, record: &super::store::Record, r: &Recipient) -> anyhow::Result<Option<String>> {
        match self {
            Tokens::None => Ok(None),
            Tokens::Signed(secret) => {
                message::unsubscribe_token(secret, &record.list_id, r.subscriber.email.as_ref()).map(Some)
            }
            Tokens::Database => crate::subscription::tokens::new_token().map(Some),
        }
    }
}

/// Send the newest digest.
pub fn send(root: &Path, mut options: SendOptions, retry: (u32, u64)) -> anyhow::Result<Summary> {
    let (digest, parts) = newest(root)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let db = match &options.subscribers {
        Recipients::Database(db) => Some(db.clone()),
        Recipients::Csv(_) if digest.record.service_url.is_some() => anyhow::bail!(
            "digest.service_url is set, so unsubscribe links need the subscriber database: import the list once \
             (`seedbed subscribers import FILE`) and send without --subscribers"
        ),
        Recipients::Csv(_) => None,
    };
    let (subs, problems) = recipients(&options.subscribers, &runtime)?;
    let list = options.subscribers.name();
    let secret = std::env::var("SEEDBED_UNSUBSCRIBE_SECRET").ok().filter(|s| !s.is_empty());
    let tokens = match (&digest.record.service_url, &digest.record.unsubscribe_url, &secret) {
        (Some(_), ..) => Tokens::Database,
        (None, Some(_), Some(secret)) => Tokens::Signed(secret.as_bytes()),
        _ => Tokens::None,
    };
    let mut summary =
        Summary { digest: digest.record.id.clone(), subscribers: subs.len(), problems, ..Summary::default() };
    message::check_digest(&digest.record, &parts, secret.as_deref().map(str::as_bytes))?;
    if let Delivery::DryRun = options.delivery {
        // Build every message: a subscriber a real run would record as failed is reported.
        for r in &subs {
            let built = tokens
                .token(&digest.record, r)
                .and_then(|t| message::build(&digest.record, &parts, &r.subscriber, t.as_deref()));
            if let Err(e) = built {
                summary.problems.push(unsendable(&r.subscriber, &e.to_string(), &list));
            }
        }
        let ledger =
            super::ledger::parse(&std::fs::read_to_string(digest.dir.join(store::LEDGER_FILE)).unwrap_or_default());
        count(&mut summary, &subs, |key| ledger.get(key).map(|(s, _)| *s));
        return Ok(summary);
    }
    // From here on this run alone sends this site's digests.
    let _lock = store::lock(root)?;
    if let Delivery::Smtp(session) = &mut options.delivery {
        session.open().map_err(|e| {
            anyhow::anyhow!("cannot reach the SMTP server, or it refused the TLS or login settings: {e}")
        })?;
    }
    let mut ledger = Ledger::open(&digest.dir.join(store::LEDGER_FILE))?;
    let todo: Vec<&Recipient> =
        subs.iter().filter(|r| !ledger.state(&key(r.subscriber.email.as_ref())).is_some_and(State::is_final)).collect();
    let bar = progress_bar(options.progress, todo.len());
    let mut pace = Pace::new(options.rate);
    let mut skipped = std::collections::BTreeSet::new();
    // Messages are built on a second thread while the previous one is on the wire; a few ahead
    // at most, so memory stays flat however long the list.
    std::thread::scope(|scope| -> anyhow::Result<()> {
        type Built<'r> = (&'r Recipient, Option<String>, anyhow::Result<lettre::Message>);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Built>(8);
        let (record, parts, tokens) = (&digest.record, &parts, &tokens);
        scope.spawn(move || {
            for r in todo {
                let (token, message) = match tokens.token(record, r) {
                    Ok(token) => (token.clone(), message::build(record, parts, &r.subscriber, token.as_deref())),
                    Err(e) => (None, Err(e)),
                };
                if tx.send((r, token, message)).is_err() {
                    return;
                }
            }
        });
        for (recipient, token, built) in rx {
            let key = key(recipient.subscriber.email.as_ref());
            let message = match built {
                Ok(message) => message,
                // The digest itself was checked: what is left is about this one address.
                Err(e) => {
                    ledger.record(State::Failed, &key, &format!("cannot make the message: {e}"))?;
                    summary.problems.push(unsendable(&recipient.subscriber, &e.to_string(), &list));
                    bar.inc(1);
                    continue;
                }
            };
            pace.wait();
            if let (Some(db), Some(id)) = (&db, recipient.id) {
                // An unsubscribe made since the list was read is honoured; the token is kept
                // before the message that carries it leaves.
                if !runtime.block_on(crate::subscription::roster::still_subscribed(db, id))? {
                    skipped.insert(key);
                    bar.inc(1);
                    continue;
                }
                if let Some(token) = &token {
                    runtime.block_on(crate::subscription::roster::keep_unsubscribe_token(db, id, token))?;
                }
            }
            ledger.record(State::Sending, &key, "")?;
            let (state, reply, hard) = deliver(&mut options.delivery, &message, &key, &digest.record.id, retry)?;
            ledger.record(state, &key, &reply)?;
            if let (true, Some(db), Some(id)) = (hard, &db, recipient.id) {
                let suppressed =
                    runtime.block_on(crate::subscription::roster::hard_bounce(db, id, &digest.record.id, &reply))?;
                summary.suppressed += usize::from(suppressed);
            }
            summary.sent_now += usize::from(state == State::Sent);
            bar.inc(1);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    if let Delivery::Smtp(session) = &mut options.delivery {
        session.close();
    }
    ledger.finish()?;
    summary.unsubscribed = skipped.len();
    let remaining: Vec<Recipient> =
        subs.into_iter().filter(|r| !skipped.contains(&key(r.subscriber.email.as_ref()))).collect();
    summary.subscribers = remaining.len();
    count(&mut summary, &remaining, |key| ledger.state(key));
    Ok(summary)
}

/// A subscriber whose message cannot be made, located in the list.
fn unsendable(subscriber: &Subscriber, why: &str, list: &str) -> Problem {
    let message = format!("{list}:{}: no message can be made for `{}`: {why}", subscriber.line, subscriber.email);
    Problem { line: subscriber.line, message, rejected: true }
}

fn count(summary: &mut Summary, subs: &[Recipient], state: impl Fn(&str) -> Option<State>) {
    for r in subs {
        match state(&key(r.subscriber.email.as_ref())) {
            Some(State::Sent) => summary.sent += 1,
            Some(State::Failed) => summary.failed += 1,
            _ => summary.deferred += 1,
        }
    }
}

/// One message, with retries: the final state and the server's last reply.
fn deliver(
    delivery: &mut Delivery,
    message: &lettre::Message,
    key: &str,
    digest: &str,
    (attempts, retry_ms): (u32, u64),
) -> anyhow::Result<(State, String, bool)> {
    let transport = match delivery {
        Delivery::Smtp(t) => t,
        Delivery::Outbox(dir) => {
            return outbox(dir, message, key, digest).map(|()| (State::Sent, "written".into(), false));
        }
        Delivery::DryRun => return Ok((State::Deferred, "dry run".into(), false)),
    };
    let mut last = String::new();
    for attempt in 0..attempts.max(1) {
        if attempt > 0 {
            std::thread::sleep(backoff(retry_ms, attempt, key));
        }
        match transport.send(message) {
            Ok(response) => {
                let reply = format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "));
                return Ok((State::Sent, reply, false));
            }
            // 530/535/538: the server wants TLS or a login first. That is about the connection,
            // not this recipient: stop rather than mark everyone failed.
            Err(e) if e.code().is_some_and(|c| matches!(c, 530 | 535 | 538)) => {
                anyhow::bail!(
                    "the SMTP server refused to accept mail on this connection ({e}): check the tls= and login settings of --smtp"
                )
            }
            Err(e) if e.is_permanent() => {
                let reply = e.to_string();
                let hard = e.code().is_some_and(|code| crate::subscription::roster::is_hard_bounce(code, &reply));
                return Ok((State::Failed, reply, hard));
            }
            Err(e) => {
                log::debug!("{key}: attempt {} failed: {e}", attempt + 1);
                last = e.to_string();
            }
        }
    }
    Ok((State::Deferred, last, false))
}

/// `retry_ms · 2^(attempt-1)`, times a jitter between 0.5 and 1.5 that differs per recipient and
/// attempt, so retries after a server hiccup do not arrive together.
fn backoff(retry_ms: u64, attempt: u32, key: &str) -> Duration {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (key, attempt).hash(&mut h);
    let jitter = 0.5 + (h.finish() % 1000) as f64 / 1000.0;
    let base = retry_ms.saturating_mul(1 << (attempt - 1).min(16)) as f64;
    Duration::from_millis((base * jitter) as u64)
}

/// Write the message as `<outbox>/<digest>-<hash>.eml`, whole or not at all.
fn outbox(dir: &Path, message: &lettre::Message, key: &str, digest: &str) -> anyhow::Result<()> {
    let hash = message::address_hash(key, 8);
    crate::write::atomic::file(&dir.join(format!("{digest}-{hash}.eml")), &message.formatted())
}

/// Spaces messages `1/rate` seconds apart.
struct Pace {
    interval: Option<Duration>,
    next: Instant,
}

impl Pace {
    fn new(rate: Option<f64>) -> Pace {
        let interval = rate.filter(|r| *r > 0.0).map(|r| Duration::from_secs_f64(1.0 / r));
        Pace { interval, next: Instant::now() }
    }

    fn wait(&mut self) {
        if let Some(interval) = self.interval {
            let now = Instant::now();
            if self.next > now {
                std::thread::sleep(self.next - now);
            }
            self.next = self.next.max(now) + interval;
        }
    }
}

fn progress_bar(show: bool, len: usize) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} sent, {per_sec}, {eta} left") {
        bar.set_style(style);
    }
    bar
}

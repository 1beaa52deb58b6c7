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
use super::recipients::{Recipient, Tokens, Watch, recipients};
use super::store::{self, StoredDigest};
use super::subscribers::Problem;
use crate::address::{Subscriber, key};
use crate::model::Lang;
use crate::subscription::Database;
use anyhow::Context;
use std::path::{Path, PathBuf};

pub use super::recipients::Recipients;
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

/// The list a run reads, refusing a CSV list when the digest's links need the database.
fn database_of<'a>(list: &'a Recipients, record: &store::Record) -> anyhow::Result<Option<&'a Database>> {
    match list {
        Recipients::Database(db) => Ok(Some(db)),
        Recipients::Csv(_) if record.service_url.is_some() => anyhow::bail!(
            "digest.service_url is set, so unsubscribe links need the subscriber database: import the list once \
             (`seedbed subscribers import FILE`) and send without --subscribers"
        ),
        Recipients::Csv(_) => Ok(None),
    }
}

/// How a run finds each message's token.
fn tokens<'s>(record: &store::Record, secret: Option<&'s str>) -> Tokens<'s> {
    match (&record.service_url, &record.unsubscribe_url, secret) {
        (Some(_), ..) => Tokens::Database,
        (None, Some(_), Some(secret)) => Tokens::Signed(secret.as_bytes()),
        _ => Tokens::None,
    }
}

/// Send the newest digest.
pub fn send(root: &Path, mut options: SendOptions, retry: (u32, u64)) -> anyhow::Result<Summary> {
    let (digest, parts) = newest(root)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let watch = Watch { db: database_of(&options.subscribers, &digest.record)?, runtime: &runtime };
    let (subs, problems) = recipients(&options.subscribers, &runtime)?;
    let list = options.subscribers.name();
    let secret = std::env::var("SEEDBED_UNSUBSCRIBE_SECRET").ok().filter(|s| !s.is_empty());
    let tokens = tokens(&digest.record, secret.as_deref());
    let mut summary =
        Summary { digest: digest.record.id.clone(), subscribers: subs.len(), problems, ..Summary::default() };
    message::check_digest(&digest.record, &parts, secret.as_deref().map(str::as_bytes))?;
    if let Delivery::DryRun = options.delivery {
        dry_run(&digest, &parts, (&subs, &tokens, &list), &mut summary);
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
    let run = Run { digest: &digest, parts: &parts, tokens: &tokens, list: &list, watch: &watch, retry };
    let pacing = (options.progress, options.rate);
    let skipped = run.all(todo, (&mut options.delivery, pacing), &mut ledger, &mut summary)?;
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

/// `--dry-run`: build every message (a subscriber a real run would record as failed is
/// reported) and count from the ledger.
fn dry_run(
    digest: &StoredDigest,
    parts: &Parts,
    (subs, tokens, list): (&[Recipient], &Tokens, &str),
    summary: &mut Summary,
) {
    for r in subs {
        let built = tokens
            .token(&digest.record, r)
            .and_then(|t| message::build(&digest.record, parts, &r.subscriber, t.as_deref()));
        if let Err(e) = built {
            summary.problems.push(unsendable(&r.subscriber, &e.to_string(), list));
        }
    }
    let ledger =
        super::ledger::parse(&std::fs::read_to_string(digest.dir.join(store::LEDGER_FILE)).unwrap_or_default());
    count(summary, subs, |key| ledger.get(key).map(|(s, _)| *s));
}

/// What sending each message reads.
struct Run<'a> {
    digest: &'a StoredDigest,
    parts: &'a Parts,
    tokens: &'a Tokens<'a>,
    list: &'a str,
    watch: &'a Watch<'a>,
    retry: (u32, u64),
}

impl Run<'_> {
    /// Send to `todo`; the keys of readers skipped because they unsubscribed meanwhile.
    fn all(
        &self,
        todo: Vec<&Recipient>,
        (delivery, (progress, rate)): (&mut Delivery, (bool, Option<f64>)),
        ledger: &mut Ledger,
        summary: &mut Summary,
    ) -> anyhow::Result<std::collections::BTreeSet<String>> {
        let bar = progress_bar(progress, todo.len());
        let mut pace = Pace::new(rate);
        let mut skipped = std::collections::BTreeSet::new();
        // Messages are built on a second thread while the previous one is on the wire; a few
        // ahead at most, so memory stays flat however long the list.
        std::thread::scope(|scope| -> anyhow::Result<()> {
            type Built<'r> = (&'r Recipient, Option<String>, anyhow::Result<lettre::Message>);
            let (tx, rx) = std::sync::mpsc::sync_channel::<Built>(8);
            let (record, parts, tokens) = (&self.digest.record, self.parts, self.tokens);
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
                bar.inc(1);
                let key = key(recipient.subscriber.email.as_ref());
                let message = match built {
                    Ok(message) => message,
                    // The digest itself was checked: what is left is about this one address.
                    Err(e) => {
                        ledger.record(State::Failed, &key, &format!("cannot make the message: {e}"))?;
                        summary.problems.push(unsendable(&recipient.subscriber, &e.to_string(), self.list));
                        continue;
                    }
                };
                pace.wait();
                if !self.watch.clear(recipient, token.as_deref())? {
                    skipped.insert(key);
                    continue;
                }
                self.one(recipient, &message, &key, (&mut *delivery, &mut *ledger, &mut *summary))?;
            }
            Ok(())
        })?;
        bar.finish_and_clear();
        Ok(skipped)
    }

    /// One message, recorded before and after.
    fn one(
        &self,
        recipient: &Recipient,
        message: &lettre::Message,
        key: &str,
        (delivery, ledger, summary): (&mut Delivery, &mut Ledger, &mut Summary),
    ) -> anyhow::Result<()> {
        let digest = &self.digest.record.id;
        ledger.record(State::Sending, key, "")?;
        let (state, reply, hard) = deliver(delivery, message, key, digest, self.retry)?;
        ledger.record(state, key, &reply)?;
        if hard && self.watch.bounced(recipient, digest, &reply)? {
            summary.suppressed += 1;
        }
        summary.sent_now += usize::from(state == State::Sent);
        Ok(())
    }
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

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
use super::subscribers::{self, Problem, Subscriber};
use crate::model::Lang;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where messages go.
pub enum Delivery {
    /// Through a real SMTP server.
    Smtp(Box<super::smtp::SmtpSession>),
    /// `.eml` files in this folder.
    Outbox(PathBuf),
    /// Nowhere: validate and count.
    DryRun,
}

/// What `digest send` is given.
pub struct SendOptions {
    /// The subscriber list (CSV).
    pub subscribers: PathBuf,
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

/// Send the newest digest.
pub fn send(root: &Path, mut options: SendOptions, retry: (u32, u64)) -> anyhow::Result<Summary> {
    let (digest, parts) = newest(root)?;
    let (subs, problems) = subscribers(&options.subscribers)?;
    let secret = std::env::var("SEEDBED_UNSUBSCRIBE_SECRET").ok().filter(|s| !s.is_empty());
    let secret = secret.as_deref().map(str::as_bytes);
    let mut summary =
        Summary { digest: digest.record.id.clone(), subscribers: subs.len(), problems, ..Summary::default() };
    message::check_digest(&digest.record, &parts, secret)?;
    if let Delivery::DryRun = options.delivery {
        // Build every message: a subscriber a real run would record as failed is reported.
        for s in &subs {
            if let Err(e) = message::build(&digest.record, &parts, s, secret) {
                summary.problems.push(unsendable(s, &e.to_string(), &options.subscribers));
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
    let todo: Vec<&Subscriber> = subs
        .iter()
        .filter(|s| !ledger.state(&subscribers::key(s.email.as_ref())).is_some_and(State::is_final))
        .collect();
    let bar = progress_bar(options.progress, todo.len());
    let mut pace = Pace::new(options.rate);
    // Messages are built on a second thread while the previous one is on the wire; a few ahead
    // at most, so memory stays flat however long the list.
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(&Subscriber, anyhow::Result<lettre::Message>)>(8);
        let (record, parts) = (&digest.record, &parts);
        scope.spawn(move || {
            for s in todo {
                if tx.send((s, message::build(record, parts, s, secret))).is_err() {
                    return;
                }
            }
        });
        for (subscriber, built) in rx {
            let key = subscribers::key(subscriber.email.as_ref());
            let message = match built {
                Ok(message) => message,
                // The digest itself was checked: what is left is about this one address.
                Err(e) => {
                    ledger.record(State::Failed, &key, &format!("cannot make the message: {e}"))?;
                    summary.problems.push(unsendable(subscriber, &e.to_string(), &options.subscribers));
                    bar.inc(1);
                    continue;
                }
            };
            pace.wait();
            ledger.record(State::Sending, &key, "")?;
            let (state, reply) = deliver(&mut options.delivery, &message, &key, &digest.record.id, retry)?;
            ledger.record(state, &key, &reply)?;
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
    count(&mut summary, &subs, |key| ledger.state(key));
    Ok(summary)
}

/// A subscriber whose message cannot be made, located in the list.
fn unsendable(subscriber: &Subscriber, why: &str, list: &Path) -> Problem {
    let message =
        format!("{}:{}: no message can be made for `{}`: {why}", list.display(), subscriber.line, subscriber.email);
    Problem { line: subscriber.line, message, rejected: true }
}

fn count(summary: &mut Summary, subs: &[Subscriber], state: impl Fn(&str) -> Option<State>) {
    for s in subs {
        match state(&subscribers::key(s.email.as_ref())) {
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
) -> anyhow::Result<(State, String)> {
    let transport = match delivery {
        Delivery::Smtp(t) => t,
        Delivery::Outbox(dir) => return outbox(dir, message, key, digest).map(|()| (State::Sent, "written".into())),
        Delivery::DryRun => return Ok((State::Deferred, "dry run".into())),
    };
    let mut last = String::new();
    for attempt in 0..attempts.max(1) {
        if attempt > 0 {
            std::thread::sleep(backoff(retry_ms, attempt, key));
        }
        match transport.send(message) {
            Ok(response) => {
                let reply = format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "));
                return Ok((State::Sent, reply));
            }
            // 530/535/538: the server wants TLS or a login first. That is about the connection,
            // not this recipient: stop rather than mark everyone failed.
            Err(e) if e.code().is_some_and(|c| matches!(c, 530 | 535 | 538)) => {
                anyhow::bail!(
                    "the SMTP server refused to accept mail on this connection ({e}): check the tls= and login settings of --smtp"
                )
            }
            Err(e) if e.is_permanent() => return Ok((State::Failed, e.to_string())),
            Err(e) => {
                log::debug!("{key}: attempt {} failed: {e}", attempt + 1);
                last = e.to_string();
            }
        }
    }
    Ok((State::Deferred, last))
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

//! The delivery ledger of one digest: `digests/<id>/ledger`, one line per event and recipient.
//!
//! Input: the ledger's text (`parse`) and events (`Ledger::record`). Output: each recipient's last
//! state. Lines are `sending`, `sent`, `failed` or `deferred`, a tab, the address key, a tab, the
//! server's reply. `sending` is written before a message is handed to the server; `sent` after its
//! 250 reply. Must not: return from `record` before the line is in the file (one `write` per
//! line to a file opened for appending, so a killed process loses nothing already recorded), or
//! trust a line torn by a kill. `sent`, `failed` and `deferred` lines are also synced to the disk
//! by a thread of their own, one `fdatasync` behind the writes, so a power cut costs at most the
//! last message or two a second copy, and the sender never waits for the disk (an fdatasync per
//! message took a third of the throughput against a local server: BENCHMARKS.md).

use anyhow::Context;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
/// Where one recipient's message stands.
pub enum State {
    /// Handed to the server, no final reply recorded: it may or may not have arrived.
    Sending,
    /// Accepted by the server.
    Sent,
    /// A 5xx reply: not retried.
    Failed,
    /// 4xx replies or dropped connections until the attempts ran out: the next run tries again.
    Deferred,
}

impl State {
    fn word(self) -> &'static str {
        match self {
            State::Sending => "sending",
            State::Sent => "sent",
            State::Failed => "failed",
            State::Deferred => "deferred",
        }
    }

    fn from_word(word: &str) -> Option<State> {
        [State::Sending, State::Sent, State::Failed, State::Deferred].into_iter().find(|s| s.word() == word)
    }

    /// A run leaves this recipient alone: they got it, or the server refused it for good.
    pub fn is_final(self) -> bool {
        matches!(self, State::Sent | State::Failed)
    }
}

/// The last state of each recipient (by address key), with the reply that set it. A last line
/// without its line break was torn by a kill and is ignored.
pub fn parse(text: &str) -> BTreeMap<String, (State, String)> {
    let complete = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => "",
    };
    let mut states = BTreeMap::new();
    for line in complete.lines() {
        let mut parts = line.splitn(3, '\t');
        if let (Some(state), Some(key)) = (parts.next().and_then(State::from_word), parts.next()) {
            states.insert(key.to_string(), (state, parts.next().unwrap_or_default().to_string()));
        }
    }
    states
}

/// Counts of recipients per state.
pub fn counts(states: &BTreeMap<String, (State, String)>) -> BTreeMap<State, usize> {
    let mut counts = BTreeMap::new();
    for (state, _) in states.values() {
        *counts.entry(*state).or_insert(0) += 1;
    }
    counts
}

/// An open ledger, appending.
pub struct Ledger {
    file: File,
    states: BTreeMap<String, State>,
    /// Wakes the sync thread; `None` once finished.
    dirty: Option<std::sync::mpsc::Sender<()>>,
    syncer: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// Sync `file` whenever something was written since the last sync, and once more at the end.
fn sync_thread(file: File) -> (std::sync::mpsc::Sender<()>, std::thread::JoinHandle<std::io::Result<()>>) {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let handle = std::thread::spawn(move || {
        while rx.recv().is_ok() {
            while rx.try_recv().is_ok() {}
            file.sync_data()?;
        }
        file.sync_data()
    });
    (tx, handle)
}

impl Ledger {
    /// Open the ledger at `path`, reading what it holds.
    pub fn open(path: &Path) -> anyhow::Result<Ledger> {
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read the ledger {}", path.display())),
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open the ledger {}", path.display()))?;
        if !text.is_empty() && !text.ends_with('\n') {
            // End the torn line so the next entry starts on its own.
            file.write_all(b"\n").with_context(|| format!("cannot write the ledger {}", path.display()))?;
        }
        let (dirty, syncer) = sync_thread(file.try_clone().context("cannot open the ledger twice")?);
        let states = parse(&text).into_iter().map(|(key, (state, _))| (key, state)).collect();
        Ok(Ledger { file, states, dirty: Some(dirty), syncer: Some(syncer) })
    }

    /// Wait until every line is on the disk; report a failed sync.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        self.dirty = None;
        match self.syncer.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result.context("cannot sync the ledger to disk"),
            Some(Err(_)) => anyhow::bail!("the ledger's sync thread stopped"),
            None => Ok(()),
        }
    }

    /// Append one event; returns once it is in the file (a final state then goes to the disk
    /// in the background).
    pub fn record(&mut self, state: State, key: &str, reply: &str) -> anyhow::Result<()> {
        let reply = super::compose::clean(reply);
        let line = format!("{}\t{key}\t{reply}\n", state.word());
        self.file.write_all(line.as_bytes()).context("cannot write the ledger")?;
        if state != State::Sending && self.dirty.as_ref().is_none_or(|d| d.send(()).is_err()) {
            // The sync thread is gone: it failed, say why.
            self.finish()?;
            anyhow::bail!("the ledger is no longer synced to disk");
        }
        self.states.insert(key.to_string(), state);
        Ok(())
    }

    /// The last state recorded for the recipient `key`.
    pub fn state(&self, key: &str) -> Option<State> {
        self.states.get(key).copied()
    }
}

impl Drop for Ledger {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_state_wins_and_a_torn_line_is_ignored() {
        let text = "sending\ta@x.org\t\nsent\ta@x.org\t250 ok\nsending\tb@x.org\t\nsent\tb@x";
        let states = parse(text);
        assert_eq!(states["a@x.org"].0, State::Sent);
        assert_eq!(states["b@x.org"].0, State::Sending);
        assert_eq!(states.len(), 2);
    }

    #[test]
    fn a_ledger_reopened_after_a_torn_line_keeps_every_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger");
        std::fs::write(&path, "sent\ta@x.org\t250\nsendi").unwrap();
        let mut ledger = Ledger::open(&path).unwrap();
        ledger.record(State::Sent, "b@x.org", "250 ok\r\nX").unwrap();
        let states = parse(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(states["a@x.org"].0, State::Sent);
        assert_eq!(states["b@x.org"], (State::Sent, "250 ok  X".to_string()));
    }
}

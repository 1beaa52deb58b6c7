//! The delivery ledger of one digest: `digests/<id>/ledger`, one line per event and recipient.
//!
//! Input: the ledger's text (`parse`) and events (`Ledger::record`). Output: each recipient's last
//! state. Lines are `sending`, `sent`, `failed` or `deferred`, a tab, the address key, a tab, the
//! server's reply. `sending` is written before a message is handed to the server; `sent` after its
//! 250 reply. Must not: return from `record` before the line is in the file (one `write` per
//! line to a file opened for appending, so a killed process loses nothing already recorded; `sent`
//! and `failed` lines are also synced to the disk), or trust a line torn by a kill.

use anyhow::Context;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// Handed to the server, no final reply recorded: it may or may not have arrived.
    Sending,
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
    pub states: BTreeMap<String, (State, String)>,
}

impl Ledger {
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
        Ok(Ledger { file, states: parse(&text) })
    }

    /// Append one event; returns once it is in the file (and on the disk for final states).
    pub fn record(&mut self, state: State, key: &str, reply: &str) -> anyhow::Result<()> {
        let reply: String = reply.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let line = format!("{}\t{key}\t{reply}\n", state.word());
        self.file.write_all(line.as_bytes()).context("cannot write the ledger")?;
        if state != State::Sending {
            self.file.sync_data().context("cannot sync the ledger to disk")?;
        }
        self.states.insert(key.to_string(), (state, reply));
        Ok(())
    }

    pub fn state(&self, key: &str) -> Option<State> {
        self.states.get(key).map(|(s, _)| *s)
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

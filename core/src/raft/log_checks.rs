//! The log invariants of Figure 3, checked after every event without
//! rereading whole logs: each server's log is compared with the copy seen
//! last time (shared chunks are skipped), and each entry gets a digest of
//! the log up to it, so "same index and term, same log before it" is one
//! comparison.

use super::{LogEntry, Role};
use crate::sim::{NodeId, SharedLog};
use rpds::RedBlackTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// A committed entry: its digest, its term, who applied it first and in
/// which of its terms (the term it was committed in, or later).
#[derive(Clone, Debug, PartialEq)]
struct Committed {
    digest: u64,
    term: u64,
    by: NodeId,
    in_term: u64,
    /// Its command, in words, for the violation's sentence.
    command: std::rc::Rc<str>,
}

/// What one server looks like to the checks after an event.
pub(super) struct ServerLook<'a> {
    pub id: NodeId,
    pub log: &'a SharedLog<LogEntry>,
    /// Its snapshot's last entry and that entry's term ((0, 0): none).
    pub snapshot: (u64, u64),
    /// Live state: role, term, last applied; `None` while down.
    pub live: Option<(Role, u64, u64)>,
}

#[derive(Clone, Debug, Default)]
pub struct LogChecks {
    /// Each server's log when last checked (sharing its chunks).
    seen: Vec<SharedLog<LogEntry>>,
    /// Each server's digests: `digests[s][i]` covers entries 1..=i+1.
    digests: Vec<SharedLog<u64>>,
    /// The first log seen holding each (index, term): its digest, whose.
    first: FirstSeen,
    /// The committed prefix, as far as any server has applied it.
    committed: SharedLog<Committed>,
    /// Each server's log length when last seen leading, with its term.
    leading: Vec<Option<(u64, usize)>>,
    /// The term each server was last checked for Leader Completeness in.
    complete_in: Vec<u64>,
    /// Each server's snapshot when last checked.
    snapshots: Vec<(u64, u64)>,
    /// Each server's lastApplied when last checked (0 while down): a
    /// server whose applied entry is overwritten had applied it before.
    applied_seen: Vec<u64>,
}

/// The first log seen holding each (index, term), with its digest and
/// whose it was. Entries are seen index by index, so the first term seen at
/// each index sits in a log that checkpoints share by chunks (and whose new
/// chunks the memory estimate can count); other terms at an index, which
/// only conflicts make, go in a small map.
#[derive(Clone, Debug, Default)]
struct FirstSeen {
    /// At `i`: the first (term, digest, whose) seen at index `i + 1`.
    firsts: SharedLog<(u64, u64, NodeId)>,
    others: RedBlackTreeMap<(u64, u64), (u64, NodeId)>,
}

impl FirstSeen {
    fn get(&self, (index, term): (u64, u64)) -> Option<(u64, NodeId)> {
        match self.firsts.get(index as usize - 1) {
            Some(&(t, digest, who)) if t == term => Some((digest, who)),
            Some(_) => self.others.get(&(index, term)).copied(),
            None => None,
        }
    }

    fn insert(&mut self, (index, term): (u64, u64), seen: (u64, NodeId)) {
        if index as usize > self.firsts.len() {
            self.firsts.push((term, seen.0, seen.1));
        } else {
            self.others.insert_mut((index, term), seen);
        }
    }
}

fn digest(before: u64, entry: &LogEntry) -> u64 {
    let mut h = DefaultHasher::new();
    before.hash(&mut h);
    entry.hash(&mut h);
    h.finish()
}

impl LogChecks {
    /// About the bytes these checks hold that earlier checkpoints do not
    /// share (see `Protocol::monitor_bytes`): each server's digests, the
    /// first-seen and committed logs (a committed entry's sentence too),
    /// and the copies of the servers' logs, whose entries are the servers'.
    pub(super) fn fresh_bytes(&self) -> usize {
        use std::mem::size_of;
        let sentence = 24;
        self.seen.iter().map(|l| l.fresh_bytes(0)).sum::<usize>()
            + self.digests.iter().map(|d| d.fresh_bytes(1)).sum::<usize>()
            + self.first.firsts.fresh_bytes(1)
            + self.first.others.size() * 96
            + self
                .committed
                .fresh_bytes_each(1, size_of::<Committed>() + sentence)
            + (self.seen.capacity() + self.digests.capacity()) * size_of::<SharedLog<u64>>()
            + self.leading.capacity() * size_of::<Option<(u64, usize)>>()
            + (self.complete_in.capacity() + self.applied_seen.capacity()) * 8
    }

    /// Checks one server; returns (invariant, detail) for what it broke.
    pub(super) fn check(&mut self, s: &ServerLook<'_>) -> Vec<(&'static str, String)> {
        let slot = s.id.index();
        if self.seen.len() <= slot {
            self.seen.resize(slot + 1, SharedLog::new());
            self.digests.resize(slot + 1, SharedLog::new());
            self.leading.resize(slot + 1, None);
            self.complete_in.resize(slot + 1, 0);
            self.snapshots.resize(slot + 1, (0, 0));
            self.applied_seen.resize(slot + 1, 0);
        }
        let mut found = Vec::new();
        let replaced = self.snapshots[slot] != s.snapshot && self.take_snapshot(s);
        if replaced || !s.log.unchanged_since(&self.seen[slot]) {
            let mut from = s.log.first_difference(&self.seen[slot]).max(s.log.start());
            if replaced {
                from = from.min(s.snapshot.0 as usize);
            }
            self.leader_append_only(s, from, &mut found);
            self.redigest(s, from, &mut found);
            self.seen[slot] = s.log.clone();
            // Below its snapshot only the digest its log chains from is
            // needed: it speaks for the whole prefix.
            self.digests[slot].compact(s.log.start().saturating_sub(1));
        }
        self.leading[slot] = match s.live {
            Some((Role::Leader, term, _)) => Some((term, s.log.len())),
            _ => None,
        };
        if let Some((role, term, applied)) = s.live {
            if role == Role::Leader && self.complete_in[slot] < term {
                self.complete_in[slot] = term;
                self.leader_completeness(s, term, &mut found);
            }
            self.state_machine_safety(s, applied, &mut found);
        }
        self.applied_seen[slot] = s.live.map_or(0, |(_, _, applied)| applied);
        found
    }

    /// The entry first applied at `index` (by any server): its term, who
    /// applied it, and its command in words.
    pub(super) fn committed_at(&self, index: u64) -> Option<(u64, NodeId, std::rc::Rc<str>)> {
        let c = self.committed.get(index.checked_sub(1)? as usize)?;
        Some((c.term, c.by, c.command.clone()))
    }

    /// A new snapshot: if it stands for entries other than the ones this
    /// server's digests describe (a leader's snapshot replaced its log),
    /// its digest at its end becomes the committed prefix's. Returns
    /// whether it did.
    fn take_snapshot(&mut self, s: &ServerLook<'_>) -> bool {
        let slot = s.id.index();
        self.snapshots[slot] = s.snapshot;
        let (index, term) = s.snapshot;
        let Some(last) = (index as usize).checked_sub(1) else {
            return false;
        };
        let mine = self.digests[slot].get(last).copied();
        if mine.is_some() && mine == self.first.get((index, term)).map(|(d, _)| d) {
            return false;
        }
        let digests = &mut self.digests[slot];
        digests.reset(last);
        digests.push(self.committed.get(last).map_or(0, |c| c.digest));
        true
    }

    fn leader_append_only(
        &self,
        s: &ServerLook<'_>,
        from: usize,
        found: &mut Vec<(&'static str, String)>,
    ) {
        let slot = s.id.index();
        if let (Some((term, len)), Some((Role::Leader, now, _))) = (self.leading[slot], s.live) {
            if term == now && from < len {
                found.push((
                    super::LEADER_APPEND_ONLY.name,
                    format!(
                        "{}, leader of term {term}, changed its own log from entry {}: a leader only appends.",
                        s.id,
                        from + 1
                    ),
                ));
            }
        }
    }

    /// Recomputes a server's digests from `from` on, checking each new
    /// entry against the first log seen with the same index and term.
    fn redigest(
        &mut self,
        s: &ServerLook<'_>,
        from: usize,
        found: &mut Vec<(&'static str, String)>,
    ) {
        let slot = s.id.index();
        let digests = &mut self.digests[slot];
        let from = from.min(digests.len());
        digests.truncate(from);
        for i in from..s.log.len() {
            let Some(entry) = s.log.get(i) else {
                // Compacted before these checks saw it: committed, then.
                digests.push(self.committed.get(i).map_or(0, |c| c.digest));
                continue;
            };
            let before = i
                .checked_sub(1)
                .and_then(|j| digests.get(j))
                .copied()
                .unwrap_or(0);
            let d = digest(before, entry);
            digests.push(d);
            let key = (i as u64 + 1, entry.term);
            match self.first.get(key) {
                Some((other, who)) if other != d && who != s.id => found.push((
                    super::LOG_MATCHING.name,
                    format!(
                        "{} and {who} both hold entry {} of term {}, but their logs differ before it.",
                        s.id, key.0, key.1
                    ),
                )),
                Some(_) => {}
                None => self.first.insert(key, (d, s.id)),
            }
        }
    }

    /// A new leader of `term` must hold every entry committed in an
    /// earlier term.
    fn leader_completeness(
        &self,
        s: &ServerLook<'_>,
        term: u64,
        found: &mut Vec<(&'static str, String)>,
    ) {
        let slot = s.id.index();
        // Committed entries form a prefix; those committed before `term`
        // form a prefix of that.
        let n = (0..self.committed.len())
            .rev()
            .find(|&i| self.committed[i].in_term < term)
            .map_or(0, |i| i + 1);
        if n == 0 {
            return;
        }
        if !self.holds_committed(slot, n - 1) {
            let missing = self.first_not_committed(slot, n);
            let c = self.committed[missing].clone();
            found.push((
                super::LEADER_COMPLETENESS.name,
                format!(
                    "{} became leader of term {term} without entry {} (term {}), which {} had committed.",
                    s.id,
                    missing + 1,
                    c.term,
                    c.by
                ),
            ));
        }
    }

    /// Whether a server's log, up to index `i` (from 0), is the committed
    /// prefix. Below its snapshot its digests are gone; the one it chains
    /// from, at the snapshot's end, speaks for everything before.
    fn holds_committed(&self, slot: usize, i: usize) -> bool {
        let digests = &self.digests[slot];
        let i = i.max(digests.start());
        digests.get(i).is_some() && digests.get(i) == self.committed.get(i).map(|c| &c.digest)
    }

    /// The first index below `n` where a server's log leaves the committed
    /// prefix (the snapshot's end, if already there).
    fn first_not_committed(&self, slot: usize, n: usize) -> usize {
        (self.digests[slot].start()..n)
            .find(|&i| !self.holds_committed(slot, i))
            .unwrap_or(n - 1)
    }

    /// What a server has applied must be what every other applied at the
    /// same index; the first to apply an index makes it committed.
    fn state_machine_safety(
        &mut self,
        s: &ServerLook<'_>,
        applied: u64,
        found: &mut Vec<(&'static str, String)>,
    ) {
        let slot = s.id.index();
        let applied = (applied as usize).min(s.log.len());
        if applied == 0 {
            return;
        }
        let known = self.committed.len().min(applied);
        if known > 0 && !self.holds_committed(slot, known - 1) {
            let at = self.first_not_committed(slot, known);
            let theirs = self.committed[at].clone();
            let (index, id) = (at + 1, s.id);
            // A client's retry can put one command in two terms' entries:
            // the stores then agree by chance, and the learner should know.
            let (mine, same_command) = match s.log.get(at) {
                Some(e) => {
                    let command = e.command.to_string();
                    let same = *theirs.command == command;
                    (format!("“{command}” (term {})", e.term), same)
                }
                None => ("what its snapshot holds".into(), false),
            };
            let by_chance = if same_command {
                " Here both hold the same command (a client's retry), so the stores agree by chance; with any other request there, they would not."
            } else {
                ""
            };
            let first_by = if theirs.by == id {
                String::new()
            } else {
                format!(", first applied by {}", theirs.by)
            };
            let detail = if self.applied_seen[slot] as usize >= index {
                // It had applied the entry; this event overwrote it (a
                // follower of a leader that lacks a committed entry).
                format!(
                    "{id} had applied entry {index} (“{}”, term {}{first_by}) when its log was overwritten with {mine}: a committed entry is lost, and {id}'s store keeps what it applied.{by_chance}",
                    theirs.command, theirs.term
                )
            } else if theirs.by == id {
                format!(
                    "{id} applied entry {index} twice, differently: first “{}” (term {}), then {mine} after its log was overwritten.{by_chance}",
                    theirs.command, theirs.term
                )
            } else {
                format!(
                    "{id} applied entry {index} as {mine}, but {} had applied entry {index} as “{}” (term {}): two different entries at one index.{by_chance}",
                    theirs.by, theirs.command, theirs.term
                )
            };
            found.push((super::STATE_MACHINE_SAFETY.name, detail));
            return;
        }
        let in_term = s.live.map_or(0, |(_, term, _)| term);
        // Entries are applied before any snapshot drops them (it is taken
        // on a later event), so each is held here when first applied.
        for i in self.committed.len()..applied {
            let Some(entry) = s.log.get(i) else { break };
            let digest = self.digests[slot].get(i).copied().unwrap_or(0);
            self.committed.push(Committed {
                digest,
                term: entry.term,
                by: s.id,
                in_term,
                command: entry.command.to_string().into(),
            });
        }
    }
}

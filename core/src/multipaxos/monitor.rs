//! Multi-Paxos's safety properties, checked after every event from what
//! every server holds, and the message counters.
//!
//! "Chosen" is per slot and Lamport's: a majority of the acceptors accepted
//! one ballot's entry in the slot. The monitor sees it the moment the last
//! of them accepts, before any learner knows, and the lab records it.

use super::{Entry, MsgClass, MultiPaxos, Note, Peer, Sent};
use crate::paxos::Ballot;
use crate::sim::{InvariantInfo, NodeId, NodeView, Time, SERVER};
use rpds::RedBlackTreeMap;
use std::collections::BTreeMap;

pub const ONE_VALUE_PER_SLOT: InvariantInfo = InvariantInfo {
    name: "At most one value is chosen per slot",
    description: "Once a majority of acceptors has accepted an entry for a slot in one ballot, \
                  no other entry is ever accepted by a majority for that slot in any ballot.",
};
pub const APPLIED_ARE_CHOSEN: InvariantInfo = InvariantInfo {
    name: "Learners apply only chosen values, in order",
    description: "A server applies slot n only after slots 1 to n-1, and only the entry chosen \
                  for it.",
};
pub const STATE_MACHINE_SAFETY: InvariantInfo = InvariantInfo {
    name: "State machine safety",
    description: "Every server's applied prefix is a prefix of every other's: no two servers \
                  apply different entries in one slot.",
};
pub const PROMISE_COVERS_ACCEPTED: InvariantInfo = InvariantInfo {
    name: "Promise ≥ accepted ballot",
    description: "An acceptor's promised ballot is never below a ballot it accepted.",
};

pub const INVARIANTS: &[InvariantInfo] = &[
    ONE_VALUE_PER_SLOT,
    APPLIED_ARE_CHOSEN,
    STATE_MACHINE_SAFETY,
    PROMISE_COVERS_ACCEPTED,
];

/// A slot's choice: the entry, the ballot it was chosen in, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotChoice {
    pub ballot: Ballot,
    pub entry: Entry,
    pub at_ms: Time,
}

/// Messages sent in the whole run, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MsgTotals(pub Sent);

impl MsgTotals {
    pub fn get(&self, class: MsgClass) -> u64 {
        self.0.get(class)
    }
    /// Every message between servers (client traffic left out).
    pub fn between_servers(&self) -> u64 {
        MsgClass::ALL
            .iter()
            .filter(|&&c| c != MsgClass::Client)
            .map(|&c| self.get(c))
            .sum()
    }
}

/// What the checks remember between events. The maps that grow with a run
/// are persistent, so checkpoints share them.
#[derive(Clone, Debug, Default)]
pub struct MultiPaxosMonitor {
    /// Who accepted each (slot, ballot), and its entry.
    votes: RedBlackTreeMap<(u64, Ballot), (Entry, Vec<NodeId>)>,
    /// The first choice of each slot.
    chosen: RedBlackTreeMap<u64, SlotChoice>,
    /// Slots chosen with a no-op.
    noops: u64,
    /// The entry each slot was first applied with, and by whom.
    applied: RedBlackTreeMap<u64, (Entry, NodeId)>,
    /// Per server: accepts seen, slots applied seen, highest ballot accepted.
    accepts_seen: BTreeMap<NodeId, u64>,
    applied_seen: BTreeMap<NodeId, u64>,
    max_accepted: BTreeMap<NodeId, Ballot>,
    /// Acceptors whose promise is below a ballot they accepted now.
    promise_below: Vec<NodeId>,
    /// Messages each live node had sent when last seen, and the run's total.
    sent_seen: BTreeMap<NodeId, Sent>,
    totals: Sent,
    /// What the last `observe` found for `check`.
    found: Vec<(&'static str, String)>,
}

impl MultiPaxosMonitor {
    /// Every chosen slot, in slot order.
    pub fn chosen(&self) -> impl Iterator<Item = (u64, &SlotChoice)> + '_ {
        self.chosen.iter().map(|(s, c)| (*s, c))
    }

    pub fn chosen_at(&self, slot: u64) -> Option<&SlotChoice> {
        self.chosen.get(&slot)
    }

    /// How many slots are chosen, and how many of those hold a no-op.
    pub fn chosen_count(&self) -> (u64, u64) {
        (self.chosen.size() as u64, self.noops)
    }

    /// Who has accepted a slot in a ballot.
    pub fn accepted_by(&self, slot: u64, ballot: Ballot) -> &[NodeId] {
        self.votes
            .get(&(slot, ballot))
            .map_or(&[], |(_, by)| by.as_slice())
    }

    /// Messages sent in the run so far, by kind.
    pub fn totals(&self) -> MsgTotals {
        MsgTotals(self.totals.clone())
    }

    /// Reads what changed in this event: acceptances (and the choices they
    /// complete), slots applied, messages sent.
    pub(super) fn observe(
        &mut self,
        nodes: &[NodeView<'_, MultiPaxos>],
        now: Time,
    ) -> Vec<(NodeId, Note)> {
        let servers = nodes.iter().filter(|v| v.id.kind == SERVER).count();
        let majority = servers / 2 + 1;
        let mut notes = Vec::new();
        for view in nodes {
            self.count_sent(view);
            let Some(Peer::Server(server)) = view.live else {
                continue;
            };
            let acceptor = &server.acceptor;
            let seen = self.accepts_seen.insert(view.id, acceptor.accepts);
            let fresh = acceptor
                .accepts
                .saturating_sub(seen.unwrap_or(acceptor.accepts));
            let skip = acceptor.recent.len().saturating_sub(fresh as usize);
            for (slot, ballot, entry) in acceptor.recent.iter().skip(skip) {
                self.vote(view.id, *slot, *ballot, entry, majority, now, &mut notes);
            }
            self.check_applied(view.id, server);
            self.check_promise(view.id, server.acceptor.promised);
        }
        notes
    }

    fn count_sent(&mut self, view: &NodeView<'_, MultiPaxos>) {
        let Some(peer) = view.live else {
            self.sent_seen.remove(&view.id);
            return;
        };
        let now = peer.sent();
        let before = self.sent_seen.get(&view.id);
        for class in MsgClass::ALL {
            let was = before.map_or(0, |b| b.get(class));
            let is = now.get(class);
            // A node that rebooted counts from zero again.
            self.totals.0[class as usize] += if is >= was { is - was } else { is };
        }
        if before != Some(now) {
            self.sent_seen.insert(view.id, now.clone());
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn vote(
        &mut self,
        acceptor: NodeId,
        slot: u64,
        ballot: Ballot,
        entry: &Entry,
        majority: usize,
        now: Time,
        notes: &mut Vec<(NodeId, Note)>,
    ) {
        let top = self.max_accepted.entry(acceptor).or_insert(ballot);
        *top = (*top).max(ballot);
        let mut votes = self
            .votes
            .get(&(slot, ballot))
            .cloned()
            .unwrap_or_else(|| (entry.clone(), Vec::new()));
        if votes.1.contains(&acceptor) {
            return;
        }
        votes.1.push(acceptor);
        let count = votes.1.len();
        self.votes.insert_mut((slot, ballot), votes);
        if count != majority {
            return;
        }
        match self.chosen.get(&slot) {
            Some(first) if first.entry != *entry => self.found.push((
                ONE_VALUE_PER_SLOT.name,
                format!(
                    "slot {slot}: \"{entry}\" is now chosen in ballot {ballot}, but \"{}\" was \
                     chosen in ballot {} at {} ms",
                    first.entry, first.ballot, first.at_ms
                ),
            )),
            Some(_) => {}
            None => {
                if entry.is_noop() {
                    self.noops += 1;
                }
                self.chosen.insert_mut(
                    slot,
                    SlotChoice {
                        ballot,
                        entry: entry.clone(),
                        at_ms: now,
                    },
                );
                notes.push((
                    acceptor,
                    Note::Chosen {
                        slot,
                        ballot,
                        entry: entry.clone(),
                    },
                ));
            }
        }
    }

    fn check_applied(&mut self, id: NodeId, server: &super::Server) {
        let log = &server.learner.log;
        let now = log.len() as u64;
        let before = self.applied_seen.insert(id, now).unwrap_or(0);
        for slot in (before + 1)..=now {
            let Some(entry) = log.get(slot as usize - 1) else {
                break;
            };
            match self.chosen.get(&slot) {
                None => self.found.push((
                    APPLIED_ARE_CHOSEN.name,
                    format!("{id} applied \"{entry}\" in slot {slot}, where nothing is chosen"),
                )),
                Some(c) if c.entry != *entry => self.found.push((
                    APPLIED_ARE_CHOSEN.name,
                    format!(
                        "{id} applied \"{entry}\" in slot {slot}, where \"{}\" is chosen",
                        c.entry
                    ),
                )),
                Some(_) => {}
            }
            match self.applied.get(&slot) {
                None => {
                    self.applied.insert_mut(slot, (entry.clone(), id));
                }
                Some((other, by)) if other != entry => self.found.push((
                    STATE_MACHINE_SAFETY.name,
                    format!(
                        "{id} applied \"{entry}\" in slot {slot}, but {by} applied \"{other}\""
                    ),
                )),
                Some(_) => {}
            }
        }
    }

    fn check_promise(&mut self, id: NodeId, promised: Option<Ballot>) {
        let Some(&top) = self.max_accepted.get(&id) else {
            return;
        };
        let below = promised.is_none_or(|p| p < top);
        let known = self.promise_below.contains(&id);
        if below && !known {
            self.promise_below.push(id);
            self.found.push((
                PROMISE_COVERS_ACCEPTED.name,
                format!(
                    "{id} has accepted ballot {top} but promised only {}",
                    promised.map_or("nothing".into(), |b| b.to_string())
                ),
            ));
        } else if !below && known {
            self.promise_below.retain(|&n| n != id);
        }
    }

    /// What `observe` found.
    pub(super) fn check(&mut self) -> Vec<(&'static str, String)> {
        std::mem::take(&mut self.found)
    }
}

//! The safety properties of single-decree Paxos (Paxos Made Simple §2.1,
//! P1–P2c), checked after every event from what every node holds.
//!
//! "Chosen" is Lamport's: a majority of the acceptors accepted one ballot.
//! The monitor sees it the moment the last of them accepts, before any
//! learner knows, and the lab records it as a note.

use super::{Ballot, Node, Note, Paxos, Proposal};
use crate::sim::{InvariantInfo, NodeId, NodeView, Time};
use rpds::RedBlackTreeMap;
use std::collections::{BTreeMap, BTreeSet};

pub const ONE_VALUE_CHOSEN: InvariantInfo = InvariantInfo {
    name: "Only one value is chosen",
    description: "Once a majority of acceptors has accepted a value in one ballot, no other \
                  value is ever accepted by a majority in any ballot.",
};
pub const ONLY_PROPOSED_CHOSEN: InvariantInfo = InvariantInfo {
    name: "Only a proposed value is chosen",
    description: "A chosen value is one some proposer was asked to propose.",
};
pub const LEARNED_IS_CHOSEN: InvariantInfo = InvariantInfo {
    name: "A learner learns only a chosen value",
    description: "A learner learns a value only after a majority of acceptors accepted it.",
};
pub const PROMISE_COVERS_ACCEPTED: InvariantInfo = InvariantInfo {
    name: "Promise ≥ accepted ballot",
    description: "An acceptor's promised ballot is never below the ballot it accepted.",
};
pub const HIGHER_BALLOTS_CARRY_CHOSEN: InvariantInfo = InvariantInfo {
    name: "Higher ballots carry the chosen value",
    description: "Every proposal accepted with a ballot above a chosen one carries the chosen \
                  value (P2a).",
};

pub const INVARIANTS: &[InvariantInfo] = &[
    ONE_VALUE_CHOSEN,
    ONLY_PROPOSED_CHOSEN,
    LEARNED_IS_CHOSEN,
    PROMISE_COVERS_ACCEPTED,
    HIGHER_BALLOTS_CARRY_CHOSEN,
];

/// A value chosen: its ballot, who accepted it, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub ballot: Ballot,
    pub value: String,
    pub at_ms: Time,
}

/// What the checks remember between events.
#[derive(Clone, Debug, Default)]
pub struct PaxosMonitor {
    /// Every proposal ever accepted, with the acceptors that accepted it.
    /// Persistent: it grows with the run, and checkpoints share it.
    votes: RedBlackTreeMap<Ballot, (String, Vec<NodeId>)>,
    /// The last accepted ballot seen at each live acceptor.
    last_accepted: BTreeMap<NodeId, Option<Ballot>>,
    /// The last value each learner was seen to have learned.
    last_learned: BTreeMap<NodeId, Option<String>>,
    /// Every value a proposer was asked to propose.
    proposed: BTreeSet<String>,
    /// Ballots chosen, in the order they were.
    chosen: Vec<Choice>,
    /// Acceptors whose promise is below their accepted ballot now.
    promise_below: BTreeSet<NodeId>,
    /// What the last `observe` found for `check`.
    fresh_accepts: Vec<(NodeId, Proposal)>,
    fresh_learned: Vec<(NodeId, String)>,
    fresh_chosen: usize,
}

impl PaxosMonitor {
    /// The first value chosen, if one is: it stays the chosen value.
    pub fn chosen(&self) -> Option<&Choice> {
        self.chosen.first()
    }

    /// Every ballot chosen (more than one value only under broken rules).
    pub fn choices(&self) -> &[Choice] {
        &self.chosen
    }

    /// The values chosen, without repeats, in order.
    pub fn chosen_values(&self) -> Vec<&str> {
        let mut values: Vec<&str> = Vec::new();
        for c in &self.chosen {
            if !values.contains(&c.value.as_str()) {
                values.push(&c.value);
            }
        }
        values
    }

    /// Who has ever accepted a ballot.
    pub fn accepted_by(&self, ballot: Ballot) -> &[NodeId] {
        self.votes.get(&ballot).map_or(&[], |(_, by)| by.as_slice())
    }

    fn is_chosen(&self, value: &str) -> bool {
        self.chosen.iter().any(|c| c.value == value)
    }

    /// Reads what changed in this event: new values proposed, acceptances
    /// (and the choice they complete), values learned.
    pub(super) fn observe(
        &mut self,
        proto: &Paxos,
        nodes: &[NodeView<'_, Paxos>],
        now: Time,
    ) -> Vec<(NodeId, Note)> {
        self.fresh_accepts.clear();
        self.fresh_learned.clear();
        self.fresh_chosen = self.chosen.len();
        let majority = proto.acceptor_count(nodes.iter().map(|v| v.id)) / 2 + 1;
        let mut notes = Vec::new();
        for view in nodes {
            let Some(node) = view.live else { continue };
            self.observe_node(view.id, node, majority, now, &mut notes);
        }
        notes
    }

    fn observe_node(
        &mut self,
        id: NodeId,
        node: &Node,
        majority: usize,
        now: Time,
        notes: &mut Vec<(NodeId, Note)>,
    ) {
        if let Some(value) = node.proposer.as_ref().and_then(|p| p.value.as_ref()) {
            if !self.proposed.contains(value) {
                self.proposed.insert(value.clone());
            }
        }
        if let Some(acceptor) = &node.acceptor {
            let now_accepted = acceptor.accepted.as_ref();
            let before = self
                .last_accepted
                .insert(id, now_accepted.map(|p| p.ballot));
            if let Some(p) = now_accepted.filter(|p| before != Some(Some(p.ballot))) {
                self.fresh_accepts.push((id, p.clone()));
                let mut entry = self
                    .votes
                    .get(&p.ballot)
                    .cloned()
                    .unwrap_or_else(|| (p.value.clone(), Vec::new()));
                if !entry.1.contains(&id) {
                    entry.1.push(id);
                    if entry.1.len() == majority {
                        self.chosen.push(Choice {
                            ballot: p.ballot,
                            value: p.value.clone(),
                            at_ms: now,
                        });
                        notes.push((
                            id,
                            Note::Chosen {
                                ballot: p.ballot,
                                value: p.value.clone(),
                                by: entry.1.clone(),
                                of: majority * 2 - 1,
                            },
                        ));
                    }
                    self.votes.insert_mut(p.ballot, entry);
                }
            }
        }
        if let Some(learner) = &node.learner {
            let learned = learner.learned.as_ref().map(|p| p.value.clone());
            let before = self.last_learned.insert(id, learned.clone());
            if let Some(value) = learned.filter(|v| before.as_ref() != Some(&Some(v.clone()))) {
                self.fresh_learned.push((id, value));
            }
        }
    }

    /// The checks, on what `observe` found.
    pub(super) fn check(&mut self, nodes: &[NodeView<'_, Paxos>]) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        for index in self.fresh_chosen..self.chosen.len() {
            self.check_choice(index, &mut found);
        }
        for (acceptor, p) in std::mem::take(&mut self.fresh_accepts) {
            if let Some(c) = self
                .chosen
                .iter()
                .find(|c| c.ballot < p.ballot && c.value != p.value)
            {
                found.push((
                    HIGHER_BALLOTS_CARRY_CHOSEN.name,
                    format!(
                        "{acceptor} accepted {p}, a ballot above {} in which \"{}\" was chosen",
                        c.ballot, c.value
                    ),
                ));
            }
        }
        for (learner, value) in std::mem::take(&mut self.fresh_learned) {
            if !self.is_chosen(&value) {
                found.push((
                    LEARNED_IS_CHOSEN.name,
                    format!(
                        "{learner} learned \"{value}\", but no majority of acceptors has accepted \
                         it in any ballot"
                    ),
                ));
            }
        }
        for view in nodes {
            let Some(a) = view.live.and_then(|n| n.acceptor.as_ref()) else {
                continue;
            };
            let below = match &a.accepted {
                Some(p) => a.promised.is_none_or(|promised| promised < p.ballot),
                None => false,
            };
            if below && self.promise_below.insert(view.id) {
                found.push((
                    PROMISE_COVERS_ACCEPTED.name,
                    format!(
                        "{} has accepted {} but promised only {}",
                        view.id,
                        a.accepted.as_ref().map_or(String::new(), |p| p.to_string()),
                        a.promised.map_or("nothing".into(), |b| b.to_string())
                    ),
                ));
            } else if !below {
                self.promise_below.remove(&view.id);
            }
        }
        found
    }

    fn check_choice(&self, index: usize, found: &mut Vec<(&'static str, String)>) {
        let choice = &self.chosen[index];
        let (ballot, value) = (choice.ballot, &choice.value);
        if let Some(first) = self.chosen[..index].iter().find(|c| c.value != *value) {
            found.push((
                ONE_VALUE_CHOSEN.name,
                format!(
                    "\"{value}\" is now chosen in ballot {ballot}, but \"{}\" was chosen in \
                     ballot {} at {} ms",
                    first.value, first.ballot, first.at_ms
                ),
            ));
        }
        if !self.proposed.contains(value) {
            found.push((
                ONLY_PROPOSED_CHOSEN.name,
                format!("\"{value}\" is chosen in ballot {ballot}, but no proposer proposed it"),
            ));
        }
        for (higher, (other, by)) in self.votes.range(ballot..) {
            if *higher > ballot && other != value {
                let by: Vec<String> = by.iter().map(|n| n.to_string()).collect();
                found.push((
                    HIGHER_BALLOTS_CARRY_CHOSEN.name,
                    format!(
                        "\"{value}\" is chosen in ballot {ballot}, yet {} accepted \"{other}\" in \
                         the higher ballot {higher}",
                        by.join(", ")
                    ),
                ));
                break;
            }
        }
    }
}

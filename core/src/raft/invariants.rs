use super::{Raft, Role};
use crate::sim::{InvariantInfo, NodeId, NodeView, Time};
use rpds::RedBlackTreeMap;
use serde::Serialize;

pub const ELECTION_SAFETY: InvariantInfo = InvariantInfo {
    name: "Election Safety",
    description: "At most one leader can be elected in a given term (§5.2).",
};

pub const TERM_MONOTONIC: InvariantInfo = InvariantInfo {
    name: "Terms only grow",
    description: "A node's current term never decreases, not even across a crash.",
};

/// Who became leader of a term, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Leadership {
    pub term: u64,
    pub node: NodeId,
    pub at_ms: Time,
}

/// What the Raft invariant checks remember between events.
#[derive(Clone, Debug, Default)]
pub struct RaftMonitor {
    /// The first leader of each term. Persistent: every checkpoint holds a
    /// copy, and a copy shares all but what changed since.
    pub leaders: RedBlackTreeMap<u64, Leadership>,
    /// The highest term each node has had.
    highest_term: Vec<u64>,
    /// Terms already reported as having two leaders (report each once).
    reported_terms: Vec<u64>,
}

impl RaftMonitor {
    pub fn leaders(&self) -> impl Iterator<Item = &Leadership> {
        self.leaders.values()
    }

    pub(super) fn check(
        &mut self,
        nodes: &[NodeView<'_, Raft>],
        now: Time,
    ) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        if self.highest_term.len() < nodes.len() {
            self.highest_term.resize(nodes.len(), 0);
        }
        for view in nodes {
            let term = match (view.live, view.saved) {
                (Some(node), _) => node.current_term,
                (None, Some(saved)) => saved.current_term,
                (None, None) => 0,
            };
            let highest = &mut self.highest_term[view.id.index()];
            if term < *highest {
                found.push((
                    TERM_MONOTONIC.name,
                    format!(
                        "{}'s term went down from {} to {}: it forgot a term it had seen.",
                        view.id, highest, term
                    ),
                ));
            }
            *highest = term;

            let Some(node) = view.live.filter(|n| n.role == Role::Leader) else {
                continue;
            };
            let term = node.current_term;
            match self.leaders.get(&term) {
                None => {
                    self.leaders.insert_mut(
                        term,
                        Leadership {
                            term,
                            node: view.id,
                            at_ms: now,
                        },
                    );
                }
                Some(first) if first.node != view.id && !self.reported_terms.contains(&term) => {
                    self.reported_terms.push(term);
                    found.push((
                        ELECTION_SAFETY.name,
                        format!(
                            "{} and {} were both elected leader of term {term}: two majorities voted in the same term.",
                            first.node, view.id
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        found
    }
}

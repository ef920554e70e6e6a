use super::log_checks::{LogChecks, ServerLook};
use super::{Peer, PeerSaved, Raft, RaftNode, Role};
use crate::sim::{InvariantInfo, NodeId, NodeView, SharedLog, Time};
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

pub const LEADER_APPEND_ONLY: InvariantInfo = InvariantInfo {
    name: "Leader Append-Only",
    description: "A leader never overwrites or deletes entries in its log; it only appends (§5.3).",
};

pub const LOG_MATCHING: InvariantInfo = InvariantInfo {
    name: "Log Matching",
    description: "If two logs hold an entry with the same index and term, they are identical in all entries up to it (§5.3).",
};

pub const LEADER_COMPLETENESS: InvariantInfo = InvariantInfo {
    name: "Leader Completeness",
    description:
        "An entry committed in a term is in the log of every leader of a later term (§5.4).",
};

pub const STATE_MACHINE_SAFETY: InvariantInfo = InvariantInfo {
    name: "State Machine Safety",
    description: "Once a server applies an entry at an index, no server ever applies a different entry at that index (§5.4.3).",
};

pub const COMMIT_MONOTONIC: InvariantInfo = InvariantInfo {
    name: "Commits only grow",
    description: "A server's commitIndex never decreases while it is up.",
};

pub const MATCH_BOUNDED: InvariantInfo = InvariantInfo {
    name: "matchIndex is true",
    description: "A leader's matchIndex for a follower in its term never exceeds what that follower's log holds.",
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
    logs: LogChecks,
    /// Each server's commitIndex when last seen up (`None` while down).
    commits: Vec<Option<u64>>,
    /// Violations already reported (each once).
    reported: Vec<(&'static str, String)>,
}

impl RaftMonitor {
    /// The entry first applied at `index` by any server, if one was: its
    /// term, who applied it, and its command in words. "Committed" as the
    /// run showed it, whatever rule a leader followed.
    pub fn committed_at(&self, index: u64) -> Option<(u64, NodeId, std::rc::Rc<str>)> {
        self.logs.committed_at(index)
    }

    pub fn leaders(&self) -> impl Iterator<Item = &Leadership> {
        self.leaders.values()
    }

    /// About the bytes this monitor holds that earlier checkpoints do not
    /// share (`Protocol::monitor_bytes`). The leaders of terms (a few
    /// hundred an hour) are left out.
    pub(super) fn fresh_bytes(&self) -> usize {
        (self.highest_term.capacity() + self.reported_terms.capacity()) * 8
            + self.commits.capacity() * 16
            + self.reported.capacity() * 40
            + self.logs.fresh_bytes()
    }

    pub(super) fn check(
        &mut self,
        nodes: &[NodeView<'_, Raft>],
        now: Time,
    ) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        if self.highest_term.len() < nodes.len() {
            self.highest_term.resize(nodes.len(), 0);
            self.commits.resize(nodes.len(), None);
        }
        let empty = SharedLog::new();
        for view in nodes {
            let live = view.live.and_then(Peer::server);
            let saved = view.saved.and_then(PeerSaved::server);
            if live.is_none() && saved.is_none() && view.id.kind != crate::sim::SERVER {
                continue;
            }
            // A node whose state did not change since the last check gives
            // the same answers (each already reported): only a leader's
            // matchIndex can go stale, through a follower's change.
            if !view.changed {
                if let Some(node) = live.filter(|n| n.role == Role::Leader) {
                    self.check_match(node, false, nodes, &mut found);
                }
                continue;
            }
            let term = match (live, saved) {
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

            let log = live
                .map(|n| &n.log)
                .or(saved.map(|s| &s.log))
                .unwrap_or(&empty);
            let snapshot = live
                .and_then(|n| n.snapshot.as_ref())
                .or(saved.and_then(|s| s.snapshot.as_ref()))
                .map_or((0, 0), |s| (s.last_index, s.last_term));
            found.extend(self.logs.check(&ServerLook {
                id: view.id,
                log,
                snapshot,
                live: live.map(|n| (n.role, n.current_term, n.last_applied)),
            }));
            self.check_commit(view.id, live, &mut found);

            let Some(node) = live.filter(|n| n.role == Role::Leader) else {
                continue;
            };
            self.check_match(node, true, nodes, &mut found);
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
        // Each broken rule is reported once per node it names first, not
        // after every later event.
        found.retain(|(name, detail)| {
            let who = detail.split_whitespace().next().unwrap_or_default();
            let new = !self.reported.iter().any(|r| r.0 == *name && r.1 == who);
            if new {
                self.reported.push((name, who.to_string()));
            }
            new
        });
        found
    }

    fn check_commit(
        &mut self,
        id: NodeId,
        live: Option<&RaftNode>,
        found: &mut Vec<(&'static str, String)>,
    ) {
        let slot = &mut self.commits[id.index()];
        if let (Some(node), Some(before)) = (live, *slot) {
            if node.commit_index < before {
                found.push((
                    COMMIT_MONOTONIC.name,
                    format!(
                        "{id}'s commitIndex went down from {before} to {} while it was up.",
                        node.commit_index
                    ),
                ));
            }
        }
        *slot = live.map(|n| n.commit_index);
    }

    /// A leader's matchIndex against each follower's log; pairs where
    /// neither changed (`leader_changed`, `NodeView::changed`) are skipped.
    fn check_match(
        &self,
        leader: &RaftNode,
        leader_changed: bool,
        nodes: &[NodeView<'_, Raft>],
        found: &mut Vec<(&'static str, String)>,
    ) {
        for view in nodes.iter().filter(|v| leader_changed || v.changed) {
            let Some(follower) = view.live.and_then(Peer::server) else {
                continue;
            };
            let Some(&matched) = leader.match_index.get(view.id.n as usize) else {
                continue;
            };
            if follower.id != leader.id
                && follower.current_term == leader.current_term
                && matched > follower.last_log_index()
            {
                found.push((
                    MATCH_BOUNDED.name,
                    format!(
                        "{} believes {} stores entries up to {matched}, but its log has {}.",
                        leader.id,
                        follower.id,
                        follower.last_log_index()
                    ),
                ));
            }
        }
    }
}

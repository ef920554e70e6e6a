//! Cluster membership (paper §6, dissertation §4): which servers vote.
//! A configuration lives in the log, and a server always uses the latest
//! one its log holds, committed or not (dissertation §4.1).

use crate::sim::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The voting servers. During joint consensus (paper §6) there are two
/// sets, and a decision needs a majority of each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Config {
    /// C_new, or the only configuration.
    pub voters: Vec<NodeId>,
    /// C_old while joint consensus is on; `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Vec<NodeId>>,
}

impl Config {
    pub fn simple(mut voters: Vec<NodeId>) -> Self {
        voters.sort_unstable();
        voters.dedup();
        Config { voters, old: None }
    }

    /// C_old,new: both sets vote until C_new is committed.
    pub fn joint(old: &[NodeId], new: Vec<NodeId>) -> Self {
        let mut config = Config::simple(new);
        config.old = Some(Config::simple(old.to_vec()).voters);
        config
    }

    pub fn is_joint(&self) -> bool {
        self.old.is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.voters.is_empty() && self.old.as_ref().is_none_or(Vec::is_empty)
    }

    /// Whether a server votes in either set.
    pub fn contains(&self, id: NodeId) -> bool {
        self.voters.contains(&id) || self.old.as_ref().is_some_and(|old| old.contains(&id))
    }

    /// Every voting server, old and new, in order.
    pub fn members(&self) -> Vec<NodeId> {
        let mut all = self.voters.clone();
        all.extend(self.old.iter().flatten().copied());
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Whether the servers `yes` says yes for form a majority of the
    /// configuration: of both sets during joint consensus.
    pub fn is_quorum(&self, yes: impl Fn(NodeId) -> bool) -> bool {
        let majority = |set: &[NodeId]| {
            !set.is_empty() && set.iter().filter(|&&id| yes(id)).count() > set.len() / 2
        };
        majority(&self.voters) && self.old.as_deref().is_none_or(majority)
    }

    /// The highest value a majority has reached (of both sets in joint
    /// consensus): for matchIndex, the highest entry a majority stores.
    pub fn quorum_value(&self, value: impl Fn(NodeId) -> u64) -> u64 {
        // Asked after every acknowledgement: a set of at most nine servers
        // is sorted on the stack, not in a new vector.
        let of = |set: &[NodeId]| {
            let mut stack = [0u64; 16];
            let mut heap = Vec::new();
            let values: &mut [u64] = if set.len() <= stack.len() {
                &mut stack[..set.len()]
            } else {
                heap.resize(set.len(), 0);
                &mut heap
            };
            for (v, &id) in values.iter_mut().zip(set) {
                *v = value(id);
            }
            values.sort_unstable_by(|a, b| b.cmp(a));
            values.get(set.len() / 2).copied().unwrap_or(0)
        };
        let new = of(&self.voters);
        match &self.old {
            Some(old) => new.min(of(old)),
            None => new,
        }
    }

    /// "a majority is 3 of 5", or both during joint consensus.
    pub fn majority_words(&self) -> String {
        let of = |set: &[NodeId]| format!("{} of {}", set.len() / 2 + 1, set.len());
        match &self.old {
            Some(old) => format!(
                "a majority is {} of the new set and {} of the old",
                of(&self.voters),
                of(old)
            ),
            None => format!("a majority is {}", of(&self.voters)),
        }
    }
}

/// "S1–S3, S5": a set of servers, short.
pub fn set_words(set: &[NodeId]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < set.len() {
        let mut j = i;
        while j + 1 < set.len() && set[j + 1].kind == set[i].kind && set[j + 1].n == set[j].n + 1 {
            j += 1;
        }
        parts.push(match j - i {
            0 => set[i].to_string(),
            1 => format!("{}, {}", set[i], set[j]),
            _ => format!("{}–{}", set[i], set[j]),
        });
        i = j + 1;
    }
    if parts.is_empty() {
        "nobody".into()
    } else {
        parts.join(", ")
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.old {
            Some(old) => write!(
                f,
                "{} → {} (joint)",
                set_words(old),
                set_words(&self.voters)
            ),
            None => write!(f, "{}", set_words(&self.voters)),
        }
    }
}

/// How a membership change is made: one server at a time (dissertation
/// §4.1), or through a joint configuration (paper §6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    #[default]
    Single,
    Joint,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ns: &[u8]) -> Vec<NodeId> {
        ns.iter().map(|&n| NodeId::server(n - 1)).collect()
    }

    #[test]
    fn a_joint_decision_needs_a_majority_of_both_sets() {
        let joint = Config::joint(&s(&[1, 2, 3]), s(&[3, 4, 5]));
        assert_eq!(joint.members(), s(&[1, 2, 3, 4, 5]));
        // S1, S2 are a majority of the old set only.
        assert!(!joint.is_quorum(|id| s(&[1, 2]).contains(&id)));
        assert!(!joint.is_quorum(|id| s(&[4, 5]).contains(&id)));
        assert!(joint.is_quorum(|id| s(&[2, 3, 4]).contains(&id)));
        assert_eq!(joint.to_string(), "S1–S3 → S3–S5 (joint)");
    }

    #[test]
    fn the_value_a_majority_reached() {
        let config = Config::simple(s(&[1, 2, 3, 4, 5]));
        let matched = [9, 7, 7, 3, 1];
        assert_eq!(config.quorum_value(|id| matched[id.index()]), 7);
        let joint = Config::joint(&s(&[1, 2, 3]), s(&[3, 4, 5]));
        assert_eq!(joint.quorum_value(|id| matched[id.index()]), 3);
        assert_eq!(Config::default().quorum_value(|_| 5), 0);
        assert!(!Config::default().is_quorum(|_| true));
    }

    #[test]
    fn sets_read_short() {
        assert_eq!(set_words(&s(&[1, 2, 3, 5])), "S1–S3, S5");
        assert_eq!(set_words(&s(&[1, 2])), "S1, S2");
        assert_eq!(set_words(&[]), "nobody");
    }
}

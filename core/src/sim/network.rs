use super::{NodeId, Roster, Time};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Network settings of a scenario; they apply to every link in both directions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    /// One-way delay drawn uniformly from `[min, max]` ms per message.
    /// Different draws let messages overtake each other (reordering).
    pub latency_ms: [u64; 2],
    /// Probability that a message is lost.
    pub drop: f64,
    /// Probability that a message is delivered twice.
    pub duplicate: f64,
    /// Every link first in, first out: no message overtakes an earlier one.
    #[serde(skip_serializing_if = "is_false")]
    pub fifo: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_ms: [20, 40],
            drop: 0.0,
            duplicate: 0.0,
            fifo: false,
        }
    }
}

/// What a directed link does with the messages put on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    #[default]
    Up,
    /// Every message is lost.
    Drop,
    /// Messages wait on the link until it comes up again.
    Hold,
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    Partition,
    Loss,
    LinkDown,
    Crashed,
    User,
    /// The model sent to a node the world does not have.
    NoSuchNode,
}

impl DropReason {
    pub fn words(self) -> &'static str {
        match self {
            DropReason::Partition => "the network is partitioned",
            DropReason::Loss => "the network lost it",
            DropReason::LinkDown => "the link drops messages",
            DropReason::Crashed => "the receiver is down",
            DropReason::User => "you dropped it",
            DropReason::NoSuchNode => "there is no such node",
        }
    }
}

/// One direction of one link: its state and its own delay and faults
/// (the scenario's network settings until a `link` action changes them).
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub state: LinkState,
    pub latency_ms: [u64; 2],
    pub drop: f64,
    pub duplicate: f64,
    /// First in, first out.
    pub fifo: bool,
}

/// The links between nodes and the current partition.
#[derive(Clone, Debug)]
pub struct Network {
    pub config: NetworkConfig,
    roster: Roster,
    size: usize,
    /// `links[from * size + to]`. Shared between checkpoints until a link
    /// changes, which is rare.
    links: Rc<Vec<Link>>,
    /// The latest arrival of a message put on each link (for FIFO).
    last_arrival: Vec<Time>,
    /// Nodes with the same group number can talk; all 0 when healed.
    group: Vec<u8>,
}

impl Network {
    /// About the bytes a copy holds beyond its struct (the link table is
    /// shared between copies, so it is not counted).
    pub fn approx_bytes(&self) -> usize {
        self.last_arrival.capacity() * std::mem::size_of::<Time>() + self.group.capacity()
    }

    pub fn new(roster: Roster, config: NetworkConfig) -> Self {
        let size = roster.len();
        let link = Link {
            state: LinkState::Up,
            latency_ms: config.latency_ms,
            drop: config.drop,
            duplicate: config.duplicate,
            fifo: config.fifo,
        };
        Network {
            config,
            roster,
            size,
            links: Rc::new(vec![link; size * size]),
            last_arrival: vec![0; size * size],
            group: vec![0; size],
        }
    }

    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// A node's slot; every id reaching the network was checked against the roster.
    fn slot(&self, id: NodeId) -> usize {
        self.roster.slot(id).unwrap_or(usize::MAX)
    }

    pub fn link(&self, from: NodeId, to: NodeId) -> &Link {
        &self.links[self.slot(from) * self.size + self.slot(to)]
    }

    pub fn link_mut(&mut self, from: NodeId, to: NodeId) -> &mut Link {
        let index = self.slot(from) * self.size + self.slot(to);
        &mut Rc::make_mut(&mut self.links)[index]
    }

    /// When the latest message put on the link arrives; records `arrives`.
    pub(super) fn note_arrival(&mut self, from: NodeId, to: NodeId, arrives: Time) -> Time {
        let index = self.slot(from) * self.size + self.slot(to);
        let latest = self.last_arrival[index];
        self.last_arrival[index] = latest.max(arrives);
        latest
    }

    /// Splits the cluster: each listed group can talk only within itself;
    /// nodes in no group form one more group together.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        self.group = vec![0; self.size];
        for (number, members) in groups.iter().enumerate() {
            for &id in members {
                if let Some(slot) = self.roster.slot(id) {
                    self.group[slot] = number as u8 + 1;
                }
            }
        }
    }

    pub fn heal(&mut self) {
        self.group.iter_mut().for_each(|g| *g = 0);
    }

    pub fn is_partitioned(&self) -> bool {
        self.group.iter().any(|&g| g != self.group[0])
    }

    pub fn same_side(&self, a: NodeId, b: NodeId) -> bool {
        self.group[self.slot(a)] == self.group[self.slot(b)]
    }

    /// The sides of the network: the nodes that can talk to each other,
    /// each side in node order, sides in order of their first node.
    pub fn sides(&self) -> Vec<Vec<NodeId>> {
        let mut sides: Vec<(u8, Vec<NodeId>)> = Vec::new();
        for (index, &group) in self.group.iter().enumerate() {
            let id = self.roster.id(index);
            match sides.iter_mut().find(|(g, _)| *g == group) {
                Some((_, members)) => members.push(id),
                None => sides.push((group, vec![id])),
            }
        }
        sides.into_iter().map(|(_, members)| members).collect()
    }

    /// The partition side of a node (equal numbers can talk; 0 when whole).
    pub fn group_of(&self, id: NodeId) -> u8 {
        self.roster.slot(id).map_or(0, |slot| self.group[slot])
    }

    /// The partition group of each node, in slot order (equal numbers can talk).
    pub fn groups(&self) -> &[u8] {
        &self.group
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_include_the_unlisted_rest() {
        let s = NodeId::server;
        let mut net = Network::new(Roster::servers(5), NetworkConfig::default());
        assert_eq!(net.sides().len(), 1);
        net.partition(&[vec![s(3), s(1)]]);
        assert_eq!(net.sides(), vec![vec![s(0), s(2), s(4)], vec![s(1), s(3)]]);
        assert!(net.is_partitioned() && !net.same_side(s(0), s(1)));
        net.heal();
        assert!(!net.is_partitioned());
    }
}

//! Which nodes a world has: each kind a lab declares, and how many of it.

use super::ids::{KindLetter, CLIENT, SERVER};
use super::NodeId;
use serde::Serialize;

/// A kind of node a lab has: its letter and what a person calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Kind {
    pub letter: KindLetter,
    /// "server" (the scenario file's key for its count).
    pub word: &'static str,
    pub plural: &'static str,
}

pub const SERVERS: Kind = Kind {
    letter: SERVER,
    word: "server",
    plural: "servers",
};
pub const CLIENTS: Kind = Kind {
    letter: CLIENT,
    word: "client",
    plural: "clients",
};

/// The nodes of a world in slot order: all of the first kind, then all of
/// the next. Slots index the world's node table and the link matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    groups: Vec<(Kind, u8)>,
}

impl Roster {
    /// `groups`: each kind with its count, in the lab's order.
    pub fn new(groups: impl IntoIterator<Item = (Kind, usize)>) -> Roster {
        Roster {
            groups: groups
                .into_iter()
                .map(|(kind, count)| (kind, count.min(u8::MAX as usize) as u8))
                .collect(),
        }
    }

    /// `n` servers and nothing else.
    pub fn servers(n: usize) -> Roster {
        Roster::new([(SERVERS, n)])
    }

    pub fn len(&self) -> usize {
        self.groups.iter().map(|(_, n)| *n as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slot of a node, or `None` if the world has no such node.
    pub fn slot(&self, id: NodeId) -> Option<usize> {
        let mut offset = 0;
        for (kind, count) in &self.groups {
            if kind.letter == id.kind {
                return (id.n < *count).then_some(offset + id.n as usize);
            }
            offset += *count as usize;
        }
        None
    }

    /// The node in a slot.
    pub fn id(&self, slot: usize) -> NodeId {
        let mut rest = slot;
        for (kind, count) in &self.groups {
            if rest < *count as usize {
                return NodeId::new(kind.letter, rest as u8);
            }
            rest -= *count as usize;
        }
        NodeId::server(slot.min(u8::MAX as usize) as u8)
    }

    /// Every node, in slot order.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.groups
            .iter()
            .flat_map(|(kind, count)| (0..*count).map(move |n| NodeId::new(kind.letter, n)))
    }

    /// The nodes of one kind, in order.
    pub fn of_kind(&self, letter: KindLetter) -> impl Iterator<Item = NodeId> + '_ {
        let count = self.count(letter) as u8;
        (0..count).map(move |n| NodeId::new(letter, n))
    }

    pub fn count(&self, letter: KindLetter) -> usize {
        self.groups
            .iter()
            .find(|(kind, _)| kind.letter == letter)
            .map_or(0, |(_, n)| *n as usize)
    }

    pub fn kinds(&self) -> impl Iterator<Item = (Kind, usize)> + '_ {
        self.groups.iter().map(|(k, n)| (*k, *n as usize))
    }

    /// "S1…S5" or "S1…S3 and C1": what exists, for error messages.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .groups
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(kind, n)| {
                let letter = kind.letter as char;
                if *n == 1 {
                    format!("{letter}1")
                } else {
                    format!("{letter}1…{letter}{n}")
                }
            })
            .collect();
        match parts.len() {
            0 => "no nodes".into(),
            _ => parts.join(" and "),
        }
    }

    /// Ok if the node exists; otherwise a sentence saying what does.
    pub fn check(&self, id: NodeId) -> Result<usize, String> {
        self.slot(id).ok_or_else(|| {
            let size = self.len();
            let only_servers = self.groups.iter().all(|(k, _)| k.letter == SERVER);
            if only_servers {
                format!(
                    "node {id} does not exist in a {size}-node cluster ({})",
                    self.describe()
                )
            } else {
                format!("node {id} does not exist here ({})", self.describe())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_kinds_in_order() {
        let roster = Roster::new([(SERVERS, 3), (CLIENTS, 2)]);
        assert_eq!(roster.len(), 5);
        assert_eq!(roster.slot(NodeId::server(2)), Some(2));
        assert_eq!(roster.slot(NodeId::client(0)), Some(3));
        assert_eq!(roster.slot(NodeId::client(2)), None);
        assert_eq!(roster.slot(NodeId::new(b'P', 0)), None);
        assert_eq!(roster.id(4), NodeId::client(1));
        let names: Vec<String> = roster.ids().map(|id| id.to_string()).collect();
        assert_eq!(names, ["S1", "S2", "S3", "C1", "C2"]);
        assert_eq!(roster.describe(), "S1…S3 and C1…C2");
        assert_eq!(
            roster.check(NodeId::server(7)).unwrap_err(),
            "node S8 does not exist here (S1…S3 and C1…C2)"
        );
        assert_eq!(
            Roster::servers(3).check(NodeId::server(7)).unwrap_err(),
            "node S8 does not exist in a 3-node cluster (S1…S3)"
        );
    }
}

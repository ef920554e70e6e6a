//! Ballots (Lamport's proposal numbers): a round and the proposer that owns
//! it, so no two proposers ever use the same one, and any two compare.

use crate::sim::NodeId;
use serde::Serialize;
use std::fmt;

/// `(round, proposer)`, ordered by round, then by proposer: unique per
/// proposer and totally ordered. Written `3.P1`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Ballot {
    pub round: u32,
    pub proposer: NodeId,
}

impl Ballot {
    pub fn new(round: u32, proposer: NodeId) -> Ballot {
        Ballot { round, proposer }
    }
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.proposer)
    }
}

impl fmt::Debug for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A proposal: a ballot and the value it carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Proposal {
    pub ballot: Ballot,
    pub value: String,
}

impl fmt::Display for Proposal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.ballot, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballots_order_by_round_then_proposer() {
        let p = |n| NodeId::new(b'P', n);
        assert!(Ballot::new(1, p(1)) > Ballot::new(1, p(0)));
        assert!(Ballot::new(2, p(0)) > Ballot::new(1, p(1)));
        assert_ne!(Ballot::new(1, p(0)), Ballot::new(1, p(1)));
        assert_eq!(Ballot::new(3, p(0)).to_string(), "3.P1");
    }
}

//! Random proposals for the counterexample search: contention comes from
//! these.

use super::{Propose, PROPOSER};
use crate::sim::{Action, NodeId, Roster, SimRng};

/// A proposal of a random value from a random proposer.
pub fn random_proposal(rng: &mut SimRng, roster: &Roster) -> Vec<Action> {
    let proposers = roster.count(PROPOSER);
    if proposers == 0 {
        return Vec::new();
    }
    let node = NodeId::new(PROPOSER, rng.between(0, proposers as u64 - 1) as u8);
    let value = ["red", "blue", "green"][rng.between(0, 2) as usize];
    vec![Action::input(
        node,
        &Propose {
            value: Some(value.into()),
        },
    )]
}

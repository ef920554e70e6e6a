//! Random client requests for the counterexample search.

use crate::raft::{Command, KEY_NAMES};
use crate::sim::{Action, NodeId, Roster, SimRng, CLIENT};

/// A request from a random client: a write, mostly, or a read. A client
/// still waiting refuses it (the run records the refusal).
pub fn random_request(rng: &mut SimRng, roster: &Roster) -> Vec<Action> {
    let clients = roster.count(CLIENT);
    if clients == 0 {
        return Vec::new();
    }
    let node = NodeId::client(rng.between(0, clients as u64 - 1) as u8);
    let key = KEY_NAMES[rng.between(0, 2) as usize].into();
    let command = if rng.chance(0.7) {
        Command::Set {
            key,
            value: rng.between(1, 99) as i64,
        }
    } else {
        Command::Get { key }
    };
    vec![Action::input(node, &command)]
}

//! Random membership changes for the counterexample search.

use super::ClientInput;
use crate::sim::{Action, NodeId, Roster, SimRng, SERVER};

/// Adds or removes a random server. The request goes to every server:
/// only the leader takes it, the others refuse, so the change happens
/// whoever leads at that moment (if anyone does).
pub fn random_membership_change(rng: &mut SimRng, roster: &Roster) -> Vec<Action> {
    let servers = roster.count(SERVER);
    if servers < 2 {
        return Vec::new();
    }
    let server = NodeId::new(SERVER, rng.between(0, servers as u64 - 1) as u8);
    let input = if rng.chance(0.5) {
        ClientInput::Add { server }
    } else {
        ClientInput::Remove { server }
    };
    roster
        .of_kind(SERVER)
        .map(|node| Action::input(node, &input))
        .collect()
}

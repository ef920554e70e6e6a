//! Helpers the Raft test files share: who is up, who leads, and that the
//! run's safety monitor found nothing.

use distviz_core::raft::{Peer, Raft, RaftNode, Role};
use distviz_core::sim::{NodeId, Run};

/// The servers that are up.
pub fn servers(run: &Run<Raft>) -> Vec<&RaftNode> {
    run.world()
        .nodes()
        .iter()
        .filter_map(|s| s.live.as_ref().and_then(Peer::server))
        .collect()
}

/// The leader of the highest term among the servers that are up.
pub fn leader(run: &Run<Raft>) -> Option<NodeId> {
    servers(run)
        .into_iter()
        .filter(|n| n.role == Role::Leader)
        .max_by_key(|n| n.current_term)
        .map(|n| n.id)
}

/// Every invariant held so far.
pub fn no_violations(run: &Run<Raft>) {
    let v: Vec<_> = run.world().violations().iter().cloned().collect();
    assert!(v.is_empty(), "{v:?}");
}

//! One module per lab: each wires a core model to the shared components.

pub mod raft_election;
mod raft_view;

//! One module per lab: each wires a core model to the shared components.

mod common;
pub mod raft_election;
mod raft_experiments;
mod raft_settings;
mod raft_view;
mod shell;

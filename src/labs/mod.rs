//! One module per lab: each wires a core model to the shared components.

mod common;
pub mod consistency;
mod counterexample;
mod experiment_list;
pub mod multi_paxos;
mod multi_paxos_experiments;
mod multi_paxos_settings;
mod multi_paxos_slots;
mod multi_paxos_view;
pub mod partial_failure;
pub mod paxos;
mod paxos_experiments;
mod paxos_settings;
mod paxos_view;
mod pf_experiments;
mod pf_settings;
mod pf_view;
pub mod raft_election;
mod raft_experiments;
mod raft_log;
pub mod raft_replication;
mod raft_replication_experiments;
mod raft_replication_settings;
mod raft_settings;
mod raft_timeline;
mod raft_view;
mod shell;

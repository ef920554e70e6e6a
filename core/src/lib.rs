//! distviz-core: the deterministic simulation world and the protocol models.
//!
//! No web dependencies: everything here compiles and tests natively, and the
//! browser runs exactly the same code compiled to WebAssembly.

pub mod bench;
pub mod budget;
pub mod consistency;
pub mod lab;
pub mod multipaxos;
pub mod partial_failure;
pub mod paxos;
pub mod raft;
pub mod report;
pub mod scenario;
pub mod search;
pub mod sim;
pub mod versus;

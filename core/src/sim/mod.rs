//! The simulated world: virtual time, one seeded RNG, a network with faults,
//! crash/restart, a trace with a stable hash, and time travel.

mod hash;
mod ids;
mod network;
mod protocol;
mod rng;
mod run;
mod trace;
pub mod words;
mod world;

pub use hash::StableHasher;
pub use ids::{NodeId, Time};
pub use network::{DropReason, Link, LinkState, Network, NetworkConfig};
pub use protocol::{Ctx, Effect, InvariantInfo, NodeView, Protocol, Status};
pub use rng::SimRng;
pub use run::{Run, CHECKPOINT_EVERY};
pub use trace::{Trace, TraceEvent, TraceRecord};
pub use world::{Action, InFlight, NodeSlot, TimedAction, TimerSlot, Violation, World};

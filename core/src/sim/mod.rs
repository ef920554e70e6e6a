//! The simulated world: virtual time, seeded random streams, a network with
//! faults, crash/restart and pause/resume, a trace with a stable hash,
//! client operations and their history, and time travel.

mod actions;
mod delivery;
mod hash;
pub mod history;
mod ids;
mod landmarks;
mod network;
mod nodes;
mod payload;
mod protocol;
mod queue;
mod quiet;
mod rng;
mod roster;
mod run;
pub mod shared_log;
mod trace;
pub mod words;
mod world;

pub use actions::{Action, TimedAction};
pub use hash::StableHasher;
pub use history::{OpResult, OpValue};
pub use ids::{KindLetter, NodeId, Time, CLIENT, SERVER};
pub use landmarks::{Breach, Landmarks, Stretch};
pub use network::{DropReason, Link, LinkState, Network, NetworkConfig};
pub use protocol::{Ctx, Effect, InvariantInfo, NoInput, NoNote, NodeView, Protocol, Summary};
pub use queue::InFlight;
pub use quiet::QuietRun;
pub use rng::SimRng;
pub use roster::{Kind, Roster, CLIENTS, SERVERS};
pub use run::{Run, CHECKPOINT_EVERY};
pub use shared_log::SharedLog;
pub use trace::{EventOf, RecordOf, Trace, TraceEvent, TraceOf, TraceRecord};
pub use world::{NodeSlot, TimerSlot, Violation, World};

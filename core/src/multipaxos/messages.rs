//! What servers and clients say to each other, and the timers they set.

use crate::paxos::Ballot;
use crate::raft::{Answer, Command, LogEntry};
use crate::sim::NodeId;
use serde::Serialize;
use std::fmt;

/// A slot's value: a client's command (with its session: client and
/// request number, so a retry applies once) or a leader's no-op.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Entry {
    pub command: Command,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<(NodeId, u64)>,
}

impl Entry {
    /// What a new leader proposes for a slot nobody reported: nothing.
    pub fn noop() -> Entry {
        Entry {
            command: Command::Noop,
            client: None,
        }
    }

    pub fn is_noop(&self) -> bool {
        self.command == Command::Noop
    }

    /// The entry as the shared key-value store reads it (it has no terms;
    /// the slot stands in).
    pub fn as_log_entry(&self, slot: u64) -> LogEntry {
        LogEntry {
            term: slot,
            command: self.command.clone(),
            client: self.client,
        }
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.client {
            Some((client, req)) => write!(f, "{} ({client} #{req})", self.command),
            None => write!(f, "{}", self.command),
        }
    }
}

/// What an acceptor accepted for one slot, as a Promise reports it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SlotVote {
    pub slot: u64,
    pub ballot: Ballot,
    pub entry: Entry,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type")]
pub enum Msg {
    /// Phase 1a, once for every slot from `from_slot` on: promise to
    /// ignore every ballot below this one.
    Prepare {
        ballot: Ballot,
        from_slot: u64,
    },
    /// Phase 1b: the promise, with what the acceptor accepted in each
    /// slot from `from_slot` on.
    Promise {
        ballot: Ballot,
        accepted: Vec<SlotVote>,
    },
    /// Phase 2a, per slot: accept this entry in this slot.
    Accept {
        ballot: Ballot,
        slot: u64,
        entry: Entry,
    },
    /// Phase 2b, to the leader: accepted.
    Accepted {
        ballot: Ballot,
        slot: u64,
    },
    /// Refused: the acceptor has promised a higher ballot.
    Nack {
        ballot: Ballot,
        promised: Ballot,
    },
    /// The leader (the distinguished learner) tells the others what is
    /// chosen: `entries` fill the slots from `first` on.
    Chosen {
        first: u64,
        entries: Vec<Entry>,
    },
    /// The leader is alive; it has applied every slot up to `chosen_through`.
    Heartbeat {
        ballot: Ballot,
        chosen_through: u64,
    },
    /// A learner that is behind asks the leader for chosen slots.
    CatchUp {
        from_slot: u64,
    },
    ClientRequest {
        req: u64,
        command: Command,
    },
    ClientReply {
        req: u64,
        answer: Answer,
    },
}

impl Msg {
    /// The ballot the message is about, if any (its label in the views).
    pub fn ballot(&self) -> Option<Ballot> {
        match self {
            Msg::Prepare { ballot, .. }
            | Msg::Promise { ballot, .. }
            | Msg::Accept { ballot, .. }
            | Msg::Accepted { ballot, .. }
            | Msg::Nack { ballot, .. }
            | Msg::Heartbeat { ballot, .. } => Some(*ballot),
            _ => None,
        }
    }

    /// Which counter the message adds to.
    pub fn class(&self) -> MsgClass {
        match self {
            Msg::Prepare { .. } => MsgClass::Prepare,
            Msg::Promise { .. } => MsgClass::Promise,
            Msg::Accept { .. } => MsgClass::Accept,
            Msg::Accepted { .. } => MsgClass::Accepted,
            Msg::Nack { .. } => MsgClass::Nack,
            Msg::Chosen { .. } | Msg::CatchUp { .. } => MsgClass::Learn,
            Msg::Heartbeat { .. } => MsgClass::Heartbeat,
            Msg::ClientRequest { .. } | Msg::ClientReply { .. } => MsgClass::Client,
        }
    }
}

/// Kinds of message, as the counters group them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MsgClass {
    Prepare,
    Promise,
    Accept,
    Accepted,
    Nack,
    /// Chosen and CatchUp: telling learners what is chosen.
    Learn,
    Heartbeat,
    Client,
}

impl MsgClass {
    pub const ALL: [MsgClass; 8] = [
        MsgClass::Prepare,
        MsgClass::Promise,
        MsgClass::Accept,
        MsgClass::Accepted,
        MsgClass::Nack,
        MsgClass::Learn,
        MsgClass::Heartbeat,
        MsgClass::Client,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// A server heard no leader for this long: it runs phase 1 with a
    /// higher ballot. The lab's main timer (T fires it).
    LeaderTimeout,
    /// A leader's beat: heartbeats, and Accepts sent again for slots that
    /// wait too long.
    Heartbeat,
    /// A client's next request of the workload.
    Workload,
    /// A client gives up waiting for request `req` and tries elsewhere.
    ClientTimeout { req: u64 },
}

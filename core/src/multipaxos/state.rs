//! What a server holds in each of its roles, what survives a crash, and
//! what the views show at a glance.

use super::{Entry, MsgClass};
use crate::paxos::Ballot;
use crate::raft::{KvStore, RaftClient};
use crate::sim::{NodeId, SharedLog, Summary, Time};
use rpds::RedBlackTreeMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// Slots an acceptor accepted, each with its ballot and entry. Persistent:
/// a checkpoint's copy shares it, and a persist costs one path of the tree.
pub type Accepted = RedBlackTreeMap<u64, (Ballot, Entry)>;

/// The acceptor's state: one promise for every slot, and what it accepted
/// in each. All of it is on disk.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Acceptor {
    pub promised: Option<Ballot>,
    #[serde(serialize_with = "accepted_as_list")]
    pub accepted: Accepted,
    /// Accepts made since the start (on disk with them), so the monitor
    /// can tell which of `recent` it has not seen.
    pub accepts: u64,
    /// The accepts of this node's latest event (cleared as each starts).
    #[serde(skip)]
    pub recent: Vec<(u64, Ballot, Entry)>,
    /// When the accepts in `recent` were made.
    #[serde(skip)]
    pub recent_at: Time,
}

fn accepted_as_list<S: serde::Serializer>(accepted: &Accepted, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Slot<'a> {
        slot: u64,
        ballot: Ballot,
        entry: &'a Entry,
    }
    s.collect_seq(accepted.iter().map(|(slot, (ballot, entry))| Slot {
        slot: *slot,
        ballot: *ballot,
        entry,
    }))
}

/// The learner: the slots it knows are chosen, applied in order to the
/// key-value store.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Learner {
    /// Chosen entries applied, slot 1 first (on disk).
    pub log: SharedLog<Entry>,
    /// Chosen slots it knows of beyond a hole, waiting to be applied.
    pub ahead: BTreeMap<u64, Entry>,
    pub kv: KvStore,
    /// What it had applied when a heartbeat last said it was behind.
    pub behind_at: Option<u64>,
}

impl Learner {
    /// The highest slot applied (every slot up to it is).
    pub fn applied(&self) -> u64 {
        self.log.len() as u64
    }

    /// The entry chosen in a slot, if this learner knows it.
    pub fn known(&self, slot: u64) -> Option<&Entry> {
        match slot.checked_sub(1) {
            Some(i) if slot <= self.applied() => self.log.get(i as usize),
            _ => self.ahead.get(&slot),
        }
    }
}

/// A slot the leader proposed in its ballot and waits on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InFlight {
    pub entry: Entry,
    /// Acceptors that accepted it in this ballot.
    pub acks: Vec<NodeId>,
    /// When its Accepts last went out.
    pub sent_ms: Time,
}

/// Where a server is as a proposer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// It follows the leader it last heard from (if any).
    Follower { leader: Option<NodeId> },
    /// Phase 1: waiting for a majority of promises.
    Preparing {
        ballot: Ballot,
        from_slot: u64,
        promised: Vec<NodeId>,
        /// The highest-ballot vote reported for each slot.
        #[serde(serialize_with = "votes_as_list")]
        reported: BTreeMap<u64, (Ballot, Entry)>,
    },
    /// Phase 1 done: it proposes in its ballot, one slot at a time.
    Leader {
        ballot: Ballot,
        next_slot: u64,
        in_flight: BTreeMap<u64, InFlight>,
    },
}

fn votes_as_list<S: serde::Serializer>(
    votes: &BTreeMap<u64, (Ballot, Entry)>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(votes.iter())
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Follower { .. } => "follower",
            Role::Preparing { .. } => "preparing",
            Role::Leader { .. } => "leader",
        }
    }

    /// The ballot it works in, preparing or leading.
    pub fn ballot(&self) -> Option<Ballot> {
        match self {
            Role::Preparing { ballot, .. } | Role::Leader { ballot, .. } => Some(*ballot),
            Role::Follower { .. } => None,
        }
    }
}

/// Message counts by kind, since the node booted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sent(pub [u64; MsgClass::ALL.len()]);

impl Sent {
    pub fn add(&mut self, class: MsgClass) {
        self.0[class as usize] += 1;
    }
    pub fn get(&self, class: MsgClass) -> u64 {
        self.0[class as usize]
    }
}

/// One server: proposer, acceptor and learner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Server {
    pub id: NodeId,
    /// The highest round it has used (on disk: a ballot is never reused).
    pub round: u32,
    /// The highest round it has heard of.
    pub seen_round: u32,
    pub role: Role,
    pub acceptor: Acceptor,
    pub learner: Learner,
    /// Requests it took as leader and owes an answer: client → request.
    pub owed: BTreeMap<NodeId, u64>,
    /// Requests that came while it prepared, proposed once it leads.
    pub queued: Vec<(NodeId, u64, crate::raft::Command)>,
    /// Messages it sent since it booted.
    pub sent: Sent,
}

impl Server {
    /// The leader it believes in: itself when leading.
    pub fn leader(&self) -> Option<NodeId> {
        match &self.role {
            Role::Follower { leader } => *leader,
            Role::Leader { .. } => Some(self.id),
            Role::Preparing { .. } => None,
        }
    }
}

/// A node of the lab: a server, or a client of the servers (the Raft lab's
/// client state, so the two labs' clients compare).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Peer {
    Server(Box<Server>),
    Client(Box<ClientNode>),
}

/// A client and the messages it sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientNode {
    #[serde(flatten)]
    pub client: RaftClient,
    pub sent: Sent,
}

impl Peer {
    pub fn server(&self) -> Option<&Server> {
        match self {
            Peer::Server(s) => Some(s),
            Peer::Client(_) => None,
        }
    }
    pub fn client(&self) -> Option<&RaftClient> {
        match self {
            Peer::Client(c) => Some(&c.client),
            Peer::Server(_) => None,
        }
    }
    pub fn sent(&self) -> &Sent {
        match self {
            Peer::Server(s) => &s.sent,
            Peer::Client(c) => &c.sent,
        }
    }
}

/// What a server keeps on disk: its round, the acceptor's promise and
/// accepted slots, and the chosen slots it applied.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerSaved {
    pub round: u32,
    pub promised: Option<Ballot>,
    #[serde(serialize_with = "accepted_as_list")]
    pub accepted: Accepted,
    pub accepts: u64,
    pub log: SharedLog<Entry>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Saved {
    Server(Box<ServerSaved>),
    Client { next_req: u64 },
}

/// What a node shows at a glance: its role and ballot (a follower's: the
/// one it promised). Slots applied are not in it: a change of summary is a
/// trace record, and slots are applied all the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct MultiPaxosSummary {
    /// "leader", "preparing", "follower" or "client".
    pub role: &'static str,
    pub ballot: Option<Ballot>,
}

impl Summary for MultiPaxosSummary {
    fn role(&self) -> &'static str {
        self.role
    }
    fn label(&self) -> String {
        match (self.role, self.ballot) {
            ("client", _) => "client".into(),
            ("follower", Some(b)) => format!("follower · promised {b}"),
            (role, Some(b)) => format!("{role} · ballot {b}"),
            (role, None) => role.into(),
        }
    }
    fn colour(&self) -> Option<u64> {
        self.ballot.map(|b| u64::from(b.round))
    }
    fn band(&self) -> Option<String> {
        (self.role == "leader")
            .then(|| self.ballot.map(|b| format!("ballot {b}")))
            .flatten()
    }
}

/// Facts the lab records in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Note {
    /// A majority of acceptors accepted one ballot's entry in a slot: it is
    /// chosen. Recorded by the monitor the moment it happens.
    Chosen {
        slot: u64,
        ballot: Ballot,
        entry: Entry,
    },
    /// No leader heard: phase 1 for every slot from `from_slot` on.
    Preparing { ballot: Ballot, from_slot: u64 },
    /// A majority promised: this server leads.
    Leading { ballot: Ballot, from_slot: u64 },
    /// A new leader proposes again what a promise reported for a slot.
    Recovered {
        slot: u64,
        entry: Entry,
        from: Ballot,
    },
    /// A new leader fills a slot nobody reported with a no-op.
    HoleFilled { slot: u64 },
    /// Broken on purpose: a new leader ignores a reported value.
    IgnoredReported { slot: u64, reported: Entry },
    /// A higher ballot pre-empted this server's.
    PreEmpted { ballot: Ballot, by: Ballot },
    /// The leader learned from a majority of Accepted that a slot is chosen.
    Learned { slot: u64, entry: Entry },
}

use super::{Command, Config, KvStore, LogEntry};
use crate::sim::{NodeId, SharedLog, Summary, Time};
use serde::Serialize;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Follower,
    /// Asking for pre-votes (§9.6) before it dares raise its term.
    PreCandidate,
    Candidate,
    Leader,
    /// Not a server: a client sending requests.
    Client,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
            Role::Client => "client",
        }
    }
}

/// What the views show of a Raft node: its role, coloured by its term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RaftSummary {
    pub role: Role,
    pub term: u64,
}

impl Summary for RaftSummary {
    fn role(&self) -> &'static str {
        self.role.name()
    }
    fn label(&self) -> String {
        match self.role {
            Role::Client => "client".into(),
            role => format!("{} · term {}", role.name(), self.term),
        }
    }
    fn colour(&self) -> Option<u64> {
        (self.role != Role::Client).then_some(self.term)
    }
    fn band(&self) -> Option<String> {
        (self.role == Role::Leader).then(|| format!("term {}", self.term))
    }
}

/// A node of a Raft lab: a server, or a client of the servers. (Unboxed:
/// a lab has one or two clients, and boxing would cost every server an
/// allocation per checkpoint copy.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Peer {
    Server(RaftNode),
    Client(RaftClient),
}

impl Peer {
    pub fn server(&self) -> Option<&RaftNode> {
        match self {
            Peer::Server(s) => Some(s),
            Peer::Client(_) => None,
        }
    }
    pub fn client(&self) -> Option<&RaftClient> {
        match self {
            Peer::Client(c) => Some(c),
            Peer::Server(_) => None,
        }
    }
}

/// What a node keeps on disk.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PeerSaved {
    Server(RaftSaved),
    Client { next_req: u64 },
}

impl PeerSaved {
    pub fn server(&self) -> Option<&RaftSaved> {
        match self {
            PeerSaved::Server(s) => Some(s),
            PeerSaved::Client { .. } => None,
        }
    }
}

/// One Raft server's state. `current_term`, `voted_for` and `log` are
/// persistent (Figure 2); the rest is lost in a crash and rebuilt.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaftNode {
    pub id: NodeId,
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: SharedLog<LogEntry>,
    pub role: Role,
    /// Votes received in the current term (candidates and leaders).
    pub votes: Vec<NodeId>,
    /// The leader this node last heard from in its term.
    pub leader: Option<NodeId>,
    /// The highest entry it knows is committed.
    pub commit_index: u64,
    /// The highest entry applied to its state machine.
    pub last_applied: u64,
    /// A leader's next entry to send each server (by server number).
    pub next_index: Vec<u64>,
    /// A leader's highest entry known to be stored on each server.
    pub match_index: Vec<u64>,
    /// A leader's last entry sent to each server in its latest
    /// AppendEntries (or snapshot). Above matchIndex, that send is not yet
    /// answered, and new entries wait for its answer or the next heartbeat.
    pub sent_up_to: Vec<u64>,
    /// The state machine: what the applied entries made.
    pub kv: KvStore,
    /// The latest configuration in its log (or the one it started with),
    /// and the entry that holds it (0: none, the starting one).
    pub config: Config,
    pub config_index: u64,
    /// A leader: the server it is bringing up to date before adding it.
    pub catch_up: Option<CatchUp>,
    /// A leader: when each server last answered it (check-quorum).
    pub heard_from: Vec<Time>,
    /// When it last heard from a leader of its term (pre-vote).
    pub leader_seen_ms: Option<Time>,
    /// Its latest snapshot (§7), which stands for its log up to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Rc<Snapshot>>,
    /// A snapshot is to be taken (its timer is set).
    #[serde(skip)]
    pub snapshot_due: bool,
}

/// A snapshot (§7): the state machine as of an applied entry, standing
/// for the log up to it, which is then dropped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Snapshot {
    /// The last entry it covers, and that entry's term.
    pub last_index: u64,
    pub last_term: u64,
    /// The store as of `last_index`, sessions included.
    pub kv: KvStore,
    /// The latest configuration as of `last_index`, and its entry (0:
    /// the starting one).
    pub config: Config,
    pub config_index: u64,
}

/// A new server catching up as a non-voting member (dissertation
/// §4.2.1): in rounds, each up to the leader's last entry when the round
/// began; once a round takes less than an election timeout, it joins.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CatchUp {
    pub server: NodeId,
    pub round: u32,
    /// The entry this round must reach.
    pub target: u64,
    pub round_started_ms: Time,
    pub started_ms: Time,
}

/// What a Raft server keeps on disk.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaftSaved {
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: SharedLog<LogEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Rc<Snapshot>>,
}

impl RaftNode {
    /// A server as it boots: its disk, or nothing, and the configuration
    /// it starts with while its log holds none. A snapshot on disk is its
    /// state machine again, and what it covers is committed.
    pub fn from_saved(id: NodeId, saved: Option<&RaftSaved>, start: Config) -> Self {
        let snapshot = saved.and_then(|s| s.snapshot.clone());
        let applied = snapshot.as_ref().map_or(0, |s| s.last_index);
        let mut node = RaftNode {
            id,
            current_term: saved.map_or(0, |s| s.current_term),
            voted_for: saved.and_then(|s| s.voted_for),
            log: saved.map(|s| s.log.clone()).unwrap_or_default(),
            role: Role::Follower,
            votes: Vec::new(),
            leader: None,
            commit_index: applied,
            last_applied: applied,
            next_index: Vec::new(),
            match_index: Vec::new(),
            sent_up_to: Vec::new(),
            kv: snapshot.as_ref().map(|s| s.kv.clone()).unwrap_or_default(),
            config: start.clone(),
            config_index: 0,
            catch_up: None,
            heard_from: Vec::new(),
            leader_seen_ms: None,
            snapshot,
            snapshot_due: false,
        };
        node.find_config(start);
        node
    }

    /// Appends an entry; a configuration takes effect at once (§4.1).
    pub fn push(&mut self, entry: LogEntry) {
        if let Command::Config(config) = &entry.command {
            self.config = config.clone();
            self.config_index = self.last_log_index() + 1;
        }
        self.log.push(entry);
    }

    /// Drops entries from `len + 1` on; a configuration dropped with them
    /// gives way to the one before it.
    pub fn truncate(&mut self, len: u64, start: Config) {
        self.log.truncate(len as usize);
        if self.config_index > len {
            self.find_config(start);
        }
    }

    /// The latest configuration in the log, or `start` if it has none.
    fn find_config(&mut self, start: Config) {
        (self.config_index, self.config) = self.config_as_of(self.last_log_index(), start);
    }

    /// The latest configuration at entry `index` (and its entry): in the
    /// log, else in the snapshot, else `start`.
    fn config_as_of(&self, index: u64, start: Config) -> (u64, Config) {
        let in_log = (self.snapshot_index() + 1..=index)
            .rev()
            .find_map(|i| match self.entry(i) {
                Some(LogEntry {
                    command: Command::Config(config),
                    ..
                }) => Some((i, config.clone())),
                _ => None,
            });
        in_log
            .or_else(|| {
                self.snapshot
                    .as_ref()
                    .map(|s| (s.config_index, s.config.clone()))
            })
            .unwrap_or((0, start))
    }

    /// The last entry its snapshot covers (0: none).
    pub fn snapshot_index(&self) -> u64 {
        self.snapshot.as_ref().map_or(0, |s| s.last_index)
    }

    /// Snapshots what it has applied and drops those entries (§7).
    pub fn take_snapshot(&mut self, start: Config) -> Option<Rc<Snapshot>> {
        let last_index = self.last_applied;
        if last_index <= self.snapshot_index() {
            return None;
        }
        let last_term = self.term_at(last_index)?;
        let (config_index, config) = self.config_as_of(last_index, start);
        let snapshot = Rc::new(Snapshot {
            last_index,
            last_term,
            kv: self.kv.clone(),
            config,
            config_index,
        });
        self.snapshot = Some(snapshot.clone());
        self.log.compact(last_index as usize);
        Some(snapshot)
    }

    /// Takes a leader's snapshot (Figure 13): entries after it stay if the
    /// log holds its last entry; otherwise the whole log goes. The store
    /// becomes the snapshot's, and what it covers is committed and applied.
    pub fn install_snapshot(&mut self, snapshot: Rc<Snapshot>, start: Config) {
        let at = snapshot.last_index;
        if self.term_at(at) == Some(snapshot.last_term) {
            self.log.compact(at as usize);
        } else {
            self.log.reset(at as usize);
        }
        self.kv = snapshot.kv.clone();
        self.commit_index = self.commit_index.max(at);
        self.last_applied = at;
        self.snapshot = Some(snapshot);
        self.find_config(start);
    }

    /// Whether it was removed and knows it: its latest configuration,
    /// committed, leaves it out. It stays quiet from then on.
    pub fn knows_removed(&self) -> bool {
        !self.config.contains(self.id) && self.config_index <= self.commit_index
    }

    /// Whether, as leader, it sends to this server: a voter, or one
    /// catching up (a removed server hears nothing more).
    pub fn replicates_to(&self, peer: NodeId) -> bool {
        self.config.contains(peer) || self.catch_up.as_ref().is_some_and(|c| c.server == peer)
    }

    /// Whether, as leader, its latest send to `peer` is unanswered.
    pub fn awaits(&self, peer: NodeId) -> bool {
        let i = peer.n as usize;
        self.sent_up_to.get(i) > self.match_index.get(i)
    }

    pub fn saved(&self) -> RaftSaved {
        RaftSaved {
            current_term: self.current_term,
            voted_for: self.voted_for,
            log: self.log.clone(),
            snapshot: self.snapshot.clone(),
        }
    }

    pub fn last_log_index(&self) -> u64 {
        self.log.len() as u64
    }

    pub fn last_log_term(&self) -> u64 {
        self.term_at(self.last_log_index()).unwrap_or(0)
    }

    /// The entry at a 1-based index.
    pub fn entry(&self, index: u64) -> Option<&LogEntry> {
        index.checked_sub(1).and_then(|i| self.log.get(i as usize))
    }

    /// The term of the entry at a 1-based index (0 before the first; the
    /// snapshot's for its last entry; `None` if it lacks it or compacted it).
    pub fn term_at(&self, index: u64) -> Option<u64> {
        match &self.snapshot {
            _ if index == 0 => Some(0),
            Some(s) if s.last_index == index => Some(s.last_term),
            _ => self.entry(index).map(|e| e.term),
        }
    }
}

/// A client's request in flight: where it went, and since when.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pending {
    pub req: u64,
    pub command: Command,
    /// Its operation id in the run's history.
    pub op: u64,
    pub server: NodeId,
    pub attempt: u32,
    pub since_ms: Time,
}

/// A client: one request at a time, to the server it thinks leads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaftClient {
    pub id: NodeId,
    /// Numbers requests; kept on disk so a restarted client never reuses
    /// one (the servers would take it for a retry).
    pub next_req: u64,
    pub waiting: Option<Pending>,
    /// Where it sends its next request.
    pub leader_guess: NodeId,
    /// Requests answered, and the last answer (request, value read).
    pub answered: u64,
    pub last_answer: Option<(u64, Option<i64>)>,
    /// Redirects and retries so far.
    pub redirects: u64,
    pub retries: u64,
}

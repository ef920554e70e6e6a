//! Raft (Ongaro & Ousterhout): leader election (§5.2) with the vote
//! restriction (§5.4.1), log replication (§5.3), the commit rule
//! (§5.4.2), a no-op per term (§8), and clients whose requests a small
//! key-value store applies once each (dissertation §6.3). Each rule has a
//! "break it" setting that the invariants catch.

mod client;
mod config;
mod election;
mod explain;
mod invariants;
mod kv;
mod landmarks;
mod log_checks;
mod membership;
mod messages;
mod node;
mod notes;
mod params;
mod random;
mod replication;
mod snapshots;

pub use config::{set_words, Config, Membership};
pub use explain::why_not_committed;
pub use invariants::{
    Leadership, RaftMonitor, COMMIT_MONOTONIC, ELECTION_SAFETY, LEADER_APPEND_ONLY,
    LEADER_COMPLETENESS, LOG_MATCHING, MATCH_BOUNDED, STATE_MACHINE_SAFETY, TERM_MONOTONIC,
};
pub use kv::{Applied, KvStore};
pub use landmarks::{RaftLandmarks, TermSpan};
pub use messages::{Answer, ClientInput, Command, Key, LogEntry, RaftMsg, RaftTimer};
pub use node::{
    CatchUp, Peer, PeerSaved, Pending, RaftClient, RaftNode, RaftSaved, RaftSummary, Role, Snapshot,
};
pub use notes::RaftNote;
pub use params::{RaftParams, KEY_NAMES};
pub use random::random_membership_change;

use crate::sim::{
    Ctx, InvariantInfo, Kind, NodeId, NodeView, Protocol, RecordOf, Time, CLIENT, CLIENTS, SERVERS,
};

/// The Raft election model, configured by its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Raft {
    pub params: RaftParams,
}

impl Raft {
    pub fn new(params: RaftParams) -> Self {
        Raft { params }
    }

    /// A server's disk at the very start when the scenario presets logs
    /// (Figures 7 and 8): its entries (`set x <term>`, so applying them
    /// shows in the store, and entries of two terms at one index are two
    /// different requests, as in the paper) and the highest preset term.
    fn preset_disk(&self, me: NodeId) -> Option<RaftSaved> {
        if self.params.logs.is_empty() {
            return None;
        }
        let terms = self.params.logs.get(&me.to_string());
        let log = terms
            .into_iter()
            .flatten()
            .map(|&term| LogEntry {
                term,
                command: Command::Set {
                    key: "x".into(),
                    value: term as i64,
                },
                client: None,
            })
            .collect();
        Some(RaftSaved {
            current_term: self.params.preset_term(),
            voted_for: None,
            log,
            snapshot: None,
        })
    }
}

impl Protocol for Raft {
    type Node = Peer;
    type Persistent = PeerSaved;
    type Msg = RaftMsg;
    type Timer = RaftTimer;
    type Monitor = RaftMonitor;
    type Input = ClientInput;
    type Note = RaftNote;
    type Summary = RaftSummary;
    type Landmarks = RaftLandmarks;

    fn kinds(&self) -> &'static [Kind] {
        &[SERVERS, CLIENTS]
    }

    fn boot(&self, saved: Option<&PeerSaved>, ctx: &mut Ctx<Self>) -> Peer {
        if ctx.me().kind == CLIENT {
            let next_req = match saved {
                Some(PeerSaved::Client { next_req }) => *next_req,
                _ => 1,
            };
            return Peer::Client(self.boot_client(next_req, ctx));
        }
        let start = self.start_config(ctx);
        let preset = match saved {
            None => self.preset_disk(ctx.me()),
            Some(_) => None,
        };
        let disk = saved.and_then(PeerSaved::server).or(preset.as_ref());
        let mut node = RaftNode::from_saved(ctx.me(), disk, start);
        if preset.is_some() {
            // A preset log is on disk from the start: a server that crashes
            // before it writes anything still shows it while down.
            ctx.persist();
        }
        if self.params.break_forget_vote_on_restart {
            node.voted_for = None;
        }
        self.reset_election_timer(ctx);
        Peer::Server(node)
    }

    fn on_message(&self, peer: &mut Peer, from: NodeId, msg: RaftMsg, ctx: &mut Ctx<Self>) {
        let node = match peer {
            Peer::Client(client) => {
                if let RaftMsg::ClientReply { req, answer } = msg {
                    self.on_client_reply(client, req, answer, ctx);
                }
                return;
            }
            Peer::Server(node) => node,
        };
        if msg.term() > node.current_term {
            self.adopt_term(node, msg.term(), ctx);
        }
        match msg {
            RaftMsg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            } => self.on_request_vote(node, from, term, (last_log_index, last_log_term), ctx),
            RaftMsg::RequestVoteReply { term, granted } => {
                self.on_vote(node, from, term, granted, ctx)
            }
            RaftMsg::PreVote {
                term,
                last_log_index,
                last_log_term,
            } => self.on_pre_vote(node, from, term, (last_log_index, last_log_term), ctx),
            RaftMsg::PreVoteReply {
                for_term, granted, ..
            } => self.on_pre_vote_reply(node, from, for_term, granted, ctx),
            msg @ RaftMsg::AppendEntries { .. } => self.on_append_entries(node, from, msg, ctx),
            msg @ RaftMsg::AppendEntriesReply { .. } => self.on_append_reply(node, from, msg, ctx),
            RaftMsg::InstallSnapshot { term, snapshot } => {
                self.on_install_snapshot(node, from, term, snapshot, ctx)
            }
            RaftMsg::InstallSnapshotReply { term, last_index } => {
                self.on_snapshot_reply(node, from, (term, last_index), ctx)
            }
            RaftMsg::ClientRequest { req, command } => {
                self.on_client_request(node, from, req, command, ctx)
            }
            RaftMsg::ClientReply { .. } => {}
        }
    }

    fn on_timer(&self, peer: &mut Peer, timer: RaftTimer, ctx: &mut Ctx<Self>) {
        let node = match peer {
            Peer::Client(client) => {
                match timer {
                    RaftTimer::Workload => self.workload_tick(client, ctx),
                    RaftTimer::ClientTimeout { req } => self.on_client_timeout(client, req, ctx),
                    _ => {}
                }
                return;
            }
            Peer::Server(node) => node,
        };
        match (timer, node.role) {
            (RaftTimer::Snapshot, _) => self.on_snapshot_timer(node, ctx),
            (RaftTimer::Heartbeat, Role::Leader) => self.on_heartbeat_timer(node, ctx),
            (RaftTimer::Election, Role::Follower | Role::PreCandidate | Role::Candidate) => {
                self.on_election_timeout(node, ctx)
            }
            // A leader told to time out (the "T" key) starts a new election too.
            (RaftTimer::Election, Role::Leader) => {
                ctx.cancel_timer(RaftTimer::Heartbeat);
                self.start_election(node, ctx)
            }
            _ => {}
        }
    }

    fn on_input(
        &self,
        peer: &mut Peer,
        input: &ClientInput,
        ctx: &mut Ctx<Self>,
    ) -> Result<(), String> {
        match (peer, input) {
            (Peer::Server(node), ClientInput::Add { server } | ClientInput::Remove { server }) => {
                let add = matches!(input, ClientInput::Add { .. });
                self.change_membership(node, *server, add, ctx)
            }
            (Peer::Server(_), _) => Err(
                "requests come from a client (C1): a server takes them from clients, not from you"
                    .into(),
            ),
            (Peer::Client(_), ClientInput::Add { .. } | ClientInput::Remove { .. }) => {
                Err("a membership change goes to the leader (a server), not to a client".into())
            }
            (
                Peer::Client(RaftClient {
                    waiting: Some(p), ..
                }),
                _,
            ) => Err(format!(
                "it is still waiting for request #{} (one request at a time)",
                p.req
            )),
            (Peer::Client(client), _) => {
                match input.command() {
                    Some(command) => self.send_request(client, command, ctx),
                    None => self.send_next(client, ctx),
                }
                Ok(())
            }
        }
    }

    fn persistent(&self, peer: &Peer) -> PeerSaved {
        match peer {
            Peer::Server(node) => PeerSaved::Server(node.saved()),
            Peer::Client(client) => PeerSaved::Client {
                next_req: client.next_req,
            },
        }
    }

    fn heap_bytes(&self, live: Option<&Peer>, saved: Option<&PeerSaved>) -> usize {
        let disk = saved.and_then(PeerSaved::server);
        // The monitor's copy of each server's log (checked after every
        // step, so taken after the last change) holds its last chunk too.
        const MONITOR: usize = 1;
        match live {
            Some(Peer::Server(n)) => {
                // A node's log and its disk usually share their chunks.
                let shared = disk.is_some_and(|d| d.log.shares_last_chunk(&n.log));
                n.log.fresh_bytes(MONITOR + if shared { 2 } else { 1 })
                    + disk.map_or(0, |d| if shared { 0 } else { d.log.fresh_bytes(1) })
                    + (n.votes.capacity() + n.next_index.capacity() + n.match_index.capacity()) * 8
                    + (n.kv.data.len() + n.kv.sessions.len()) * 64
            }
            _ => disk.map_or(0, |d| d.log.fresh_bytes(MONITOR + 1)),
        }
    }

    fn message_bytes(&self, msg: &RaftMsg) -> usize {
        // An entry's key is shared with the log it came from.
        match msg {
            RaftMsg::AppendEntries { entries, .. } => {
                entries.capacity() * std::mem::size_of::<LogEntry>()
            }
            // Shared with the leader's own snapshot.
            RaftMsg::InstallSnapshot { .. } => 0,
            _ => 0,
        }
    }

    fn monitor_bytes(&self, monitor: &RaftMonitor) -> usize {
        monitor.fresh_bytes()
    }

    fn summary(&self, peer: &Peer) -> RaftSummary {
        match peer {
            Peer::Server(node) => RaftSummary {
                role: node.role,
                term: node.current_term,
            },
            Peer::Client(_) => RaftSummary {
                role: Role::Client,
                term: 0,
            },
        }
    }

    fn describe_summary(&self, node: NodeId, summary: &RaftSummary) -> String {
        let term = summary.term;
        match summary.role {
            Role::Leader => format!("{node} became leader for term {term}"),
            Role::Candidate => {
                format!("{node} became a candidate for term {term} and asked for votes")
            }
            Role::PreCandidate => format!(
                "{node} asked for pre-votes for term {}, still in term {term}",
                term + 1
            ),
            Role::Follower => format!("{node} is a follower in term {term}"),
            Role::Client => format!("{node} is a client"),
        }
    }

    fn read_landmark(&self, landmarks: &mut RaftLandmarks, index: u64, record: &RecordOf<Self>) {
        landmarks.read(index, record);
    }

    fn forget_landmarks(&self, landmarks: &mut RaftLandmarks, from: u64) {
        landmarks.forget(from);
    }

    fn main_timer(&self) -> Option<RaftTimer> {
        Some(RaftTimer::Election)
    }

    fn describe(&self, msg: &RaftMsg) -> String {
        msg.describe()
    }

    fn is_routine(&self, msg: &RaftMsg) -> bool {
        match msg {
            RaftMsg::AppendEntries { entries, .. } => entries.is_empty(),
            RaftMsg::AppendEntriesReply { success, .. } => *success,
            _ => false,
        }
    }

    fn routine_words(&self) -> &'static str {
        "heartbeats, AppendEntries accepted, timers, losses"
    }

    fn input_names(&self) -> &'static [&'static str] {
        &["set", "get", "del", "any", "add", "remove"]
    }

    fn describe_input(&self, input: &ClientInput) -> String {
        match (input, input.command()) {
            (ClientInput::Add { server }, _) => format!("add {server} to the cluster"),
            (ClientInput::Remove { server }, _) => format!("remove {server} from the cluster"),
            (_, Some(command)) => format!("send “{command}”"),
            (_, None) => "send a request".into(),
        }
    }

    fn describe_note(&self, node: NodeId, note: &RaftNote) -> String {
        note.describe(node)
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        &[
            ELECTION_SAFETY,
            TERM_MONOTONIC,
            LEADER_APPEND_ONLY,
            LOG_MATCHING,
            LEADER_COMPLETENESS,
            STATE_MACHINE_SAFETY,
            COMMIT_MONOTONIC,
            MATCH_BOUNDED,
        ]
    }

    fn check(
        &self,
        monitor: &mut RaftMonitor,
        nodes: &[NodeView<'_, Self>],
        now: Time,
    ) -> Vec<(&'static str, String)> {
        monitor.check(nodes, now)
    }
}

#[cfg(test)]
mod tests;

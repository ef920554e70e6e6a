//! Raft leader election (Ongaro & Ousterhout, §5.2), with §5.4.1's vote
//! restriction: a vote goes only to a candidate whose log is at least as
//! up to date as the voter's.

mod invariants;
mod landmarks;
mod messages;
mod node;
mod params;

pub use invariants::{Leadership, RaftMonitor, ELECTION_SAFETY, TERM_MONOTONIC};
pub use landmarks::{RaftLandmarks, TermSpan};
pub use messages::{LogEntry, RaftMsg, RaftTimer};
pub use node::{RaftNode, RaftSaved, RaftSummary, Role};
pub use params::RaftParams;

use crate::sim::{
    Ctx, InvariantInfo, NoInput, NoNote, NodeId, NodeView, Protocol, RecordOf, Time, SERVERS,
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

    fn reset_election_timer(&self, ctx: &mut Ctx<Self>) {
        let [lo, hi] = self.params.election_timeout_ms;
        let after = ctx.random_between(lo, hi);
        ctx.set_timer(RaftTimer::Election, after);
    }

    /// §5.1: any message with a higher term makes us a follower of that term.
    fn adopt_term(&self, node: &mut RaftNode, term: u64, ctx: &mut Ctx<Self>) {
        let was_leader = node.role == Role::Leader;
        node.current_term = term;
        node.voted_for = None;
        node.role = Role::Follower;
        node.votes.clear();
        node.leader = None;
        ctx.persist();
        if was_leader {
            ctx.cancel_timer(RaftTimer::Heartbeat);
            self.reset_election_timer(ctx);
        }
    }

    fn start_election(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        node.current_term += 1;
        node.role = Role::Candidate;
        node.voted_for = Some(ctx.me());
        node.votes = vec![ctx.me()];
        node.leader = None;
        ctx.persist();
        self.reset_election_timer(ctx);
        let request = RaftMsg::RequestVote {
            term: node.current_term,
            last_log_index: node.last_log_index(),
            last_log_term: node.last_log_term(),
        };
        for peer in ctx.peers().collect::<Vec<_>>() {
            ctx.send(peer, request.clone());
        }
        self.maybe_win(node, ctx);
    }

    fn maybe_win(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        // The quorum is a majority of the servers (membership changes are
        // the log replication lab's).
        if node.role == Role::Candidate && node.votes.len() * 2 > ctx.count(SERVERS) {
            node.role = Role::Leader;
            node.leader = Some(ctx.me());
            ctx.cancel_timer(RaftTimer::Election);
            self.send_heartbeats(node, ctx);
        }
    }

    fn send_heartbeats(&self, node: &RaftNode, ctx: &mut Ctx<Self>) {
        let beat = RaftMsg::AppendEntries {
            term: node.current_term,
            prev_log_index: node.last_log_index(),
            prev_log_term: node.last_log_term(),
            entries: 0,
            leader_commit: node.commit_index,
        };
        for peer in ctx.peers().collect::<Vec<_>>() {
            ctx.send(peer, beat.clone());
        }
        ctx.set_timer(RaftTimer::Heartbeat, self.params.heartbeat_ms);
    }

    fn on_request_vote(
        &self,
        node: &mut RaftNode,
        candidate: NodeId,
        term: u64,
        last_log_index: u64,
        last_log_term: u64,
        ctx: &mut Ctx<Self>,
    ) {
        let free = match node.voted_for {
            None => true,
            Some(v) => v == candidate || self.params.break_one_vote_per_term,
        };
        // §5.4.1: the candidate's log must be at least as up to date as ours.
        let up_to_date =
            (last_log_term, last_log_index) >= (node.last_log_term(), node.last_log_index());
        let granted = term == node.current_term && free && up_to_date;
        if granted {
            node.voted_for = Some(candidate);
            ctx.persist();
            self.reset_election_timer(ctx);
        }
        ctx.send(
            candidate,
            RaftMsg::RequestVoteReply {
                term: node.current_term,
                granted,
            },
        );
    }
}

impl Protocol for Raft {
    type Node = RaftNode;
    type Persistent = RaftSaved;
    type Msg = RaftMsg;
    type Timer = RaftTimer;
    type Monitor = RaftMonitor;
    type Input = NoInput;
    type Note = NoNote;
    type Summary = RaftSummary;
    type Landmarks = RaftLandmarks;

    fn boot(&self, saved: Option<&RaftSaved>, ctx: &mut Ctx<Self>) -> RaftNode {
        let node = RaftNode::from_saved(ctx.me(), saved);
        self.reset_election_timer(ctx);
        node
    }

    fn on_message(&self, node: &mut RaftNode, from: NodeId, msg: RaftMsg, ctx: &mut Ctx<Self>) {
        if msg.term() > node.current_term {
            self.adopt_term(node, msg.term(), ctx);
        }
        match msg {
            RaftMsg::RequestVote {
                term,
                last_log_index,
                last_log_term,
            } => self.on_request_vote(node, from, term, last_log_index, last_log_term, ctx),
            RaftMsg::RequestVoteReply { term, granted } => {
                if granted && term == node.current_term && !node.votes.contains(&from) {
                    node.votes.push(from);
                    self.maybe_win(node, ctx);
                }
            }
            RaftMsg::AppendEntries { term, .. } => {
                let success = term == node.current_term;
                if success {
                    // A leader exists for our term: a candidate steps back.
                    node.role = Role::Follower;
                    node.votes.clear();
                    node.leader = Some(from);
                    self.reset_election_timer(ctx);
                }
                ctx.send(
                    from,
                    RaftMsg::AppendEntriesReply {
                        term: node.current_term,
                        success,
                    },
                );
            }
            RaftMsg::AppendEntriesReply { .. } => {}
        }
    }

    fn on_timer(&self, node: &mut RaftNode, timer: RaftTimer, ctx: &mut Ctx<Self>) {
        match (timer, node.role) {
            (RaftTimer::Heartbeat, Role::Leader) => self.send_heartbeats(node, ctx),
            (RaftTimer::Election, Role::Follower | Role::Candidate) => {
                self.start_election(node, ctx)
            }
            // A leader told to time out (the "T" key) starts a new election too.
            (RaftTimer::Election, Role::Leader) => {
                ctx.cancel_timer(RaftTimer::Heartbeat);
                self.start_election(node, ctx)
            }
            (RaftTimer::Heartbeat, _) => {}
        }
    }

    fn persistent(&self, node: &RaftNode) -> RaftSaved {
        node.saved()
    }

    fn heap_bytes(&self, live: Option<&RaftNode>, saved: Option<&RaftSaved>) -> usize {
        live.map_or(0, |n| {
            n.log.unshared_bytes() + n.votes.capacity() * std::mem::size_of::<NodeId>()
        }) + saved.map_or(0, |s| s.log.unshared_bytes())
    }

    fn summary(&self, node: &RaftNode) -> RaftSummary {
        RaftSummary {
            role: node.role,
            term: node.current_term,
        }
    }

    fn describe_summary(&self, node: NodeId, summary: &RaftSummary) -> String {
        let term = summary.term;
        match summary.role {
            Role::Leader => format!("{node} became leader for term {term}"),
            Role::Candidate => {
                format!("{node} became a candidate for term {term} and asked for votes")
            }
            Role::Follower => format!("{node} is a follower in term {term}"),
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
        matches!(
            msg,
            RaftMsg::AppendEntries { entries: 0, .. } | RaftMsg::AppendEntriesReply { .. }
        )
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        &[ELECTION_SAFETY, TERM_MONOTONIC]
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

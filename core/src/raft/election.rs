//! Leader election (§5.2), with §5.4.1's vote restriction: a vote goes
//! only to a candidate whose log is at least as up to date as the voter's.
//! Votes count in the configuration the candidate's log holds (§6). With
//! pre-vote (dissertation §9.6) a server first asks whether it could win.

use super::{Raft, RaftMsg, RaftNode, RaftNote, RaftTimer, Role};
use crate::sim::{Ctx, NodeId};

impl Raft {
    /// A leader of our term spoke (AppendEntries or a snapshot): a
    /// candidate steps back, and the election timer starts over.
    pub(super) fn follow(&self, node: &mut RaftNode, from: NodeId, ctx: &mut Ctx<Self>) {
        node.role = Role::Follower;
        node.votes.clear();
        node.leader = Some(from);
        node.leader_seen_ms = Some(ctx.now());
        self.reset_election_timer(ctx);
    }

    pub(super) fn reset_election_timer(&self, ctx: &mut Ctx<Self>) {
        let [lo, hi] = self.params.election_timeout_ms;
        let after = ctx.random_between(lo, hi);
        ctx.set_timer(RaftTimer::Election, after);
    }

    /// The servers its configuration says vote, but itself.
    pub(super) fn voters_but_me(node: &RaftNode) -> Vec<NodeId> {
        let mut voters = node.config.members();
        voters.retain(|&id| id != node.id);
        voters
    }

    /// The election timer ran out: campaign, unless it has no say.
    pub(super) fn on_election_timeout(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        // A server not yet added waits to be; one that knows it was
        // removed stays out (dissertation §4.2.1–4.2.2).
        if node.config.is_empty() || node.knows_removed() {
            return;
        }
        if self.params.pre_vote {
            self.start_pre_vote(node, ctx)
        } else {
            self.start_election(node, ctx)
        }
    }

    fn start_pre_vote(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        node.role = Role::PreCandidate;
        node.votes = vec![ctx.me()];
        node.leader = None;
        self.reset_election_timer(ctx);
        let request = RaftMsg::PreVote {
            term: node.current_term + 1,
            last_log_index: node.last_log_index(),
            last_log_term: node.last_log_term(),
        };
        for peer in Self::voters_but_me(node) {
            ctx.send(peer, request.clone());
        }
        self.maybe_win_pre_vote(node, ctx);
    }

    fn maybe_win_pre_vote(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        if node.role == Role::PreCandidate && node.config.is_quorum(|id| node.votes.contains(&id)) {
            self.start_election(node, ctx);
        }
    }

    /// §9.6: yes only if the asker's log is up to date and this server
    /// has not heard from a leader within an election timeout. Nothing
    /// here changes: no term, no vote.
    pub(super) fn on_pre_vote(
        &self,
        node: &mut RaftNode,
        from: NodeId,
        term: u64,
        last_log: (u64, u64),
        ctx: &mut Ctx<Self>,
    ) {
        let (last_log_index, last_log_term) = last_log;
        let up_to_date =
            (last_log_term, last_log_index) >= (node.last_log_term(), node.last_log_index());
        let hears_leader = node.role == Role::Leader
            || node
                .leader_seen_ms
                .is_some_and(|t| ctx.now() < t + self.params.election_timeout_ms[0]);
        let granted = term > node.current_term && up_to_date && !hears_leader;
        ctx.send(
            from,
            RaftMsg::PreVoteReply {
                term: node.current_term,
                for_term: term,
                granted,
            },
        );
    }

    pub(super) fn on_pre_vote_reply(
        &self,
        node: &mut RaftNode,
        from: NodeId,
        for_term: u64,
        granted: bool,
        ctx: &mut Ctx<Self>,
    ) {
        let current = node.role == Role::PreCandidate && for_term == node.current_term + 1;
        if granted && current && !node.votes.contains(&from) {
            node.votes.push(from);
            self.maybe_win_pre_vote(node, ctx);
        }
    }

    /// §5.1: any message with a higher term makes us a follower of that term.
    pub(super) fn adopt_term(&self, node: &mut RaftNode, term: u64, ctx: &mut Ctx<Self>) {
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

    pub(super) fn start_election(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
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
        for peer in Self::voters_but_me(node) {
            ctx.send(peer, request.clone());
        }
        self.maybe_win(node, ctx);
    }

    pub(super) fn maybe_win(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        if node.role == Role::Candidate && node.config.is_quorum(|id| node.votes.contains(&id)) {
            node.role = Role::Leader;
            node.leader = Some(ctx.me());
            ctx.cancel_timer(RaftTimer::Election);
            self.become_leader(node, ctx);
        }
    }

    pub(super) fn on_request_vote(
        &self,
        node: &mut RaftNode,
        candidate: NodeId,
        term: u64,
        last_log: (u64, u64),
        ctx: &mut Ctx<Self>,
    ) {
        let free = match node.voted_for {
            None => true,
            Some(v) => v == candidate || self.params.break_one_vote_per_term,
        };
        // §5.4.1: the candidate's log must be at least as up to date as ours.
        let (last_log_index, last_log_term) = last_log;
        let up_to_date = self.params.break_vote_without_log_check
            || (last_log_term, last_log_index) >= (node.last_log_term(), node.last_log_index());
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

    pub(super) fn on_vote(
        &self,
        node: &mut RaftNode,
        from: NodeId,
        term: u64,
        granted: bool,
        ctx: &mut Ctx<Self>,
    ) {
        if granted && term == node.current_term && !node.votes.contains(&from) {
            node.votes.push(from);
            self.maybe_win(node, ctx);
        }
    }
}

impl Raft {
    /// A leader's heartbeat tick: with check-quorum (§9.6 / §6.2), it
    /// first makes sure a majority answered it within an election timeout.
    pub(super) fn on_heartbeat_timer(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        if self.params.check_quorum && !self.hears_majority(node, ctx.now()) {
            node.role = Role::Follower;
            node.leader = None;
            node.catch_up = None;
            ctx.record(RaftNote::LostQuorum {
                term: node.current_term,
            });
            self.reset_election_timer(ctx);
            return;
        }
        self.on_leader_tick(node, ctx);
        self.send_heartbeats(node, ctx);
    }

    /// Whether a majority (itself included) answered within an election
    /// timeout.
    fn hears_majority(&self, node: &RaftNode, now: u64) -> bool {
        let window = self.params.election_timeout_ms[0];
        node.config.is_quorum(|id| {
            id == node.id
                || node
                    .heard_from
                    .get(id.index())
                    .is_some_and(|&t| now < t + window)
        })
    }
}

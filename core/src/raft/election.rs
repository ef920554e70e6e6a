//! Leader election (§5.2), with §5.4.1's vote restriction: a vote goes
//! only to a candidate whose log is at least as up to date as the voter's.

use super::{Raft, RaftMsg, RaftNode, RaftTimer, Role};
use crate::sim::{Ctx, NodeId, SERVERS};

impl Raft {
    pub(super) fn reset_election_timer(&self, ctx: &mut Ctx<Self>) {
        let [lo, hi] = self.params.election_timeout_ms;
        let after = ctx.random_between(lo, hi);
        ctx.set_timer(RaftTimer::Election, after);
    }

    /// A majority of the servers.
    pub(super) fn quorum(ctx: &Ctx<Self>) -> usize {
        ctx.count(SERVERS) / 2 + 1
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
        for peer in ctx.peers().collect::<Vec<_>>() {
            ctx.send(peer, request.clone());
        }
        self.maybe_win(node, ctx);
    }

    pub(super) fn maybe_win(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        if node.role == Role::Candidate && node.votes.len() >= Self::quorum(ctx) {
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

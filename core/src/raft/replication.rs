//! Log replication (§5.3) and the commit rule (§5.4.2), with a no-op
//! entry at the start of each term (§8) and clients' requests.

use super::{
    Answer, Applied, Command, LogEntry, Raft, RaftMsg, RaftNode, RaftNote, RaftTimer, Role,
};
use crate::sim::{Ctx, NodeId, SERVERS};

/// A follower's answer to AppendEntries, before it is sent.
struct Verdict {
    success: bool,
    match_index: u64,
    conflict_term: u64,
    conflict_index: u64,
}

impl Raft {
    pub(super) fn become_leader(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        let servers = ctx.count(SERVERS);
        node.next_index = vec![node.last_log_index() + 1; servers];
        node.match_index = vec![0; servers];
        node.sent_up_to = vec![0; servers];
        // Check-quorum counts from here: everyone gets a fresh chance.
        node.heard_from = vec![ctx.now(); servers];
        node.catch_up = None;
        if self.params.noop {
            node.push(LogEntry::noop(node.current_term));
            ctx.persist();
        }
        self.note_own_match(node, ctx.me());
        self.advance_commit(node, ctx);
        self.send_heartbeats(node, ctx);
    }

    pub(super) fn note_own_match(&self, node: &mut RaftNode, me: NodeId) {
        if let Some(m) = node.match_index.get_mut(me.n as usize) {
            *m = node.log.len() as u64;
        }
    }

    /// Sends every follower what it lacks (or a heartbeat), answered or
    /// not (a lost message is sent again this way), and rearms the
    /// heartbeat timer.
    pub(super) fn send_heartbeats(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        for peer in Self::followers(node) {
            self.send_append(node, peer, ctx);
        }
        ctx.set_timer(RaftTimer::Heartbeat, self.params.heartbeat_ms);
    }

    /// New entries: to each follower whose last AppendEntries is answered.
    /// The others get them with the next send their answer (or the next
    /// heartbeat) triggers, so entries are not sent again and again while
    /// one is on its way.
    pub(super) fn send_to_followers(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        for peer in Self::followers(node) {
            if !node.awaits(peer) {
                self.send_append(node, peer, ctx);
            }
        }
    }

    /// Every voter of its configuration but itself, and a server catching
    /// up to join it.
    fn followers(node: &RaftNode) -> Vec<NodeId> {
        let mut followers = Self::voters_but_me(node);
        if let Some(c) = &node.catch_up {
            followers.push(c.server);
        }
        followers
    }

    pub(super) fn send_append(&self, node: &mut RaftNode, peer: NodeId, ctx: &mut Ctx<Self>) {
        let next = node
            .next_index
            .get(peer.n as usize)
            .copied()
            .unwrap_or(1)
            .clamp(1, node.last_log_index() + 1);
        let prev_log_index = next - 1;
        // It no longer holds what the follower needs: its snapshot instead.
        if prev_log_index < node.snapshot_index() {
            self.send_snapshot(node, peer, ctx);
            return;
        }
        let last = node
            .last_log_index()
            .min(prev_log_index + self.params.max_entries);
        let entries = (prev_log_index..last)
            .filter_map(|i| node.log.get(i as usize).cloned())
            .collect();
        if let Some(sent) = node.sent_up_to.get_mut(peer.n as usize) {
            *sent = last;
        }
        ctx.send(
            peer,
            RaftMsg::AppendEntries {
                term: node.current_term,
                prev_log_index,
                prev_log_term: node.term_at(prev_log_index).unwrap_or(0),
                entries,
                leader_commit: node.commit_index,
            },
        );
    }

    /// The follower's side of AppendEntries (Figure 2, receiver rules 1–5).
    pub(super) fn on_append_entries(
        &self,
        node: &mut RaftNode,
        from: NodeId,
        msg: RaftMsg,
        ctx: &mut Ctx<Self>,
    ) {
        let RaftMsg::AppendEntries {
            term,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
        } = msg
        else {
            return;
        };
        let verdict = if term < node.current_term {
            Verdict {
                success: false,
                match_index: 0,
                conflict_term: 0,
                conflict_index: 0,
            }
        } else {
            self.follow(node, from, ctx);
            self.accept_entries(
                node,
                (prev_log_index, prev_log_term),
                entries,
                leader_commit,
                ctx,
            )
        };
        ctx.send(
            from,
            RaftMsg::AppendEntriesReply {
                term: node.current_term,
                success: verdict.success,
                prev_log_index,
                match_index: verdict.match_index,
                conflict_term: verdict.conflict_term,
                conflict_index: verdict.conflict_index,
            },
        );
    }

    fn accept_entries(
        &self,
        node: &mut RaftNode,
        (prev_log_index, prev_log_term): (u64, u64),
        entries: Vec<LogEntry>,
        leader_commit: u64,
        ctx: &mut Ctx<Self>,
    ) -> Verdict {
        let last = node.last_log_index();
        // Entries up to its snapshot are committed: they match the leader's.
        let compacted = node.snapshot_index();
        let matches =
            prev_log_index < compacted || node.term_at(prev_log_index) == Some(prev_log_term);
        if !matches && !self.params.break_skip_consistency_check {
            let (conflict_term, conflict_index) = match node.term_at(prev_log_index) {
                None => (0, last + 1),
                Some(t) => {
                    let mut first = prev_log_index;
                    while first > 1 && node.term_at(first - 1) == Some(t) {
                        first -= 1;
                    }
                    (t, first)
                }
            };
            return Verdict {
                success: false,
                match_index: 0,
                conflict_term,
                conflict_index,
            };
        }
        // Broken on purpose, the entries land after what it has.
        let mut index = prev_log_index.min(last);
        let mut removed = None;
        let count = entries.len() as u64;
        for entry in entries {
            index += 1;
            if index <= compacted {
                continue;
            }
            match node.term_at(index) {
                // Rule 4: an entry it already has stays (a late, shorter
                // AppendEntries must not cut what a newer one added).
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    // Rule 3: a conflict; drop it and all that follows.
                    removed.get_or_insert((index, node.last_log_index() + 1 - index));
                    node.truncate(index - 1, self.start_config(ctx));
                    node.push(entry);
                }
                None => node.push(entry),
            }
        }
        if let Some((from, removed)) = removed {
            ctx.record(RaftNote::Truncated { from, removed });
        }
        let match_index = prev_log_index.min(last) + count;
        if count > 0 {
            ctx.persist();
        }
        // Rule 5: commit what the leader has, as far as we match it.
        let commit = leader_commit.min(match_index);
        if commit > node.commit_index {
            node.commit_index = commit;
            self.apply_committed(node, ctx);
        }
        Verdict {
            success: true,
            match_index,
            conflict_term: 0,
            conflict_index: 0,
        }
    }

    /// The leader's side: a follower's answer moves its nextIndex and
    /// matchIndex, and may commit.
    pub(super) fn on_append_reply(
        &self,
        node: &mut RaftNode,
        from: NodeId,
        msg: RaftMsg,
        ctx: &mut Ctx<Self>,
    ) {
        let RaftMsg::AppendEntriesReply {
            term,
            success,
            prev_log_index,
            match_index,
            conflict_term,
            conflict_index,
        } = msg
        else {
            return;
        };
        let Some(peer) = Self::answer_in_term(node, from, term, ctx) else {
            return;
        };
        let last = node.last_log_index();
        if success {
            self.on_follower_holds(node, from, match_index, ctx);
            return;
        }
        // A refusal of an older request says nothing about nextIndex now.
        if prev_log_index + 1 != node.next_index[peer] {
            return;
        }
        let next = if self.params.fast_backoff {
            if conflict_term == 0 {
                conflict_index
            } else {
                // Past the leader's last entry of that term, if it has one.
                (1..=last)
                    .rev()
                    .take_while(|&i| node.term_at(i).is_some_and(|t| t >= conflict_term))
                    .find(|&i| node.term_at(i) == Some(conflict_term))
                    .map_or(conflict_index, |i| i + 1)
            }
        } else {
            node.next_index[peer] - 1
        };
        node.next_index[peer] = next.clamp(node.match_index[peer] + 1, last + 1);
        if node.replicates_to(from) {
            self.send_append(node, from, ctx);
        }
    }

    /// A leader's own follower's answer in its term: when it was heard
    /// from (check-quorum), and its slot; `None` for anyone else.
    pub(super) fn answer_in_term(
        node: &mut RaftNode,
        from: NodeId,
        term: u64,
        ctx: &Ctx<Self>,
    ) -> Option<usize> {
        let peer = from.n as usize;
        if node.role != Role::Leader || term != node.current_term || peer >= node.next_index.len() {
            return None;
        }
        if let Some(t) = node.heard_from.get_mut(peer) {
            *t = ctx.now();
        }
        Some(peer)
    }

    /// A follower now holds everything up to `match_index` (its
    /// AppendEntries succeeded, or it installed the snapshot): matchIndex
    /// and nextIndex move, which may commit, and it gets what it lacks
    /// once nothing newer is on its way to it.
    pub(super) fn on_follower_holds(
        &self,
        node: &mut RaftNode,
        from: NodeId,
        match_index: u64,
        ctx: &mut Ctx<Self>,
    ) {
        let peer = from.n as usize;
        let held = match_index.min(node.last_log_index());
        node.match_index[peer] = node.match_index[peer].max(held);
        node.next_index[peer] = node.next_index[peer].max(node.match_index[peer] + 1);
        self.on_catch_up_progress(node, from, ctx);
        self.advance_commit(node, ctx);
        if node.role == Role::Leader
            && node.next_index[peer] <= node.last_log_index()
            && node.replicates_to(from)
            && !node.awaits(from)
        {
            self.send_append(node, from, ctx);
        }
    }

    /// §5.3–5.4.2: commit the highest entry a majority stores, if it is of
    /// the leader's own term (or, broken, of any term). The majority is of
    /// its latest configuration, of both sets during joint consensus; a
    /// leader outside it does not count itself (§6).
    pub(super) fn advance_commit(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        let majority = node
            .config
            .quorum_value(|id| node.match_index.get(id.index()).copied().unwrap_or(0));
        if majority <= node.commit_index {
            return;
        }
        let own_term = node.term_at(majority) == Some(node.current_term);
        if !own_term && !self.params.break_commit_old_terms {
            return;
        }
        let from = node.commit_index + 1;
        node.commit_index = majority;
        ctx.record(RaftNote::Committed {
            from,
            to: majority,
            term: node.current_term,
        });
        self.apply_committed(node, ctx);
        self.on_config_committed(node, ctx);
    }

    /// Applies committed entries in order; a leader answers the clients
    /// whose requests it took in its term.
    pub(super) fn apply_committed(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        while node.last_applied < node.commit_index {
            let index = node.last_applied + 1;
            let Some(entry) = node.entry(index).cloned() else {
                return;
            };
            node.last_applied = index;
            let value = match node.kv.apply(&entry) {
                Applied::Ran(value) | Applied::Repeat(value) => value,
                Applied::Nothing => None,
            };
            if let (Some((client, req)), Role::Leader) = (entry.client, node.role) {
                if entry.term == node.current_term {
                    let answer = Answer::Done { index, value };
                    ctx.send(client, RaftMsg::ClientReply { req, answer });
                }
            }
        }
        self.schedule_snapshot(node, ctx);
    }

    /// A client's request: a leader appends it; a follower redirects.
    pub(super) fn on_client_request(
        &self,
        node: &mut RaftNode,
        client: NodeId,
        req: u64,
        command: Command,
        ctx: &mut Ctx<Self>,
    ) {
        if node.role != Role::Leader {
            let answer = Answer::NotLeader {
                leader: node.leader,
            };
            ctx.send(client, RaftMsg::ClientReply { req, answer });
            return;
        }
        // Already applied (a retry of an answered request): answer again.
        if let Some(&(last, value)) = node.kv.sessions.get(&client) {
            if req <= last {
                let answer = Answer::Done {
                    index: 0,
                    value: if req == last { value } else { None },
                };
                ctx.send(client, RaftMsg::ClientReply { req, answer });
                return;
            }
        }
        // Already in the log and not yet applied: it will be answered then.
        let pending = (node.last_applied + 1..=node.last_log_index())
            .filter_map(|i| node.entry(i))
            .any(|e| e.client == Some((client, req)) && e.term == node.current_term);
        if pending {
            return;
        }
        node.push(LogEntry {
            term: node.current_term,
            command,
            client: Some((client, req)),
        });
        ctx.persist();
        self.note_own_match(node, ctx.me());
        self.advance_commit(node, ctx);
        if node.role == Role::Leader {
            self.send_to_followers(node, ctx);
        }
    }
}

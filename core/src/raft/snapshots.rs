//! Log compaction (§7): a server snapshots its store once it has applied
//! `snapshot_every` entries past its last snapshot, and drops them; a
//! leader sends its snapshot (InstallSnapshot, Figure 13) to a follower
//! that needs an entry the leader no longer holds.

use super::{Raft, RaftMsg, RaftNode, RaftNote, RaftTimer, Snapshot};
use crate::sim::{Ctx, NodeId};
use std::rc::Rc;

impl Raft {
    /// After applying: a snapshot is due once enough entries are applied
    /// past the last one. It is taken a moment later, on its own event,
    /// as a real server does it in the background (and so every entry is
    /// seen in a log before it is dropped).
    pub(super) fn schedule_snapshot(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        let every = self.params.snapshot_every;
        if every > 0 && !node.snapshot_due && node.last_applied >= node.snapshot_index() + every {
            node.snapshot_due = true;
            ctx.set_timer(RaftTimer::Snapshot, 1);
        }
    }

    pub(super) fn on_snapshot_timer(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        node.snapshot_due = false;
        if let Some(snapshot) = node.take_snapshot(self.start_config(ctx)) {
            ctx.persist();
            ctx.record(RaftNote::Snapshotted {
                upto: snapshot.last_index,
                term: snapshot.last_term,
            });
        }
    }

    /// The leader's snapshot, to a follower whose next entry it compacted.
    pub(super) fn send_snapshot(&self, node: &mut RaftNode, peer: NodeId, ctx: &mut Ctx<Self>) {
        if let Some(snapshot) = &node.snapshot {
            if let Some(sent) = node.sent_up_to.get_mut(peer.n as usize) {
                *sent = snapshot.last_index;
            }
            ctx.send(
                peer,
                RaftMsg::InstallSnapshot {
                    term: node.current_term,
                    snapshot: snapshot.clone(),
                },
            );
        }
    }

    /// The follower's side (Figure 13). A snapshot that covers no more
    /// than it has committed changes nothing; the reply says so too.
    pub(super) fn on_install_snapshot(
        &self,
        node: &mut RaftNode,
        from: NodeId,
        term: u64,
        snapshot: Rc<Snapshot>,
        ctx: &mut Ctx<Self>,
    ) {
        if term < node.current_term {
            ctx.send(
                from,
                RaftMsg::InstallSnapshotReply {
                    term: node.current_term,
                    last_index: 0,
                },
            );
            return;
        }
        self.follow(node, from, ctx);
        let last_index = snapshot.last_index;
        if last_index > node.commit_index {
            node.install_snapshot(snapshot, self.start_config(ctx));
            ctx.persist();
            ctx.record(RaftNote::InstalledSnapshot {
                upto: last_index,
                kept: node.last_log_index() - last_index,
            });
        }
        ctx.send(
            from,
            RaftMsg::InstallSnapshotReply {
                term: node.current_term,
                last_index,
            },
        );
    }

    /// The leader's side: the follower holds everything up to the
    /// snapshot; it goes on from there.
    pub(super) fn on_snapshot_reply(
        &self,
        node: &mut RaftNode,
        from: NodeId,
        (term, last_index): (u64, u64),
        ctx: &mut Ctx<Self>,
    ) {
        if Self::answer_in_term(node, from, term, ctx).is_some() {
            self.on_follower_holds(node, from, last_index, ctx);
        }
    }
}

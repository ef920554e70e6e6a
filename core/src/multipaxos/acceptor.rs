//! The acceptor: one promise covers every slot; each slot has its own
//! accepted ballot and entry. Everything it promises or accepts is on disk
//! before it answers.

use super::io::Io;
use super::{Entry, Msg, MultiPaxos, Server, SlotVote};
use crate::paxos::Ballot;

impl MultiPaxos {
    /// Phase 1b: promise `ballot` for every slot, and report what was
    /// accepted from `from_slot` on; or refuse a ballot below the promise.
    pub(super) fn on_prepare(&self, s: &mut Server, ballot: Ballot, from_slot: u64, io: &mut Io) {
        s.seen_round = s.seen_round.max(ballot.round);
        if let Some(promised) = s.acceptor.promised.filter(|&p| p > ballot) {
            io.send(ballot.proposer, Msg::Nack { ballot, promised });
            return;
        }
        s.acceptor.promised = Some(ballot);
        io.ctx.persist();
        // Someone is running for leader: give it time before running too.
        self.yield_to(s, ballot, None, io);
        let accepted = s
            .acceptor
            .accepted
            .range(from_slot..)
            .map(|(slot, (b, entry))| SlotVote {
                slot: *slot,
                ballot: *b,
                entry: entry.clone(),
            })
            .collect();
        io.send(ballot.proposer, Msg::Promise { ballot, accepted });
    }

    /// Phase 2b: accept `entry` in `slot` unless a higher ballot is promised.
    pub(super) fn on_accept(
        &self,
        s: &mut Server,
        ballot: Ballot,
        slot: u64,
        entry: Entry,
        io: &mut Io,
    ) {
        s.seen_round = s.seen_round.max(ballot.round);
        if let Some(promised) = s.acceptor.promised.filter(|&p| p > ballot) {
            io.send(ballot.proposer, Msg::Nack { ballot, promised });
            return;
        }
        let now = io.ctx.now();
        let a = &mut s.acceptor;
        a.promised = Some(ballot);
        a.accepted.insert_mut(slot, (ballot, entry.clone()));
        a.accepts += 1;
        // The monitor reads the accepts of the latest step from `recent`.
        if a.recent_at != now {
            a.recent.clear();
            a.recent_at = now;
        }
        a.recent.push((slot, ballot, entry));
        io.ctx.persist();
        self.yield_to(s, ballot, Some(ballot.proposer), io);
        io.send(ballot.proposer, Msg::Accepted { ballot, slot });
    }
}

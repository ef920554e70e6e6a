//! The proposer: a server that hears no leader runs phase 1 once for every
//! slot from its first unchosen one; with a majority of promises it leads,
//! proposes again what the promises reported (the highest ballot's entry
//! for each slot), fills the holes with no-ops, and then runs phase 2 alone
//! for each new command. Its heartbeats keep the others from running.

use super::io::Io;
use super::{Entry, InFlight, Msg, MultiPaxos, Note, Role, Server, SlotVote, Timer};
use crate::paxos::Ballot;
use crate::raft::{Answer, Command};
use crate::sim::NodeId;
use std::collections::BTreeMap;

impl MultiPaxos {
    pub(super) fn reset_leader_timer(&self, io: &mut Io) {
        let [lo, hi] = self.params.leader_timeout_ms;
        let after = io.ctx.random_between(lo, hi);
        io.ctx.set_timer(Timer::LeaderTimeout, after);
    }

    /// A higher ballot is about: a server preparing or leading in a lower
    /// one stops. A follower waits for it (`leader` if it is known to lead).
    pub(super) fn yield_to(
        &self,
        s: &mut Server,
        ballot: Ballot,
        leader: Option<NodeId>,
        io: &mut Io,
    ) {
        if s.role.ballot() == Some(ballot) {
            return;
        }
        if let Some(mine) = s.role.ballot() {
            if mine > ballot {
                return;
            }
            io.ctx.record(Note::PreEmpted {
                ballot: mine,
                by: ballot,
            });
            io.ctx.cancel_timer(Timer::Heartbeat);
            s.owed.clear();
            s.queued.clear();
        }
        s.role = Role::Follower { leader };
        if ballot.proposer != io.me() {
            self.reset_leader_timer(io);
        }
    }

    /// Phase 1a with a ballot above any seen, for every slot from the first
    /// this server does not know is chosen.
    pub(super) fn start_phase1(&self, s: &mut Server, io: &mut Io) {
        let promised = s.acceptor.promised.map_or(0, |b| b.round);
        s.round = s.round.max(s.seen_round).max(promised) + 1;
        io.ctx.persist();
        let ballot = Ballot::new(s.round, io.me());
        let from_slot = s.learner.applied() + 1;
        io.ctx.cancel_timer(Timer::Heartbeat);
        s.owed.clear();
        s.role = Role::Preparing {
            ballot,
            from_slot,
            promised: Vec::new(),
            reported: BTreeMap::new(),
        };
        // No majority in time: it tries again with a higher ballot.
        self.reset_leader_timer(io);
        io.ctx.record(Note::Preparing { ballot, from_slot });
        io.send_servers(Msg::Prepare { ballot, from_slot });
    }

    pub(super) fn on_promise(
        &self,
        s: &mut Server,
        from: NodeId,
        ballot: Ballot,
        accepted: Vec<SlotVote>,
        io: &mut Io,
    ) {
        let Role::Preparing {
            ballot: mine,
            promised,
            reported,
            ..
        } = &mut s.role
        else {
            return;
        };
        if *mine != ballot || promised.contains(&from) {
            return;
        }
        promised.push(from);
        for vote in accepted {
            let higher = reported
                .get(&vote.slot)
                .is_none_or(|(b, _)| *b < vote.ballot);
            if higher {
                reported.insert(vote.slot, (vote.ballot, vote.entry));
            }
        }
        if promised.len() >= io.quorum() {
            self.lead(s, io);
        }
    }

    /// A majority promised: propose again, in this ballot, every slot
    /// from the first unchosen to the last anyone reported: the reported
    /// entry with the highest ballot, or a no-op where nobody reported one.
    fn lead(&self, s: &mut Server, io: &mut Io) {
        let Role::Preparing {
            ballot,
            from_slot,
            reported,
            ..
        } = std::mem::replace(&mut s.role, Role::Follower { leader: None })
        else {
            return;
        };
        io.ctx.cancel_timer(Timer::LeaderTimeout);
        io.ctx.record(Note::Leading { ballot, from_slot });
        let last = [
            reported.keys().next_back().copied(),
            s.learner.ahead.keys().next_back().copied(),
            Some(s.learner.applied()),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0);
        s.role = Role::Leader {
            ballot,
            next_slot: last.max(from_slot - 1) + 1,
            in_flight: BTreeMap::new(),
        };
        for slot in from_slot..=last {
            if s.learner.known(slot).is_some() {
                continue;
            }
            let entry = match reported.get(&slot) {
                Some((_, entry)) if self.params.break_ignore_promised_values => {
                    io.ctx.record(Note::IgnoredReported {
                        slot,
                        reported: entry.clone(),
                    });
                    Entry::noop()
                }
                Some((from, entry)) => {
                    io.ctx.record(Note::Recovered {
                        slot,
                        entry: entry.clone(),
                        from: *from,
                    });
                    entry.clone()
                }
                None => {
                    io.ctx.record(Note::HoleFilled { slot });
                    Entry::noop()
                }
            };
            self.propose(s, slot, entry, io);
        }
        self.heartbeat(s, io);
        for (client, req, command) in std::mem::take(&mut s.queued) {
            self.on_client_request(s, client, req, command, io);
        }
    }

    /// Phase 2a for one slot, to every acceptor (this server's own too).
    fn propose(&self, s: &mut Server, slot: u64, entry: Entry, io: &mut Io) {
        let Role::Leader {
            ballot, in_flight, ..
        } = &mut s.role
        else {
            return;
        };
        let ballot = *ballot;
        in_flight.insert(
            slot,
            InFlight {
                entry: entry.clone(),
                acks: Vec::new(),
                sent_ms: io.ctx.now(),
            },
        );
        io.send_servers(Msg::Accept {
            ballot,
            slot,
            entry,
        });
    }

    /// Phase 2b heard: a majority of Accepted for one ballot chooses the
    /// slot, and the leader (the distinguished learner) tells the others.
    pub(super) fn on_accepted(
        &self,
        s: &mut Server,
        from: NodeId,
        ballot: Ballot,
        slot: u64,
        io: &mut Io,
    ) {
        let quorum = io.quorum();
        let Role::Leader {
            ballot: mine,
            in_flight,
            ..
        } = &mut s.role
        else {
            return;
        };
        if *mine != ballot {
            return;
        }
        let Some(flight) = in_flight.get_mut(&slot) else {
            return;
        };
        if !flight.acks.contains(&from) {
            flight.acks.push(from);
        }
        if flight.acks.len() < quorum {
            return;
        }
        let Some(flight) = in_flight.remove(&slot) else {
            return;
        };
        io.ctx.record(Note::Learned {
            slot,
            entry: flight.entry.clone(),
        });
        io.send_others(Msg::Chosen {
            first: slot,
            entries: vec![flight.entry.clone()],
        });
        self.learn(s, slot, flight.entry, io);
    }

    pub(super) fn on_nack(&self, s: &mut Server, ballot: Ballot, promised: Ballot, io: &mut Io) {
        s.seen_round = s.seen_round.max(promised.round);
        if s.role.ballot() == Some(ballot) && promised > ballot {
            self.yield_to(s, promised, None, io);
        }
    }

    /// The leader's beat: heartbeats, and Accepts again for slots that
    /// waited too long for a majority (lost on the way, or the acceptor
    /// was down).
    pub(super) fn heartbeat(&self, s: &mut Server, io: &mut Io) {
        let applied = s.learner.applied();
        let now = io.ctx.now();
        let retry = self.params.accept_retry_ms;
        let Role::Leader {
            ballot, in_flight, ..
        } = &mut s.role
        else {
            return;
        };
        let ballot = *ballot;
        io.send_others(Msg::Heartbeat {
            ballot,
            chosen_through: applied,
        });
        let peers: Vec<NodeId> = io.ctx.peers().collect();
        for (&slot, flight) in in_flight.iter_mut() {
            if now.saturating_sub(flight.sent_ms) < retry {
                continue;
            }
            flight.sent_ms = now;
            for &to in peers.iter().filter(|p| !flight.acks.contains(p)) {
                io.send(
                    to,
                    Msg::Accept {
                        ballot,
                        slot,
                        entry: flight.entry.clone(),
                    },
                );
            }
        }
        io.ctx.set_timer(Timer::Heartbeat, self.params.heartbeat_ms);
    }

    /// A leader's heartbeat: a follower waits on, and asks for the chosen
    /// slots it lacks; a stale leader is told of the higher promise.
    pub(super) fn on_heartbeat(
        &self,
        s: &mut Server,
        from: NodeId,
        ballot: Ballot,
        chosen_through: u64,
        io: &mut Io,
    ) {
        s.seen_round = s.seen_round.max(ballot.round);
        if let Some(promised) = s.acceptor.promised.filter(|&p| p > ballot) {
            io.send(from, Msg::Nack { ballot, promised });
            return;
        }
        self.yield_to(s, ballot, Some(from), io);
        if let Role::Follower { leader } = &mut s.role {
            *leader = Some(from);
            self.reset_leader_timer(io);
        }
        // Behind at two heartbeats in a row with nothing applied between:
        // the Chosen messages were lost (or it was away), so it asks. One
        // heartbeat behind is usually a Chosen still on its way.
        let applied = s.learner.applied();
        if chosen_through <= applied {
            s.learner.behind_at = None;
        } else if s.learner.behind_at == Some(applied) {
            io.send(
                from,
                Msg::CatchUp {
                    from_slot: applied + 1,
                },
            );
        } else {
            s.learner.behind_at = Some(applied);
        }
    }

    /// A learner behind asks for chosen slots: send what this server
    /// applied from there, a batch at a time.
    pub(super) fn on_catch_up(&self, s: &Server, from: NodeId, from_slot: u64, io: &mut Io) {
        let first = from_slot.max(1);
        let entries: Vec<Entry> = s
            .learner
            .log
            .from_index(first as usize - 1)
            .take(self.params.catch_up_batch as usize)
            .cloned()
            .collect();
        if !entries.is_empty() {
            io.send(from, Msg::Chosen { first, entries });
        }
    }

    /// A client's request: a leader proposes it in the next slot (once: a
    /// retry of a request in flight or applied is not proposed again); a
    /// server preparing keeps it until it leads; a follower redirects.
    pub(super) fn on_client_request(
        &self,
        s: &mut Server,
        client: NodeId,
        req: u64,
        command: Command,
        io: &mut Io,
    ) {
        match &s.role {
            Role::Follower { leader } => {
                let answer = Answer::NotLeader { leader: *leader };
                io.send(client, Msg::ClientReply { req, answer });
                return;
            }
            Role::Preparing { .. } => {
                s.queued.retain(|(c, _, _)| *c != client);
                s.queued.push((client, req, command));
                return;
            }
            Role::Leader { .. } => {}
        }
        if let Some(&(last, value)) = s.learner.kv.sessions.get(&client) {
            if req <= last {
                if req == last {
                    let index = s.learner.applied();
                    let answer = Answer::Done { index, value };
                    io.send(client, Msg::ClientReply { req, answer });
                }
                return;
            }
        }
        s.owed.insert(client, req);
        let Role::Leader {
            next_slot,
            in_flight,
            ..
        } = &mut s.role
        else {
            return;
        };
        let this = Some((client, req));
        let waiting = in_flight.values().any(|f| f.entry.client == this)
            || s.learner.ahead.values().any(|e| e.client == this);
        if waiting {
            return;
        }
        let slot = *next_slot;
        *next_slot += 1;
        let entry = Entry {
            command,
            client: this,
        };
        self.propose(s, slot, entry, io);
    }
}

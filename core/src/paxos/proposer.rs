//! The proposer (§2.2): phase 1 with a fresh ballot, then phase 2 with the
//! value of the highest proposal a quorum reported (its own if none), and
//! a new, higher ballot when pre-empted or out of patience.

use super::io::Io;
use super::{Ballot, Msg, Note, Paxos, Phase, Proposal, ProposerState, Timer};
use crate::sim::NodeId;

/// The back-off's range stops doubling after this many failed ballots.
const MAX_DOUBLINGS: u32 = 5;

impl Paxos {
    /// Phase 1a: a ballot above every one used or heard of, saved before
    /// it is sent, so a restarted proposer never reuses it.
    pub(super) fn start_ballot(&self, p: &mut ProposerState, io: &mut Io) {
        p.round = p.round.max(p.seen) + 1;
        p.attempts += 1;
        io.ctx.persist();
        let ballot = Ballot::new(p.round, io.me());
        p.phase = Phase::Preparing {
            ballot,
            promises: Vec::new(),
        };
        io.ctx.set_timer(Timer::Patience, self.params.patience_ms);
        let acceptors: Vec<NodeId> = self.acceptors(io.ctx).collect();
        for acceptor in acceptors {
            io.send(acceptor, Msg::Prepare { ballot });
        }
    }

    pub(super) fn on_promise(
        &self,
        p: &mut ProposerState,
        from: NodeId,
        ballot: Ballot,
        accepted: Option<Proposal>,
        io: &mut Io,
    ) {
        let Phase::Preparing {
            ballot: mine,
            promises,
        } = &mut p.phase
        else {
            return;
        };
        if *mine != ballot || promises.iter().any(|(a, _)| *a == from) {
            return;
        }
        promises.push((from, accepted));
        if promises.len() < self.quorum(io.ctx) {
            return;
        }
        // Phase 2a: the value of the highest-ballot proposal reported.
        let highest = promises
            .iter()
            .filter_map(|(_, reported)| reported.as_ref())
            .max_by_key(|reported| reported.ballot)
            .cloned();
        let own = p.value.clone().unwrap_or_default();
        let value = match highest {
            Some(reported) if self.params.break_ignore_promised_values => {
                if reported.value != own {
                    io.ctx.record(Note::IgnoredReported {
                        ballot,
                        reported,
                        own: own.clone(),
                    });
                }
                own
            }
            Some(reported) => {
                if reported.value != own {
                    io.ctx.record(Note::Adopted {
                        ballot,
                        value: reported.value.clone(),
                        from: reported.ballot,
                    });
                }
                reported.value
            }
            None => own,
        };
        p.phase = Phase::Accepting {
            ballot,
            value: value.clone(),
        };
        let acceptors: Vec<NodeId> = self.acceptors(io.ctx).collect();
        for acceptor in acceptors {
            io.send(
                acceptor,
                Msg::Accept {
                    ballot,
                    value: value.clone(),
                },
            );
        }
    }

    /// Pre-empted: it abandons the ballot. With back-off it waits a random,
    /// growing while; without, it waits for its patience timer, which beats
    /// at a fixed pace (so two proposers on the same pace can duel for ever).
    pub(super) fn on_nack(
        &self,
        p: &mut ProposerState,
        ballot: Ballot,
        promised: Ballot,
        io: &mut Io,
    ) {
        p.seen = p.seen.max(promised.round);
        if p.phase.ballot() != Some(ballot) {
            return;
        }
        io.ctx.record(Note::PreEmpted {
            ballot,
            by: promised,
        });
        if self.params.backoff {
            self.back_off(p, ballot, io);
        } else {
            p.phase = Phase::BackingOff { after: ballot };
        }
    }

    /// The patience timer: no quorum answered in time, or (without
    /// back-off) the pre-empted proposer's next beat.
    pub(super) fn on_patience(&self, p: &mut ProposerState, io: &mut Io) {
        match &p.phase {
            Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => {
                let ballot = *ballot;
                io.ctx.record(Note::NoQuorum {
                    ballot,
                    waited_ms: self.params.patience_ms,
                });
                if self.params.backoff {
                    self.back_off(p, ballot, io);
                } else {
                    self.start_ballot(p, io);
                }
            }
            Phase::BackingOff { .. } if !self.params.backoff => self.start_ballot(p, io),
            _ => {}
        }
    }

    /// A random wait, its range doubling with each failed ballot.
    fn back_off(&self, p: &mut ProposerState, after: Ballot, io: &mut Io) {
        io.ctx.cancel_timer(Timer::Patience);
        let doublings = p.attempts.saturating_sub(1).min(MAX_DOUBLINGS);
        let range = self.params.backoff_ms << doublings;
        let wait_ms = io.ctx.random_between(1, range);
        p.phase = Phase::BackingOff { after };
        io.ctx.record(Note::BackingOff { wait_ms });
        io.ctx.set_timer(Timer::Backoff, wait_ms);
    }

    pub(super) fn on_backoff(&self, p: &mut ProposerState, io: &mut Io) {
        if matches!(p.phase, Phase::BackingOff { .. }) {
            self.start_ballot(p, io);
        }
    }

    /// Its learner learned a value: the proposer's work is over, whichever
    /// value won.
    pub(super) fn stop(&self, p: &mut ProposerState, learned: &Proposal, io: &mut Io) {
        if !p.phase.is_busy() {
            return;
        }
        io.ctx.cancel_timer(Timer::Patience);
        io.ctx.cancel_timer(Timer::Backoff);
        p.phase = Phase::Done;
        let own = p.value.clone().unwrap_or_default();
        if own != learned.value {
            io.ctx.record(Note::Stopped {
                own,
                chosen: learned.value.clone(),
            });
        }
    }
}

//! Single-decree Paxos (Lamport, "Paxos Made Simple" §2; guide section 6).
//!
//! Proposers `P1…` (each also a learner) and acceptors `A1…`; with
//! `proposers_accept` every proposer is an acceptor too, so three `P`
//! nodes and no `A` nodes are three servers playing every role. Ballots
//! are (round, proposer). Phase 1 collects promises from a quorum, which
//! report what they accepted; phase 2 asks them to accept the value of the
//! highest reported proposal (the proposer's own if none); acceptors send
//! Accepted to every learner, and a learner learns a value from a quorum
//! of Accepted for one ballot. Nacks tell a proposer of a higher ballot;
//! it tries again, at once or after a random back-off. The monitor checks
//! Lamport's safety properties after every event and records the moment a
//! value is chosen, before any learner knows.

mod acceptor;
mod ballot;
mod io;
mod learner;
mod monitor;
mod params;
mod proposer;
mod random;
mod state;
mod words;

pub use ballot::{Ballot, Proposal};
pub use monitor::{
    Choice, PaxosMonitor, HIGHER_BALLOTS_CARRY_CHOSEN, INVARIANTS, LEARNED_IS_CHOSEN,
    ONE_VALUE_CHOSEN, ONLY_PROPOSED_CHOSEN, PROMISE_COVERS_ACCEPTED,
};
pub use params::PaxosParams;
pub use random::random_proposal;
pub use state::{
    check_value, default_value, value_key, AcceptorState, LearnerState, Msg, Node, Note,
    PaxosSummary, Phase, Propose, ProposerState, Saved, Timer, ACCEPTOR, ACCEPTORS,
    MAX_VALUE_CHARS, PROPOSER, PROPOSERS,
};

use crate::sim::{Ctx, InvariantInfo, Kind, NodeId, NodeView, Protocol, Time};
use io::Io;

#[derive(Clone, Debug, PartialEq)]
pub struct Paxos {
    pub params: PaxosParams,
}

impl Paxos {
    pub fn new(params: PaxosParams) -> Self {
        Paxos { params }
    }

    /// Whether a node of this kind plays the acceptor.
    pub fn accepts(&self, id: NodeId) -> bool {
        id.kind == ACCEPTOR || (id.kind == PROPOSER && self.params.proposers_accept)
    }

    /// Every acceptor, `A` nodes first.
    fn acceptors<'c>(&self, ctx: &'c Ctx<Self>) -> impl Iterator<Item = NodeId> + 'c {
        let proposers_too = self.params.proposers_accept;
        ctx.nodes_of(ACCEPTORS)
            .chain(ctx.nodes_of(PROPOSERS).filter(move |_| proposers_too))
    }

    /// Every learner: the proposers.
    fn learners<'c>(&self, ctx: &'c Ctx<Self>) -> impl Iterator<Item = NodeId> + 'c {
        ctx.nodes_of(PROPOSERS)
    }

    /// How many acceptors the nodes named include.
    pub fn acceptor_count(&self, ids: impl Iterator<Item = NodeId>) -> usize {
        ids.filter(|&id| self.accepts(id)).count()
    }

    fn quorum(&self, ctx: &Ctx<Self>) -> usize {
        let acceptors = ctx.count(ACCEPTORS)
            + if self.params.proposers_accept {
                ctx.count(PROPOSERS)
            } else {
                0
            };
        self.params.quorum(acceptors)
    }

    /// Handles one message to this machine, and every message it sends
    /// itself as a result.
    fn handle(&self, node: &mut Node, from: NodeId, msg: Msg, io: &mut Io) {
        let mut next = Some((from, msg));
        while let Some((from, msg)) = next.take() {
            self.dispatch(node, from, msg, io);
            next = io.next_local().map(|m| (io.me(), m));
        }
    }

    fn dispatch(&self, node: &mut Node, from: NodeId, msg: Msg, io: &mut Io) {
        match msg {
            Msg::Prepare { ballot } => {
                if let Some(a) = &mut node.acceptor {
                    self.on_prepare(a, from, ballot, io);
                }
            }
            Msg::Accept { ballot, value } => {
                if let Some(a) = &mut node.acceptor {
                    self.on_accept(a, from, Proposal { ballot, value }, io);
                }
            }
            Msg::Promise { ballot, accepted } => {
                if let Some(p) = &mut node.proposer {
                    self.on_promise(p, from, ballot, accepted, io);
                }
            }
            Msg::Nack { ballot, promised } => {
                if let Some(p) = &mut node.proposer {
                    self.on_nack(p, ballot, promised, io);
                }
            }
            Msg::Accepted { ballot, value } => {
                let learned = match &mut node.learner {
                    Some(l) => self.on_accepted(l, from, Proposal { ballot, value }, io),
                    None => None,
                };
                if let (Some(learned), Some(p)) = (learned, &mut node.proposer) {
                    self.stop(p, &learned, io);
                }
            }
        }
    }

    /// Runs a proposer step, then whatever it sent itself.
    fn as_proposer(
        &self,
        node: &mut Node,
        ctx: &mut Ctx<Self>,
        step: impl FnOnce(&Self, &mut ProposerState, &mut Io),
    ) {
        let mut io = Io::new(ctx);
        if let Some(p) = &mut node.proposer {
            step(self, p, &mut io);
        }
        while let Some(msg) = io.next_local() {
            let me = io.me();
            self.handle(node, me, msg, &mut io);
        }
    }
}

impl Protocol for Paxos {
    type Node = Node;
    type Persistent = Saved;
    type Msg = Msg;
    type Timer = Timer;
    type Monitor = PaxosMonitor;
    type Input = Propose;
    type Note = Note;
    type Summary = PaxosSummary;
    type Landmarks = ();

    fn kinds(&self) -> &'static [Kind] {
        &[PROPOSERS, ACCEPTORS]
    }

    fn boot(&self, saved: Option<&Saved>, ctx: &mut Ctx<Self>) -> Node {
        let me = ctx.me();
        let acceptor = self.accepts(me).then(|| {
            let disk = saved.and_then(|s| s.acceptor.clone()).unwrap_or_default();
            if self.params.break_forget_promise && saved.is_some() {
                ctx.record(Note::ForgotPromise {
                    accepted: disk.accepted.as_ref().map(|p| p.ballot),
                });
            }
            disk
        });
        let proposer = (me.kind == PROPOSER).then(|| ProposerState {
            round: saved.and_then(|s| s.round).unwrap_or(0),
            seen: 0,
            value: None,
            phase: Phase::Idle,
            attempts: 0,
        });
        let learner = (me.kind == PROPOSER).then(LearnerState::default);
        Node {
            proposer,
            acceptor,
            learner,
        }
    }

    fn on_message(&self, node: &mut Node, from: NodeId, msg: Msg, ctx: &mut Ctx<Self>) {
        let mut io = Io::new(ctx);
        self.handle(node, from, msg, &mut io);
    }

    fn on_timer(&self, node: &mut Node, timer: Timer, ctx: &mut Ctx<Self>) {
        self.as_proposer(node, ctx, |proto, p, io| match timer {
            Timer::Patience => proto.on_patience(p, io),
            Timer::Backoff => proto.on_backoff(p, io),
        });
    }

    fn on_input(
        &self,
        node: &mut Node,
        input: &Propose,
        ctx: &mut Ctx<Self>,
    ) -> Result<(), String> {
        let me = ctx.me();
        let Some(p) = &node.proposer else {
            return Err(format!(
                "{me} is an acceptor only: it cannot propose a value (only proposers P1… can)"
            ));
        };
        if p.phase.is_busy() {
            return Err(format!(
                "{me} is still proposing \"{}\": one proposal at a time",
                p.value.as_deref().unwrap_or_default()
            ));
        }
        let value = input.value.clone().unwrap_or_else(|| default_value(me));
        check_value(&value)?;
        self.as_proposer(node, ctx, |proto, p, io| {
            p.value = Some(value);
            p.attempts = 0;
            proto.start_ballot(p, io);
        });
        Ok(())
    }

    fn persistent(&self, node: &Node) -> Saved {
        let acceptor = node.acceptor.as_ref().map(|a| {
            let mut disk = a.clone();
            if self.params.break_forget_promise {
                // Broken: the promise is never written down, only the
                // accepted proposal.
                disk.promised = None;
            }
            disk
        });
        Saved {
            round: node.proposer.as_ref().map(|p| p.round),
            acceptor,
        }
    }

    fn summary(&self, node: &Node) -> PaxosSummary {
        let proposer = node.proposer.as_ref();
        PaxosSummary {
            proposer: proposer.map(|p| match p.phase {
                Phase::Idle => "idle",
                Phase::Preparing { .. } => "preparing",
                Phase::Accepting { .. } => "accepting",
                Phase::BackingOff { .. } => "backing-off",
                Phase::Done => "done",
            }),
            ballot: proposer.and_then(|p| p.phase.ballot()),
            acceptor: node.acceptor.clone(),
            learned: node
                .learner
                .as_ref()
                .and_then(|l| l.learned.as_ref())
                .map(|p| p.value.clone()),
        }
    }

    fn main_timer(&self) -> Option<Timer> {
        Some(Timer::Patience)
    }

    fn describe(&self, msg: &Msg) -> String {
        words::message(msg)
    }

    fn input_names(&self) -> &'static [&'static str] {
        &["propose"]
    }

    fn describe_input(&self, input: &Propose) -> String {
        match &input.value {
            Some(v) => format!("propose \"{v}\""),
            None => "propose its value".into(),
        }
    }

    fn describe_note(&self, node: NodeId, note: &Note) -> String {
        words::note(node, note)
    }

    fn describe_summary(&self, node: NodeId, summary: &PaxosSummary) -> String {
        words::summary(node, summary)
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        INVARIANTS
    }

    fn observe(
        &self,
        monitor: &mut PaxosMonitor,
        nodes: &[NodeView<'_, Self>],
        now: Time,
    ) -> Vec<(NodeId, Note)> {
        monitor.observe(self, nodes, now)
    }

    fn check(
        &self,
        monitor: &mut PaxosMonitor,
        nodes: &[NodeView<'_, Self>],
        _now: Time,
    ) -> Vec<(&'static str, String)> {
        monitor.check(nodes)
    }
}

#[cfg(test)]
mod tests;

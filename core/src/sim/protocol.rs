use super::history::{OpResult, OpValue};
use super::{Kind, NodeId, RecordOf, Roster, SimRng, Time, SERVERS};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;
use std::hash::Hash;

/// What a model asks the world to do. Handlers change their own node's
/// state and return effects as data; the world carries them out.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect<P: Protocol> {
    Send {
        to: NodeId,
        msg: P::Msg,
    },
    SetTimer {
        timer: P::Timer,
        after: Time,
    },
    CancelTimer {
        timer: P::Timer,
    },
    /// Save the node's persistent state (what survives a crash) now.
    Persist,
    /// A fact of the lab's ("entry 7 committed"), written to the trace.
    Record(P::Note),
    /// A client operation starts (a history's "invoke").
    Invoke {
        op: u64,
        f: String,
        value: OpValue,
    },
    /// A client operation ends: ok, fail (it did not happen) or info
    /// (unknown: it may or may not have happened).
    Complete {
        op: u64,
        result: OpResult,
        value: OpValue,
    },
}

/// The world as a handler sees it: who it is, the time, its own random
/// stream, the other nodes, and a place to put effects. A model reads no
/// clock or RNG except these.
pub struct Ctx<'a, P: Protocol> {
    pub(crate) now: Time,
    pub(crate) me: NodeId,
    pub(crate) roster: &'a Roster,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) effects: &'a mut Vec<Effect<P>>,
    /// The id the next operation invoked here gets.
    pub(crate) next_op: u64,
}

impl<'a, P: Protocol> Ctx<'a, P> {
    /// A context for calling a handler outside a world (unit tests).
    pub fn detached(
        me: NodeId,
        roster: &'a Roster,
        now: Time,
        rng: &'a mut SimRng,
        effects: &'a mut Vec<Effect<P>>,
    ) -> Self {
        Ctx {
            now,
            me,
            roster,
            rng,
            effects,
            next_op: 0,
        }
    }
    pub fn now(&self) -> Time {
        self.now
    }
    pub fn me(&self) -> NodeId {
        self.me
    }
    /// How many nodes of a kind the world has.
    pub fn count(&self, kind: Kind) -> usize {
        self.roster.count(kind.letter)
    }
    /// Every node of a kind, in order.
    pub fn nodes_of(&self, kind: Kind) -> impl Iterator<Item = NodeId> + '_ {
        self.roster.of_kind(kind.letter)
    }
    /// Every other node of my own kind, in order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        let me = self.me;
        self.roster.of_kind(me.kind).filter(move |&id| id != me)
    }
    pub fn random_between(&mut self, lo: Time, hi: Time) -> Time {
        self.rng.between(lo, hi)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.chance(p)
    }
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }
    pub fn set_timer(&mut self, timer: P::Timer, after: Time) {
        self.effects.push(Effect::SetTimer { timer, after });
    }
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.effects.push(Effect::CancelTimer { timer });
    }
    pub fn persist(&mut self) {
        self.effects.push(Effect::Persist);
    }
    pub fn record(&mut self, note: P::Note) {
        self.effects.push(Effect::Record(note));
    }
    /// Starts a client operation; returns its id for `complete`.
    pub fn invoke(&mut self, f: impl Into<String>, value: OpValue) -> u64 {
        let op = self.next_op;
        self.next_op += 1;
        self.effects.push(Effect::Invoke {
            op,
            f: f.into(),
            value,
        });
        op
    }
    pub fn complete(&mut self, op: u64, result: OpResult, value: OpValue) {
        self.effects.push(Effect::Complete { op, result, value });
    }
}

/// A named safety property a model checks after every event.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct InvariantInfo {
    pub name: &'static str,
    pub description: &'static str,
}

/// What the views show of a live node at a glance, as the lab defines it.
/// A change of summary is recorded in the trace.
pub trait Summary: Clone + Debug + PartialEq + Eq + Hash + Serialize + 'static {
    /// One word the views style and the legend explains: "leader", "waiting".
    fn role(&self) -> &'static str;
    /// A few words for the node's caption: "leader · term 3".
    fn label(&self) -> String;
    /// Nodes with the same key share a colour (Raft: the term); `None`
    /// draws the node in the neutral colour.
    fn colour(&self) -> Option<u64> {
        None
    }
    /// A stretch of time the timeline draws as a band while it lasts, with
    /// its label (Raft: each leadership, "S3 · term 4"). `None`: no band.
    fn band(&self) -> Option<String> {
        None
    }
}

/// An input type for labs that take none from the learner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NoInput {}

/// A note type for labs that record no facts of their own.
pub type NoNote = NoInput;

/// A protocol model: a pure state machine per node plus its invariants.
/// Only the handlers, `persistent`, `summary` and `describe` must be
/// written; the rest has defaults, so a small model stays small.
pub trait Protocol: Clone + 'static {
    /// One node's whole state (volatile and persistent).
    type Node: Clone + Debug + Serialize;
    /// The part of a node that survives a crash.
    type Persistent: Clone + Debug + Serialize;
    type Msg: Clone + Debug + Hash + PartialEq + Serialize;
    type Timer: Copy + Eq + Hash + Debug + Serialize;
    /// Whatever the invariant checks remember between events.
    type Monitor: Clone + Debug + Default;
    /// What the learner (or a scenario) can ask a node to do, decoded
    /// from a scenario action whose `"do"` is one of `input_names`.
    type Input: Clone + Debug + Hash + PartialEq + Serialize + DeserializeOwned;
    /// A fact the lab records in the trace ("value chosen").
    type Note: Clone + Debug + Hash + PartialEq + Serialize;
    type Summary: Summary;
    /// The lab's own landmarks for its timeline (Raft: who led each term,
    /// terms that got none), read from each record once, when it is made.
    /// `()` for labs whose summaries' bands are enough.
    type Landmarks: Clone + Debug + Default;

    /// Reads record `index` into the lab's landmarks (each record once).
    fn read_landmark(
        &self,
        _landmarks: &mut Self::Landmarks,
        _index: u64,
        _record: &RecordOf<Self>,
    ) {
    }
    /// Forgets what records `from` and later said (a fork).
    fn forget_landmarks(&self, _landmarks: &mut Self::Landmarks, _from: u64) {}

    /// The kinds of node this lab has, in slot order.
    fn kinds(&self) -> &'static [Kind] {
        &[SERVERS]
    }

    /// Starts a node: fresh, or from what it persisted before a crash.
    fn boot(&self, saved: Option<&Self::Persistent>, ctx: &mut Ctx<Self>) -> Self::Node;
    fn on_message(&self, node: &mut Self::Node, from: NodeId, msg: Self::Msg, ctx: &mut Ctx<Self>);
    fn on_timer(&self, node: &mut Self::Node, timer: Self::Timer, ctx: &mut Ctx<Self>);
    /// A learner's input to this node. `Err` explains a refusal.
    fn on_input(
        &self,
        _node: &mut Self::Node,
        _input: &Self::Input,
        _ctx: &mut Ctx<Self>,
    ) -> Result<(), String> {
        Err("this lab takes no inputs".into())
    }

    fn persistent(&self, node: &Self::Node) -> Self::Persistent;
    fn summary(&self, node: &Self::Node) -> Self::Summary;
    /// Bytes a node's states hold beyond their structs (a log, a table), for
    /// the estimate of what a run's checkpoints hold; shared parts (a
    /// `SharedLog`'s full chunks) need not be counted.
    fn heap_bytes(&self, _live: Option<&Self::Node>, _saved: Option<&Self::Persistent>) -> usize {
        0
    }
    /// Bytes a message holds beyond its own size (Raft: the entries an
    /// AppendEntries carries), for the estimate of what a run holds: each
    /// trace record that carries it, and each message in flight in a
    /// checkpoint. The default: nothing beyond its size.
    fn message_bytes(&self, _msg: &Self::Msg) -> usize {
        0
    }
    /// Bytes the invariant monitor holds beyond its size that earlier
    /// checkpoints do not share, asked as each checkpoint is taken (like
    /// `heap_bytes`). The default: nothing.
    fn monitor_bytes(&self, _monitor: &Self::Monitor) -> usize {
        0
    }
    /// The timer that "time out" and "align timers" act on, if the lab has one.
    fn main_timer(&self) -> Option<Self::Timer> {
        None
    }

    /// Short words for a message, for the event log ("RequestVote term 3").
    fn describe(&self, msg: &Self::Msg) -> String;
    /// Whether a message is routine chatter (heartbeats) the log can hide.
    fn is_routine(&self, _msg: &Self::Msg) -> bool {
        false
    }
    /// What the event log's toggle shows besides the key lines, in words:
    /// the routine messages (`is_routine`), timers and losses.
    fn routine_words(&self) -> &'static str {
        "heartbeats, timers, losses"
    }
    /// The `"do"` names of the lab's inputs in a scenario file.
    fn input_names(&self) -> &'static [&'static str] {
        &[]
    }
    /// Words for an input, after "S1 was asked to …".
    fn describe_input(&self, input: &Self::Input) -> String {
        format!("{input:?}")
    }
    /// The event log's sentence for a note.
    fn describe_note(&self, node: NodeId, note: &Self::Note) -> String {
        format!("{node}: {note:?}")
    }
    /// The event log's sentence for a node's new summary.
    fn describe_summary(&self, node: NodeId, summary: &Self::Summary) -> String {
        format!("{node} is now {}", summary.label())
    }

    /// Facts the monitor establishes from the whole world that no node
    /// knows yet (Paxos: a value is chosen the moment a majority of
    /// acceptors has accepted it, before any learner hears), recorded as
    /// notes of the node named. Called after every event, before `check`.
    fn observe(
        &self,
        _monitor: &mut Self::Monitor,
        _nodes: &[NodeView<'_, Self>],
        _now: Time,
    ) -> Vec<(NodeId, Self::Note)> {
        Vec::new()
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        &[]
    }
    /// Checks every invariant after an event; returns (invariant, detail)
    /// for each new violation. A node's `live` is `None` while it is down.
    fn check(
        &self,
        _monitor: &mut Self::Monitor,
        _nodes: &[NodeView<'_, Self>],
        _now: Time,
    ) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A node as the invariant checker sees it: live state, or only its disk.
pub struct NodeView<'a, P: Protocol> {
    pub id: NodeId,
    pub live: Option<&'a P::Node>,
    pub saved: Option<&'a P::Persistent>,
    /// Whether the node's states may have changed since the last check (a
    /// handler ran, it booted or crashed): a check may skip what only
    /// depends on a node that did not.
    pub changed: bool,
}

use super::{NodeId, SimRng, Time};
use serde::Serialize;
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
}

/// The world as a handler sees it: who it is, the time, the one RNG, and
/// a place to put effects. A model reads no clock or RNG except this one.
pub struct Ctx<'a, P: Protocol> {
    pub(crate) now: Time,
    pub(crate) me: NodeId,
    pub(crate) cluster: usize,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) effects: &'a mut Vec<Effect<P>>,
}

impl<'a, P: Protocol> Ctx<'a, P> {
    /// A context for calling a handler outside a world (unit tests).
    pub fn detached(
        me: NodeId,
        cluster: usize,
        now: Time,
        rng: &'a mut SimRng,
        effects: &'a mut Vec<Effect<P>>,
    ) -> Self {
        Ctx {
            now,
            me,
            cluster,
            rng,
            effects,
        }
    }
    pub fn now(&self) -> Time {
        self.now
    }
    pub fn me(&self) -> NodeId {
        self.me
    }
    pub fn cluster_size(&self) -> usize {
        self.cluster
    }
    /// Every other node of the cluster, in order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> {
        let me = self.me;
        (0..self.cluster as u8)
            .map(NodeId)
            .filter(move |&id| id != me)
    }
    pub fn random_between(&mut self, lo: Time, hi: Time) -> Time {
        self.rng.between(lo, hi)
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
}

/// A node's role and term as the trace and the views see them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
pub struct Status {
    pub role: &'static str,
    pub term: u64,
}

/// A named safety property a model checks after every event.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct InvariantInfo {
    pub name: &'static str,
    pub description: &'static str,
}

/// A protocol model: a pure state machine per node plus its invariants.
pub trait Protocol: Clone + 'static {
    /// One node's whole state (volatile and persistent).
    type Node: Clone + Debug + Serialize;
    /// The part of a node that survives a crash.
    type Persistent: Clone + Debug + Serialize;
    type Msg: Clone + Debug + Hash + PartialEq + Serialize;
    type Timer: Copy + Eq + Hash + Debug + Serialize;
    /// Whatever the invariant checks remember between events.
    type Monitor: Clone + Debug + Default;

    /// Starts a node: fresh, or from what it persisted before a crash.
    fn boot(&self, saved: Option<&Self::Persistent>, ctx: &mut Ctx<Self>) -> Self::Node;
    fn on_message(&self, node: &mut Self::Node, from: NodeId, msg: Self::Msg, ctx: &mut Ctx<Self>);
    fn on_timer(&self, node: &mut Self::Node, timer: Self::Timer, ctx: &mut Ctx<Self>);
    /// A client's request to this node. `Err` explains a refusal.
    fn on_client_request(
        &self,
        node: &mut Self::Node,
        command: &str,
        ctx: &mut Ctx<Self>,
    ) -> Result<String, String>;

    fn persistent(&self, node: &Self::Node) -> Self::Persistent;
    fn status(&self, node: &Self::Node) -> Status;
    /// The term a crashed node would come back with.
    fn saved_term(&self, saved: &Self::Persistent) -> u64;
    /// The timer that "time out" and "align timers" act on.
    fn main_timer(&self) -> Self::Timer;
    /// Short words for a message, for the event log ("RequestVote term 3").
    fn describe(&self, msg: &Self::Msg) -> String;
    /// Whether a message is routine chatter (heartbeats) the log can hide.
    fn is_routine(&self, msg: &Self::Msg) -> bool;

    fn invariants(&self) -> &'static [InvariantInfo];
    /// Checks every invariant after an event; returns (invariant, detail)
    /// for each new violation. `nodes[i]` is `None` while node i is down.
    fn check(
        &self,
        monitor: &mut Self::Monitor,
        nodes: &[NodeView<'_, Self>],
        now: Time,
    ) -> Vec<(&'static str, String)>;
}

/// A node as the invariant checker sees it: live state, or only its disk.
pub struct NodeView<'a, P: Protocol> {
    pub id: NodeId,
    pub live: Option<&'a P::Node>,
    pub saved: Option<&'a P::Persistent>,
}

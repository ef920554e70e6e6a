//! The deterministic world: nodes running one protocol, a network, a queue
//! of future events, seeded random streams. Its jobs are split by file:
//! this one steps and records; `nodes.rs` runs handlers and timers;
//! `delivery.rs` moves messages; `actions.rs` applies the learner's actions.

use super::queue::{EventQueue, Pending};
use super::{
    EventOf, InFlight, NetworkConfig, NodeId, NodeView, Protocol, Roster, SimRng, StableHasher,
    Time, TimedAction, TraceEvent, TraceOf, TraceRecord,
};
use serde::Serialize;
use std::hash::Hash;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TimerSlot<T> {
    pub timer: T,
    pub set_at: Time,
    pub fires_at: Time,
    #[serde(skip)]
    pub(super) generation: u32,
}

/// One node: its live state while up, its disk always.
#[derive(Clone, Debug)]
pub struct NodeSlot<P: Protocol> {
    pub id: NodeId,
    pub live: Option<P::Node>,
    pub saved: Option<P::Persistent>,
    pub timers: Vec<TimerSlot<P::Timer>>,
    /// The last summary recorded in the trace (None while down).
    pub summary: Option<P::Summary>,
    /// Paused: up, but handling nothing until resumed.
    pub paused: bool,
    /// Messages that reached the node while it was paused, in order.
    pub inbox: Vec<InFlight<P::Msg>>,
    pub(super) generation: u32,
    /// Whether its state may have changed since the last check: a
    /// handler ran, it booted or it crashed (`NodeView::changed`).
    pub(super) changed: bool,
    /// The node's own random stream.
    pub(super) rng: SimRng,
}

impl<P: Protocol> NodeSlot<P> {
    pub fn is_up(&self) -> bool {
        self.live.is_some()
    }
    pub fn is_paused(&self) -> bool {
        self.paused
    }
    pub fn timer(&self, timer: P::Timer) -> Option<&TimerSlot<P::Timer>> {
        self.timers.iter().find(|slot| slot.timer == timer)
    }
}

/// An invariant that broke: which, when, and a sentence saying how.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    pub invariant: &'static str,
    pub at_ms: Time,
    pub detail: String,
}

/// The deterministic simulated world. Cloning it makes a checkpoint.
#[derive(Clone, Debug)]
pub struct World<P: Protocol> {
    pub(super) proto: P,
    pub(super) now: Time,
    pub(super) queue: EventQueue<P>,
    pub(super) nodes: Vec<NodeSlot<P>>,
    pub(super) network: super::Network,
    pub(super) held: Vec<(super::delivery::HeldBy, InFlight<P::Msg>)>,
    /// The network's random stream (latency, loss, duplication).
    pub(super) net_rng: SimRng,
    pub(super) next_msg_id: u64,
    pub(super) next_op_id: u64,
    monitor: P::Monitor,
    /// Shared between checkpoints: a copy costs what was added since.
    violations: super::SharedLog<Violation>,
    steps: u64,
    records: u64,
    hasher: StableHasher,
    next_action: usize,
    pub(super) scratch: Vec<super::Effect<P>>,
    /// Records nothing (no trace, no hash): a search's run, which only
    /// asks whether and when an invariant first breaks.
    quiet: bool,
    /// The allocation the checks' node views reuse after every step.
    views: ViewBuffer<P>,
}

/// An empty vector kept for its allocation (a copy starts without one).
struct ViewBuffer<P: Protocol>(Vec<NodeView<'static, P>>);

impl<P: Protocol> Clone for ViewBuffer<P> {
    fn clone(&self) -> Self {
        ViewBuffer(Vec::new())
    }
}

impl<P: Protocol> std::fmt::Debug for ViewBuffer<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ViewBuffer")
    }
}

/// An emptied vector's allocation as one of another element type of the
/// same size (the standard library collects in place then).
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

impl<P: Protocol> World<P> {
    /// A world of the roster's nodes, booted at time 0 except those in `down`.
    pub fn new(
        proto: P,
        roster: Roster,
        network: NetworkConfig,
        seed: u64,
        down: &[NodeId],
        trace: &mut TraceOf<P>,
    ) -> Self {
        let nodes = roster
            .ids()
            .map(|id| NodeSlot {
                id,
                live: None,
                saved: None,
                timers: Vec::new(),
                summary: None,
                paused: false,
                inbox: Vec::new(),
                generation: 0,
                changed: true,
                rng: SimRng::node(seed, id),
            })
            .collect();
        let mut world = World {
            proto,
            now: 0,
            queue: EventQueue::new(),
            nodes,
            network: super::Network::new(roster.clone(), network),
            held: Vec::new(),
            net_rng: SimRng::network(seed),
            next_msg_id: 1,
            next_op_id: 1,
            monitor: P::Monitor::default(),
            violations: super::SharedLog::new(),
            steps: 0,
            records: 0,
            hasher: StableHasher::new(),
            next_action: 0,
            scratch: Vec::new(),
            quiet: false,
            views: ViewBuffer(Vec::new()),
        };
        for id in roster.ids() {
            if !down.contains(&id) {
                world.boot(id, trace);
            }
        }
        world
    }

    // ----- what views and tests read -----

    pub fn protocol(&self) -> &P {
        &self.proto
    }
    pub fn now(&self) -> Time {
        self.now
    }
    pub fn roster(&self) -> &Roster {
        self.network.roster()
    }
    pub fn nodes(&self) -> &[NodeSlot<P>] {
        &self.nodes
    }
    /// A node the world has; use `get` for a name that may not exist.
    pub fn node(&self, id: NodeId) -> &NodeSlot<P> {
        &self.nodes[self.slot(id)]
    }
    pub fn get(&self, id: NodeId) -> Option<&NodeSlot<P>> {
        self.roster().slot(id).map(|slot| &self.nodes[slot])
    }
    pub(super) fn slot(&self, id: NodeId) -> usize {
        // Every id reaching here was checked against the roster.
        self.roster().slot(id).unwrap_or(usize::MAX)
    }
    pub(super) fn slot_mut(&mut self, id: NodeId) -> &mut NodeSlot<P> {
        let slot = self.slot(id);
        &mut self.nodes[slot]
    }
    pub fn network(&self) -> &super::Network {
        &self.network
    }
    pub fn violations(&self) -> &super::SharedLog<Violation> {
        &self.violations
    }
    pub fn monitor(&self) -> &P::Monitor {
        &self.monitor
    }
    /// About the bytes a copy of this world holds (a checkpoint's cost):
    /// its own fields, the queue, held messages, each node's slot and what
    /// the lab says its states, messages and monitor hold besides
    /// (`Protocol::heap_bytes`, `message_bytes`, `monitor_bytes`).
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let slots: usize = self
            .nodes
            .iter()
            .map(|slot| {
                size_of::<NodeSlot<P>>()
                    + slot.timers.capacity() * size_of::<TimerSlot<P::Timer>>()
                    + slot.inbox.capacity() * size_of::<InFlight<P::Msg>>()
                    + slot
                        .inbox
                        .iter()
                        .map(|m| self.proto.message_bytes(&m.msg))
                        .sum::<usize>()
                    + self
                        .proto
                        .heap_bytes(slot.live.as_ref(), slot.saved.as_ref())
            })
            .sum();
        size_of::<Self>()
            + self.queue.approx_bytes()
            + self.held.capacity() * size_of::<(super::delivery::HeldBy, InFlight<P::Msg>)>()
            + self.network.approx_bytes()
            + self
                .in_flight()
                .chain(self.held())
                .map(|m| self.proto.message_bytes(&m.msg))
                .sum::<usize>()
            + self.proto.monitor_bytes(&self.monitor)
            + slots
    }

    /// Queue items and actions processed so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }
    /// Trace records made so far (the run's event count).
    pub fn records(&self) -> u64 {
        self.records
    }
    pub(crate) fn next_action(&self) -> usize {
        self.next_action
    }
    /// The fingerprint of everything recorded so far.
    pub fn trace_hash(&self) -> String {
        self.hasher.hex()
    }
    /// Messages on their way, in no particular order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight<P::Msg>> {
        self.queue.messages()
    }
    /// Messages held on a link or by the learner.
    pub fn held(&self) -> impl Iterator<Item = &InFlight<P::Msg>> {
        self.held.iter().map(|(_, m)| m)
    }

    // ----- running -----

    /// Processes the next event or action. An action at time t runs after
    /// every event at time t, so a live intervention (made once the current
    /// millisecond is finished) replays identically from a file.
    pub fn step(&mut self, actions: &[TimedAction], trace: &mut TraceOf<P>) -> bool {
        self.step_by(Time::MAX, actions, trace)
    }

    /// Like `step`, but only for what happens at or before `limit`; false
    /// when nothing does. (Timers reset since they were queued are skipped
    /// without counting, so the limit is checked for each queue item.)
    pub fn step_by(
        &mut self,
        limit: Time,
        actions: &[TimedAction],
        trace: &mut TraceOf<P>,
    ) -> bool {
        loop {
            let event_at = self.queue.next_time();
            if let Some(timed) = actions.get(self.next_action).filter(|a| a.at_ms <= limit) {
                if event_at.is_none_or(|e| timed.at_ms < e) {
                    self.now = self.now.max(timed.at_ms);
                    self.next_action += 1;
                    self.apply(&timed.action, trace);
                    self.finish_step(trace);
                    return true;
                }
            }
            if event_at.is_none_or(|e| e > limit) {
                return false;
            }
            let Some((at, item)) = self.queue.pop() else {
                return false;
            };
            self.now = at;
            let done = match item {
                Pending::Deliver(message) => {
                    self.arrive(message, trace);
                    true
                }
                Pending::Fire {
                    node,
                    timer,
                    generation,
                } => self.fire(node, timer, generation, trace),
            };
            if done {
                self.finish_step(trace);
                return true;
            }
        }
    }

    /// Lets the clock reach `t` (nothing is due before it: the caller has stepped).
    pub(crate) fn wait_until(&mut self, t: Time) {
        self.now = self.now.max(t);
    }

    fn finish_step(&mut self, trace: &mut TraceOf<P>) {
        self.steps += 1;
        // Checked after every step: the views reuse one allocation.
        let mut views: Vec<NodeView<'_, P>> = recycle(std::mem::take(&mut self.views.0));
        views.extend(self.nodes.iter().map(|slot| NodeView {
            id: slot.id,
            live: slot.live.as_ref(),
            saved: slot.saved.as_ref(),
            changed: slot.changed,
        }));
        let observed = self.proto.observe(&mut self.monitor, &views, self.now);
        let found = self.proto.check(&mut self.monitor, &views, self.now);
        self.views.0 = recycle(views);
        for slot in &mut self.nodes {
            slot.changed = false;
        }
        for (node, note) in observed {
            self.record(trace, TraceEvent::Note { node, note });
        }
        for (invariant, detail) in found {
            self.violations.push(Violation {
                invariant,
                at_ms: self.now,
                detail: detail.clone(),
            });
            self.record(trace, TraceEvent::Violation { invariant, detail });
        }
    }

    /// From now on records nothing: no trace, no hash, no record count.
    /// What happens is unchanged (no decision reads the trace).
    pub(crate) fn go_quiet(&mut self) {
        self.quiet = true;
    }

    /// Whether records are made (callers skip building costly events).
    pub(super) fn recording(&self) -> bool {
        !self.quiet
    }

    pub(super) fn record(&mut self, trace: &mut TraceOf<P>, event: EventOf<P>) {
        if self.quiet {
            return;
        }
        let record = TraceRecord {
            at: self.now,
            event,
        };
        record.hash(&mut self.hasher);
        if trace.wants(self.records) {
            let extra = super::payload::record_extra(&self.proto, &record.event);
            trace.push(self.records, record, extra);
        }
        self.records += 1;
    }

    pub(super) fn enqueue(&mut self, at: Time, item: Pending<P>) {
        self.queue.push(at, item);
    }
}

use super::{
    Ctx, DropReason, Effect, LinkState, Network, NetworkConfig, NodeId, NodeView, Protocol, SimRng,
    StableHasher, Status, Time, Trace, TraceEvent, TraceRecord,
};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::hash::Hash;

/// Something a learner (or a scenario file) does to the world.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    /// Each group can talk only within itself; unlisted nodes form one more group.
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Heal,
    DropMessage {
        id: u64,
    },
    HoldMessage {
        id: u64,
    },
    ReleaseMessage {
        id: u64,
    },
    /// One direction of a link: its state, and optionally its own latency and faults.
    Link {
        from: NodeId,
        to: NodeId,
        state: LinkState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_ms: Option<[u64; 2]>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        drop: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duplicate: Option<f64>,
    },
    ClientRequest {
        node: NodeId,
        command: String,
    },
    /// Fire the node's main timer now (for Raft: the election timeout).
    Timeout {
        node: NodeId,
    },
    /// Make every running main timer fire at the same moment (a split vote).
    AlignTimers,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedAction {
    pub at_ms: Time,
    #[serde(flatten)]
    pub action: Action,
}

/// A message on its way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InFlight<M> {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Time,
    pub arrives: Time,
    pub msg: M,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HeldBy {
    User,
    Link,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TimerSlot<T> {
    pub timer: T,
    pub set_at: Time,
    pub fires_at: Time,
    #[serde(skip)]
    generation: u32,
}

/// One node: its live state while up, its disk always.
#[derive(Clone, Debug)]
pub struct NodeSlot<P: Protocol> {
    pub id: NodeId,
    pub live: Option<P::Node>,
    pub saved: Option<P::Persistent>,
    pub timers: Vec<TimerSlot<P::Timer>>,
    /// The last role and term recorded in the trace (None while down).
    pub status: Option<Status>,
    generation: u32,
}

impl<P: Protocol> NodeSlot<P> {
    pub fn is_up(&self) -> bool {
        self.live.is_some()
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

#[derive(Clone, Debug)]
enum Pending<P: Protocol> {
    Deliver(InFlight<P::Msg>),
    Fire {
        node: NodeId,
        timer: P::Timer,
        generation: u32,
    },
}

/// A queue entry, ordered by (time, sequence number) so ties are deterministic.
#[derive(Clone, Debug)]
struct Queued<P: Protocol> {
    at: Time,
    seq: u64,
    item: Pending<P>,
}

impl<P: Protocol> PartialEq for Queued<P> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<P: Protocol> Eq for Queued<P> {}
impl<P: Protocol> PartialOrd for Queued<P> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<P: Protocol> Ord for Queued<P> {
    // Reversed: `BinaryHeap` is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

pub type Event<P> = TraceEvent<<P as Protocol>::Msg, <P as Protocol>::Timer>;
pub type TraceOf<P> = Trace<<P as Protocol>::Msg, <P as Protocol>::Timer>;

/// The deterministic simulated world: nodes running one protocol, a network,
/// a queue of future events, one seeded RNG. Cloning it makes a checkpoint.
#[derive(Clone, Debug)]
pub struct World<P: Protocol> {
    proto: P,
    now: Time,
    seq: u64,
    queue: BinaryHeap<Queued<P>>,
    nodes: Vec<NodeSlot<P>>,
    network: Network,
    held: Vec<(HeldBy, InFlight<P::Msg>)>,
    rng: SimRng,
    next_msg_id: u64,
    monitor: P::Monitor,
    violations: Vec<Violation>,
    steps: u64,
    records: u64,
    hasher: StableHasher,
    next_action: usize,
    scratch: Vec<Effect<P>>,
}

impl<P: Protocol> World<P> {
    /// A world of `size` nodes, all booted at time 0.
    pub fn new(
        proto: P,
        size: usize,
        network: NetworkConfig,
        seed: u64,
        trace: &mut TraceOf<P>,
    ) -> Self {
        let nodes = (0..size)
            .map(|i| NodeSlot {
                id: NodeId(i as u8),
                live: None,
                saved: None,
                timers: Vec::new(),
                status: None,
                generation: 0,
            })
            .collect();
        let mut world = World {
            proto,
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            nodes,
            network: Network::new(size, network),
            held: Vec::new(),
            rng: SimRng::new(seed),
            next_msg_id: 1,
            monitor: P::Monitor::default(),
            violations: Vec::new(),
            steps: 0,
            records: 0,
            hasher: StableHasher::new(),
            next_action: 0,
            scratch: Vec::new(),
        };
        for i in 0..size {
            world.boot(NodeId(i as u8), trace);
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
    pub fn nodes(&self) -> &[NodeSlot<P>] {
        &self.nodes
    }
    pub fn node(&self, id: NodeId) -> &NodeSlot<P> {
        &self.nodes[id.index()]
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
    pub fn monitor(&self) -> &P::Monitor {
        &self.monitor
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
        self.queue.iter().filter_map(|q| match &q.item {
            Pending::Deliver(m) => Some(m),
            Pending::Fire { .. } => None,
        })
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
            let event_at = self.queue.peek().map(|q| q.at);
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
            let Some(queued) = self.queue.pop() else {
                return false;
            };
            self.now = queued.at;
            let done = match queued.item {
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
        let views: Vec<NodeView<'_, P>> = self
            .nodes
            .iter()
            .map(|slot| NodeView {
                id: slot.id,
                live: slot.live.as_ref(),
                saved: slot.saved.as_ref(),
            })
            .collect();
        let found = self.proto.check(&mut self.monitor, &views, self.now);
        for (invariant, detail) in found {
            self.violations.push(Violation {
                invariant,
                at_ms: self.now,
                detail: detail.clone(),
            });
            self.record(trace, TraceEvent::Violation { invariant, detail });
        }
    }

    fn record_loss(
        &mut self,
        trace: &mut TraceOf<P>,
        id: u64,
        from: NodeId,
        to: NodeId,
        reason: DropReason,
    ) {
        self.record(
            trace,
            TraceEvent::Drop {
                id,
                from,
                to,
                reason,
            },
        );
    }

    fn record(&mut self, trace: &mut TraceOf<P>, event: Event<P>) {
        let record = TraceRecord {
            at: self.now,
            event,
        };
        record.hash(&mut self.hasher);
        if trace.wants(self.records) {
            trace.push(self.records, record);
        }
        self.records += 1;
    }

    // ----- nodes -----

    fn boot(&mut self, id: NodeId, trace: &mut TraceOf<P>) {
        let cluster = self.network_size();
        let mut effects = std::mem::take(&mut self.scratch);
        let slot = &mut self.nodes[id.index()];
        let mut ctx = Ctx {
            now: self.now,
            me: id,
            cluster,
            rng: &mut self.rng,
            effects: &mut effects,
        };
        let node = self.proto.boot(slot.saved.as_ref(), &mut ctx);
        slot.live = Some(node);
        self.record(trace, TraceEvent::Boot { node: id });
        self.carry_out(id, &mut effects, trace);
        self.scratch = effects;
    }

    fn network_size(&self) -> usize {
        self.nodes.len()
    }

    /// Runs a handler on a live node and carries out its effects.
    fn handle(
        &mut self,
        id: NodeId,
        trace: &mut TraceOf<P>,
        handler: impl FnOnce(&P, &mut P::Node, &mut Ctx<P>),
    ) {
        let cluster = self.network_size();
        let mut effects = std::mem::take(&mut self.scratch);
        let slot = &mut self.nodes[id.index()];
        let Some(node) = slot.live.as_mut() else {
            self.scratch = effects;
            return;
        };
        let mut ctx = Ctx {
            now: self.now,
            me: id,
            cluster,
            rng: &mut self.rng,
            effects: &mut effects,
        };
        handler(&self.proto, node, &mut ctx);
        self.carry_out(id, &mut effects, trace);
        self.scratch = effects;
    }

    fn carry_out(&mut self, id: NodeId, effects: &mut Vec<Effect<P>>, trace: &mut TraceOf<P>) {
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => self.send(id, to, msg, trace),
                Effect::SetTimer { timer, after } => self.set_timer(id, timer, self.now + after),
                Effect::CancelTimer { timer } => self.nodes[id.index()]
                    .timers
                    .retain(|slot| slot.timer != timer),
                Effect::Persist => {
                    let slot = &mut self.nodes[id.index()];
                    if let Some(node) = &slot.live {
                        slot.saved = Some(self.proto.persistent(node));
                    }
                }
            }
        }
        self.observe(id, trace);
    }

    /// Records a role or term change of node `id`.
    fn observe(&mut self, id: NodeId, trace: &mut TraceOf<P>) {
        let slot = &self.nodes[id.index()];
        let status = slot.live.as_ref().map(|node| self.proto.status(node));
        if status != slot.status {
            self.nodes[id.index()].status = status;
            if let Some(Status { role, term }) = status {
                self.record(
                    trace,
                    TraceEvent::Status {
                        node: id,
                        role,
                        term,
                    },
                );
            }
        }
    }

    fn set_timer(&mut self, id: NodeId, timer: P::Timer, fires_at: Time) {
        let slot = &mut self.nodes[id.index()];
        slot.generation = slot.generation.wrapping_add(1);
        let generation = slot.generation;
        let entry = TimerSlot {
            timer,
            set_at: self.now,
            fires_at,
            generation,
        };
        match slot.timers.iter_mut().find(|t| t.timer == timer) {
            Some(existing) => *existing = entry,
            None => slot.timers.push(entry),
        }
        self.enqueue(
            fires_at,
            Pending::Fire {
                node: id,
                timer,
                generation,
            },
        );
    }

    /// Fires a timer unless it was cancelled or reset since; returns whether it fired.
    fn fire(
        &mut self,
        id: NodeId,
        timer: P::Timer,
        generation: u32,
        trace: &mut TraceOf<P>,
    ) -> bool {
        let slot = &mut self.nodes[id.index()];
        let Some(position) = slot
            .timers
            .iter()
            .position(|t| t.timer == timer && t.generation == generation)
        else {
            return false;
        };
        slot.timers.swap_remove(position);
        self.record(trace, TraceEvent::Timer { node: id, timer });
        self.handle(id, trace, |proto, node, ctx| {
            proto.on_timer(node, timer, ctx)
        });
        true
    }

    fn enqueue(&mut self, at: Time, item: Pending<P>) {
        self.seq += 1;
        self.queue.push(Queued {
            at,
            seq: self.seq,
            item,
        });
    }

    // ----- the network -----

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg, trace: &mut TraceOf<P>) {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        let link = self.network.link(from, to);
        let (state, drop, duplicate) = (link.state, link.drop, link.duplicate);
        let lost = if !self.network.same_side(from, to) {
            Some(DropReason::Partition)
        } else if state == LinkState::Drop {
            Some(DropReason::LinkDown)
        } else if self.rng.chance(drop) {
            Some(DropReason::Loss)
        } else {
            None
        };
        if let Some(reason) = lost {
            self.record(
                trace,
                TraceEvent::Send {
                    id,
                    from,
                    to,
                    msg,
                    arrives: None,
                },
            );
            self.record_loss(trace, id, from, to, reason);
            return;
        }
        let message = InFlight {
            id,
            from,
            to,
            sent: self.now,
            arrives: self.now,
            msg,
        };
        if state == LinkState::Hold {
            self.record(
                trace,
                TraceEvent::Send {
                    id,
                    from,
                    to,
                    msg: message.msg.clone(),
                    arrives: None,
                },
            );
            self.record(trace, TraceEvent::Held { id });
            self.held.push((HeldBy::Link, message));
            return;
        }
        let arrives = self.launch(message.clone());
        self.record(
            trace,
            TraceEvent::Send {
                id,
                from,
                to,
                msg: message.msg.clone(),
                arrives: Some(arrives),
            },
        );
        if self.rng.chance(duplicate) {
            let copy = self.next_msg_id;
            self.next_msg_id += 1;
            self.launch(InFlight {
                id: copy,
                ..message
            });
            self.record(trace, TraceEvent::Duplicate { id, copy });
        }
    }

    /// Puts a message on the wire with a freshly drawn latency; returns its arrival time.
    fn launch(&mut self, mut message: InFlight<P::Msg>) -> Time {
        let [lo, hi] = self.network.link(message.from, message.to).latency_ms;
        message.sent = self.now;
        message.arrives = self.now + self.rng.between(lo, hi);
        let arrives = message.arrives;
        self.enqueue(arrives, Pending::Deliver(message));
        arrives
    }

    fn arrive(&mut self, message: InFlight<P::Msg>, trace: &mut TraceOf<P>) {
        let (id, from, to) = (message.id, message.from, message.to);
        let lost = if !self.network.same_side(from, to) {
            Some(DropReason::Partition)
        } else if !self.nodes[to.index()].is_up() {
            Some(DropReason::Crashed)
        } else {
            match self.network.link(from, to).state {
                LinkState::Drop => Some(DropReason::LinkDown),
                LinkState::Hold => {
                    self.record(trace, TraceEvent::Held { id });
                    self.held.push((HeldBy::Link, message));
                    return;
                }
                LinkState::Up => None,
            }
        };
        if let Some(reason) = lost {
            self.record_loss(trace, id, from, to, reason);
            return;
        }
        self.record(
            trace,
            TraceEvent::Deliver {
                id,
                from,
                to,
                msg: message.msg.clone(),
            },
        );
        self.handle(to, trace, |proto, node, ctx| {
            proto.on_message(node, from, message.msg, ctx)
        });
    }

    /// Takes the in-flight messages matching `pick` off the wire, oldest first.
    fn take_from_wire(
        &mut self,
        pick: impl Fn(&InFlight<P::Msg>) -> bool,
    ) -> Vec<InFlight<P::Msg>> {
        let mut taken = Vec::new();
        let mut kept = Vec::new();
        for queued in std::mem::take(&mut self.queue).into_vec() {
            match queued.item {
                Pending::Deliver(m) if pick(&m) => taken.push((queued.seq, m)),
                _ => kept.push(queued),
            }
        }
        self.queue = BinaryHeap::from(kept);
        taken.sort_by_key(|(seq, _)| *seq);
        taken.into_iter().map(|(_, m)| m).collect()
    }

    // ----- actions -----

    fn ignore(&mut self, trace: &mut TraceOf<P>, reason: String) {
        self.record(trace, TraceEvent::Ignored { reason });
    }

    pub(crate) fn apply(&mut self, action: &Action, trace: &mut TraceOf<P>) {
        match action {
            Action::Crash { node } => self.crash(*node, trace),
            Action::Restart { node } => {
                if self.node(*node).is_up() {
                    self.ignore(trace, format!("{node} is already running"));
                } else {
                    self.record(trace, TraceEvent::Restart { node: *node });
                    self.boot(*node, trace);
                }
            }
            Action::Partition { groups } => {
                self.network.partition(groups);
                // The trace names every side, the implicit "rest" included.
                let groups = self.network.sides();
                self.record(trace, TraceEvent::Partition { groups });
            }
            Action::Heal => {
                self.network.heal();
                self.record(trace, TraceEvent::Heal);
            }
            Action::DropMessage { id } => {
                let id = *id;
                let mut found = self.take_from_wire(|m| m.id == id);
                if let Some(at) = self.held.iter().position(|(_, m)| m.id == id) {
                    found.push(self.held.remove(at).1);
                }
                match found.first() {
                    Some(m) => {
                        let (from, to) = (m.from, m.to);
                        self.record_loss(trace, id, from, to, DropReason::User);
                    }
                    None => self.ignore(trace, format!("message #{id} is not in flight")),
                }
            }
            Action::HoldMessage { id } => {
                let id = *id;
                let found = self.take_from_wire(|m| m.id == id);
                match found.into_iter().next() {
                    Some(m) => {
                        self.held.push((HeldBy::User, m));
                        self.record(trace, TraceEvent::Held { id });
                    }
                    None => self.ignore(trace, format!("message #{id} is not in flight")),
                }
            }
            Action::ReleaseMessage { id } => {
                match self.held.iter().position(|(_, m)| m.id == *id) {
                    Some(at) => {
                        let (_, message) = self.held.remove(at);
                        self.release(message, trace);
                    }
                    None => self.ignore(trace, format!("message #{id} is not held")),
                }
            }
            Action::Link {
                from,
                to,
                state,
                latency_ms,
                drop,
                duplicate,
            } => {
                let link = self.network.link_mut(*from, *to);
                link.latency_ms = latency_ms.unwrap_or(link.latency_ms);
                link.drop = drop.unwrap_or(link.drop);
                link.duplicate = duplicate.unwrap_or(link.duplicate);
                self.set_link(*from, *to, *state, trace)
            }
            Action::ClientRequest { node, command } => {
                let mut outcome = Err(format!("{node} is down"));
                self.handle(*node, trace, |proto, n, ctx| {
                    outcome = proto.on_client_request(n, command, ctx)
                });
                self.record(
                    trace,
                    TraceEvent::Request {
                        node: *node,
                        command: command.clone(),
                        outcome,
                    },
                );
            }
            Action::Timeout { node } => {
                if !self.node(*node).is_up() {
                    return self.ignore(trace, format!("{node} is down, so it cannot time out"));
                }
                let timer = self.proto.main_timer();
                self.nodes[node.index()].timers.retain(|t| t.timer != timer);
                self.record(trace, TraceEvent::Timeout { node: *node });
                self.handle(*node, trace, |proto, n, ctx| proto.on_timer(n, timer, ctx));
            }
            Action::AlignTimers => self.align_timers(trace),
        }
    }

    fn crash(&mut self, id: NodeId, trace: &mut TraceOf<P>) {
        if !self.node(id).is_up() {
            return self.ignore(trace, format!("{id} is already down"));
        }
        let slot = &mut self.nodes[id.index()];
        slot.live = None;
        slot.timers.clear();
        slot.status = None;
        self.record(trace, TraceEvent::Crash { node: id });
        let mut lost = self.take_from_wire(|m| m.to == id);
        let (held_to_node, held_rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|(_, m)| m.to == id);
        self.held = held_rest;
        lost.extend(held_to_node.into_iter().map(|(_, m)| m));
        for m in lost {
            self.record_loss(trace, m.id, m.from, m.to, DropReason::Crashed);
        }
    }

    fn release(&mut self, message: InFlight<P::Msg>, trace: &mut TraceOf<P>) {
        let id = message.id;
        let arrives = self.launch(message);
        self.record(trace, TraceEvent::Released { id, arrives });
    }

    fn set_link(&mut self, from: NodeId, to: NodeId, state: LinkState, trace: &mut TraceOf<P>) {
        self.network.link_mut(from, to).state = state;
        let link = self.network.link(from, to);
        let (latency_ms, drop_ppm, duplicate_ppm) =
            (link.latency_ms, ppm(link.drop), ppm(link.duplicate));
        self.record(
            trace,
            TraceEvent::Link {
                from,
                to,
                state,
                latency_ms,
                drop_ppm,
                duplicate_ppm,
            },
        );
        if state == LinkState::Hold {
            return;
        }
        // Messages the link was holding go on (or are lost) with it.
        let (waiting, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|(by, m)| *by == HeldBy::Link && m.from == from && m.to == to);
        self.held = rest;
        for (_, message) in waiting {
            if state == LinkState::Up {
                self.release(message, trace);
            } else {
                let (id, from, to) = (message.id, message.from, message.to);
                self.record_loss(trace, id, from, to, DropReason::LinkDown);
            }
        }
    }

    fn align_timers(&mut self, trace: &mut TraceOf<P>) {
        let timer = self.proto.main_timer();
        let running: Vec<(NodeId, Time)> = self
            .nodes
            .iter()
            .filter(|slot| slot.is_up())
            .filter_map(|slot| slot.timer(timer).map(|t| (slot.id, t.fires_at)))
            .collect();
        let Some(at) = running.iter().map(|(_, at)| *at).min() else {
            return self.ignore(trace, "no node has a running timer to align".into());
        };
        for (id, _) in running {
            self.set_timer(id, timer, at);
        }
        self.record(trace, TraceEvent::AlignTimers { at });
    }
}

/// A probability in parts per million: an exact, hashable number for the trace.
fn ppm(p: f64) -> u32 {
    (p * 1_000_000.0).round() as u32
}

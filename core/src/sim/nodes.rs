//! Nodes in the world: booting, running handlers and carrying out their
//! effects, timers, crashes and pauses.

use super::queue::Pending;
use super::world::{TimerSlot, World};
use super::{Ctx, DropReason, Effect, NodeId, Protocol, Time, TraceEvent, TraceOf};

impl<P: Protocol> World<P> {
    pub(super) fn boot(&mut self, id: NodeId, trace: &mut TraceOf<P>) {
        self.in_context(id, trace, |proto, live, saved, ctx| {
            *live = Some(proto.boot(saved, ctx));
            true
        });
    }

    /// Runs a handler on a live node and carries out its effects.
    pub(super) fn handle(
        &mut self,
        id: NodeId,
        trace: &mut TraceOf<P>,
        handler: impl FnOnce(&P, &mut P::Node, &mut Ctx<P>),
    ) {
        self.in_context(id, trace, |proto, live, _, ctx| {
            if let Some(node) = live.as_mut() {
                handler(proto, node, ctx);
            }
            false
        });
    }

    /// Calls `f` with node `id`'s live state, its disk and a context of its
    /// own, then carries out the effects `f` asked for. `f` returns whether
    /// it booted the node (recorded before its effects).
    fn in_context(
        &mut self,
        id: NodeId,
        trace: &mut TraceOf<P>,
        f: impl FnOnce(&P, &mut Option<P::Node>, Option<&P::Persistent>, &mut Ctx<P>) -> bool,
    ) {
        let mut effects = std::mem::take(&mut self.scratch);
        let index = self.slot(id);
        let roster = self.network.roster();
        let slot = &mut self.nodes[index];
        slot.changed = true;
        let mut ctx = Ctx {
            now: self.now,
            me: id,
            roster,
            rng: &mut slot.rng,
            effects: &mut effects,
            next_op: self.next_op_id,
        };
        let booted = f(&self.proto, &mut slot.live, slot.saved.as_ref(), &mut ctx);
        self.next_op_id = ctx.next_op;
        if booted {
            self.record(trace, TraceEvent::Boot { node: id });
        }
        self.carry_out(id, &mut effects, trace);
        self.scratch = effects;
    }

    fn carry_out(&mut self, id: NodeId, effects: &mut Vec<Effect<P>>, trace: &mut TraceOf<P>) {
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => self.send(id, to, msg, trace),
                Effect::SetTimer { timer, after } => self.set_timer(id, timer, self.now + after),
                Effect::CancelTimer { timer } => self.cancel_timer(id, timer),
                Effect::Persist => {
                    let index = self.slot(id);
                    let saved = self.nodes[index]
                        .live
                        .as_ref()
                        .map(|node| self.proto.persistent(node));
                    if saved.is_some() {
                        self.nodes[index].saved = saved;
                    }
                }
                Effect::Record(note) => self.record(trace, TraceEvent::Note { node: id, note }),
                Effect::Invoke { op, f, value } => self.record(
                    trace,
                    TraceEvent::Invoke {
                        process: id,
                        op,
                        f,
                        value,
                    },
                ),
                Effect::Complete { op, result, value } => self.record(
                    trace,
                    TraceEvent::Complete {
                        process: id,
                        op,
                        result,
                        value,
                    },
                ),
            }
        }
        self.observe(id, trace);
    }

    /// Records a change of node `id`'s summary.
    fn observe(&mut self, id: NodeId, trace: &mut TraceOf<P>) {
        let slot = self.node(id);
        let summary = slot.live.as_ref().map(|node| self.proto.summary(node));
        if summary != slot.summary {
            self.slot_mut(id).summary = summary.clone();
            if let Some(summary) = summary {
                self.record(trace, TraceEvent::Summary { node: id, summary });
            }
        }
    }

    pub(super) fn set_timer(&mut self, id: NodeId, timer: P::Timer, fires_at: Time) {
        let now = self.now;
        let slot = self.slot_mut(id);
        slot.generation = slot.generation.wrapping_add(1);
        let generation = slot.generation;
        let entry = TimerSlot {
            timer,
            set_at: now,
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

    pub(super) fn cancel_timer(&mut self, id: NodeId, timer: P::Timer) {
        self.slot_mut(id).timers.retain(|slot| slot.timer != timer);
    }

    /// Fires a timer unless it was cancelled or reset since, or the node is
    /// paused (it then fires on resume); returns whether it fired.
    pub(super) fn fire(
        &mut self,
        id: NodeId,
        timer: P::Timer,
        generation: u32,
        trace: &mut TraceOf<P>,
    ) -> bool {
        let slot = self.slot_mut(id);
        if slot.paused {
            return false;
        }
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

    pub(super) fn crash(&mut self, id: NodeId, trace: &mut TraceOf<P>) {
        let slot = self.slot_mut(id);
        slot.live = None;
        slot.changed = true;
        slot.timers.clear();
        slot.summary = None;
        slot.paused = false;
        let mut lost = std::mem::take(&mut slot.inbox);
        self.record(trace, TraceEvent::Crash { node: id });
        lost.extend(self.take_messages_to(id));
        for m in lost {
            self.record_loss(trace, m.id, m.from, m.to, DropReason::Crashed);
        }
    }

    pub(super) fn pause(&mut self, id: NodeId, trace: &mut TraceOf<P>) {
        self.slot_mut(id).paused = true;
        self.record(trace, TraceEvent::Pause { node: id });
    }

    /// The node goes on with the state it had: what reached it meanwhile is
    /// delivered now, in order, and timers that came due fire next.
    pub(super) fn resume(&mut self, id: NodeId, trace: &mut TraceOf<P>) {
        let now = self.now;
        let slot = self.slot_mut(id);
        slot.paused = false;
        let inbox = std::mem::take(&mut slot.inbox);
        let mut due: Vec<(Time, TimerSlot<P::Timer>)> = slot
            .timers
            .iter()
            .filter(|t| t.fires_at <= now)
            .map(|t| (t.fires_at, *t))
            .collect();
        due.sort_by_key(|(at, t)| (*at, t.generation));
        self.record(
            trace,
            TraceEvent::Resume {
                node: id,
                waiting: inbox.len() as u64,
            },
        );
        for (_, t) in due {
            self.enqueue(
                self.now,
                Pending::Fire {
                    node: id,
                    timer: t.timer,
                    generation: t.generation,
                },
            );
        }
        for message in inbox {
            self.deliver(message, trace);
        }
    }
}

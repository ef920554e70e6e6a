//! Messages between nodes: sending with the network's faults, arrival,
//! holding and releasing, and what a link change does to held messages.

use super::queue::Pending;
use super::world::World;
use super::{DropReason, InFlight, LinkState, NodeId, Protocol, Time, TraceEvent, TraceOf};

/// Who holds a message: the learner (until released) or its link (until
/// the link works again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum HeldBy {
    User,
    Link,
}

impl<P: Protocol> World<P> {
    pub(super) fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg, trace: &mut TraceOf<P>) {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        if self.roster().slot(to).is_none() {
            self.record_send(trace, id, from, to, msg, None);
            return self.record_loss(trace, id, from, to, DropReason::NoSuchNode);
        }
        let link = self.network.link(from, to);
        let (state, drop, duplicate) = (link.state, link.drop, link.duplicate);
        let lost = if !self.network.same_side(from, to) {
            Some(DropReason::Partition)
        } else if state == LinkState::Drop {
            Some(DropReason::LinkDown)
        } else if self.net_rng.chance(drop) {
            Some(DropReason::Loss)
        } else {
            None
        };
        if let Some(reason) = lost {
            self.record_send(trace, id, from, to, msg, None);
            return self.record_loss(trace, id, from, to, reason);
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
            self.record_send(trace, id, from, to, message.msg.clone(), None);
            self.record(trace, TraceEvent::Held { id });
            self.held.push((HeldBy::Link, message));
            return;
        }
        if duplicate <= 0.0 {
            // No copy can follow (a zero chance draws nothing), so the
            // message is cloned once for its record, or not at all.
            let msg = self.recording().then(|| message.msg.clone());
            let arrives = self.launch(message);
            if let Some(msg) = msg {
                let arrives = Some(arrives);
                self.record(
                    trace,
                    TraceEvent::Send {
                        id,
                        from,
                        to,
                        msg,
                        arrives,
                    },
                );
            }
            return;
        }
        let arrives = self.launch(message.clone());
        self.record_send(trace, id, from, to, message.msg.clone(), Some(arrives));
        if self.net_rng.chance(duplicate) {
            let copy = self.next_msg_id;
            self.next_msg_id += 1;
            self.launch(InFlight {
                id: copy,
                ..message
            });
            self.record(trace, TraceEvent::Duplicate { id, copy });
        }
    }

    fn record_send(
        &mut self,
        trace: &mut TraceOf<P>,
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
        arrives: Option<Time>,
    ) {
        self.record(
            trace,
            TraceEvent::Send {
                id,
                from,
                to,
                msg,
                arrives,
            },
        );
    }

    pub(super) fn record_loss(
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

    /// Puts a message on the wire with a freshly drawn latency; returns its
    /// arrival time. On a FIFO link it never arrives before an earlier one.
    fn launch(&mut self, mut message: InFlight<P::Msg>) -> Time {
        let [lo, hi] = self.network.link(message.from, message.to).latency_ms;
        message.sent = self.now;
        message.arrives = self.now + self.net_rng.between(lo, hi);
        let fifo = self.network.link(message.from, message.to).fifo;
        let latest = self
            .network
            .note_arrival(message.from, message.to, message.arrives);
        if fifo && latest > message.arrives {
            message.arrives = latest;
            self.network.note_arrival(message.from, message.to, latest);
        }
        let arrives = message.arrives;
        self.enqueue(arrives, Pending::Deliver(message));
        arrives
    }

    pub(super) fn arrive(&mut self, message: InFlight<P::Msg>, trace: &mut TraceOf<P>) {
        let (id, from, to) = (message.id, message.from, message.to);
        let lost = if !self.network.same_side(from, to) {
            Some(DropReason::Partition)
        } else if !self.node(to).is_up() {
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
            return self.record_loss(trace, id, from, to, reason);
        }
        if self.node(to).is_paused() {
            // It reached the machine; the paused process reads it on resume.
            self.slot_mut(to).inbox.push(message);
            return;
        }
        self.deliver(message, trace);
    }

    /// Hands a message to its (running) receiver.
    pub(super) fn deliver(&mut self, message: InFlight<P::Msg>, trace: &mut TraceOf<P>) {
        let (id, from, to) = (message.id, message.from, message.to);
        if self.recording() {
            let msg = message.msg.clone();
            self.record(trace, TraceEvent::Deliver { id, from, to, msg });
        }
        self.handle(to, trace, |proto, node, ctx| {
            proto.on_message(node, from, message.msg, ctx)
        });
    }

    /// Every message on its way to `id` or held for it, taken off the network.
    pub(super) fn take_messages_to(&mut self, id: NodeId) -> Vec<InFlight<P::Msg>> {
        let mut lost = self.queue.take_messages(|m| m.to == id);
        let (held_to_node, held_rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|(_, m)| m.to == id);
        self.held = held_rest;
        lost.extend(held_to_node.into_iter().map(|(_, m)| m));
        lost
    }

    /// Takes message `id` off the wire (and, if `held_too`, out of holding);
    /// returns its ends if it was there.
    pub(super) fn take_message(&mut self, id: u64, held_too: bool) -> Option<(NodeId, NodeId)> {
        let mut found = self.queue.take_messages(|m| m.id == id);
        if held_too {
            if let Some(at) = self.held.iter().position(|(_, m)| m.id == id) {
                found.push(self.held.remove(at).1);
            }
        }
        found.first().map(|m| (m.from, m.to))
    }

    /// The learner holds message `id`; false if it is not on the wire.
    pub(super) fn hold_on_wire(&mut self, id: u64) -> bool {
        match self.queue.take_messages(|m| m.id == id).into_iter().next() {
            Some(m) => {
                self.held.push((HeldBy::User, m));
                true
            }
            None => false,
        }
    }

    /// Puts a copy of message `id` on the wire; false if it is not there.
    pub(super) fn duplicate_on_wire(&mut self, id: u64, trace: &mut TraceOf<P>) -> bool {
        let Some(original) = self.queue.messages().find(|m| m.id == id).cloned() else {
            return false;
        };
        let copy = self.next_msg_id;
        self.next_msg_id += 1;
        self.launch(InFlight {
            id: copy,
            ..original
        });
        self.record(trace, TraceEvent::Duplicate { id, copy });
        true
    }

    /// Releases held message `id`; false if it is not held.
    pub(super) fn release_held(&mut self, id: u64, trace: &mut TraceOf<P>) -> bool {
        match self.held.iter().position(|(_, m)| m.id == id) {
            Some(at) => {
                let (_, message) = self.held.remove(at);
                self.release(message, trace);
                true
            }
            None => false,
        }
    }

    fn release(&mut self, message: InFlight<P::Msg>, trace: &mut TraceOf<P>) {
        let id = message.id;
        let arrives = self.launch(message);
        self.record(trace, TraceEvent::Released { id, arrives });
    }

    pub(super) fn set_link(
        &mut self,
        from: NodeId,
        to: NodeId,
        state: LinkState,
        trace: &mut TraceOf<P>,
    ) {
        self.network.link_mut(from, to).state = state;
        let link = self.network.link(from, to);
        let (latency_ms, drop_ppm, duplicate_ppm, fifo) = (
            link.latency_ms,
            ppm(link.drop),
            ppm(link.duplicate),
            link.fifo,
        );
        self.record(
            trace,
            TraceEvent::Link {
                from,
                to,
                state,
                latency_ms,
                drop_ppm,
                duplicate_ppm,
                fifo,
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
}

/// A probability in parts per million: an exact, hashable number for the trace.
fn ppm(p: f64) -> u32 {
    (p * 1_000_000.0).round() as u32
}

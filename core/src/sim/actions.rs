//! What a learner (or a scenario file) does to the world, and how the
//! world carries it out.

use super::world::World;
use super::{DropReason, LinkState, NodeId, Protocol, Roster, Time, TraceEvent, TraceOf};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// Stop the world for one node: it handles nothing, its timers and
    /// inbox wait, and it resumes with the state it had (unlike a crash).
    Pause {
        node: NodeId,
    },
    Resume {
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
    /// The network delivers a message in flight twice: a copy goes on with
    /// its own latency.
    DuplicateMessage {
        id: u64,
    },
    /// One direction of a link: its state, and optionally its own latency,
    /// faults and ordering.
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
        /// First in, first out: no message overtakes an earlier one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fifo: Option<bool>,
    },
    /// The lab's own input to a node (a request, a proposal, a clock
    /// event). The lab decodes `input` into its input type; a scenario's
    /// inputs are checked when its run is made.
    Input {
        node: NodeId,
        input: Value,
    },
    /// Fire the node's main timer now (for Raft: the election timeout).
    Timeout {
        node: NodeId,
    },
    /// Make every running main timer fire at the same moment (a split vote).
    AlignTimers,
}

impl Action {
    /// The lab's input `input` to `node`.
    pub fn input<I: Serialize>(node: NodeId, input: &I) -> Action {
        Action::Input {
            node,
            input: serde_json::to_value(input).unwrap_or(Value::Null),
        }
    }

    /// Every node the action names, with the field that names it.
    pub fn named_nodes(&self) -> Vec<(String, NodeId)> {
        match self {
            Action::Crash { node }
            | Action::Restart { node }
            | Action::Pause { node }
            | Action::Resume { node }
            | Action::Input { node, .. }
            | Action::Timeout { node } => vec![("node".into(), *node)],
            Action::Link { from, to, .. } => vec![("from".into(), *from), ("to".into(), *to)],
            Action::Partition { groups } => groups
                .iter()
                .enumerate()
                .flat_map(|(g, group)| {
                    group
                        .iter()
                        .enumerate()
                        .map(move |(k, id)| (format!("groups[{g}][{k}]"), *id))
                })
                .collect(),
            Action::Heal
            | Action::AlignTimers
            | Action::DropMessage { .. }
            | Action::HoldMessage { .. }
            | Action::ReleaseMessage { .. }
            | Action::DuplicateMessage { .. } => Vec::new(),
        }
    }

    /// Checks that every node the action names exists; the error names
    /// the field and says what exists.
    pub fn check_nodes(&self, roster: &Roster) -> Result<(), (String, String)> {
        for (field, id) in self.named_nodes() {
            roster.check(id).map_err(|message| (field, message))?;
        }
        if let Action::Partition { groups } = self {
            let mut seen = Vec::new();
            for (g, group) in groups.iter().enumerate() {
                for (k, id) in group.iter().enumerate() {
                    if seen.contains(id) {
                        return Err((
                            format!("groups[{g}][{k}]"),
                            format!("{id} is in two groups; a node can be on one side only"),
                        ));
                    }
                    seen.push(*id);
                }
            }
        }
        if let Action::Link { from, to, .. } = self {
            if from == to {
                return Err(("to".into(), "a link joins two different nodes".into()));
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedAction {
    pub at_ms: Time,
    #[serde(flatten)]
    pub action: Action,
}

impl<P: Protocol> World<P> {
    fn ignore(&mut self, trace: &mut TraceOf<P>, reason: String) {
        self.record(trace, TraceEvent::Ignored { reason });
    }

    /// Carries out an action. One naming a node the world lacks is
    /// recorded as ignored (callers check first; see `Action::check_nodes`).
    pub(crate) fn apply(&mut self, action: &Action, trace: &mut TraceOf<P>) {
        if let Err((_, why)) = action.check_nodes(self.roster()) {
            return self.ignore(trace, why);
        }
        match action {
            Action::Crash { node } => {
                if !self.node(*node).is_up() {
                    return self.ignore(trace, format!("{node} is already down"));
                }
                self.crash(*node, trace)
            }
            Action::Restart { node } => {
                if self.node(*node).is_up() {
                    self.ignore(trace, format!("{node} is already running"));
                } else {
                    self.record(trace, TraceEvent::Restart { node: *node });
                    self.boot(*node, trace);
                }
            }
            Action::Pause { node } => {
                let slot = self.node(*node);
                if !slot.is_up() {
                    self.ignore(trace, format!("{node} is down, so it cannot pause"))
                } else if slot.is_paused() {
                    self.ignore(trace, format!("{node} is already paused"))
                } else {
                    self.pause(*node, trace)
                }
            }
            Action::Resume { node } => {
                if self.node(*node).is_paused() {
                    self.resume(*node, trace)
                } else {
                    self.ignore(trace, format!("{node} is not paused"))
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
            Action::DropMessage { id } => self.drop_message(*id, trace),
            Action::HoldMessage { id } => self.hold_message(*id, trace),
            Action::ReleaseMessage { id } => self.release_message(*id, trace),
            Action::DuplicateMessage { id } => {
                if !self.duplicate_on_wire(*id, trace) {
                    self.ignore(trace, format!("message #{id} is not in flight"));
                }
            }
            Action::Link {
                from,
                to,
                state,
                latency_ms,
                drop,
                duplicate,
                fifo,
            } => {
                let link = self.network.link_mut(*from, *to);
                link.latency_ms = latency_ms.unwrap_or(link.latency_ms);
                link.drop = drop.unwrap_or(link.drop);
                link.duplicate = duplicate.unwrap_or(link.duplicate);
                link.fifo = fifo.unwrap_or(link.fifo);
                self.set_link(*from, *to, *state, trace)
            }
            Action::Input { node, input } => self.input(*node, input, trace),
            Action::Timeout { node } => self.time_out(*node, trace),
            Action::AlignTimers => self.align_timers(trace),
        }
    }

    fn input(&mut self, node: NodeId, input: &Value, trace: &mut TraceOf<P>) {
        let typed: P::Input = match serde_json::from_value(input.clone()) {
            Ok(typed) => typed,
            Err(err) => {
                return self.ignore(trace, format!("{node} got an unreadable input: {err}"))
            }
        };
        let slot = self.node(node);
        if !slot.is_up() || slot.is_paused() {
            let state = if slot.is_up() { "paused" } else { "down" };
            return self.ignore(
                trace,
                format!(
                    "{node} is {state}, so it cannot {}",
                    self.proto.describe_input(&typed)
                ),
            );
        }
        self.record(
            trace,
            TraceEvent::Input {
                node,
                input: typed.clone(),
            },
        );
        let mut outcome = Ok(());
        self.handle(node, trace, |proto, n, ctx| {
            outcome = proto.on_input(n, &typed, ctx)
        });
        if let Err(reason) = outcome {
            self.record(trace, TraceEvent::Refused { node, reason });
        }
    }

    fn time_out(&mut self, node: NodeId, trace: &mut TraceOf<P>) {
        let Some(timer) = self.proto.main_timer() else {
            return self.ignore(trace, "this lab has no timer to time out".into());
        };
        let slot = self.node(node);
        if !slot.is_up() || slot.is_paused() {
            let state = if slot.is_up() { "paused" } else { "down" };
            return self.ignore(trace, format!("{node} is {state}, so it cannot time out"));
        }
        self.cancel_timer(node, timer);
        self.record(trace, TraceEvent::Timeout { node });
        self.handle(node, trace, |proto, n, ctx| proto.on_timer(n, timer, ctx));
    }

    fn align_timers(&mut self, trace: &mut TraceOf<P>) {
        let Some(timer) = self.proto.main_timer() else {
            return self.ignore(trace, "this lab has no timers to align".into());
        };
        let running: Vec<(NodeId, Time)> = self
            .nodes()
            .iter()
            .filter(|slot| slot.is_up() && !slot.is_paused())
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

    fn drop_message(&mut self, id: u64, trace: &mut TraceOf<P>) {
        match self.take_message(id, true) {
            Some((from, to)) => self.record_loss(trace, id, from, to, DropReason::User),
            None => self.ignore(trace, format!("message #{id} is not in flight")),
        }
    }

    fn hold_message(&mut self, id: u64, trace: &mut TraceOf<P>) {
        if self.hold_on_wire(id) {
            self.record(trace, TraceEvent::Held { id });
        } else {
            self.ignore(trace, format!("message #{id} is not in flight"));
        }
    }

    fn release_message(&mut self, id: u64, trace: &mut TraceOf<P>) {
        if !self.release_held(id, trace) {
            self.ignore(trace, format!("message #{id} is not held"));
        }
    }
}

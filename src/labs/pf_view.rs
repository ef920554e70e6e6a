//! How the partial-failure lab's state looks: clients and servers, requests
//! and replies, and the inspector's fields.

use crate::components::cluster_view::{MessageVisual, NodeVisual};
use crate::components::inspector::Field;
use distviz_core::partial_failure::{
    Msg, Node, PartialFailure, Saved, Timer, Waiting, BYTES_PER_REMEMBERED,
};
use distviz_core::sim::{InFlight, NodeSlot, World};

const SERVER_COLOUR: &str = "hsl(205 55% 62%)";
const CLIENT_COLOUR: &str = "hsl(280 40% 70%)";
const DOWN_COLOUR: &str = "hsl(0 0% 55%)";

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The share of the client's patience left: 1 when it sent, 0 at its timeout.
fn patience_left(slot: &NodeSlot<PartialFailure>, req: u64, now: f64) -> Option<f64> {
    slot.timer(Timer::Timeout { req }).map(|t| {
        let span = (t.fires_at - t.set_at).max(1) as f64;
        (t.fires_at as f64 - now) / span
    })
}

pub fn node_visual(
    world: &World<PartialFailure>,
    slot: &NodeSlot<PartialFailure>,
    now: f64,
) -> NodeVisual {
    let id = slot.id;
    let group = world.network().group_of(id);
    let base = NodeVisual {
        id,
        up: slot.is_up(),
        role: "down",
        term: 0,
        colour: DOWN_COLOUR.into(),
        lines: Vec::new(),
        badge: String::new(),
        timer_left: None,
        votes: Vec::new(),
        group,
        label: String::new(),
    };
    let Some(node) = &slot.live else {
        let visual = NodeVisual {
            badge: "down".into(),
            label: "Crashed; what it saved on disk is kept. Activate to select it; X restarts it."
                .into(),
            ..base
        };
        return labelled(visual);
    };
    let paused = slot.is_paused();
    let mut visual = match node {
        Node::Server(s) => {
            let mut lines = vec![format!("counter {}", s.counter)];
            if !s.remembered.is_empty() {
                lines.push(format!("remembers {}", s.remembered.len()));
            }
            let working = !s.working.is_empty();
            NodeVisual {
                role: if working { "working" } else { "server" },
                colour: SERVER_COLOUR.into(),
                badge: if working {
                    "working…".into()
                } else {
                    String::new()
                },
                label: "A server. Activate to select it; X crashes it, P pauses it.".into(),
                lines,
                ..base
            }
        }
        Node::Client(c) => {
            let (role, lines, timer_left) = match &c.waiting {
                Some(Waiting { req, attempt, .. }) => (
                    "waiting",
                    vec![
                        format!("waits for #{req}"),
                        if *attempt > 1 {
                            format!("try {attempt}")
                        } else {
                            String::new()
                        },
                    ],
                    patience_left(slot, *req, now),
                ),
                None => ("idle", vec!["idle".to_string()], None),
            };
            let lines: Vec<String> = lines.into_iter().filter(|l| !l.is_empty()).collect();
            NodeVisual {
                role,
                colour: CLIENT_COLOUR.into(),
                label: "A client. Activate to select it; C makes it send an increment.".into(),
                lines,
                timer_left,
                ..base
            }
        }
    };
    if paused {
        visual.role = "paused";
        visual.badge = "❚❚ paused".into();
        visual.label =
            "It handles nothing until it resumes (P), and keeps its state. Activate to select it."
                .into();
    }
    labelled(visual)
}

/// The name starts with the visible text, in order (WCAG 2.5.3, label in
/// name), then the explanation the visual carries in `label`.
fn labelled(mut visual: NodeVisual) -> NodeVisual {
    let mut shown = vec![visual.id.to_string()];
    shown.extend(visual.lines.iter().cloned());
    shown.push(visual.badge.trim_start_matches("❚❚ ").to_string());
    shown.retain(|s| !s.is_empty());
    visual.label = format!("{}. {}", shown.join(", "), visual.label);
    visual
}

pub fn message_class(msg: &Msg) -> &'static str {
    match msg {
        Msg::Request { .. } => "request",
        Msg::Reply {
            remembered: false, ..
        } => "reply",
        Msg::Reply { .. } => "reply-memory",
    }
}

pub fn message_visual(
    world: &World<PartialFailure>,
    m: &InFlight<Msg>,
    now: f64,
    held: bool,
) -> MessageVisual {
    super::common::message_visual(world.protocol(), m, now, held, message_class(&m.msg))
}

/// The server's memory of request ids, and what it costs.
fn memory_text(entries: usize) -> String {
    if entries == 0 {
        "nothing (remembering request ids is off, or nothing applied yet)".into()
    } else {
        format!(
            "{} (about {} bytes on disk)",
            plural(entries, "request id", "request ids"),
            entries * BYTES_PER_REMEMBERED
        )
    }
}

/// The inspector's fields for a node: everything, persistent ones marked.
pub fn node_fields(slot: &NodeSlot<PartialFailure>, now: u64) -> Vec<Field> {
    let mut fields = live_or_saved_fields(slot, now);
    if slot.is_paused() {
        fields.push(Field::new(
            "waiting for it",
            plural(
                slot.inbox.len(),
                "message (read when it resumes)",
                "messages (read when it resumes)",
            ),
            false,
        ));
    }
    fields
}

fn live_or_saved_fields(slot: &NodeSlot<PartialFailure>, now: u64) -> Vec<Field> {
    match (&slot.live, &slot.saved) {
        (Some(Node::Server(s)), _) => vec![
            Field::new("counter", s.counter.to_string(), true),
            Field::new("applied", format!("{} requests", s.applied), true),
            Field::new("remembered", memory_text(s.remembered.len()), true),
            Field::new(
                "working on",
                if s.working.is_empty() {
                    "nothing".to_string()
                } else {
                    s.working
                        .iter()
                        .map(|(client, req)| format!("{client}'s #{req}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                false,
            ),
        ],
        (Some(Node::Client(c)), _) => {
            let waiting = match &c.waiting {
                Some(w) => {
                    let left = slot
                        .timer(Timer::Timeout { req: w.req })
                        .map(|t| {
                            format!(
                                ", gives up on this try at {} ms (in {} ms)",
                                t.fires_at,
                                t.fires_at.saturating_sub(now)
                            )
                        })
                        .unwrap_or_default();
                    format!(
                        "request #{} ({}), try {}, sent to {}{left}",
                        w.req,
                        w.op.name(),
                        w.attempt,
                        w.server
                    )
                }
                None => "nothing".into(),
            };
            vec![
                Field::new("next request id", c.next_req.to_string(), true),
                Field::new("waiting for", waiting, false),
                Field::new(
                    "last answer",
                    c.last_answer
                        .map_or("none yet".into(), |(req, v)| format!("{v} (to #{req})")),
                    false,
                ),
                Field::new(
                    "outcomes unknown",
                    format!("{} (it gave up without an answer)", c.unknown),
                    false,
                ),
            ]
        }
        (
            None,
            Some(Saved::Server {
                counter,
                remembered,
                applied,
            }),
        ) => vec![
            Field::new("counter", counter.to_string(), true),
            Field::new("applied", format!("{applied} requests"), true),
            Field::new("remembered", memory_text(remembered.len()), true),
        ],
        (None, Some(Saved::Client { next_req })) => {
            vec![Field::new("next request id", next_req.to_string(), true)]
        }
        (None, None) => vec![Field::new("disk", "empty", true)],
    }
}

pub fn message_fields(world: &World<PartialFailure>, m: &InFlight<Msg>, held: bool) -> Vec<Field> {
    let mut fields = vec![
        Field::new(
            "what",
            distviz_core::sim::Protocol::describe(world.protocol(), &m.msg),
            false,
        ),
        Field::new("from → to", format!("{} → {}", m.from, m.to), false),
        Field::new("sent at", format!("{} ms", m.sent), false),
    ];
    if held {
        fields.push(Field::new(
            "arrives",
            "held: it waits until released",
            false,
        ));
    } else {
        fields.push(Field::new("arrives at", format!("{} ms", m.arrives), false));
    }
    fields
}

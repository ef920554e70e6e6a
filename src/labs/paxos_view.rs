//! How the Paxos lab's state looks: proposers, acceptors (promised and
//! accepted ballots and values), messages labelled with their ballot, and
//! the inspector's fields.

use super::common::key_colour;
use crate::components::cluster_view::{MessageVisual, NodeVisual};
use crate::components::inspector::Field;
use distviz_core::paxos::{
    value_key, AcceptorState, LearnerState, Msg, Paxos, PaxosMonitor, Phase, ProposerState, Saved,
    Timer,
};
use distviz_core::sim::{InFlight, NodeSlot, Protocol, World};

const IDLE_COLOUR: &str = "hsl(210 10% 78%)";
const DOWN_COLOUR: &str = "hsl(0 0% 55%)";

/// A value's colour: the same everywhere it appears.
pub fn value_colour(value: &str) -> String {
    key_colour(value_key(value))
}

fn phase_word(phase: &Phase) -> &'static str {
    match phase {
        Phase::Idle => "idle",
        Phase::Preparing { .. } => "preparing",
        Phase::Accepting { .. } => "accepting",
        Phase::BackingOff { .. } => "backing-off",
        Phase::Done => "done",
    }
}

/// What is left of a proposer's patience (or its back-off), 1 to 0.
fn timer_left(slot: &NodeSlot<Paxos>, now: f64) -> Option<f64> {
    [Timer::Patience, Timer::Backoff]
        .into_iter()
        .find_map(|t| slot.timer(t))
        .map(|t| {
            let span = (t.fires_at - t.set_at).max(1) as f64;
            (t.fires_at as f64 - now) / span
        })
}

fn acceptor_lines(a: &AcceptorState, lines: &mut Vec<String>) {
    lines.push(match a.promised {
        Some(b) => format!("prom {b}"),
        None => "prom –".into(),
    });
    lines.push(match &a.accepted {
        Some(p) => format!("{}={}", p.ballot, p.value),
        None => "acc –".into(),
    });
}

pub fn node_visual(world: &World<Paxos>, slot: &NodeSlot<Paxos>, now: f64) -> NodeVisual {
    let id = slot.id;
    let monitor = world.monitor();
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
        group: world.network().group_of(id),
        label: String::new(),
    };
    let Some(node) = &slot.live else {
        let saved = slot.saved.as_ref().and_then(|s| s.acceptor.as_ref());
        let mut lines = Vec::new();
        if let Some(a) = saved {
            acceptor_lines(a, &mut lines);
        }
        return labelled(NodeVisual {
            badge: "down".into(),
            lines,
            label: "Crashed; what it saved on disk is kept. Activate to select it; X restarts it."
                .into(),
            ..base
        });
    };
    let mut lines = Vec::new();
    let mut visual = base;
    if let Some(p) = &node.proposer {
        visual.role = phase_word(&p.phase);
        visual.term = p.round as u64;
        if let Some(b) = p.phase.ballot() {
            lines.push(format!("ballot {b}"));
        }
        visual.timer_left = timer_left(slot, now);
        visual.votes = proposer_votes(p, node.learner.as_ref());
        visual.badge = visual.role.replace('-', " ");
        visual.label =
            "A proposer and learner. Activate to select it; P makes it propose, X crashes it."
                .into();
    } else {
        visual.role = "acceptor";
        visual.label = "An acceptor. Activate to select it; X crashes it.".into();
    }
    if let Some(a) = &node.acceptor {
        acceptor_lines(a, &mut lines);
        visual.term = visual.term.max(a.promised.map_or(0, |b| b.round as u64));
        let in_chosen = a
            .accepted
            .as_ref()
            .is_some_and(|p| monitor.choices().iter().any(|c| c.ballot == p.ballot));
        if in_chosen && node.proposer.is_none() {
            visual.badge = "✓ chosen".into();
        }
    }
    let learned = node.learner.as_ref().and_then(|l| l.learned.as_ref());
    if let Some(l) = learned {
        lines.push(format!("learned {}", l.value));
    }
    let shown = learned.map(|p| p.value.as_str()).or(node
        .acceptor
        .as_ref()
        .and_then(|a| a.accepted.as_ref())
        .map(|p| p.value.as_str()));
    visual.colour = shown.map_or_else(|| IDLE_COLOUR.to_string(), value_colour);
    visual.lines = lines;
    if slot.is_paused() {
        visual.role = "paused";
        visual.badge = "❚❚ paused".into();
        visual.label =
            "It handles nothing until it resumes (U), and keeps its state. Activate to select it."
                .into();
    }
    labelled(visual)
}

/// Dots on a proposer's rim: who promised its ballot (phase 1) or who it
/// has heard accept it (phase 2).
fn proposer_votes(
    p: &ProposerState,
    learner: Option<&LearnerState>,
) -> Vec<(distviz_core::sim::NodeId, bool)> {
    match (&p.phase, learner) {
        (Phase::Preparing { promises, .. }, _) => {
            promises.iter().map(|(a, _)| (*a, true)).collect()
        }
        (Phase::Accepting { ballot, .. }, Some(l)) => Paxos::heard_from(l, *ballot)
            .iter()
            .map(|a| (*a, true))
            .collect(),
        _ => Vec::new(),
    }
}

/// The name starts with the visible text, in order (WCAG 2.5.3).
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
        Msg::Prepare { .. } => "prepare",
        Msg::Promise { .. } => "promise",
        Msg::Accept { .. } => "accept",
        Msg::Accepted { .. } => "accepted",
        Msg::Nack { .. } => "nack",
    }
}

pub fn message_visual(
    world: &World<Paxos>,
    m: &InFlight<Msg>,
    now: f64,
    held: bool,
) -> MessageVisual {
    MessageVisual {
        tag: m.msg.ballot().to_string(),
        ..super::common::message_visual(world.protocol(), m, now, held, message_class(&m.msg))
    }
}

fn ballot_or_none(b: Option<distviz_core::paxos::Ballot>) -> String {
    b.map_or("none".into(), |b| b.to_string())
}

fn acceptor_fields(a: &AcceptorState, fields: &mut Vec<Field>) {
    fields.push(Field::new("promised", ballot_or_none(a.promised), true));
    fields.push(Field::new(
        "accepted",
        a.accepted.as_ref().map_or("nothing".into(), |p| {
            format!("\"{}\" in ballot {}", p.value, p.ballot)
        }),
        true,
    ));
}

fn proposer_fields(p: &ProposerState, fields: &mut Vec<Field>) {
    fields.push(Field::new("highest round used", p.round.to_string(), true));
    fields.push(Field::new(
        "its value",
        p.value
            .as_ref()
            .map_or("none yet (P proposes)".into(), |v| format!("\"{v}\"")),
        false,
    ));
    let phase = match &p.phase {
        Phase::Idle => "idle".to_string(),
        Phase::Preparing { ballot, promises } => format!(
            "phase 1, ballot {ballot}: promises from {}",
            if promises.is_empty() {
                "nobody yet".to_string()
            } else {
                promises
                    .iter()
                    .map(|(a, reported)| match reported {
                        Some(r) => format!("{a} (accepted {r})"),
                        None => a.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        Phase::Accepting { ballot, value } => {
            format!("phase 2, ballot {ballot}: asked the acceptors to accept \"{value}\"")
        }
        Phase::BackingOff { after } => format!("waiting after ballot {after} failed"),
        Phase::Done => "done: it learned the chosen value".into(),
    };
    fields.push(Field::new("phase", phase, false));
    fields.push(Field::new("ballots tried", p.attempts.to_string(), false));
    fields.push(Field::new(
        "highest round heard of",
        p.seen.to_string(),
        false,
    ));
}

fn learner_fields(l: &LearnerState, fields: &mut Vec<Field>) {
    fields.push(Field::new(
        "learned",
        l.learned.as_ref().map_or("nothing yet".into(), |p| {
            format!("\"{}\" (ballot {})", p.value, p.ballot)
        }),
        false,
    ));
    let heard: Vec<String> = l
        .heard
        .iter()
        .rev()
        .take(4)
        .map(|(b, (v, from))| {
            let from: Vec<String> = from.iter().map(|n| n.to_string()).collect();
            format!("{b}={v} from {}", from.join(", "))
        })
        .collect();
    fields.push(Field::new(
        "Accepted heard",
        if heard.is_empty() {
            "none".into()
        } else {
            heard.join("; ")
        },
        false,
    ));
}

/// The inspector's fields for a node: every role it plays, persistent
/// fields marked.
pub fn node_fields(slot: &NodeSlot<Paxos>) -> Vec<Field> {
    let mut fields = Vec::new();
    match (&slot.live, &slot.saved) {
        (Some(node), _) => {
            if let Some(a) = &node.acceptor {
                acceptor_fields(a, &mut fields);
            }
            if let Some(p) = &node.proposer {
                proposer_fields(p, &mut fields);
            }
            if let Some(l) = &node.learner {
                learner_fields(l, &mut fields);
            }
        }
        (None, Some(Saved { round, acceptor })) => {
            if let Some(a) = acceptor {
                acceptor_fields(a, &mut fields);
            }
            if let Some(r) = round {
                fields.push(Field::new("highest round used", r.to_string(), true));
            }
        }
        (None, None) => fields.push(Field::new("disk", "empty", true)),
    }
    if slot.is_paused() {
        fields.push(Field::new(
            "waiting for it",
            format!("{} messages (read when it resumes)", slot.inbox.len()),
            false,
        ));
    }
    fields
}

pub fn message_fields(world: &World<Paxos>, m: &InFlight<Msg>, held: bool) -> Vec<Field> {
    vec![
        Field::new("what", world.protocol().describe(&m.msg), false),
        Field::new("ballot", m.msg.ballot().to_string(), false),
        Field::new("from → to", format!("{} → {}", m.from, m.to), false),
        Field::new("sent at", format!("{} ms", m.sent), false),
        if held {
            Field::new("arrives", "held: it waits until released", false)
        } else {
            Field::new("arrives at", format!("{} ms", m.arrives), false)
        },
    ]
}

/// The chosen marker's words and state: what is chosen, and who knows.
/// `None` while nothing is chosen.
pub fn chosen_status(world: &World<Paxos>) -> Option<(String, &'static str)> {
    let monitor: &PaxosMonitor = world.monitor();
    let choice = monitor.chosen()?;
    let mut learners = 0;
    let mut knowing = Vec::new();
    for slot in world.nodes() {
        let Some(node) = &slot.live else { continue };
        let Some(learner) = &node.learner else {
            continue;
        };
        learners += 1;
        if learner
            .learned
            .as_ref()
            .is_some_and(|p| p.value == choice.value)
        {
            knowing.push(slot.id.to_string());
        }
    }
    let mut by: Vec<_> = monitor.accepted_by(choice.ballot).to_vec();
    by.sort();
    let by: Vec<String> = by.iter().map(|n| n.to_string()).collect();
    let (who, state) = match knowing.len() {
        0 => ("not yet known to any learner".to_string(), "unknown"),
        n if n == learners => ("every running learner knows it".to_string(), "known"),
        _ => (
            format!("known to {} so far", knowing.join(", ")),
            "partly-known",
        ),
    };
    let more = if monitor.chosen_values().len() > 1 {
        format!(
            " But more than one value was chosen: {}.",
            monitor.chosen_values().join(", ")
        )
    } else {
        String::new()
    };
    Some((
        format!(
            "Chosen: “{}” in ballot {} at {} ms (accepted by {}); {}.{more}",
            choice.value,
            choice.ballot,
            choice.at_ms,
            by.join(", "),
            who
        ),
        state,
    ))
}

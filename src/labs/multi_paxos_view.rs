//! How the Multi-Paxos lab's state looks: servers (role, ballot, a
//! follower's promise, slots applied), clients, messages labelled with
//! their ballot and slot, the inspector's fields, and the chosen marker.

use super::common::key_colour;
use super::raft_view::{client_fields, client_visual, reply_fields, request_fields, timer_left};
use crate::components::cluster_view::{MessageVisual, NodeVisual};
use crate::components::inspector::Field;
use distviz_core::multipaxos::{Msg, MultiPaxos, Peer, Role, Saved, Server, Timer};
use distviz_core::paxos::Ballot;
use distviz_core::sim::{InFlight, NodeSlot, Protocol, World, SERVER};

const DOWN_COLOUR: &str = "hsl(0 0% 55%)";

fn ballot_or(b: Option<Ballot>, none: &str) -> String {
    b.map_or(none.into(), |b| b.to_string())
}

/// The server's ballot as its caption shows it: a leader's or candidate's
/// own, a follower's promise.
fn ballot_line(s: &Server) -> String {
    match s.role.ballot() {
        Some(b) => format!("ballot {b}"),
        None => format!("prom {}", ballot_or(s.acceptor.promised, "–")),
    }
}

pub fn node_visual(world: &World<MultiPaxos>, slot: &NodeSlot<MultiPaxos>, now: f64) -> NodeVisual {
    let id = slot.id;
    let group = world.network().group_of(id);
    let server = match &slot.live {
        Some(Peer::Client(c)) => {
            let left = c
                .client
                .waiting
                .as_ref()
                .and_then(|p| timer_left(slot, Timer::ClientTimeout { req: p.req }, now));
            return client_visual(id, &c.client, left, group);
        }
        Some(Peer::Server(s)) => s,
        None => {
            let (lines, term) = match &slot.saved {
                Some(Saved::Server(saved)) => (
                    vec![
                        format!("prom {}", ballot_or(saved.promised, "–")),
                        format!("applied {}", saved.log.len()),
                    ],
                    saved.promised.map_or(0, |b| u64::from(b.round)),
                ),
                _ => (Vec::new(), 0),
            };
            return NodeVisual {
                id,
                up: false,
                role: "down",
                term,
                colour: DOWN_COLOUR.into(),
                label: format!(
                    "{id}, {}, down. Crashed: its promise, accepted slots and applied log are on disk. Activate to select it; X restarts it.",
                    lines.join(", ")
                ),
                lines,
                badge: "down".into(),
                timer_left: None,
                votes: Vec::new(),
                group,
            };
        }
    };
    let ballot = server.role.ballot().or(server.acceptor.promised);
    let lines = vec![
        ballot_line(server),
        format!("applied {}", server.learner.applied()),
    ];
    let votes = match &server.role {
        Role::Preparing { promised, .. } => world
            .roster()
            .ids()
            .filter(|n| n.kind == SERVER && *n != id)
            .map(|n| (n, promised.contains(&n)))
            .collect(),
        _ => Vec::new(),
    };
    let (role, badge) = match (&server.role, slot.is_paused()) {
        (_, true) => ("paused", "❚❚ paused".to_string()),
        (Role::Leader { .. }, _) => ("leader", "leader".into()),
        (Role::Preparing { .. }, _) => ("candidate", "preparing".into()),
        (Role::Follower { .. }, _) => ("follower", "follower".into()),
    };
    let left = match server.role {
        Role::Leader { .. } => None,
        _ => timer_left(slot, Timer::LeaderTimeout, now),
    };
    NodeVisual {
        id,
        up: true,
        role,
        term: ballot.map_or(0, |b| u64::from(b.round)),
        colour: ballot.map_or_else(|| key_colour(0), |b| key_colour(u64::from(b.round))),
        label: format!(
            "{id}, {}, {badge}. Activate to select it; X crashes it, T times it out.",
            lines.join(", ")
        ),
        lines,
        badge,
        timer_left: left,
        votes,
        group,
    }
}

pub fn message_class(msg: &Msg) -> &'static str {
    match msg {
        Msg::Prepare { .. } => "prepare",
        Msg::Promise { .. } => "promise",
        Msg::Accept { .. } => "accept",
        Msg::Accepted { .. } => "accepted",
        Msg::Nack { .. } => "nack",
        Msg::Chosen { .. } | Msg::CatchUp { .. } => "learn",
        Msg::Heartbeat { .. } => "append",
        Msg::ClientRequest { .. } => "client-request",
        Msg::ClientReply { .. } => "client-reply",
    }
}

/// The label drawn on a message: its ballot and slot ("1.S1 #3").
pub fn message_tag(msg: &Msg) -> String {
    match msg {
        Msg::Accept { ballot, slot, .. } | Msg::Accepted { ballot, slot } => {
            format!("{ballot} #{slot}")
        }
        Msg::Prepare { ballot, from_slot } => format!("{ballot} #{from_slot}…"),
        Msg::Chosen { first, entries } if entries.len() > 1 => {
            format!("#{first}–{}", *first + entries.len() as u64 - 1)
        }
        Msg::Chosen { first, .. } => format!("#{first}"),
        Msg::CatchUp { from_slot } => format!("#{from_slot}…"),
        _ => msg.ballot().map_or(String::new(), |b| b.to_string()),
    }
}

pub fn message_visual(
    world: &World<MultiPaxos>,
    m: &InFlight<Msg>,
    now: f64,
    held: bool,
) -> MessageVisual {
    let visual =
        super::common::message_visual(world.protocol(), m, now, held, message_class(&m.msg));
    let tag = message_tag(&m.msg);
    // The name starts with the visible tag (WCAG 2.5.3, label in name).
    MessageVisual {
        label: if visual.label.contains(&tag) {
            visual.label
        } else {
            format!("{tag}: {}", visual.label)
        },
        tag,
        ..visual
    }
}

fn body(msg: &Msg) -> Vec<(&'static str, String)> {
    match msg {
        Msg::Prepare { ballot, from_slot } => vec![
            ("ballot", ballot.to_string()),
            ("for slots", format!("{from_slot} and every later one")),
        ],
        Msg::Promise { ballot, accepted } => vec![
            ("ballot", ballot.to_string()),
            (
                "reports",
                if accepted.is_empty() {
                    "nothing accepted in those slots".into()
                } else {
                    accepted
                        .iter()
                        .map(|v| format!("#{} {} “{}”", v.slot, v.ballot, v.entry))
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            ),
        ],
        Msg::Accept {
            ballot,
            slot,
            entry,
        } => vec![
            ("ballot", ballot.to_string()),
            ("slot", slot.to_string()),
            ("entry", entry.to_string()),
        ],
        Msg::Accepted { ballot, slot } => {
            vec![("ballot", ballot.to_string()), ("slot", slot.to_string())]
        }
        Msg::Nack { ballot, promised } => vec![
            ("refused ballot", ballot.to_string()),
            ("promised", promised.to_string()),
        ],
        Msg::Chosen { first, entries } => vec![
            ("from slot", first.to_string()),
            (
                "entries",
                entries
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ],
        Msg::Heartbeat {
            ballot,
            chosen_through,
        } => vec![
            ("ballot", ballot.to_string()),
            ("leader applied through", format!("slot {chosen_through}")),
        ],
        Msg::CatchUp { from_slot } => vec![("wants slots from", from_slot.to_string())],
        Msg::ClientRequest { req, command } => request_fields(*req, command),
        Msg::ClientReply { req, answer } => reply_fields(*req, answer, "slot"),
    }
}

pub fn message_fields(world: &World<MultiPaxos>, m: &InFlight<Msg>, held: bool) -> Vec<Field> {
    let mut fields = vec![
        Field::new("what", world.protocol().describe(&m.msg), false),
        Field::new("from → to", format!("{} → {}", m.from, m.to), false),
        Field::new("sent at", format!("{} ms", m.sent), false),
        if held {
            Field::new("arrives", "held: it waits until released", false)
        } else {
            Field::new("arrives at", format!("{} ms", m.arrives), false)
        },
    ];
    fields.extend(
        body(&m.msg)
            .into_iter()
            .map(|(name, value)| Field::new(name, value, false)),
    );
    fields
}

fn role_words(s: &Server) -> String {
    match &s.role {
        Role::Follower { leader: Some(l) } => format!("follower of {l}"),
        Role::Follower { leader: None } => "follower (no leader heard)".into(),
        Role::Preparing {
            ballot,
            from_slot,
            promised,
            ..
        } => format!(
            "phase 1 in ballot {ballot} for slots {from_slot}…: promises from {}",
            if promised.is_empty() {
                "nobody yet".to_string()
            } else {
                promised
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        Role::Leader {
            ballot,
            next_slot,
            in_flight,
        } => format!(
            "leader in ballot {ballot}: next slot {next_slot}, {} waiting for a majority",
            in_flight.len()
        ),
    }
}

fn server_fields(s: &Server) -> Vec<Field> {
    vec![
        Field::new("role", role_words(s), false),
        Field::new("highest round used", s.round.to_string(), true),
        Field::new("highest round heard", s.seen_round.to_string(), false),
        Field::new("promised", ballot_or(s.acceptor.promised, "nothing"), true),
        Field::new(
            "accepted slots",
            format!("{} (see the slot table)", s.acceptor.accepted.size()),
            true,
        ),
        Field::new(
            "applied",
            format!("slots 1–{} (on disk)", s.learner.applied()),
            true,
        ),
        Field::new(
            "known beyond a hole",
            if s.learner.ahead.is_empty() {
                "none".into()
            } else {
                s.learner
                    .ahead
                    .keys()
                    .map(|k| format!("#{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            false,
        ),
        Field::new("store", s.learner.kv.describe(), false),
        Field::new(
            "owes answers to",
            if s.owed.is_empty() {
                "nobody".into()
            } else {
                s.owed
                    .iter()
                    .map(|(c, r)| format!("{c} #{r}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            false,
        ),
    ]
}

/// The inspector's fields for a node: everything, persistent ones marked.
pub fn node_fields(slot: &NodeSlot<MultiPaxos>) -> Vec<Field> {
    let mut fields = match (&slot.live, &slot.saved) {
        (Some(Peer::Server(s)), _) => server_fields(s),
        (Some(Peer::Client(c)), _) => client_fields(&c.client),
        (None, Some(Saved::Server(saved))) => vec![
            Field::new("highest round used", saved.round.to_string(), true),
            Field::new("promised", ballot_or(saved.promised, "nothing"), true),
            Field::new("accepted slots", saved.accepted.size().to_string(), true),
            Field::new("applied", format!("slots 1–{}", saved.log.len()), true),
        ],
        (None, Some(Saved::Client { next_req })) => {
            vec![Field::new("next request", format!("#{next_req}"), true)]
        }
        (None, None) => vec![Field::new("disk", "empty", true)],
    };
    if slot.is_paused() {
        fields.push(Field::new(
            "waiting for it",
            format!("{} messages (read when it resumes)", slot.inbox.len()),
            false,
        ));
    }
    fields
}

/// Running servers that know a slot's chosen entry.
pub fn knowing(world: &World<MultiPaxos>, slot: u64) -> Vec<String> {
    let Some(choice) = world.monitor().chosen_at(slot) else {
        return Vec::new();
    };
    world
        .nodes()
        .iter()
        .filter_map(|n| n.live.as_ref().and_then(Peer::server).map(|s| (n.id, s)))
        .filter(|(_, s)| s.learner.known(slot) == Some(&choice.entry))
        .map(|(id, _)| id.to_string())
        .collect()
}

/// The chosen marker's words and state for the newest chosen slot that
/// some running learner does not know yet (or the newest chosen slot):
/// "unknown" (no learner knows), "partly-known" or "known". `None` while
/// nothing is chosen.
pub fn chosen_status(world: &World<MultiPaxos>) -> Option<(String, &'static str)> {
    let monitor = world.monitor();
    let servers = world
        .nodes()
        .iter()
        .filter(|n| matches!(n.live, Some(Peer::Server(_))))
        .count();
    let chosen: Vec<u64> = monitor.chosen().map(|(slot, _)| slot).collect();
    let newest = *chosen.last()?;
    let (slot, who) = chosen
        .iter()
        .rev()
        .map(|&slot| (slot, knowing(world, slot)))
        .find(|(_, who)| who.len() < servers)
        .unwrap_or_else(|| (newest, knowing(world, newest)));
    let choice = monitor.chosen_at(slot)?;
    let mut by = monitor.accepted_by(slot, choice.ballot).to_vec();
    by.sort();
    let by: Vec<String> = by.iter().map(|n| n.to_string()).collect();
    let (known, state) = match who.len() {
        0 => (
            "chosen — not yet known to any learner".to_string(),
            "unknown",
        ),
        n if n >= servers => ("every running learner knows it".to_string(), "known"),
        _ => (
            format!("known to {} so far", who.join(", ")),
            "partly-known",
        ),
    };
    Some((
        format!(
            "Slot {slot}: “{}” chosen in ballot {} at {} ms (accepted by {}); {known}.",
            choice.entry,
            choice.ballot,
            choice.at_ms,
            by.join(", ")
        ),
        state,
    ))
}

//! How Raft's state looks: node visuals, message visuals, inspector fields.

use super::common::key_colour;
use crate::components::cluster_view::{MessageVisual, NodeVisual};
use crate::components::inspector::Field;
use distviz_core::raft::{Raft, RaftMsg, RaftNode, RaftTimer, Role};
use distviz_core::sim::{InFlight, NodeId, NodeSlot, SharedLog, World};

fn vote_text(voted_for: Option<NodeId>) -> String {
    voted_for.map_or("nobody".into(), |id| id.to_string())
}

pub fn node_visual(world: &World<Raft>, slot: &NodeSlot<Raft>, now: f64) -> NodeVisual {
    let group = world.network().group_of(slot.id);
    let Some(node) = &slot.live else {
        let term = slot.saved.as_ref().map_or(0, |s| s.current_term);
        return NodeVisual {
            id: slot.id,
            up: false,
            role: "down",
            term,
            colour: "hsl(0 0% 55%)".into(),
            lines: vec![format!("term {term}")],
            badge: "down".into(),
            timer_left: None,
            votes: Vec::new(),
            group,
            // The label starts with the visible text (WCAG 2.5.3, label in name).
            label: format!(
                "{}, term {term}, down: crashed, its disk keeps the term. Activate to select it; X restarts it.",
                slot.id
            ),
        };
    };
    let timer_left = slot.timer(RaftTimer::Election).map(|t| {
        let span = (t.fires_at - t.set_at).max(1) as f64;
        (t.fires_at as f64 - now) / span
    });
    let votes = match node.role {
        Role::Follower => Vec::new(),
        _ => (0..world.nodes().len() as u8)
            .map(NodeId::server)
            .filter(|&id| id != node.id)
            .map(|id| (id, node.votes.contains(&id)))
            .collect(),
    };
    let mut lines = vec![format!("term {}", node.current_term)];
    if node.role == Role::Follower {
        if let Some(v) = node.voted_for {
            lines.push(format!("voted {v}"));
        }
    } else {
        let count = node.votes.len();
        lines.push(format!("{count} vote{}", if count == 1 { "" } else { "s" }));
    }
    let badge = match node.role {
        Role::Leader => "★ leader".to_string(),
        Role::Candidate => "candidate".to_string(),
        Role::Follower => String::new(),
    };
    NodeVisual {
        id: slot.id,
        up: true,
        role: node.role.name(),
        term: node.current_term,
        colour: key_colour(node.current_term),
        // The label starts with the visible text (WCAG 2.5.3, label in name).
        label: format!(
            "{}, {}, {}. Activate to select it; X crashes it.",
            slot.id,
            lines.join(", "),
            node.role.name()
        ),
        lines,
        badge,
        timer_left,
        votes,
        group,
    }
}

pub fn message_class(msg: &RaftMsg) -> &'static str {
    match msg {
        RaftMsg::RequestVote { .. } => "vote-request",
        RaftMsg::RequestVoteReply { granted: true, .. } => "vote-granted",
        RaftMsg::RequestVoteReply { granted: false, .. } => "vote-refused",
        RaftMsg::AppendEntries { .. } => "append",
        RaftMsg::AppendEntriesReply { .. } => "append-reply",
    }
}

pub fn message_visual(
    world: &World<Raft>,
    m: &InFlight<RaftMsg>,
    now: f64,
    held: bool,
) -> MessageVisual {
    super::common::message_visual(world.protocol(), m, now, held, message_class(&m.msg))
}

fn log_text(log: &SharedLog<distviz_core::raft::LogEntry>) -> String {
    if log.is_empty() {
        "empty".into()
    } else {
        log.iter()
            .map(|e| format!("[t{} {}]", e.term, e.command))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn timer_text(slot: &NodeSlot<Raft>, timer: RaftTimer, now: u64) -> String {
    match slot.timer(timer) {
        Some(t) => format!(
            "fires at {} ms (in {} ms)",
            t.fires_at,
            t.fires_at.saturating_sub(now)
        ),
        None => "not running".into(),
    }
}

/// The inspector's fields for a node: everything, persistent ones marked.
pub fn node_fields(slot: &NodeSlot<Raft>, now: u64) -> Vec<Field> {
    match (&slot.live, &slot.saved) {
        (Some(node), _) => live_fields(node, slot, now),
        (None, Some(saved)) => vec![
            Field::new("currentTerm", saved.current_term.to_string(), true),
            Field::new("votedFor", vote_text(saved.voted_for), true),
            Field::new("log", log_text(&saved.log), true),
        ],
        (None, None) => Vec::new(),
    }
}

fn live_fields(node: &RaftNode, slot: &NodeSlot<Raft>, now: u64) -> Vec<Field> {
    let votes = if node.votes.is_empty() {
        "none".to_string()
    } else {
        node.votes
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        Field::new("role", node.role.name(), false),
        Field::new("currentTerm", node.current_term.to_string(), true),
        Field::new("votedFor", vote_text(node.voted_for), true),
        Field::new("log", log_text(&node.log), true),
        Field::new("votes received", votes, false),
        Field::new(
            "known leader",
            node.leader.map_or("none".into(), |l| l.to_string()),
            false,
        ),
        Field::new("commitIndex", node.commit_index.to_string(), false),
        Field::new(
            "election timer",
            timer_text(slot, RaftTimer::Election, now),
            false,
        ),
        Field::new(
            "heartbeat timer",
            timer_text(slot, RaftTimer::Heartbeat, now),
            false,
        ),
    ]
}

/// A message's fields, for the message panel.
pub fn message_fields(m: &InFlight<RaftMsg>, held: bool) -> Vec<Field> {
    let arrives = if held {
        "held: it arrives a fresh delay after it is released".to_string()
    } else {
        format!("{} ms", m.arrives)
    };
    let mut fields = vec![
        Field::new("type", m.msg.name(), false),
        Field::new("from → to", format!("{} → {}", m.from, m.to), false),
        Field::new("sent", format!("{} ms", m.sent), false),
        Field::new("arrives", arrives, false),
    ];
    let body = match &m.msg {
        RaftMsg::RequestVote {
            term,
            last_log_index,
            last_log_term,
        } => vec![
            ("term", term.to_string()),
            ("lastLogIndex", last_log_index.to_string()),
            ("lastLogTerm", last_log_term.to_string()),
        ],
        RaftMsg::RequestVoteReply { term, granted } => {
            vec![
                ("term", term.to_string()),
                ("voteGranted", granted.to_string()),
            ]
        }
        RaftMsg::AppendEntries {
            term,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
        } => vec![
            ("term", term.to_string()),
            ("prevLogIndex", prev_log_index.to_string()),
            ("prevLogTerm", prev_log_term.to_string()),
            ("entries", entries.to_string()),
            ("leaderCommit", leader_commit.to_string()),
        ],
        RaftMsg::AppendEntriesReply { term, success } => {
            vec![("term", term.to_string()), ("success", success.to_string())]
        }
    };
    fields.extend(
        body.into_iter()
            .map(|(name, value)| Field::new(name, value, false)),
    );
    fields
}

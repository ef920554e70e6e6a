//! How Raft's state looks: node visuals, message visuals, inspector fields.

use super::common::key_colour;
use crate::components::cluster_view::{MessageVisual, NodeVisual};
use crate::components::inspector::Field;
use distviz_core::raft::{
    Answer, Command, Peer, PeerSaved, Raft, RaftClient, RaftMsg, RaftNode, RaftTimer, Role,
    Snapshot,
};
use distviz_core::sim::{InFlight, NodeId, NodeSlot, Protocol, SharedLog, World};

fn vote_text(voted_for: Option<NodeId>) -> String {
    voted_for.map_or("nobody".into(), |id| id.to_string())
}

/// A node as the cluster view draws it. `with_log`: the replication lab's
/// caption (log and commit) in place of whom a follower voted for.
pub fn node_visual(
    world: &World<Raft>,
    slot: &NodeSlot<Raft>,
    now: f64,
    with_log: bool,
) -> NodeVisual {
    let group = world.network().group_of(slot.id);
    let node = match &slot.live {
        Some(Peer::Server(node)) => Some(node),
        Some(Peer::Client(client)) => {
            let left = client
                .waiting
                .as_ref()
                .and_then(|p| timer_left(slot, RaftTimer::ClientTimeout { req: p.req }, now));
            return client_visual(slot.id, client, left, group);
        }
        None => None,
    };
    let Some(node) = node else {
        let term = slot
            .saved
            .as_ref()
            .and_then(PeerSaved::server)
            .map_or(0, |s| s.current_term);
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
    let timer_left = timer_left(slot, RaftTimer::Election, now);
    let votes = match node.role {
        Role::Follower => Vec::new(),
        _ => world
            .roster()
            .of_kind(distviz_core::sim::SERVER)
            .filter(|&id| id != node.id)
            .map(|id| (id, node.votes.contains(&id)))
            .collect(),
    };
    // Outside or removed says more than votes or the log (and a third
    // line would not fit the circle).
    let membership = if node.config.is_empty() {
        Some("outside")
    } else if !node.config.contains(node.id)
        || super::raft_membership::leader(world).is_some_and(|l| !l.config.contains(node.id))
    {
        // It may not know yet: a leader stops sending to whom it removes.
        Some("removed")
    } else {
        None
    };
    let mut lines = vec![format!("term {}", node.current_term)];
    // What a screen reader says for the short log line.
    let mut spoken_log = None;
    let plural =
        |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
    match (membership, node.role) {
        (Some(words), _) => lines.push(words.into()),
        (None, Role::Candidate) => lines.push(plural(node.votes.len(), "vote")),
        (None, Role::PreCandidate) => lines.push(plural(node.votes.len(), "pre-vote")),
        (None, _) if with_log => {
            let last = node.last_log_index();
            lines.push(format!("log {last} ✓{}", node.commit_index));
            let entries = if last == 1 {
                "1 entry".to_string()
            } else {
                format!("{last} entries")
            };
            spoken_log = Some(format!(
                "{entries} in its log, committed up to {}",
                node.commit_index
            ));
        }
        (None, Role::Follower) => {
            if let Some(v) = node.voted_for {
                lines.push(format!("voted {v}"));
            }
        }
        (None, Role::Leader | Role::Client) => {}
    }
    let badge = match node.role {
        Role::Leader => "★ leader".to_string(),
        Role::Candidate => "candidate".to_string(),
        Role::PreCandidate => "pre-candidate".to_string(),
        Role::Follower | Role::Client => String::new(),
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
            // The words shown come first (WCAG 2.5.3), then what "✓" means.
            match &spoken_log {
                Some(log) => format!("{} ({log})", lines.join(", ")),
                None => lines.join(", "),
            },
            node.role.name()
        ),
        lines,
        badge,
        timer_left,
        votes,
        group,
    }
}

/// A client's request, as a message panel shows it (Raft's and
/// Multi-Paxos's clients are the same).
pub fn request_fields(req: u64, command: &Command) -> Vec<(&'static str, String)> {
    vec![
        ("request", format!("#{req}")),
        ("command", command.to_string()),
    ]
}

/// A server's answer to a client; `place`: what its index is ("entry",
/// "slot").
pub fn reply_fields(req: u64, answer: &Answer, place: &str) -> Vec<(&'static str, String)> {
    let words = match answer {
        Answer::Done {
            index,
            value: Some(v),
        } => format!("{v} ({place} {index})"),
        Answer::Done { index, value: None } => format!("done ({place} {index})"),
        Answer::NotLeader { leader: Some(l) } => format!("not the leader: try {l}"),
        Answer::NotLeader { leader: None } => "not the leader; leader unknown".into(),
    };
    vec![("request", format!("#{req}")), ("answer", words)]
}

/// What is left of a node's timer, 1 to 0, if it is set.
pub fn timer_left<P: Protocol>(slot: &NodeSlot<P>, timer: P::Timer, now: f64) -> Option<f64> {
    slot.timer(timer).map(|t| {
        let span = (t.fires_at - t.set_at).max(1) as f64;
        (t.fires_at as f64 - now) / span
    })
}

/// A client (the Raft lab's, which Multi-Paxos shares): what it waits
/// for, and the ring of its patience (`timer_left`).
pub fn client_visual(
    id: NodeId,
    client: &RaftClient,
    timer_left: Option<f64>,
    group: u8,
) -> NodeVisual {
    let mut lines = match &client.waiting {
        Some(p) => vec![format!("#{} → {}", p.req, p.server)],
        None => vec!["idle".to_string()],
    };
    lines.push(format!("{} answered", client.answered));
    NodeVisual {
        id,
        up: true,
        role: "client",
        term: 0,
        colour: "hsl(210 15% 70%)".into(),
        label: format!(
            "{}, {}, client. Activate to select it; C sends a request from it.",
            id,
            lines.join(", ")
        ),
        lines,
        badge: "client".into(),
        timer_left,
        votes: Vec::new(),
        group,
    }
}

pub fn message_class(msg: &RaftMsg) -> &'static str {
    match msg {
        RaftMsg::RequestVote { .. } => "vote-request",
        RaftMsg::RequestVoteReply { granted: true, .. } => "vote-granted",
        RaftMsg::RequestVoteReply { granted: false, .. } => "vote-refused",
        RaftMsg::PreVote { .. } => "pre-vote",
        RaftMsg::PreVoteReply { granted: true, .. } => "vote-granted",
        RaftMsg::PreVoteReply { granted: false, .. } => "vote-refused",
        RaftMsg::AppendEntries { entries, .. } if entries.is_empty() => "append",
        RaftMsg::AppendEntries { .. } => "append-entries",
        RaftMsg::AppendEntriesReply { success: true, .. } => "append-reply",
        RaftMsg::AppendEntriesReply { success: false, .. } => "append-refused",
        RaftMsg::InstallSnapshot { .. } => "install-snapshot",
        RaftMsg::InstallSnapshotReply { .. } => "append-reply",
        RaftMsg::ClientRequest { .. } => "client-request",
        RaftMsg::ClientReply { .. } => "client-reply",
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

/// A snapshot in words, for the inspector.
fn snapshot_text(snapshot: Option<&Snapshot>) -> String {
    match snapshot {
        Some(s) => format!(
            "entries 1–{} (last term {}): store {}, config {}",
            s.last_index,
            s.last_term,
            s.kv.describe(),
            s.config
        ),
        None => "none".into(),
    }
}

/// A log in words, its last entries if it is long.
fn log_text(log: &SharedLog<distviz_core::raft::LogEntry>) -> String {
    const SHOWN: usize = 12;
    if log.len() == log.start() {
        return match log.start() {
            0 => "empty".into(),
            n => format!("no entries after its snapshot (1–{n})"),
        };
    }
    let skip = log.len().saturating_sub(SHOWN).max(log.start());
    let entries = (skip..log.len())
        .filter_map(|i| {
            log.get(i)
                .map(|e| format!("{}:[t{} {}]", i + 1, e.term, e.command))
        })
        .collect::<Vec<_>>()
        .join(" ");
    if skip > 0 {
        format!("{} entries; the last {SHOWN}: {entries}", log.len())
    } else {
        entries
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
        (Some(Peer::Server(node)), _) => live_fields(node, slot, now),
        (Some(Peer::Client(client)), _) => client_fields(client),
        (None, Some(PeerSaved::Server(saved))) => vec![
            Field::new("currentTerm", saved.current_term.to_string(), true),
            Field::new("votedFor", vote_text(saved.voted_for), true),
            Field::new("log", log_text(&saved.log), true),
            Field::new("snapshot", snapshot_text(saved.snapshot.as_deref()), true),
        ],
        (None, Some(PeerSaved::Client { next_req })) => {
            vec![Field::new("next request", format!("#{next_req}"), true)]
        }
        (None, None) => Vec::new(),
    }
}

pub fn client_fields(client: &RaftClient) -> Vec<Field> {
    let waiting = match &client.waiting {
        Some(p) => format!(
            "#{} “{}” at {} (try {}, since {} ms)",
            p.req, p.command, p.server, p.attempt, p.since_ms
        ),
        None => "nothing".into(),
    };
    let last = match client.last_answer {
        Some((req, Some(v))) => format!("#{req}: {v}"),
        Some((req, None)) => format!("#{req}: done"),
        None => "none yet".into(),
    };
    vec![
        Field::new("waiting for", waiting, false),
        Field::new("sends next to", client.leader_guess.to_string(), false),
        Field::new("next request", format!("#{}", client.next_req), true),
        Field::new("answered", client.answered.to_string(), false),
        Field::new("last answer", last, false),
        Field::new("redirected", client.redirects.to_string(), false),
        Field::new("retried", client.retries.to_string(), false),
    ]
}

/// "S2 5, S3 7" for a leader's per-server indexes.
fn per_server(values: &[u64], me: NodeId) -> String {
    values
        .iter()
        .enumerate()
        .filter(|&(n, _)| n != me.n as usize)
        .map(|(n, v)| format!("{} {v}", NodeId::server(n as u8)))
        .collect::<Vec<_>>()
        .join(", ")
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
    let mut fields = vec![
        Field::new("role", node.role.name(), false),
        Field::new("currentTerm", node.current_term.to_string(), true),
        Field::new("votedFor", vote_text(node.voted_for), true),
        Field::new("log", log_text(&node.log), true),
        Field::new("snapshot", snapshot_text(node.snapshot.as_deref()), true),
        Field::new("votes received", votes, false),
        Field::new(
            "known leader",
            node.leader.map_or("none".into(), |l| l.to_string()),
            false,
        ),
        Field::new("commitIndex", node.commit_index.to_string(), false),
        Field::new("lastApplied", node.last_applied.to_string(), false),
        Field::new("state machine", node.kv.describe(), false),
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
    ];
    if node.role == Role::Leader {
        fields.push(Field::new(
            "nextIndex",
            per_server(&node.next_index, node.id),
            false,
        ));
        fields.push(Field::new(
            "matchIndex",
            per_server(&node.match_index, node.id),
            false,
        ));
    }
    fields
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
        RaftMsg::PreVote {
            term,
            last_log_index,
            last_log_term,
        } => vec![
            ("term asked about", term.to_string()),
            ("lastLogIndex", last_log_index.to_string()),
            ("lastLogTerm", last_log_term.to_string()),
        ],
        RaftMsg::PreVoteReply {
            term,
            for_term,
            granted,
        } => vec![
            ("term", term.to_string()),
            ("for term", for_term.to_string()),
            ("granted", granted.to_string()),
        ],
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
            ("entries", entries_text(*prev_log_index, entries)),
            ("leaderCommit", leader_commit.to_string()),
        ],
        RaftMsg::AppendEntriesReply {
            term,
            success,
            prev_log_index,
            match_index,
            conflict_term,
            conflict_index,
        } => {
            let mut body = vec![
                ("term", term.to_string()),
                ("success", success.to_string()),
                ("for prevLogIndex", prev_log_index.to_string()),
            ];
            if *success {
                body.push(("matchIndex", match_index.to_string()));
            } else if *conflict_index > 0 {
                body.push(("conflictTerm", conflict_term.to_string()));
                body.push(("conflictIndex", conflict_index.to_string()));
            }
            body
        }
        RaftMsg::InstallSnapshot { term, snapshot } => vec![
            ("term", term.to_string()),
            ("lastIncludedIndex", snapshot.last_index.to_string()),
            ("lastIncludedTerm", snapshot.last_term.to_string()),
            ("store", snapshot.kv.describe()),
            ("configuration", snapshot.config.to_string()),
        ],
        RaftMsg::InstallSnapshotReply { term, last_index } => vec![
            ("term", term.to_string()),
            ("holds up to", last_index.to_string()),
        ],
        RaftMsg::ClientRequest { req, command } => request_fields(*req, command),
        RaftMsg::ClientReply { req, answer } => reply_fields(*req, answer, "entry"),
    };
    fields.extend(
        body.into_iter()
            .map(|(name, value)| Field::new(name, value, false)),
    );
    fields
}

fn entries_text(prev: u64, entries: &[distviz_core::raft::LogEntry]) -> String {
    if entries.is_empty() {
        return "none (a heartbeat)".into();
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{}:[t{} {}]", prev + 1 + i as u64, e.term, e.command))
        .collect::<Vec<_>>()
        .join(" ")
}

use super::{Config, Snapshot};
use crate::sim::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

/// A key of the store. Shared, not owned: a log entry is cloned for every
/// AppendEntries that carries it and whenever a shared log chunk is copied,
/// and a clone of an `Rc<str>` allocates nothing. (It hashes and
/// serializes as the `String` it replaced, so traces are unchanged.)
pub type Key = std::rc::Rc<str>;

/// A command for the replicated key-value store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    Set {
        key: Key,
        value: i64,
    },
    Del {
        key: Key,
    },
    Get {
        key: Key,
    },
    /// A new leader's first entry (§8): committing it commits everything
    /// before it, and tells the leader what is committed.
    Noop,
    /// A new configuration (§6): who votes from this entry on.
    Config(Config),
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Set { key, value } => write!(f, "set {key} {value}"),
            Command::Del { key } => write!(f, "del {key}"),
            Command::Get { key } => write!(f, "get {key}"),
            Command::Noop => write!(f, "no-op"),
            Command::Config(config) => write!(f, "config {config}"),
        }
    }
}

/// What the learner (or a scenario) asks a client to send: a command, or
/// `any`, the next request a workload would make.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientInput {
    Set {
        key: String,
        value: i64,
    },
    Del {
        key: String,
    },
    Get {
        key: String,
    },
    Any,
    /// To the leader: add this server to the cluster.
    Add {
        server: NodeId,
    },
    /// To the leader: take this server out of the cluster.
    Remove {
        server: NodeId,
    },
}

impl ClientInput {
    /// The command it asks for (`None` for `any`: the client picks).
    pub fn command(&self) -> Option<Command> {
        match self {
            ClientInput::Set { key, value } => Some(Command::Set {
                key: key.as_str().into(),
                value: *value,
            }),
            ClientInput::Del { key } => Some(Command::Del {
                key: key.as_str().into(),
            }),
            ClientInput::Get { key } => Some(Command::Get {
                key: key.as_str().into(),
            }),
            ClientInput::Any | ClientInput::Add { .. } | ClientInput::Remove { .. } => None,
        }
    }
}

/// One entry of a server's log: the term it was made in, its command,
/// and the client request it carries (client, request number), if any.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LogEntry {
    pub term: u64,
    pub command: Command,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<(NodeId, u64)>,
}

impl LogEntry {
    pub fn noop(term: u64) -> Self {
        LogEntry {
            term,
            command: Command::Noop,
            client: None,
        }
    }
}

/// What a server answers a client.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    /// Applied at this log index; a `get` returns the value (or none).
    Done { index: u64, value: Option<i64> },
    /// I am not the leader; try this one (if I know it).
    NotLeader { leader: Option<NodeId> },
}

/// Raft's RPCs, and the clients' requests. Heartbeats are AppendEntries
/// with no entries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type")]
pub enum RaftMsg {
    RequestVote {
        term: u64,
        last_log_index: u64,
        last_log_term: u64,
    },
    RequestVoteReply {
        term: u64,
        granted: bool,
    },
    /// §9.6: "would you vote for me in `term`?", asked without raising
    /// anyone's term; a server that hears from a leader says no.
    PreVote {
        term: u64,
        last_log_index: u64,
        last_log_term: u64,
    },
    /// `term` is the voter's own term; `for_term` the one asked about.
    PreVoteReply {
        term: u64,
        for_term: u64,
        granted: bool,
    },
    AppendEntries {
        term: u64,
        prev_log_index: u64,
        prev_log_term: u64,
        entries: Vec<LogEntry>,
        leader_commit: u64,
    },
    AppendEntriesReply {
        term: u64,
        success: bool,
        /// The request's prevLogIndex, so a late reply is not mistaken
        /// for an answer to a newer request.
        prev_log_index: u64,
        /// On success: the last index the follower now matches.
        match_index: u64,
        /// On failure, for the faster back-off: the term of the
        /// follower's conflicting entry (0 if its log is too short) and
        /// the first index it holds of that term (or its log's length + 1).
        conflict_term: u64,
        conflict_index: u64,
    },
    /// §7: the leader's snapshot, for a follower that needs entries the
    /// leader has compacted (sent whole, not in chunks).
    InstallSnapshot {
        term: u64,
        snapshot: Rc<Snapshot>,
    },
    /// The follower now holds everything up to `last_index`.
    InstallSnapshotReply {
        term: u64,
        last_index: u64,
    },
    ClientRequest {
        req: u64,
        command: Command,
    },
    ClientReply {
        req: u64,
        answer: Answer,
    },
}

impl RaftMsg {
    /// The sender's term (0 for a client's messages, which carry none,
    /// and for a pre-vote, which only asks about a term).
    pub fn term(&self) -> u64 {
        match self {
            RaftMsg::RequestVote { term, .. }
            | RaftMsg::RequestVoteReply { term, .. }
            | RaftMsg::PreVoteReply { term, .. }
            | RaftMsg::AppendEntries { term, .. }
            | RaftMsg::AppendEntriesReply { term, .. }
            | RaftMsg::InstallSnapshot { term, .. }
            | RaftMsg::InstallSnapshotReply { term, .. } => *term,
            RaftMsg::PreVote { .. }
            | RaftMsg::ClientRequest { .. }
            | RaftMsg::ClientReply { .. } => 0,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            RaftMsg::RequestVote { .. } => "RequestVote",
            RaftMsg::RequestVoteReply { granted: true, .. } => "vote granted",
            RaftMsg::RequestVoteReply { granted: false, .. } => "vote refused",
            RaftMsg::PreVote { .. } => "PreVote",
            RaftMsg::PreVoteReply { granted: true, .. } => "pre-vote granted",
            RaftMsg::PreVoteReply { granted: false, .. } => "pre-vote refused",
            RaftMsg::AppendEntries { entries, .. } if entries.is_empty() => "heartbeat",
            RaftMsg::AppendEntries { .. } => "AppendEntries",
            RaftMsg::AppendEntriesReply { success: true, .. } => "AppendEntries ok",
            RaftMsg::AppendEntriesReply { success: false, .. } => "AppendEntries refused",
            RaftMsg::InstallSnapshot { .. } => "InstallSnapshot",
            RaftMsg::InstallSnapshotReply { .. } => "snapshot installed",
            RaftMsg::ClientRequest { .. } => "client request",
            RaftMsg::ClientReply { .. } => "client reply",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            RaftMsg::AppendEntries {
                term,
                prev_log_index,
                entries,
                leader_commit,
                ..
            } if !entries.is_empty() => {
                let first = prev_log_index + 1;
                let last = prev_log_index + entries.len() as u64;
                let span = if first == last {
                    format!("entry {first}")
                } else {
                    format!("entries {first}–{last}")
                };
                format!("AppendEntries {span} (term {term}, commit {leader_commit})")
            }
            RaftMsg::AppendEntries {
                term,
                leader_commit,
                ..
            } => format!("heartbeat (term {term}, commit {leader_commit})"),
            RaftMsg::AppendEntriesReply {
                term,
                success: true,
                match_index,
                ..
            } => format!("AppendEntries ok, matches up to {match_index} (term {term})"),
            // Refused for its term alone: the sender's term is older than
            // the follower's (a stale leader). Nothing about the logs.
            RaftMsg::AppendEntriesReply {
                term,
                success: false,
                conflict_index: 0,
                ..
            } => format!("AppendEntries refused: the sender's term is stale, this server is in term {term}"),
            // What the follower holds is said too: the faster back-off
            // jumps by it (§5.3), the slower one walks back one entry.
            RaftMsg::AppendEntriesReply {
                term,
                success: false,
                prev_log_index,
                conflict_term: 0,
                conflict_index,
                ..
            } => format!(
                "AppendEntries refused: no match at {prev_log_index}; its log ends at {} (term {term})",
                conflict_index.saturating_sub(1)
            ),
            RaftMsg::AppendEntriesReply {
                term,
                success: false,
                prev_log_index,
                conflict_term,
                conflict_index,
                ..
            } => format!(
                "AppendEntries refused: no match at {prev_log_index}; it holds term {conflict_term} there, from entry {conflict_index} (term {term})"
            ),
            RaftMsg::InstallSnapshot { term, snapshot } => format!(
                "InstallSnapshot up to entry {} (entry term {}, store {}; term {term})",
                snapshot.last_index,
                snapshot.last_term,
                snapshot.kv.describe()
            ),
            RaftMsg::InstallSnapshotReply { term, last_index } => {
                format!("snapshot installed, holds up to {last_index} (term {term})")
            }
            RaftMsg::ClientRequest { req, command } => format!("request #{req}: {command}"),
            RaftMsg::PreVote { term, .. } => {
                format!("PreVote: would you vote for me in term {term}?")
            }
            RaftMsg::PreVoteReply {
                for_term, granted, ..
            } => format!(
                "pre-vote for term {for_term}: {}",
                if *granted { "yes" } else { "no" }
            ),
            RaftMsg::ClientReply {
                req,
                answer: Answer::Done { index, value },
            } => match value {
                Some(v) => format!("reply to #{req}: {v} (entry {index})"),
                None => format!("reply to #{req}: done (entry {index})"),
            },
            RaftMsg::ClientReply {
                req,
                answer: Answer::NotLeader { leader: Some(l) },
            } => format!("reply to #{req}: not the leader, try {l}"),
            RaftMsg::ClientReply {
                req,
                answer: Answer::NotLeader { leader: None },
            } => format!("reply to #{req}: not the leader, leader unknown"),
            _ => format!("{} (term {})", self.name(), self.term()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RaftTimer {
    Election,
    Heartbeat,
    /// A client's next request of the workload.
    Workload,
    /// A client gives up waiting for request `req` and tries elsewhere.
    ClientTimeout {
        req: u64,
    },
    /// A server takes a snapshot (set once it has applied enough; a
    /// moment later, as a real server snapshots in the background).
    Snapshot,
}

#[cfg(test)]
mod tests {
    use super::RaftMsg;

    fn refusal(conflict_term: u64, conflict_index: u64) -> RaftMsg {
        RaftMsg::AppendEntriesReply {
            term: 2,
            success: false,
            prev_log_index: 21,
            match_index: 0,
            conflict_term,
            conflict_index,
        }
    }

    #[test]
    fn a_refusal_says_what_the_follower_holds_for_the_faster_back_off() {
        assert_eq!(
            refusal(0, 6).describe(),
            "AppendEntries refused: no match at 21; its log ends at 5 (term 2)"
        );
        assert_eq!(
            refusal(3, 18).describe(),
            "AppendEntries refused: no match at 21; it holds term 3 there, from entry 18 (term 2)"
        );
    }

    #[test]
    fn a_refusal_for_a_stale_term_says_so_and_nothing_about_the_logs() {
        assert_eq!(
            refusal(0, 0).describe(),
            "AppendEntries refused: the sender's term is stale, this server is in term 2"
        );
    }
}

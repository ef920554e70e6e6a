use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LogEntry {
    pub term: u64,
    pub command: String,
}

/// Raft's RPCs. Heartbeats are AppendEntries with no entries.
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
    AppendEntries {
        term: u64,
        prev_log_index: u64,
        prev_log_term: u64,
        /// How many entries it carries (the election lab sends none).
        entries: u64,
        leader_commit: u64,
    },
    AppendEntriesReply {
        term: u64,
        success: bool,
    },
}

impl RaftMsg {
    pub fn term(&self) -> u64 {
        match self {
            RaftMsg::RequestVote { term, .. }
            | RaftMsg::RequestVoteReply { term, .. }
            | RaftMsg::AppendEntries { term, .. }
            | RaftMsg::AppendEntriesReply { term, .. } => *term,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            RaftMsg::RequestVote { .. } => "RequestVote",
            RaftMsg::RequestVoteReply { granted: true, .. } => "vote granted",
            RaftMsg::RequestVoteReply { granted: false, .. } => "vote refused",
            RaftMsg::AppendEntries { entries: 0, .. } => "heartbeat",
            RaftMsg::AppendEntries { .. } => "AppendEntries",
            RaftMsg::AppendEntriesReply { .. } => "heartbeat reply",
        }
    }

    pub fn describe(&self) -> String {
        format!("{} (term {})", self.name(), self.term())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RaftTimer {
    Election,
    Heartbeat,
}

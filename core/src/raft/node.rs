use super::LogEntry;
use crate::sim::{NodeId, SharedLog, Summary};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// What the views show of a Raft server: its role, coloured by its term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RaftSummary {
    pub role: Role,
    pub term: u64,
}

impl Summary for RaftSummary {
    fn role(&self) -> &'static str {
        self.role.name()
    }
    fn label(&self) -> String {
        format!("{} · term {}", self.role.name(), self.term)
    }
    fn colour(&self) -> Option<u64> {
        Some(self.term)
    }
    fn band(&self) -> Option<String> {
        (self.role == Role::Leader).then(|| format!("term {}", self.term))
    }
}

/// One Raft server's state. `current_term`, `voted_for` and `log` are
/// persistent (Figure 2); the rest is lost in a crash.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaftNode {
    pub id: NodeId,
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: SharedLog<LogEntry>,
    pub role: Role,
    /// Votes received in the current term (candidates and leaders).
    pub votes: Vec<NodeId>,
    /// The leader this node last heard from in its term.
    pub leader: Option<NodeId>,
    pub commit_index: u64,
}

/// What a Raft server keeps on disk.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RaftSaved {
    pub current_term: u64,
    pub voted_for: Option<NodeId>,
    pub log: SharedLog<LogEntry>,
}

impl RaftNode {
    pub fn from_saved(id: NodeId, saved: Option<&RaftSaved>) -> Self {
        RaftNode {
            id,
            current_term: saved.map_or(0, |s| s.current_term),
            voted_for: saved.and_then(|s| s.voted_for),
            log: saved.map(|s| s.log.clone()).unwrap_or_default(),
            role: Role::Follower,
            votes: Vec::new(),
            leader: None,
            commit_index: 0,
        }
    }

    pub fn saved(&self) -> RaftSaved {
        RaftSaved {
            current_term: self.current_term,
            voted_for: self.voted_for,
            log: self.log.clone(),
        }
    }

    pub fn last_log_index(&self) -> u64 {
        self.log.len() as u64
    }

    pub fn last_log_term(&self) -> u64 {
        self.log.last().map_or(0, |e| e.term)
    }
}

use crate::sim::NodeId;
use serde::Serialize;

/// Facts the Raft lab records in the trace, for the event log and views.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum RaftNote {
    /// A leader committed entries `from`–`to` (in its term `term`).
    Committed { from: u64, to: u64, term: u64 },
    /// A follower dropped `removed` entries from index `from` on: they
    /// conflicted with the leader's log.
    Truncated { from: u64, removed: u64 },
    /// A client heard nothing from `server` about request `req`.
    NoAnswer { req: u64, server: NodeId },
}

impl RaftNote {
    pub fn describe(&self, node: NodeId) -> String {
        match self {
            RaftNote::Committed { from, to, term } if from == to => {
                format!("{node} committed entry {to}: a majority stores it (term {term})")
            }
            RaftNote::Committed { from, to, term } => format!(
                "{node} committed entries {from}–{to}: a majority stores entry {to} (term {term})"
            ),
            RaftNote::Truncated { from, removed: 1 } => {
                format!("{node} dropped entry {from}: it conflicted with the leader's log")
            }
            RaftNote::Truncated { from, removed } => format!(
                "{node} dropped entries {from}–{}: they conflicted with the leader's log",
                from + removed - 1
            ),
            RaftNote::NoAnswer { req, server } => format!(
                "{node} heard nothing from {server} about request #{req}, and tries another server"
            ),
        }
    }
}

use super::Config;
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
    /// A leader appended a new configuration at entry `index`.
    NewConfig { index: u64, config: Config },
    /// A leader brings `server` up to date before it joins (round `round`).
    CatchingUp { server: NodeId, round: u32 },
    /// A leader gave up adding `server`: it could not catch up.
    CatchUpFailed { server: NodeId },
    /// A leader stepped down: the committed configuration at `index`
    /// leaves it out.
    LeftCluster { index: u64 },
    /// A leader stepped down: no majority answered it for an election
    /// timeout (check-quorum).
    LostQuorum { term: u64 },
    /// A server snapshotted its store as of entry `upto` (term `term`) and
    /// dropped the entries it covers.
    Snapshotted { upto: u64, term: u64 },
    /// A follower took the leader's snapshot up to entry `upto`; `kept`
    /// entries after it stayed in its log.
    InstalledSnapshot { upto: u64, kept: u64 },
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
            RaftNote::NewConfig { index, config } if config.is_joint() => format!(
                "{node} appended the joint configuration {config} at entry {index}: until the new one commits, every decision needs a majority of both"
            ),
            RaftNote::NewConfig { index, config } => format!(
                "{node} appended the configuration {config} at entry {index}; it counts from now on, committed or not"
            ),
            RaftNote::CatchingUp { server, round: 1 } => format!(
                "{node} starts bringing {server} up to date; it joins without a vote until it catches up"
            ),
            RaftNote::CatchingUp { server, round } => format!(
                "{node}: {server} is still behind; catch-up round {round}"
            ),
            RaftNote::CatchUpFailed { server } => format!(
                "{node} gave up adding {server}: it did not catch up (down, cut off or too slow)"
            ),
            RaftNote::LeftCluster { index } => format!(
                "{node} stepped down: the configuration at entry {index}, now committed, leaves it out"
            ),
            RaftNote::LostQuorum { term } => format!(
                "{node} stepped down in term {term}: no majority answered it for an election timeout (check-quorum)"
            ),
            RaftNote::Snapshotted { upto, term } => format!(
                "{node} took a snapshot of its store as of entry {upto} (term {term}) and dropped entries 1–{upto} from its log"
            ),
            RaftNote::InstalledSnapshot { upto, kept: 0 } => format!(
                "{node} installed the leader's snapshot up to entry {upto}: its store is the snapshot's, and its log starts after it"
            ),
            RaftNote::InstalledSnapshot { upto, kept } => format!(
                "{node} installed the leader's snapshot up to entry {upto}, keeping the {kept} entries it held after it"
            ),
        }
    }
}

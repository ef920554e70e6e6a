use serde::{Deserialize, Serialize};

/// The Raft lab's settings (a scenario's `params`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaftParams {
    /// Each election timeout is drawn uniformly from this range (ms).
    pub election_timeout_ms: [u64; 2],
    /// How often a leader sends heartbeats (ms).
    pub heartbeat_ms: u64,
    /// "Break it": a node may vote more than once per term. Election
    /// Safety can then fail; the lab shows where.
    pub break_one_vote_per_term: bool,
}

impl Default for RaftParams {
    fn default() -> Self {
        RaftParams {
            election_timeout_ms: [150, 300],
            heartbeat_ms: 50,
            break_one_vote_per_term: false,
        }
    }
}

impl RaftParams {
    /// Explains the first setting that cannot work, naming its field.
    pub fn check(&self) -> Result<(), (String, String)> {
        let [lo, hi] = self.election_timeout_ms;
        if lo == 0 || lo > hi {
            return Err((
                "params.election_timeout_ms".into(),
                format!("[{lo}, {hi}] is not a range of milliseconds: use [smallest, largest] with 0 < smallest ≤ largest"),
            ));
        }
        if self.heartbeat_ms == 0 {
            return Err((
                "params.heartbeat_ms".into(),
                "heartbeats need an interval of at least 1 ms".into(),
            ));
        }
        Ok(())
    }
}

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
        if lo == 0 || lo > hi || hi > 60_000 {
            return Err((
                "params.election_timeout_ms".into(),
                format!("[{lo}, {hi}] is not a range of milliseconds: use [smallest, largest] with 0 < smallest ≤ largest ≤ 60000"),
            ));
        }
        if !(1..=60_000).contains(&self.heartbeat_ms) {
            return Err((
                "params.heartbeat_ms".into(),
                format!(
                    "{} ms is not an interval from 1 to 60000 ms",
                    self.heartbeat_ms
                ),
            ));
        }
        Ok(())
    }
}

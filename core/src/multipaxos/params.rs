use crate::raft::KEY_NAMES;
use serde::{Deserialize, Serialize};

/// The Multi-Paxos lab's settings (a scenario's `params`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MultiPaxosParams {
    /// How long a server waits without hearing a leader before it runs
    /// phase 1 itself: drawn uniformly from this range (ms).
    pub leader_timeout_ms: [u64; 2],
    /// How often a leader sends heartbeats (ms).
    pub heartbeat_ms: u64,
    /// A leader sends an Accept again to acceptors that have not answered
    /// after this long (ms), at its next heartbeat.
    pub accept_retry_ms: u64,
    /// The most chosen slots one catch-up message carries.
    pub catch_up_batch: u64,
    /// How long a client waits for an answer before trying another server.
    pub client_timeout_ms: u64,
    /// Each client sends a request this often (0: only when asked).
    pub workload_ms: u64,
    /// How many keys the workload's requests touch (x, y, z, …).
    pub keys: u64,
    /// "Break it": a new leader ignores the values promises report and
    /// fills every slot it did not know was chosen with a no-op.
    pub break_ignore_promised_values: bool,
}

impl Default for MultiPaxosParams {
    fn default() -> Self {
        MultiPaxosParams {
            leader_timeout_ms: [150, 300],
            heartbeat_ms: 50,
            accept_retry_ms: 200,
            catch_up_batch: 32,
            client_timeout_ms: 500,
            workload_ms: 0,
            keys: 3,
            break_ignore_promised_values: false,
        }
    }
}

impl MultiPaxosParams {
    pub fn broken(&self) -> bool {
        self.break_ignore_promised_values
    }

    /// Explains the first setting that cannot work, naming its field.
    pub fn check(&self) -> Result<(), (String, String)> {
        let [lo, hi] = self.leader_timeout_ms;
        if lo == 0 || lo > hi || hi > 60_000 {
            return Err((
                "params.leader_timeout_ms".into(),
                format!("[{lo}, {hi}] is not a range of milliseconds: use [smallest, largest] with 0 < smallest ≤ largest ≤ 60000"),
            ));
        }
        let within = |field: &str, value: u64, lo: u64, hi: u64, what: &str| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err((
                    format!("params.{field}"),
                    format!("{value} is not {what} from {lo} to {hi}"),
                ))
            }
        };
        within(
            "heartbeat_ms",
            self.heartbeat_ms,
            1,
            60_000,
            "an interval in ms",
        )?;
        within(
            "accept_retry_ms",
            self.accept_retry_ms,
            1,
            60_000,
            "a wait in ms",
        )?;
        within(
            "catch_up_batch",
            self.catch_up_batch,
            1,
            1_000,
            "a number of slots",
        )?;
        within(
            "client_timeout_ms",
            self.client_timeout_ms,
            1,
            60_000,
            "a timeout in ms",
        )?;
        if self.workload_ms != 0 {
            within(
                "workload_ms",
                self.workload_ms,
                10,
                60_000,
                "an interval in ms (or 0: off)",
            )?;
        }
        within(
            "keys",
            self.keys,
            1,
            KEY_NAMES.len() as u64,
            "a number of keys",
        )?;
        Ok(())
    }

    /// A majority of `servers`.
    pub fn quorum(servers: usize) -> usize {
        servers / 2 + 1
    }
}

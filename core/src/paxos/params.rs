use serde::{Deserialize, Serialize};

/// The Paxos lab's settings (a scenario's `params`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaxosParams {
    /// Every proposer is an acceptor too (with `"acceptor": 0`, three
    /// servers that each play every role).
    pub proposers_accept: bool,
    /// A pre-empted proposer waits a random, growing time before its next
    /// ballot. Off: it tries again at once (and two can duel for ever).
    pub backoff: bool,
    /// The back-off's first range: a wait drawn from 1 to this (ms),
    /// doubling with each failed ballot (up to 32 times).
    pub backoff_ms: u64,
    /// How long a proposer gives a ballot, from its Prepare to learning a
    /// value, before it tries a higher one (ms). Without back-off this is
    /// also a pre-empted proposer's fixed beat.
    pub patience_ms: u64,
    /// Break it: a proposer proposes its own value even when a promise
    /// reports an accepted one.
    pub break_ignore_promised_values: bool,
    /// Break it: an acceptor's promise is not on disk; after a restart it
    /// has promised nothing (though it still has what it accepted).
    pub break_forget_promise: bool,
    /// Break it: a quorum is half the acceptors (rounded down), not a
    /// majority, so two quorums need not share an acceptor.
    pub break_small_quorums: bool,
}

impl Default for PaxosParams {
    fn default() -> Self {
        PaxosParams {
            proposers_accept: false,
            backoff: true,
            backoff_ms: 100,
            patience_ms: 400,
            break_ignore_promised_values: false,
            break_forget_promise: false,
            break_small_quorums: false,
        }
    }
}

impl PaxosParams {
    /// Explains the first setting that cannot work, naming its field.
    pub fn check(&self) -> Result<(), (String, String)> {
        let ms = |name: &str, value: u64, lo: u64| {
            if (lo..=60_000).contains(&value) {
                Ok(())
            } else {
                Err((
                    format!("params.{name}"),
                    format!("{value} ms is out of range: choose {lo} to 60000 ms"),
                ))
            }
        };
        ms("backoff_ms", self.backoff_ms, 1)?;
        ms("patience_ms", self.patience_ms, 10)?;
        Ok(())
    }

    /// How many acceptors make a quorum out of `acceptors`: a majority, or
    /// (broken) half.
    pub fn quorum(&self, acceptors: usize) -> usize {
        if self.break_small_quorums {
            (acceptors / 2).max(1)
        } else {
            acceptors / 2 + 1
        }
    }

    /// Whether any "break it" toggle is on.
    pub fn broken(&self) -> bool {
        self.break_ignore_promised_values || self.break_forget_promise || self.break_small_quorums
    }
}

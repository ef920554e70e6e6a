use super::Membership;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The Raft labs' settings (a scenario's `params`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaftParams {
    /// Each election timeout is drawn uniformly from this range (ms).
    pub election_timeout_ms: [u64; 2],
    /// How often a leader sends heartbeats (ms).
    pub heartbeat_ms: u64,
    /// A new leader appends a no-op entry of its term (§8), so what came
    /// before it commits without waiting for a client.
    pub noop: bool,
    /// A follower that refuses AppendEntries names its conflicting term,
    /// so the leader skips back a term at a time (§5.3's optimisation)
    /// instead of one entry at a time.
    pub fast_backoff: bool,
    /// The most entries one AppendEntries carries.
    pub max_entries: u64,
    /// How long a client waits for an answer before trying another server.
    pub client_timeout_ms: u64,
    /// Each client sends a request this often (0: only when asked).
    pub workload_ms: u64,
    /// How many keys the workload's requests touch (x, y, z, …).
    pub keys: u64,
    /// How many servers (S1…) form the cluster at the start; the rest
    /// wait outside, with empty logs, until a leader adds them. 0: all.
    pub members: u64,
    /// How a membership change is made: `single` (one server at a time,
    /// dissertation §4.1) or `joint` (joint consensus, paper §6).
    pub membership: Membership,
    /// §9.6: a server asks for pre-votes before starting an election, and
    /// nobody grants one while it hears from a leader.
    pub pre_vote: bool,
    /// §9.6: a leader that has not heard from a majority for an election
    /// timeout steps down.
    pub check_quorum: bool,
    /// Log compaction (§7): a server snapshots its store once it has
    /// applied this many entries past its last snapshot, and drops them;
    /// a follower too far behind gets the leader's snapshot
    /// (InstallSnapshot). 0: off.
    #[serde(skip_serializing_if = "is_zero")]
    pub snapshot_every: u64,
    /// Logs the servers start with, each entry given by its term, as in
    /// Figure 7: `{"S2": [1, 1, 1, 4]}`. With any, every server starts in
    /// the highest term they hold (a server not named, with an empty log).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub logs: BTreeMap<String, Vec<u64>>,
    /// "Break it": a node may vote more than once per term. Election
    /// Safety can then fail; the lab shows where.
    pub break_one_vote_per_term: bool,
    /// "Break it": grant votes without §5.4.1's check that the candidate's
    /// log is at least as up to date.
    pub break_vote_without_log_check: bool,
    /// "Break it": a restarted server forgets whom it voted for.
    pub break_forget_vote_on_restart: bool,
    /// "Break it": a follower accepts AppendEntries without checking
    /// prevLogIndex/prevLogTerm.
    pub break_skip_consistency_check: bool,
    /// "Break it": a leader commits an entry of an older term once a
    /// majority stores it (the bug Figure 8 warns of).
    pub break_commit_old_terms: bool,
}

impl Default for RaftParams {
    fn default() -> Self {
        RaftParams {
            election_timeout_ms: [150, 300],
            heartbeat_ms: 50,
            noop: true,
            fast_backoff: false,
            max_entries: 16,
            client_timeout_ms: 500,
            workload_ms: 0,
            keys: 3,
            members: 0,
            membership: Membership::Single,
            pre_vote: false,
            check_quorum: false,
            snapshot_every: 0,
            break_one_vote_per_term: false,
            break_vote_without_log_check: false,
            break_forget_vote_on_restart: false,
            break_skip_consistency_check: false,
            break_commit_old_terms: false,
            logs: BTreeMap::new(),
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The names of the keys the workload uses, in order.
pub const KEY_NAMES: [&str; 8] = ["x", "y", "z", "w", "u", "v", "p", "q"];

impl RaftParams {
    /// Whether any "break it" setting is on.
    pub fn broken(&self) -> bool {
        self.break_one_vote_per_term
            || self.break_vote_without_log_check
            || self.break_forget_vote_on_restart
            || self.break_skip_consistency_check
            || self.break_commit_old_terms
    }

    /// The term every server starts in: the highest of the preset logs.
    pub fn preset_term(&self) -> u64 {
        self.logs.values().flatten().copied().max().unwrap_or(0)
    }

    /// The servers in the starting configuration, of `servers` in all.
    pub fn starting_members(&self, servers: usize) -> usize {
        match self.members {
            0 => servers,
            n => (n as usize).min(servers),
        }
    }

    /// Explains the first setting that cannot work, naming its field.
    pub fn check(&self) -> Result<(), (String, String)> {
        let [lo, hi] = self.election_timeout_ms;
        if lo == 0 || lo > hi || hi > 60_000 {
            return Err((
                "params.election_timeout_ms".into(),
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
            "max_entries",
            self.max_entries,
            1,
            1_000,
            "a number of entries",
        )?;
        within(
            "client_timeout_ms",
            self.client_timeout_ms,
            1,
            60_000,
            "a timeout in ms",
        )?;
        within(
            "workload_ms",
            self.workload_ms,
            0,
            600_000,
            "an interval in ms (0: off)",
        )?;
        within(
            "keys",
            self.keys,
            1,
            KEY_NAMES.len() as u64,
            "a number of keys",
        )?;
        within(
            "members",
            self.members,
            0,
            crate::scenario::MAX_NODES as u64,
            "a number of servers (0: all)",
        )?;
        within(
            "snapshot_every",
            self.snapshot_every,
            0,
            100_000,
            "a number of entries (0: off)",
        )?;
        for (name, terms) in &self.logs {
            let at = format!("params.logs.{name}");
            if terms.len() > 1_000 {
                return Err((
                    at,
                    format!(
                        "{} entries is too many for a preset log (at most 1000)",
                        terms.len()
                    ),
                ));
            }
            for (i, pair) in terms.windows(2).enumerate() {
                if pair[1] < pair[0] {
                    return Err((
                        format!("{at}[{}]", i + 1),
                        format!(
                            "term {} after term {}: a log's terms never go down",
                            pair[1], pair[0]
                        ),
                    ));
                }
            }
            if terms.first() == Some(&0) {
                return Err((format!("{at}[0]"), "terms start at 1".into()));
            }
        }
        Ok(())
    }
}

//! Consistency checking of client histories: importers for Jepsen's and
//! Porcupine's formats and ours, a linearizability checker (Wing & Gong's
//! search with Lowe's memoization, split by key), sequential consistency,
//! the session guarantees, PRAM and causal consistency for single-register
//! histories, and the map of which models a history satisfies.
//! See docs/consistency-checking.md.

pub mod examples;
pub mod explain;
pub(crate) mod fxhash;
pub mod hierarchy;
pub mod import;
pub mod linearizable;
pub mod model;
pub mod sequential;
pub mod sketch;
pub mod verdict;
pub mod weak;

pub use crate::sim::history::OpValue;
use serde::Serialize;

/// One operation of a history, its invocation and completion together.
/// Failed operations (which certainly did not happen) are not kept.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Op {
    /// Its position in `History::ops`.
    pub id: usize,
    /// The process that ran it, as the history names it ("P3", "C1").
    pub process: String,
    /// The function: read, write, cas, get, put, append, txn.
    pub f: String,
    /// The key, for key-value histories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The argument (a read's is nil).
    pub value: OpValue,
    /// What it returned, when known: a read's value, a write's value.
    /// `None` for an operation whose outcome is unknown.
    pub result: Option<OpValue>,
    /// The position of its invocation among the history's events.
    pub call: usize,
    /// The position of its completion; `None` when it never completed
    /// (`info`, or still open): it may take effect at any time after its
    /// invocation, or never.
    pub ret: Option<usize>,
    /// The times the source gave, if any (ms or ns, as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_time: Option<u64>,
    /// The source line of its invocation (1-based).
    pub line: usize,
}

impl Op {
    /// Completed with a known result.
    pub fn is_ok(&self) -> bool {
        self.ret.is_some() && self.result.is_some()
    }
    /// Did this operation finish before `other` started (real time)?
    pub fn precedes(&self, other: &Op) -> bool {
        self.ret.is_some_and(|r| r < other.call)
    }
}

/// A history: its operations in order of invocation.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct History {
    pub ops: Vec<Op>,
    /// How many events (invocations and completions) the source had.
    pub events: usize,
    /// How many operations failed (certainly did not happen) and were left out.
    pub failed: usize,
}

impl History {
    /// The operations of one key (all of them for a history without keys).
    pub fn keys(&self) -> Vec<Option<String>> {
        let mut keys: Vec<Option<String>> = Vec::new();
        for op in &self.ops {
            if !keys.contains(&op.key) {
                keys.push(op.key.clone());
            }
        }
        keys
    }

    /// The processes, in order of their first operation.
    pub fn processes(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for op in &self.ops {
            if !names.contains(&op.process) {
                names.push(op.process.clone());
            }
        }
        names
    }
}

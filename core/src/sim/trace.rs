use super::{DropReason, LinkState, NodeId, Time};
use serde::Serialize;

/// One thing that happened in a run. Generic over the model's message and
/// timer types so that `Hash` and `Serialize` come from the model's own.
#[derive(Clone, Debug, PartialEq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceEvent<M, T> {
    Boot {
        node: NodeId,
    },
    /// `arrives` is `None` when the message was lost at once.
    Send {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: M,
        arrives: Option<Time>,
    },
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: M,
    },
    Drop {
        id: u64,
        from: NodeId,
        to: NodeId,
        reason: DropReason,
    },
    Duplicate {
        id: u64,
        copy: u64,
    },
    Held {
        id: u64,
    },
    Released {
        id: u64,
        arrives: Time,
    },
    Timer {
        node: NodeId,
        timer: T,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Heal,
    /// A link's new state and settings (probabilities in parts per million).
    Link {
        from: NodeId,
        to: NodeId,
        state: LinkState,
        latency_ms: [u64; 2],
        drop_ppm: u32,
        duplicate_ppm: u32,
    },
    Request {
        node: NodeId,
        command: String,
        outcome: Result<String, String>,
    },
    Status {
        node: NodeId,
        role: &'static str,
        term: u64,
    },
    Violation {
        invariant: &'static str,
        detail: String,
    },
    Timeout {
        node: NodeId,
    },
    AlignTimers {
        at: Time,
    },
    /// An action that found nothing to act on (say, crashing a node that is down).
    Ignored {
        reason: String,
    },
}

#[derive(Clone, Debug, PartialEq, Hash, Serialize)]
pub struct TraceRecord<M, T> {
    pub at: Time,
    #[serde(flatten)]
    pub event: TraceEvent<M, T>,
}

/// The records of a run, in order. Index `i` is the `i`-th record ever
/// made; replaying an already-recorded stretch (after seeking back) does
/// not record it twice.
#[derive(Clone, Debug)]
pub struct Trace<M, T> {
    records: Vec<TraceRecord<M, T>>,
}

impl<M, T> Default for Trace<M, T> {
    fn default() -> Self {
        Trace {
            records: Vec::new(),
        }
    }
}

impl<M, T> Trace<M, T> {
    /// Whether record `index` still has to be stored.
    pub fn wants(&self, index: u64) -> bool {
        index as usize >= self.records.len()
    }

    pub fn push(&mut self, index: u64, record: TraceRecord<M, T>) {
        debug_assert_eq!(index as usize, self.records.len());
        self.records.push(record);
    }

    /// Forgets the records from `len` on (the future, after a fork).
    pub fn truncate(&mut self, len: u64) {
        self.records.truncate(len as usize);
    }

    pub fn records(&self) -> &[TraceRecord<M, T>] {
        &self.records
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

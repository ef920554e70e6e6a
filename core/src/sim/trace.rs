use super::history::{OpResult, OpValue};
use super::{DropReason, LinkState, NodeId, Protocol, Time};
use serde::Serialize;

/// One thing that happened in a run. Generic over the model's message,
/// timer, input, note and summary types (see `EventOf`) so that `Hash` and
/// `Serialize` come from the model's own.
#[derive(Clone, Debug, PartialEq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceEvent<M, T, I, N, S> {
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
        fifo: bool,
    },
    /// A stop-the-world pause: the node handles nothing until resumed.
    Pause {
        node: NodeId,
    },
    /// The node goes on; `waiting` messages it missed are delivered now.
    Resume {
        node: NodeId,
        waiting: u64,
    },
    /// The learner asked a node to do something of the lab's.
    Input {
        node: NodeId,
        input: I,
    },
    /// The node refused the input just recorded.
    Refused {
        node: NodeId,
        reason: String,
    },
    /// A fact the lab recorded ("entry 7 committed").
    Note {
        node: NodeId,
        note: N,
    },
    /// A node's summary (what the views show at a glance) changed.
    Summary {
        node: NodeId,
        summary: S,
    },
    /// A client operation started.
    Invoke {
        process: NodeId,
        op: u64,
        f: String,
        value: OpValue,
    },
    /// A client operation ended.
    Complete {
        process: NodeId,
        op: u64,
        result: OpResult,
        value: OpValue,
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
pub struct TraceRecord<M, T, I, N, S> {
    pub at: Time,
    #[serde(flatten)]
    pub event: TraceEvent<M, T, I, N, S>,
}

/// The trace event type of a protocol.
pub type EventOf<P> = TraceEvent<
    <P as Protocol>::Msg,
    <P as Protocol>::Timer,
    <P as Protocol>::Input,
    <P as Protocol>::Note,
    <P as Protocol>::Summary,
>;
/// The trace record type of a protocol.
pub type RecordOf<P> = TraceRecord<
    <P as Protocol>::Msg,
    <P as Protocol>::Timer,
    <P as Protocol>::Input,
    <P as Protocol>::Note,
    <P as Protocol>::Summary,
>;
/// The trace type of a protocol.
pub type TraceOf<P> = Trace<RecordOf<P>>;

/// The records of a run, in order: all of them, or (for a long run in the
/// browser) only a window of the latest, which the run re-derives from a
/// checkpoint when it travels back before it. Index `i` is the `i`-th record
/// ever made; replaying an already-recorded stretch does not record it twice.
#[derive(Clone, Debug)]
pub struct Trace<R> {
    /// The run index of `records[0]`.
    first: u64,
    records: Vec<R>,
    /// The bytes each kept record holds beyond its own size (a message's
    /// entries, a sentence), told when it is pushed, and their sum: the
    /// memory estimate counts them without rereading the records.
    extra: Vec<u32>,
    extra_total: usize,
    /// Keep about this many records (`None`: every record).
    window: Option<usize>,
}

impl<R> Default for Trace<R> {
    fn default() -> Self {
        Trace {
            first: 0,
            records: Vec::new(),
            extra: Vec::new(),
            extra_total: 0,
            window: None,
        }
    }
}

impl<R> Trace<R> {
    /// A trace that keeps only about the latest `window` records.
    pub fn windowed(window: usize) -> Self {
        Trace {
            window: Some(window.max(1)),
            ..Trace::default()
        }
    }

    /// A windowed trace's stretch starting at record `first` (a rebuild).
    pub(crate) fn starting_at(first: u64, window: Option<usize>) -> Self {
        Trace {
            first,
            window,
            ..Trace::default()
        }
    }

    /// Keeps about `window` records from now on (`None`: all of them).
    pub(crate) fn set_window(&mut self, window: Option<usize>) {
        self.window = window.map(|w| w.max(1));
    }

    pub fn window(&self) -> Option<usize> {
        self.window
    }

    /// Whether record `index` still has to be stored.
    pub fn wants(&self, index: u64) -> bool {
        index >= self.end()
    }

    /// Stores record `index`, which holds `extra` bytes beyond its size.
    pub fn push(&mut self, index: u64, record: R, extra: usize) {
        debug_assert_eq!(index, self.end());
        self.records.push(record);
        let extra = u32::try_from(extra).unwrap_or(u32::MAX);
        self.extra.push(extra);
        self.extra_total += extra as usize;
        // Drop the oldest half at a time, so pushing stays amortised O(1).
        if let Some(window) = self.window {
            if self.records.len() >= 2 * window {
                let drop = self.records.len() - window;
                self.records.drain(..drop);
                self.forget_extra(..drop);
                self.first += drop as u64;
            }
        }
    }

    fn forget_extra(&mut self, range: std::ops::RangeTo<usize>) {
        let gone: usize = self.extra.drain(range).map(|e| e as usize).sum();
        self.extra_total -= gone;
    }

    /// The extra bytes of each kept record (see `push`).
    pub fn extras(&self) -> &[u32] {
        &self.extra
    }

    /// About the bytes the kept records hold: the vectors as allocated
    /// (a window's holds up to twice the window) and the records' extras.
    pub fn held_bytes(&self) -> usize {
        self.records.capacity() * std::mem::size_of::<R>()
            + self.extra.capacity() * std::mem::size_of::<u32>()
            + self.extra_total
    }

    /// Forgets the records from `len` on (the future, after a fork).
    pub fn truncate(&mut self, len: u64) {
        let keep = len.saturating_sub(self.first) as usize;
        if len <= self.first {
            self.first = len;
        }
        self.records.truncate(keep);
        let gone: usize = self
            .extra
            .drain(keep.min(self.extra.len())..)
            .map(|e| e as usize)
            .sum();
        self.extra_total -= gone;
    }

    /// The records kept: every record, or the window's.
    pub fn records(&self) -> &[R] {
        &self.records
    }

    /// The run index of the first record kept.
    pub fn first(&self) -> u64 {
        self.first
    }

    /// One past the index of the last record made.
    pub fn end(&self) -> u64 {
        self.first + self.records.len() as u64
    }

    /// How many records the run has made (kept or not).
    pub fn len(&self) -> usize {
        self.end() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end() == 0
    }
}

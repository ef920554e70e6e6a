//! The landmarks of a run for a timeline: the stretches a lab draws as
//! bands (Raft: each leadership) and where invariants broke. The run reads
//! them from each record once, when the record is first made, so they
//! cover the whole run even when the trace keeps only a window.

use super::{NodeId, Summary, Time, TraceEvent, TraceRecord};

/// A stretch in which a node's summary asked for a band.
#[derive(Clone, Debug, PartialEq)]
pub struct Stretch {
    pub at_ms: Time,
    pub node: NodeId,
    /// The summary's words for it ("term 4").
    pub label: String,
    pub colour: Option<u64>,
    /// When it ended (the node changed or crashed), if it has.
    pub until_ms: Option<Time>,
    start: u64,
    end: Option<u64>,
}

/// A broken invariant on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Breach {
    pub at_ms: Time,
    pub invariant: &'static str,
    index: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Landmarks {
    pub stretches: Vec<Stretch>,
    pub breaches: Vec<Breach>,
    /// Records read so far (the run's furthest record).
    scanned: u64,
    /// Grows with every change, so views can tell when to redraw.
    pub revision: u64,
}

impl Landmarks {
    pub fn scanned(&self) -> u64 {
        self.scanned
    }

    /// Reads record `index` if it is new.
    pub(crate) fn read<M, T, I, N, S: Summary>(
        &mut self,
        index: u64,
        record: &TraceRecord<M, T, I, N, S>,
    ) {
        if index < self.scanned {
            return;
        }
        self.scanned = index + 1;
        match &record.event {
            TraceEvent::Summary { node, summary } => {
                let band = summary.band();
                let open = self
                    .stretches
                    .iter()
                    .rposition(|s| s.node == *node && s.end.is_none());
                if open.is_some_and(|i| Some(&self.stretches[i].label) == band.as_ref()) {
                    return;
                }
                self.end(*node, record.at, index);
                if let Some(label) = band {
                    self.stretches.push(Stretch {
                        at_ms: record.at,
                        node: *node,
                        label,
                        colour: summary.colour(),
                        until_ms: None,
                        start: index,
                        end: None,
                    });
                    self.revision += 1;
                }
            }
            TraceEvent::Crash { node } => self.end(*node, record.at, index),
            TraceEvent::Violation { invariant, .. } => {
                self.breaches.push(Breach {
                    at_ms: record.at,
                    invariant,
                    index,
                });
                self.revision += 1;
            }
            _ => {}
        }
    }

    fn end(&mut self, node: NodeId, at: Time, index: u64) {
        for stretch in self
            .stretches
            .iter_mut()
            .filter(|s| s.node == node && s.end.is_none())
        {
            stretch.until_ms = Some(at);
            stretch.end = Some(index);
            self.revision += 1;
        }
    }

    /// Forgets what happened from record `len` on (a fork).
    pub(crate) fn truncate(&mut self, len: u64) {
        self.stretches.retain(|s| s.start < len);
        for stretch in &mut self.stretches {
            if stretch.end.is_some_and(|end| end >= len) {
                stretch.end = None;
                stretch.until_ms = None;
            }
        }
        self.breaches.retain(|b| b.index < len);
        self.scanned = self.scanned.min(len);
        self.revision += 1;
    }
}

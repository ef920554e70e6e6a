//! The landmarks of a run for the timeline: the stretches a lab draws as
//! bands (Raft: each leadership), and where invariants broke. Read
//! incrementally from the trace, so a playing run costs only its new
//! records each frame; a fork (a shorter trace) rescans.

use distviz_core::sim::{NodeId, Summary, Time, TraceEvent, TraceRecord};

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
}

#[derive(Clone, Debug, Default)]
pub struct Milestones {
    scanned: usize,
    /// The controller's revision these landmarks were read at.
    revision: u64,
    pub stretches: Vec<Stretch>,
    pub violations: Vec<Time>,
}

impl Milestones {
    /// Reads the records not read yet; everything again when the run was
    /// replaced or forked since (`revision` changed).
    pub fn update<M, T, I, N, S: Summary>(
        &mut self,
        records: &[TraceRecord<M, T, I, N, S>],
        revision: u64,
    ) {
        if revision != self.revision || records.len() < self.scanned {
            *self = Milestones {
                revision,
                ..Milestones::default()
            };
        }
        for record in &records[self.scanned..] {
            match &record.event {
                TraceEvent::Summary { node, summary } => {
                    let band = summary.band();
                    let open = self
                        .stretches
                        .iter()
                        .rposition(|s| s.node == *node && s.until_ms.is_none());
                    if open.is_some_and(|i| Some(&self.stretches[i].label) == band.as_ref()) {
                        continue;
                    }
                    self.end(*node, record.at);
                    if let Some(label) = band {
                        self.stretches.push(Stretch {
                            at_ms: record.at,
                            node: *node,
                            label,
                            colour: summary.colour(),
                            until_ms: None,
                        });
                    }
                }
                TraceEvent::Crash { node } => self.end(*node, record.at),
                TraceEvent::Violation { .. } => self.violations.push(record.at),
                _ => {}
            }
        }
        self.scanned = records.len();
    }

    fn end(&mut self, node: NodeId, at: Time) {
        for stretch in self
            .stretches
            .iter_mut()
            .filter(|s| s.node == node && s.until_ms.is_none())
        {
            stretch.until_ms = Some(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distviz_core::lab;
    use distviz_core::scenario::Scenario;
    use distviz_core::sim::Action;

    #[test]
    fn follows_the_trace_through_a_fork() {
        let mut run = lab::raft_election(&Scenario::new(lab::RAFT_ELECTION, 1, 5)).unwrap();
        let mut marks = Milestones::default();
        run.advance_to(1_000);
        marks.update(run.trace().records(), 0);
        assert_eq!(marks.stretches.len(), 1);
        let first = marks.stretches[0].clone();
        run.intervene(Action::Crash { node: first.node }).unwrap();
        run.advance_to(3_000);
        marks.update(run.trace().records(), 1);
        assert_eq!(marks.stretches.len(), 2);
        assert!(
            marks.stretches[0].until_ms.is_some(),
            "the crash ended the first leadership"
        );
        assert!(marks.stretches[1].colour > first.colour, "a higher term");
        // Travel back before the crash and fork: the second leader is gone.
        run.seek_time(500);
        run.intervene(Action::Heal).unwrap();
        marks.update(run.trace().records(), 2);
        assert!(marks.stretches.iter().all(|l| l.at_ms <= 500));
    }
}

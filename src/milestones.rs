//! The landmarks of a run for the timeline: who led from when, and where
//! invariants broke. Read incrementally from the trace, so a playing run
//! costs only its new records each frame; a fork (a shorter trace) rescans.

use distviz_core::sim::{NodeId, Time, TraceEvent, TraceRecord};

#[derive(Clone, Debug, PartialEq)]
pub struct Leadership {
    pub at_ms: Time,
    pub node: NodeId,
    pub term: u64,
    /// When it stopped leading (crashed or stepped down), if it has.
    pub until_ms: Option<Time>,
}

#[derive(Clone, Debug, Default)]
pub struct Milestones {
    scanned: usize,
    /// The controller's revision these landmarks were read at.
    revision: u64,
    pub leaders: Vec<Leadership>,
    pub violations: Vec<Time>,
}

impl Milestones {
    /// Reads the records not read yet; everything again when the run was
    /// replaced or forked since (`revision` changed).
    pub fn update<M, T>(&mut self, records: &[TraceRecord<M, T>], revision: u64) {
        if revision != self.revision || records.len() < self.scanned {
            *self = Milestones {
                revision,
                ..Milestones::default()
            };
        }
        for record in &records[self.scanned..] {
            match &record.event {
                TraceEvent::Status {
                    node,
                    role: "leader",
                    term,
                } => self.leaders.push(Leadership {
                    at_ms: record.at,
                    node: *node,
                    term: *term,
                    until_ms: None,
                }),
                TraceEvent::Status { node, .. } | TraceEvent::Crash { node } => {
                    for lead in self
                        .leaders
                        .iter_mut()
                        .filter(|l| l.node == *node && l.until_ms.is_none())
                    {
                        lead.until_ms = Some(record.at);
                    }
                }
                TraceEvent::Violation { .. } => self.violations.push(record.at),
                _ => {}
            }
        }
        self.scanned = records.len();
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
        assert_eq!(marks.leaders.len(), 1);
        let first = marks.leaders[0].clone();
        run.intervene(Action::Crash { node: first.node });
        run.advance_to(3_000);
        marks.update(run.trace().records(), 1);
        assert_eq!(marks.leaders.len(), 2);
        assert!(
            marks.leaders[0].until_ms.is_some(),
            "the crash ended the first leadership"
        );
        assert!(marks.leaders[1].term > first.term);
        // Travel back before the crash and fork: the second leader is gone.
        run.seek_time(500);
        run.intervene(Action::Heal);
        marks.update(run.trace().records(), 2);
        assert!(marks.leaders.iter().all(|l| l.at_ms <= 500));
    }
}

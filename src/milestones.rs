//! The Raft lab's landmarks for the timeline: who led from when, terms that
//! got no leader, and where invariants broke. Read incrementally from the
//! trace, so a playing run costs only its new records each frame; a fork (a
//! shorter trace) rescans.

use distviz_core::raft::{Raft, RaftSummary, Role};
use distviz_core::sim::{NodeId, RecordOf, Time, TraceEvent};

#[derive(Clone, Debug, PartialEq)]
pub struct Leadership {
    pub at_ms: Time,
    pub node: NodeId,
    pub term: u64,
    /// When it stopped leading (crashed or stepped down), if it has.
    pub until_ms: Option<Time>,
}

/// A term from its first candidate until a higher term begins: whether it
/// got a leader, and who stood. A term with no leader is a split vote (or
/// a minority that cannot win) and gets a band of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct TermSpan {
    pub term: u64,
    pub start_ms: Time,
    pub end_ms: Option<Time>,
    pub candidates: Vec<NodeId>,
    pub led: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Milestones {
    scanned: usize,
    /// The controller's revision these landmarks were read at.
    revision: u64,
    pub leaders: Vec<Leadership>,
    pub violations: Vec<Time>,
    pub terms: Vec<TermSpan>,
}

impl Milestones {
    /// Reads the records not read yet; everything again when the run was
    /// replaced or forked since (`revision` changed).
    pub fn update(&mut self, records: &[RecordOf<Raft>], revision: u64) {
        if revision != self.revision || records.len() < self.scanned {
            *self = Milestones {
                revision,
                ..Milestones::default()
            };
        }
        for record in &records[self.scanned..] {
            if let TraceEvent::Summary {
                node,
                summary: RaftSummary { role, term },
            } = &record.event
            {
                self.see_term(record.at, *node, *role, *term);
            }
            match &record.event {
                TraceEvent::Summary {
                    node,
                    summary:
                        RaftSummary {
                            role: Role::Leader,
                            term,
                        },
                } => self.leaders.push(Leadership {
                    at_ms: record.at,
                    node: *node,
                    term: *term,
                    until_ms: None,
                }),
                TraceEvent::Summary { node, .. } | TraceEvent::Crash { node } => {
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

    fn see_term(&mut self, at: Time, node: NodeId, role: Role, term: u64) {
        if term == 0 {
            return;
        }
        if self.terms.last().is_none_or(|last| term > last.term) {
            for span in self.terms.iter_mut().filter(|s| s.end_ms.is_none()) {
                span.end_ms = Some(at);
            }
            self.terms.push(TermSpan {
                term,
                start_ms: at,
                end_ms: None,
                candidates: Vec::new(),
                led: false,
            });
        }
        let Some(span) = self.terms.iter_mut().rev().find(|s| s.term == term) else {
            return;
        };
        match role {
            Role::Candidate if !span.candidates.contains(&node) => span.candidates.push(node),
            Role::Leader => span.led = true,
            _ => {}
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
        assert_eq!(marks.leaders.len(), 1);
        let first = marks.leaders[0].clone();
        run.intervene(Action::Crash { node: first.node }).unwrap();
        run.advance_to(3_000);
        marks.update(run.trace().records(), 1);
        assert_eq!(marks.leaders.len(), 2);
        assert!(
            marks.leaders[0].until_ms.is_some(),
            "the crash ended the first leadership"
        );
        assert!(marks.leaders[1].term > first.term);
        // Travel back before the crash and fork: the second leader is gone.
        assert!(marks.terms.iter().all(|t| t.led), "{:?}", marks.terms);
        run.seek_time(500);
        run.intervene(Action::Heal).unwrap();
        marks.update(run.trace().records(), 2);
        assert!(marks.leaders.iter().all(|l| l.at_ms <= 500));
    }

    #[test]
    fn a_term_without_a_leader_is_kept_with_its_candidates() {
        let mut run = lab::raft_election(&Scenario::new(lab::RAFT_ELECTION, 1, 5)).unwrap();
        run.advance_to(1_000);
        let mut marks = Milestones::default();
        marks.update(run.trace().records(), 0);
        let leader = marks.leaders[0].node;
        run.intervene(Action::Crash { node: leader }).unwrap();
        run.advance_to(1_050);
        run.intervene(Action::AlignTimers).unwrap();
        run.advance_to(4_000);
        marks.update(run.trace().records(), 1);
        let split = marks
            .terms
            .iter()
            .find(|t| !t.led)
            .expect("a leaderless term");
        assert!(split.candidates.len() >= 2, "{split:?}");
        assert!(split.end_ms.is_some(), "a later term ended it");
        assert!(
            marks.terms.last().unwrap().led,
            "random timeouts broke the tie"
        );
    }
}

//! The Raft lab's timeline: who led each term from when to when, and the
//! terms that got no leader (a split vote, or a side too small to win).
//! Read once per record as the run makes it, and cut back on a fork, so it
//! needs no trace kept behind it.

use super::{Raft, RaftSummary, Role};
use crate::sim::{NodeId, RecordOf, Time, TraceEvent};

/// A node's stretch as leader of a term.
#[derive(Clone, Debug, PartialEq)]
pub struct Leadership {
    pub at_ms: Time,
    pub node: NodeId,
    pub term: u64,
    /// When it stopped leading (crashed or stepped down), if it has.
    pub until_ms: Option<Time>,
    start: u64,
    end: Option<u64>,
}

/// A term from its first candidate until a higher term begins: whether it
/// got a leader, and who stood.
#[derive(Clone, Debug, PartialEq)]
pub struct TermSpan {
    pub term: u64,
    pub start_ms: Time,
    pub end_ms: Option<Time>,
    /// Who stood, with the record that said so.
    candidates: Vec<(NodeId, u64)>,
    /// The record at which it first got a leader.
    led_at: Option<u64>,
    start: u64,
    end: Option<u64>,
}

impl TermSpan {
    pub fn led(&self) -> bool {
        self.led_at.is_some()
    }
    pub fn candidates(&self) -> usize {
        self.candidates.len()
    }
}

#[derive(Clone, Debug, Default)]
pub struct RaftLandmarks {
    pub leaders: Vec<Leadership>,
    pub terms: Vec<TermSpan>,
    /// Grows with every change, so views can tell when to redraw.
    pub revision: u64,
}

impl RaftLandmarks {
    pub(super) fn read(&mut self, index: u64, record: &RecordOf<Raft>) {
        let at = record.at;
        match &record.event {
            TraceEvent::Summary {
                node,
                summary: RaftSummary { role, term },
            } => {
                self.end_leadership(*node, at, index);
                if *role == Role::Leader {
                    self.leaders.push(Leadership {
                        at_ms: at,
                        node: *node,
                        term: *term,
                        until_ms: None,
                        start: index,
                        end: None,
                    });
                }
                self.see_term(at, index, *node, *role, *term);
            }
            TraceEvent::Crash { node } => self.end_leadership(*node, at, index),
            _ => return,
        }
        self.revision += 1;
    }

    fn end_leadership(&mut self, node: NodeId, at: Time, index: u64) {
        for lead in self
            .leaders
            .iter_mut()
            .filter(|l| l.node == node && l.end.is_none())
        {
            lead.until_ms = Some(at);
            lead.end = Some(index);
        }
    }

    fn see_term(&mut self, at: Time, index: u64, node: NodeId, role: Role, term: u64) {
        if term == 0 {
            return;
        }
        if self.terms.last().is_none_or(|last| term > last.term) {
            for span in self.terms.iter_mut().filter(|s| s.end.is_none()) {
                span.end_ms = Some(at);
                span.end = Some(index);
            }
            self.terms.push(TermSpan {
                term,
                start_ms: at,
                end_ms: None,
                candidates: Vec::new(),
                led_at: None,
                start: index,
                end: None,
            });
        }
        let Some(span) = self.terms.iter_mut().rev().find(|s| s.term == term) else {
            return;
        };
        match role {
            Role::Candidate if !span.candidates.iter().any(|(n, _)| *n == node) => {
                span.candidates.push((node, index))
            }
            Role::Leader if span.led_at.is_none() => span.led_at = Some(index),
            _ => {}
        }
    }

    /// Forgets what records `from` and later said.
    pub(super) fn forget(&mut self, from: u64) {
        self.leaders.retain(|l| l.start < from);
        for lead in &mut self.leaders {
            if lead.end.is_some_and(|end| end >= from) {
                lead.end = None;
                lead.until_ms = None;
            }
        }
        self.terms.retain(|t| t.start < from);
        for span in &mut self.terms {
            if span.end.is_some_and(|end| end >= from) {
                span.end = None;
                span.end_ms = None;
            }
            span.candidates.retain(|(_, at)| *at < from);
            if span.led_at.is_some_and(|at| at >= from) {
                span.led_at = None;
            }
        }
        self.revision += 1;
    }
}

#[cfg(test)]
mod tests {
    use crate::lab;
    use crate::scenario::Scenario;
    use crate::sim::Action;

    #[test]
    fn leaders_follow_the_trace_through_a_fork_and_a_window() {
        let mut run = lab::raft_election(&Scenario::new(lab::RAFT_ELECTION, 1, 5)).unwrap();
        run.keep_window(200);
        run.advance_to(1_000);
        assert_eq!(run.lab_landmarks().leaders.len(), 1);
        let first = run.lab_landmarks().leaders[0].clone();
        run.intervene(Action::Crash { node: first.node }).unwrap();
        run.advance_to(3_000);
        let marks = run.lab_landmarks();
        assert_eq!(marks.leaders.len(), 2);
        assert!(marks.leaders[0].until_ms.is_some(), "the crash ended it");
        assert!(marks.leaders[1].term > first.term);
        assert!(marks.terms.iter().all(|t| t.led()));
        // Travel back before the crash and fork: the second leader is gone,
        // and the first leads on.
        run.seek_time(500);
        run.intervene(Action::Heal).unwrap();
        let marks = run.lab_landmarks();
        assert_eq!(marks.leaders.len(), 1);
        assert_eq!(marks.leaders[0].until_ms, None);
    }

    #[test]
    fn a_term_without_a_leader_is_kept_with_its_candidates() {
        let mut run = lab::raft_election(&Scenario::new(lab::RAFT_ELECTION, 1, 5)).unwrap();
        run.advance_to(1_000);
        let leader = run.lab_landmarks().leaders[0].node;
        run.intervene(Action::Crash { node: leader }).unwrap();
        run.advance_to(1_050);
        // Let the leader's last heartbeats land, then align: a split vote.
        run.advance_to(run.now() + 100);
        run.intervene(Action::AlignTimers).unwrap();
        run.advance_to(4_000);
        let marks = run.lab_landmarks();
        let split = marks.terms.iter().find(|t| !t.led());
        let split = split.expect("a term with no leader");
        assert!(split.candidates() >= 2, "{split:?}");
        assert!(split.end_ms.is_some(), "a later term began");
    }
}

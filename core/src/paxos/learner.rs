//! The learner (§2.3): a value is learned only from a quorum of acceptors
//! that accepted the same ballot.

use super::io::Io;
use super::{Ballot, LearnerState, Note, Paxos, Proposal};
use crate::sim::NodeId;

impl Paxos {
    /// Counts an Accepted; returns the proposal when this one completes a
    /// quorum for its ballot. The first such proposal is the one learned
    /// (a value is learned once).
    pub(super) fn on_accepted(
        &self,
        learner: &mut LearnerState,
        from: NodeId,
        proposal: Proposal,
        io: &mut Io,
    ) -> Option<Proposal> {
        let Proposal { ballot, value } = proposal;
        let (_, senders) = learner
            .heard
            .entry(ballot)
            .or_insert_with(|| (value.clone(), Vec::new()));
        if senders.contains(&from) {
            return None;
        }
        senders.push(from);
        if senders.len() != self.quorum(io.ctx) {
            return None;
        }
        let heard = Proposal { ballot, value };
        if learner.learned.is_none() {
            learner.learned = Some(heard.clone());
            io.ctx.record(Note::Learned {
                ballot,
                value: heard.value.clone(),
            });
        }
        Some(heard)
    }

    /// Who has been heard to accept a ballot.
    pub fn heard_from(learner: &LearnerState, ballot: Ballot) -> &[NodeId] {
        learner
            .heard
            .get(&ballot)
            .map_or(&[], |(_, from)| from.as_slice())
    }
}

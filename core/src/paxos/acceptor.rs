//! The acceptor (Paxos Made Simple §2.2, P1a): promise never to accept a
//! ballot below the highest it promised; report what it accepted.

use super::io::Io;
use super::{AcceptorState, Ballot, Msg, Paxos, Proposal};
use crate::sim::NodeId;

impl Paxos {
    pub(super) fn on_prepare(
        &self,
        acceptor: &mut AcceptorState,
        from: NodeId,
        ballot: Ballot,
        io: &mut Io,
    ) {
        match acceptor.promised {
            Some(promised) if ballot < promised => {
                io.send(from, Msg::Nack { ballot, promised });
            }
            _ => {
                acceptor.promised = Some(ballot);
                io.ctx.persist();
                let accepted = acceptor.accepted.clone();
                io.send(from, Msg::Promise { ballot, accepted });
            }
        }
    }

    pub(super) fn on_accept(
        &self,
        acceptor: &mut AcceptorState,
        from: NodeId,
        proposal: Proposal,
        io: &mut Io,
    ) {
        let ballot = proposal.ballot;
        match acceptor.promised {
            Some(promised) if ballot < promised => {
                io.send(from, Msg::Nack { ballot, promised });
            }
            _ => {
                acceptor.promised = Some(ballot);
                acceptor.accepted = Some(proposal.clone());
                io.ctx.persist();
                let learners: Vec<NodeId> = self.learners(io.ctx).collect();
                for learner in learners {
                    io.send(
                        learner,
                        Msg::Accepted {
                            ballot,
                            value: proposal.value.clone(),
                        },
                    );
                }
            }
        }
    }
}

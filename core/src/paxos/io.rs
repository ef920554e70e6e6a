//! A node's outbox: messages to other nodes go on the network; a message a
//! machine sends to itself (a proposer that is also an acceptor and a
//! learner) is handled at once, without the network.

use super::{Msg, Paxos};
use crate::sim::{Ctx, NodeId};
use std::collections::VecDeque;

pub(super) struct Io<'x, 'a> {
    pub ctx: &'x mut Ctx<'a, Paxos>,
    local: VecDeque<Msg>,
}

impl<'x, 'a> Io<'x, 'a> {
    pub fn new(ctx: &'x mut Ctx<'a, Paxos>) -> Self {
        Io {
            ctx,
            local: VecDeque::new(),
        }
    }

    pub fn me(&self) -> NodeId {
        self.ctx.me()
    }

    pub fn send(&mut self, to: NodeId, msg: Msg) {
        if to == self.ctx.me() {
            self.local.push_back(msg);
        } else {
            self.ctx.send(to, msg);
        }
    }

    /// The next message this node sent itself, if any.
    pub fn next_local(&mut self) -> Option<Msg> {
        self.local.pop_front()
    }
}

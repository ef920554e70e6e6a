//! A server's outbox: messages to other nodes go on the network (and are
//! counted); a message a server sends itself (the leader is an acceptor and
//! a learner too) is handled at once, without the network.

use super::{Msg, MultiPaxos, Sent};
use crate::sim::{Ctx, NodeId, SERVERS};
use std::collections::VecDeque;

pub(super) struct Io<'x, 'a> {
    pub ctx: &'x mut Ctx<'a, MultiPaxos>,
    local: VecDeque<Msg>,
    pub sent: Sent,
}

impl<'x, 'a> Io<'x, 'a> {
    pub fn new(ctx: &'x mut Ctx<'a, MultiPaxos>) -> Self {
        Io {
            ctx,
            local: VecDeque::new(),
            sent: Sent::default(),
        }
    }

    pub fn me(&self) -> NodeId {
        self.ctx.me()
    }

    pub fn send(&mut self, to: NodeId, msg: Msg) {
        if to == self.ctx.me() {
            self.local.push_back(msg);
        } else {
            self.sent.add(msg.class());
            self.ctx.send(to, msg);
        }
    }

    /// Sends to every server, this one included.
    pub fn send_servers(&mut self, msg: Msg) {
        let servers: Vec<NodeId> = self.ctx.nodes_of(SERVERS).collect();
        for to in servers {
            self.send(to, msg.clone());
        }
    }

    /// Sends to every other server.
    pub fn send_others(&mut self, msg: Msg) {
        let others: Vec<NodeId> = self.ctx.peers().collect();
        for to in others {
            self.send(to, msg.clone());
        }
    }

    /// A majority of the servers.
    pub fn quorum(&self) -> usize {
        self.ctx.count(SERVERS) / 2 + 1
    }

    /// The next message this server sent itself, if any.
    pub fn next_local(&mut self) -> Option<Msg> {
        self.local.pop_front()
    }
}

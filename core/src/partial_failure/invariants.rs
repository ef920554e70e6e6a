use super::{Node, Op, PartialFailure};
use crate::sim::{InvariantInfo, NodeId, NodeView};
use rpds::RedBlackTreeMap;
use std::collections::BTreeMap;

pub const APPLIED_AT_MOST_ONCE: InvariantInfo = InvariantInfo {
    name: "Applied at most once",
    description: "Each increment a client asks for changes the counter at most once, \
                  however often the request is sent.",
};

/// What the check remembers: how often each request was applied.
#[derive(Clone, Debug, Default)]
pub struct PfMonitor {
    /// Applications seen per server (its `applied` count), by node.
    seen: BTreeMap<NodeId, u64>,
    /// Times each (client, request) increment was applied, anywhere.
    /// Persistent: it grows with the run, and every checkpoint holds a copy.
    times: RedBlackTreeMap<(NodeId, u64), u32>,
}

impl PfMonitor {
    /// How many times a client's request has been applied so far.
    pub fn times_applied(&self, client: NodeId, req: u64) -> u32 {
        self.times.get(&(client, req)).copied().unwrap_or(0)
    }

    /// Increments applied more than once: (client, request, times).
    pub fn duplicates(&self) -> impl Iterator<Item = (NodeId, u64, u32)> + '_ {
        self.times
            .iter()
            .filter(|&(_, &n)| n > 1)
            .map(|(&(c, r), &n)| (c, r, n))
    }

    pub(super) fn check(
        &mut self,
        nodes: &[NodeView<'_, PartialFailure>],
    ) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        for view in nodes {
            let Some(Node::Server(server)) = view.live else {
                continue;
            };
            let seen = self.seen.entry(view.id).or_insert(server.applied);
            if server.applied == *seen {
                continue;
            }
            // A step applies at most one request per server.
            *seen = server.applied;
            let Some((client, req, Op::Increment)) = server.last_applied else {
                continue;
            };
            let times = self.times_applied(client, req) + 1;
            self.times.insert_mut((client, req), times);
            if times > 1 {
                found.push((
                    APPLIED_AT_MOST_ONCE.name,
                    format!(
                        "{client}'s request #{req} was applied {times} times (this time by {}): \
                         the request reached a server more than once (a retry after silence, or \
                         a copy the network made), and nothing stopped it being applied again",
                        view.id
                    ),
                ));
            }
        }
        found
    }
}

//! The learner: chosen slots, from the leader's majority of Accepted or
//! from its Chosen messages, applied in slot order, never past a hole, to
//! the same key-value store as the Raft lab's.

use super::io::Io;
use super::{Entry, Msg, MultiPaxos, Server};
use crate::raft::{Answer, Applied};

impl MultiPaxos {
    /// The leader says these slots are chosen.
    pub(super) fn on_chosen(&self, s: &mut Server, first: u64, entries: Vec<Entry>, io: &mut Io) {
        let mut any = false;
        for (slot, entry) in (first..).zip(entries) {
            if slot > s.learner.applied() && !s.learner.ahead.contains_key(&slot) {
                s.learner.ahead.insert(slot, entry);
                any = true;
            }
        }
        if any {
            self.apply(s, io);
        }
    }

    /// This server learned that `slot` is chosen.
    pub(super) fn learn(&self, s: &mut Server, slot: u64, entry: Entry, io: &mut Io) {
        if slot > s.learner.applied() {
            s.learner.ahead.entry(slot).or_insert(entry);
            self.apply(s, io);
        }
    }

    /// Applies every chosen slot that follows the applied ones, in order,
    /// and answers the clients this server owes.
    fn apply(&self, s: &mut Server, io: &mut Io) {
        let mut applied_any = false;
        loop {
            let next = s.learner.applied() + 1;
            let Some(entry) = s.learner.ahead.remove(&next) else {
                break;
            };
            let result = s.learner.kv.apply(&entry.as_log_entry(next));
            if let Some((client, req)) = entry.client {
                if s.owed.get(&client) == Some(&req) {
                    s.owed.remove(&client);
                    let value = match result {
                        Applied::Ran(v) | Applied::Repeat(v) => v,
                        Applied::Nothing => None,
                    };
                    let answer = Answer::Done { index: next, value };
                    io.send(client, Msg::ClientReply { req, answer });
                }
            }
            s.learner.log.push(entry);
            applied_any = true;
        }
        if applied_any {
            io.ctx.persist();
        }
    }
}

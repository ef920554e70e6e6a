//! Multi-Paxos (Lamport, "Paxos Made Simple" §3; guide section 7).
//!
//! Servers `S1…` each play proposer, acceptor and learner; clients `C1…`
//! send key-value commands as in the Raft lab. A server that hears no
//! leader for a while runs phase 1 once for every slot from its first
//! unchosen one, with a ballot above any it has seen; promises carry what
//! each acceptor accepted in those slots. With a majority it leads: it
//! proposes again the highest-ballot entry reported for each slot, fills
//! the holes with no-ops, and then runs only phase 2 per command
//! (Accept/Accepted). A slot is chosen when a majority accepted one
//! ballot's entry; the leader learns it from their Accepted and tells the
//! others (Lamport's distinguished learner). Learners apply chosen slots in
//! order to the Raft lab's key-value store, whose client sessions make a
//! retried request apply once. Heartbeats keep followers from running
//! while a leader is alive. The monitor checks safety after every event.

mod acceptor;
mod client;
mod costs;
mod io;
mod leader;
mod learner;
mod messages;
mod monitor;
mod params;
mod random;
mod state;
mod words;

pub use costs::Costs;
pub use messages::{Entry, Msg, MsgClass, SlotVote, Timer};
pub use monitor::{
    MsgTotals, MultiPaxosMonitor, SlotChoice, APPLIED_ARE_CHOSEN, INVARIANTS, ONE_VALUE_PER_SLOT,
    PROMISE_COVERS_ACCEPTED, STATE_MACHINE_SAFETY,
};
pub use params::MultiPaxosParams;
pub use random::random_request;
pub use state::{
    Accepted, Acceptor, ClientNode, InFlight, Learner, MultiPaxosSummary, Note, Peer, Role, Saved,
    Sent, Server, ServerSaved,
};

use crate::raft::ClientInput;
use crate::sim::{
    Ctx, InvariantInfo, Kind, NodeId, NodeView, Protocol, Time, CLIENT, CLIENTS, SERVERS,
};
use io::Io;
use std::collections::BTreeMap;

/// Why an `add` or `remove` input (Raft's membership changes) is refused.
pub const NO_MEMBERSHIP: &str =
    "Multi-Paxos has no membership changes (add and remove are Raft's): a client sends set, get, del or any";

#[derive(Clone, Debug, PartialEq)]
pub struct MultiPaxos {
    pub params: MultiPaxosParams,
}

impl MultiPaxos {
    pub fn new(params: MultiPaxosParams) -> Self {
        MultiPaxos { params }
    }

    fn boot_server(&self, saved: Option<&ServerSaved>, ctx: &mut Ctx<Self>) -> Server {
        let mut learner = Learner::default();
        if let Some(saved) = saved {
            // The store is rebuilt from the chosen slots on disk.
            for (i, entry) in saved.log.iter().enumerate() {
                learner.kv.apply(&entry.as_log_entry(i as u64 + 1));
            }
            learner.log = saved.log.clone();
        }
        let round = saved.map_or(0, |s| s.round);
        let server = Server {
            id: ctx.me(),
            round,
            seen_round: round,
            role: Role::Follower { leader: None },
            acceptor: Acceptor {
                promised: saved.and_then(|s| s.promised),
                accepted: saved.map(|s| s.accepted.clone()).unwrap_or_default(),
                accepts: saved.map_or(0, |s| s.accepts),
                recent: Vec::new(),
                recent_at: 0,
            },
            learner,
            owed: BTreeMap::new(),
            queued: Vec::new(),
            sent: Sent::default(),
        };
        let mut io = Io::new(ctx);
        self.reset_leader_timer(&mut io);
        server
    }

    /// Handles one message to this server, and every message it sends
    /// itself as a result.
    fn handle(&self, s: &mut Server, from: NodeId, msg: Msg, io: &mut Io) {
        let mut next = Some((from, msg));
        while let Some((from, msg)) = next.take() {
            self.dispatch(s, from, msg, io);
            next = io.next_local().map(|m| (io.me(), m));
        }
    }

    fn dispatch(&self, s: &mut Server, from: NodeId, msg: Msg, io: &mut Io) {
        match msg {
            Msg::Prepare { ballot, from_slot } => self.on_prepare(s, ballot, from_slot, io),
            Msg::Promise { ballot, accepted } => self.on_promise(s, from, ballot, accepted, io),
            Msg::Accept {
                ballot,
                slot,
                entry,
            } => self.on_accept(s, ballot, slot, entry, io),
            Msg::Accepted { ballot, slot } => self.on_accepted(s, from, ballot, slot, io),
            Msg::Nack { ballot, promised } => self.on_nack(s, ballot, promised, io),
            Msg::Chosen { first, entries } => self.on_chosen(s, first, entries, io),
            Msg::Heartbeat {
                ballot,
                chosen_through,
            } => self.on_heartbeat(s, from, ballot, chosen_through, io),
            Msg::CatchUp { from_slot } => self.on_catch_up(s, from, from_slot, io),
            Msg::ClientRequest { req, command } => {
                self.on_client_request(s, from, req, command, io)
            }
            Msg::ClientReply { .. } => {}
        }
    }

    /// Runs a server step, then whatever it sent itself, and counts what
    /// it sent.
    fn as_server(
        &self,
        s: &mut Server,
        ctx: &mut Ctx<Self>,
        step: impl FnOnce(&Self, &mut Server, &mut Io),
    ) {
        let mut io = Io::new(ctx);
        step(self, s, &mut io);
        while let Some(msg) = io.next_local() {
            let me = io.me();
            self.handle(s, me, msg, &mut io);
        }
        for class in MsgClass::ALL {
            s.sent.0[class as usize] += io.sent.get(class);
        }
    }
}

impl Protocol for MultiPaxos {
    type Node = Peer;
    type Persistent = Saved;
    type Msg = Msg;
    type Timer = Timer;
    type Monitor = MultiPaxosMonitor;
    type Input = ClientInput;
    type Note = Note;
    type Summary = MultiPaxosSummary;
    type Landmarks = ();

    fn kinds(&self) -> &'static [Kind] {
        &[SERVERS, CLIENTS]
    }

    fn boot(&self, saved: Option<&Saved>, ctx: &mut Ctx<Self>) -> Peer {
        if ctx.me().kind == CLIENT {
            let next_req = match saved {
                Some(Saved::Client { next_req }) => *next_req,
                _ => 1,
            };
            return Peer::Client(Box::new(self.boot_client(next_req, ctx)));
        }
        let saved = match saved {
            Some(Saved::Server(s)) => Some(s.as_ref()),
            _ => None,
        };
        Peer::Server(Box::new(self.boot_server(saved, ctx)))
    }

    fn on_message(&self, peer: &mut Peer, from: NodeId, msg: Msg, ctx: &mut Ctx<Self>) {
        match peer {
            Peer::Client(c) => {
                if let Msg::ClientReply { req, answer } = msg {
                    self.on_client_reply(c, req, answer, ctx);
                }
            }
            Peer::Server(s) => {
                self.as_server(s, ctx, |proto, s, io| proto.handle(s, from, msg, io))
            }
        }
    }

    fn on_timer(&self, peer: &mut Peer, timer: Timer, ctx: &mut Ctx<Self>) {
        match peer {
            Peer::Client(c) => match timer {
                Timer::Workload => self.workload_tick(c, ctx),
                Timer::ClientTimeout { req } => self.on_client_timeout(c, req, ctx),
                _ => {}
            },
            Peer::Server(s) => self.as_server(s, ctx, |proto, s, io| match timer {
                // A leader told to time out (the "T" key) runs phase 1 again too.
                Timer::LeaderTimeout => proto.start_phase1(s, io),
                Timer::Heartbeat => proto.heartbeat(s, io),
                _ => {}
            }),
        }
    }

    fn on_input(
        &self,
        peer: &mut Peer,
        input: &ClientInput,
        ctx: &mut Ctx<Self>,
    ) -> Result<(), String> {
        if let ClientInput::Add { .. } | ClientInput::Remove { .. } = input {
            return Err(NO_MEMBERSHIP.into());
        }
        match peer {
            Peer::Server(_) => Err(
                "requests come from a client (C1): servers take them from clients, not from you"
                    .into(),
            ),
            Peer::Client(c) => match &c.client.waiting {
                Some(p) => Err(format!(
                    "it is still waiting for request #{} (one request at a time)",
                    p.req
                )),
                None => {
                    let command = match input.command() {
                        Some(command) => command,
                        None => self.next_command(c, ctx),
                    };
                    self.send_request(c, command, ctx);
                    Ok(())
                }
            },
        }
    }

    fn persistent(&self, peer: &Peer) -> Saved {
        match peer {
            Peer::Server(s) => Saved::Server(Box::new(ServerSaved {
                round: s.round,
                promised: s.acceptor.promised,
                accepted: s.acceptor.accepted.clone(),
                accepts: s.acceptor.accepts,
                log: s.learner.log.clone(),
            })),
            Peer::Client(c) => Saved::Client {
                next_req: c.client.next_req,
            },
        }
    }

    fn message_bytes(&self, msg: &Msg) -> usize {
        // A command's key is shared with the log or queue it came from.
        match msg {
            Msg::Promise { accepted, .. } => accepted.capacity() * std::mem::size_of::<SlotVote>(),
            Msg::Chosen { entries, .. } => entries.capacity() * std::mem::size_of::<Entry>(),
            _ => 0,
        }
    }

    fn heap_bytes(&self, live: Option<&Peer>, saved: Option<&Saved>) -> usize {
        const SLOT_BYTES: usize = 96;
        let live = match live {
            Some(Peer::Server(s)) => {
                s.learner.log.unshared_bytes()
                    + (s.learner.ahead.len() + s.acceptor.recent.len()) * SLOT_BYTES
                    + (s.learner.kv.data.len() + s.learner.kv.sessions.len()) * 64
                    + match &s.role {
                        Role::Leader { in_flight, .. } => in_flight.len() * SLOT_BYTES,
                        Role::Preparing { reported, .. } => reported.len() * SLOT_BYTES,
                        Role::Follower { .. } => 0,
                    }
            }
            _ => 0,
        };
        let saved = match saved {
            Some(Saved::Server(s)) => s.log.unshared_bytes(),
            _ => 0,
        };
        live + saved
    }

    fn summary(&self, peer: &Peer) -> MultiPaxosSummary {
        match peer {
            Peer::Server(s) => MultiPaxosSummary {
                role: s.role.name(),
                ballot: s.role.ballot().or(s.acceptor.promised),
            },
            Peer::Client(_) => MultiPaxosSummary {
                role: "client",
                ballot: None,
            },
        }
    }

    fn main_timer(&self) -> Option<Timer> {
        Some(Timer::LeaderTimeout)
    }

    fn describe(&self, msg: &Msg) -> String {
        words::message(msg)
    }

    fn is_routine(&self, msg: &Msg) -> bool {
        matches!(msg, Msg::Heartbeat { .. })
    }

    fn input_names(&self) -> &'static [&'static str] {
        &["set", "get", "del", "any"]
    }

    fn describe_input(&self, input: &ClientInput) -> String {
        match input.command() {
            Some(command) => format!("send “{command}”"),
            None => "send a request".into(),
        }
    }

    fn describe_note(&self, node: NodeId, note: &Note) -> String {
        words::note(node, note)
    }

    fn describe_summary(&self, node: NodeId, summary: &MultiPaxosSummary) -> String {
        words::summary(node, summary)
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        INVARIANTS
    }

    fn observe(
        &self,
        monitor: &mut MultiPaxosMonitor,
        nodes: &[NodeView<'_, Self>],
        now: Time,
    ) -> Vec<(NodeId, Note)> {
        monitor.observe(nodes, now)
    }

    fn check(
        &self,
        monitor: &mut MultiPaxosMonitor,
        _nodes: &[NodeView<'_, Self>],
        _now: Time,
    ) -> Vec<(&'static str, String)> {
        monitor.check()
    }
}

#[cfg(test)]
mod tests;

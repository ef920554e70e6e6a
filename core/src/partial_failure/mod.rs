//! "Why distributed systems are hard: partial failure" (guide section 13).
//!
//! A client asks servers to increment a counter and waits with a timeout.
//! A lost request, a lost reply, a slow network, a crashed server and a
//! paused one all look the same from the client: silence. With retries
//! on, a request whose first try did happen is applied again; the named
//! invariant "Applied at most once" catches it. The fix is a request id
//! the server remembers, which costs memory the lab shows.

mod invariants;
mod params;
mod state;

pub use invariants::{PfMonitor, APPLIED_AT_MOST_ONCE};
pub use params::PartialFailureParams;
pub use state::{
    ClientState, Msg, Node, Note, Op, PfSummary, Request, Saved, ServerState, Timer, Waiting,
    BYTES_PER_REMEMBERED,
};

use crate::sim::{
    Ctx, InvariantInfo, Kind, NodeId, NodeView, OpResult, OpValue, Protocol, Time, CLIENT, CLIENTS,
    SERVERS,
};

#[derive(Clone, Debug, PartialEq)]
pub struct PartialFailure {
    pub params: PartialFailureParams,
}

impl PartialFailure {
    pub fn new(params: PartialFailureParams) -> Self {
        PartialFailure { params }
    }

    /// The server a client's `n`-th choice lands on.
    fn server(ctx: &Ctx<Self>, n: u8) -> NodeId {
        let count = ctx.count(SERVERS).max(1) as u8;
        NodeId::server(n % count)
    }

    fn start(&self, client: &mut ClientState, op: Op, ctx: &mut Ctx<Self>) {
        let req = client.next_req;
        client.next_req += 1;
        ctx.persist();
        let server = Self::server(ctx, client.next_server);
        client.next_server = client.next_server.wrapping_add(1);
        let op_id = ctx.invoke(op.name(), OpValue::Nil);
        client.waiting = Some(Waiting {
            req,
            op,
            op_id,
            attempt: 1,
            server,
        });
        ctx.send(
            server,
            Msg::Request {
                req,
                op,
                attempt: 1,
            },
        );
        ctx.set_timer(Timer::Timeout { req }, self.params.timeout_ms);
    }

    fn client_timeout(&self, client: &mut ClientState, req: u64, ctx: &mut Ctx<Self>) {
        let Some(waiting) = client.waiting.as_mut().filter(|w| w.req == req) else {
            return;
        };
        ctx.record(Note::NoAnswer {
            req,
            server: waiting.server,
            waited_ms: self.params.timeout_ms,
        });
        if self.params.retries && waiting.attempt < self.params.max_attempts {
            waiting.attempt += 1;
            if self.params.failover {
                let next = (waiting.server.n + 1) % ctx.count(SERVERS).max(1) as u8;
                waiting.server = NodeId::server(next);
            }
            let (op, attempt, server) = (waiting.op, waiting.attempt, waiting.server);
            ctx.record(Note::Retry {
                req,
                attempt,
                server,
            });
            ctx.send(server, Msg::Request { req, op, attempt });
            ctx.set_timer(Timer::Timeout { req }, self.params.timeout_ms);
        } else {
            // It may or may not have happened: Jepsen's "info".
            let op_id = waiting.op_id;
            client.waiting = None;
            client.unknown += 1;
            ctx.record(Note::GaveUp { req });
            ctx.complete(op_id, OpResult::Info, OpValue::Nil);
            self.schedule_workload(ctx);
        }
    }

    fn client_reply(&self, client: &mut ClientState, req: u64, value: i64, ctx: &mut Ctx<Self>) {
        match client.waiting.take() {
            Some(waiting) if waiting.req == req => {
                ctx.cancel_timer(Timer::Timeout { req });
                client.last_answer = Some((req, value));
                ctx.complete(waiting.op_id, OpResult::Ok, OpValue::Int(value));
                self.schedule_workload(ctx);
            }
            other => {
                client.waiting = other;
                ctx.record(Note::LateReply { req, value });
            }
        }
    }

    fn schedule_workload(&self, ctx: &mut Ctx<Self>) {
        if self.params.workload_ms > 0 {
            ctx.set_timer(Timer::Workload, self.params.workload_ms);
        }
    }

    fn server_request(
        &self,
        server: &mut ServerState,
        client: NodeId,
        (req, op): (u64, Op),
        ctx: &mut Ctx<Self>,
    ) {
        if self.params.remember_requests {
            if let Some(&value) = server.remembered.get(&(client, req)) {
                ctx.record(Note::AnsweredFromMemory { client, req, value });
                ctx.send(
                    client,
                    Msg::Reply {
                        req,
                        value,
                        remembered: true,
                    },
                );
                return;
            }
            if server.working.contains(&(client, req)) {
                ctx.record(Note::AlreadyWorking { client, req });
                return;
            }
        }
        server.working.push((client, req));
        server.jobs += 1;
        ctx.set_timer(
            Timer::Work {
                client,
                req,
                op,
                job: server.jobs,
            },
            self.params.work_ms,
        );
    }

    /// The work is done: apply, save, answer.
    fn server_apply(
        &self,
        server: &mut ServerState,
        client: NodeId,
        req: u64,
        op: Op,
        ctx: &mut Ctx<Self>,
    ) {
        if let Some(at) = server.working.iter().position(|w| *w == (client, req)) {
            server.working.remove(at);
        }
        if op == Op::Increment {
            server.counter += 1;
        }
        let value = server.counter;
        server.applied += 1;
        server.last_applied = Some((client, req, op));
        if self.params.remember_requests {
            server.remembered.insert((client, req), value);
        }
        ctx.persist();
        ctx.record(Note::Applied {
            client,
            req,
            op,
            value,
        });
        ctx.send(
            client,
            Msg::Reply {
                req,
                value,
                remembered: false,
            },
        );
    }
}

impl Protocol for PartialFailure {
    type Node = Node;
    type Persistent = Saved;
    type Msg = Msg;
    type Timer = Timer;
    type Monitor = PfMonitor;
    type Input = Request;
    type Note = Note;
    type Summary = PfSummary;
    type Landmarks = ();

    fn kinds(&self) -> &'static [Kind] {
        &[SERVERS, CLIENTS]
    }

    fn boot(&self, saved: Option<&Saved>, ctx: &mut Ctx<Self>) -> Node {
        if ctx.me().kind == CLIENT {
            let next_req = match saved {
                Some(Saved::Client { next_req }) => *next_req,
                _ => 1,
            };
            self.schedule_workload(ctx);
            Node::Client(ClientState {
                next_req,
                waiting: None,
                last_answer: None,
                unknown: 0,
                next_server: ctx.me().n,
            })
        } else {
            let (counter, remembered, applied) = match saved {
                Some(Saved::Server {
                    counter,
                    remembered,
                    applied,
                }) => (*counter, remembered.clone(), *applied),
                _ => (0, Default::default(), 0),
            };
            Node::Server(ServerState {
                counter,
                remembered,
                working: Vec::new(),
                jobs: 0,
                applied,
                last_applied: None,
            })
        }
    }

    fn on_message(&self, node: &mut Node, from: NodeId, msg: Msg, ctx: &mut Ctx<Self>) {
        match (node, msg) {
            (Node::Server(server), Msg::Request { req, op, .. }) => {
                self.server_request(server, from, (req, op), ctx)
            }
            (Node::Client(client), Msg::Reply { req, value, .. }) => {
                self.client_reply(client, req, value, ctx)
            }
            _ => {}
        }
    }

    fn on_timer(&self, node: &mut Node, timer: Timer, ctx: &mut Ctx<Self>) {
        match (node, timer) {
            (
                Node::Server(server),
                Timer::Work {
                    client, req, op, ..
                },
            ) => self.server_apply(server, client, req, op, ctx),
            (Node::Client(client), Timer::Timeout { req }) => self.client_timeout(client, req, ctx),
            (Node::Client(client), Timer::Workload) if client.waiting.is_none() => {
                self.start(client, Op::Increment, ctx)
            }
            _ => {}
        }
    }

    fn on_input(
        &self,
        node: &mut Node,
        input: &Request,
        ctx: &mut Ctx<Self>,
    ) -> Result<(), String> {
        match node {
            Node::Server(_) => Err("only a client sends requests".into()),
            Node::Client(ClientState {
                waiting: Some(w), ..
            }) => Err(format!(
                "it is still waiting for request #{} (one request at a time)",
                w.req
            )),
            Node::Client(client) => {
                self.start(client, input.op, ctx);
                Ok(())
            }
        }
    }

    fn persistent(&self, node: &Node) -> Saved {
        match node {
            Node::Client(c) => Saved::Client {
                next_req: c.next_req,
            },
            Node::Server(s) => Saved::Server {
                counter: s.counter,
                remembered: s.remembered.clone(),
                applied: s.applied,
            },
        }
    }

    fn heap_bytes(&self, live: Option<&Node>, saved: Option<&Saved>) -> usize {
        // A B-tree entry: its key and value, and about as much again in node overhead.
        const ENTRY: usize = 2 * std::mem::size_of::<((NodeId, u64), i64)>();
        let live = match live {
            Some(Node::Server(server)) => {
                server.remembered.len() * ENTRY
                    + server.working.capacity() * std::mem::size_of::<(NodeId, u64)>()
            }
            _ => 0,
        };
        let saved = match saved {
            Some(Saved::Server { remembered, .. }) => remembered.len() * ENTRY,
            _ => 0,
        };
        live + saved
    }

    fn summary(&self, node: &Node) -> PfSummary {
        match node {
            Node::Client(c) => PfSummary::Client {
                waiting: c.waiting.as_ref().map(|w| (w.req, w.attempt)),
                unknown: c.unknown,
            },
            Node::Server(s) => PfSummary::Server {
                counter: s.counter,
                working: s.working.len() as u32,
                remembered: s.remembered.len() as u32,
            },
        }
    }

    fn describe_summary(&self, node: NodeId, summary: &PfSummary) -> String {
        match summary {
            PfSummary::Client { waiting: None, .. } => format!("{node} is idle"),
            PfSummary::Client {
                waiting: Some((req, attempt)),
                ..
            } => format!("{node} waits for an answer to request #{req} (try {attempt})"),
            PfSummary::Server {
                counter,
                working: 0,
                ..
            } => format!("{node}'s counter is {counter}"),
            PfSummary::Server {
                counter, working, ..
            } => format!(
                "{node} is working on {working} request{} (its counter is {counter})",
                if *working == 1 { "" } else { "s" }
            ),
        }
    }

    fn describe(&self, msg: &Msg) -> String {
        match msg {
            Msg::Request {
                req,
                op,
                attempt: 1,
            } => format!("request #{req} ({})", op.name()),
            Msg::Request { req, op, attempt } => {
                format!("request #{req} ({}, try {attempt})", op.name())
            }
            Msg::Reply {
                req,
                value,
                remembered: false,
            } => format!("reply to #{req}: {value}"),
            Msg::Reply { req, value, .. } => format!("reply to #{req} from memory: {value}"),
        }
    }

    fn input_names(&self) -> &'static [&'static str] {
        &["increment", "read"]
    }

    fn describe_input(&self, input: &Request) -> String {
        format!("{} the counter", input.op.name())
    }

    fn describe_note(&self, node: NodeId, note: &Note) -> String {
        match note {
            Note::Applied {
                client,
                req,
                op: Op::Increment,
                value,
            } => format!("{node} applied {client}'s request #{req}: the counter is now {value}"),
            Note::Applied {
                client, req, value, ..
            } => format!("{node} read the counter for {client}'s request #{req}: {value}"),
            Note::AnsweredFromMemory { client, req, value } => format!(
                "{node} has seen {client}'s request #{req} before: it answers {value} from memory and does not apply it again"
            ),
            Note::AlreadyWorking { client, req } => format!(
                "{node} is still working on {client}'s request #{req}, so it ignores the repeat"
            ),
            Note::NoAnswer {
                req,
                server,
                waited_ms,
            } => format!(
                "{node} heard nothing about request #{req} in {waited_ms} ms. Was the request lost, \
                 or the reply? Is {server} crashed, paused or just slow? From {node}, all of these look the same"
            ),
            Note::Retry {
                req,
                attempt,
                server,
            } => format!("{node} sends request #{req} again (try {attempt}) to {server}"),
            Note::GaveUp { req } => format!(
                "{node} gives up on request #{req}: it cannot know whether it happened (its outcome is unknown)"
            ),
            Note::LateReply { req, value } => format!(
                "{node} got a late answer to request #{req} ({value}) and ignores it"
            ),
        }
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        &[APPLIED_AT_MOST_ONCE]
    }

    fn check(
        &self,
        monitor: &mut PfMonitor,
        nodes: &[NodeView<'_, Self>],
        _now: Time,
    ) -> Vec<(&'static str, String)> {
        monitor.check(nodes)
    }
}

#[cfg(test)]
mod tests;

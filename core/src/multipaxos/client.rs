//! Clients, as in the Raft lab: one request at a time, to the server they
//! think leads; a follower redirects them, silence makes them try the next
//! server, and a retry keeps its request number so it applies once.

use super::{ClientNode, Msg, MsgClass, MultiPaxos, Timer};
use crate::raft::{Answer, Command, Pending, RaftClient, KEY_NAMES};
use crate::sim::{Ctx, NodeId, OpResult, OpValue, SERVERS};

/// How long a client waits before asking again when nobody knows a leader.
const NO_LEADER_WAIT_MS: u64 = 50;

impl MultiPaxos {
    pub(super) fn boot_client(&self, next_req: u64, ctx: &mut Ctx<Self>) -> ClientNode {
        self.schedule_workload(ctx);
        let servers = ctx.count(SERVERS).max(1) as u8;
        ClientNode {
            client: RaftClient {
                id: ctx.me(),
                next_req,
                waiting: None,
                leader_guess: NodeId::server(ctx.me().n % servers),
                answered: 0,
                last_answer: None,
                redirects: 0,
                retries: 0,
            },
            sent: Default::default(),
        }
    }

    fn schedule_workload(&self, ctx: &mut Ctx<Self>) {
        if self.params.workload_ms > 0 {
            ctx.set_timer(Timer::Workload, self.params.workload_ms);
        }
    }

    fn send_from_client(
        c: &mut ClientNode,
        to: NodeId,
        req: u64,
        command: Command,
        ctx: &mut Ctx<Self>,
    ) {
        c.sent.add(MsgClass::Client);
        ctx.send(to, Msg::ClientRequest { req, command });
    }

    /// The workload's next request: a command from `next_command`, unless
    /// the client still waits for an answer.
    pub(super) fn workload_tick(&self, c: &mut ClientNode, ctx: &mut Ctx<Self>) {
        self.schedule_workload(ctx);
        if c.client.waiting.is_some() {
            return;
        }
        let command = self.next_command(c, ctx);
        self.send_request(c, command, ctx);
    }

    /// A request as the workload makes them (and `any` asks for): mostly
    /// writes of fresh values, some reads and deletes, over the
    /// configured keys.
    pub(super) fn next_command(&self, c: &ClientNode, ctx: &mut Ctx<Self>) -> Command {
        let key = KEY_NAMES[ctx.random_between(0, self.params.keys - 1) as usize].into();
        match ctx.random_between(0, 9) {
            0..=5 => Command::Set {
                key,
                // Unique per client and request, so a history can tell writes apart.
                value: (c.client.next_req * 10 + u64::from(c.client.id.n) + 1) as i64,
            },
            6..=8 => Command::Get { key },
            _ => Command::Del { key },
        }
    }

    pub(super) fn send_request(&self, c: &mut ClientNode, command: Command, ctx: &mut Ctx<Self>) {
        let client = &mut c.client;
        let req = client.next_req;
        client.next_req += 1;
        ctx.persist();
        let (f, value) = match &command {
            Command::Set { key, value } => (
                "set",
                OpValue::List(vec![OpValue::Str(key.to_string()), OpValue::Int(*value)]),
            ),
            Command::Get { key } => ("get", OpValue::Str(key.to_string())),
            Command::Del { key } => ("del", OpValue::Str(key.to_string())),
            Command::Noop | Command::Config(_) => ("noop", OpValue::Nil),
        };
        let op = ctx.invoke(f, value);
        let server = client.leader_guess;
        client.waiting = Some(Pending {
            req,
            command: command.clone(),
            op,
            server,
            attempt: 1,
            since_ms: ctx.now(),
        });
        Self::send_from_client(c, server, req, command, ctx);
        ctx.set_timer(Timer::ClientTimeout { req }, self.params.client_timeout_ms);
    }

    fn next_server(ctx: &Ctx<Self>, after: NodeId) -> NodeId {
        let servers = ctx.count(SERVERS).max(1) as u8;
        NodeId::server((after.n + 1) % servers)
    }

    pub(super) fn on_client_reply(
        &self,
        c: &mut ClientNode,
        req: u64,
        answer: Answer,
        ctx: &mut Ctx<Self>,
    ) {
        let client = &mut c.client;
        let Some(pending) = client.waiting.as_mut().filter(|p| p.req == req) else {
            return;
        };
        match answer {
            Answer::Done { value, .. } => {
                let op = pending.op;
                client.leader_guess = pending.server;
                client.waiting = None;
                client.answered += 1;
                client.last_answer = Some((req, value));
                ctx.cancel_timer(Timer::ClientTimeout { req });
                let value = value.map_or(OpValue::Nil, OpValue::Int);
                ctx.complete(op, OpResult::Ok, value);
            }
            Answer::NotLeader {
                leader: Some(leader),
            } if leader != pending.server => {
                client.redirects += 1;
                client.leader_guess = leader;
                self.resend(c, ctx);
            }
            Answer::NotLeader { .. } => {
                // Nobody knows a leader yet (phase 1 is on): wait a little,
                // then try the next server.
                client.leader_guess = Self::next_server(ctx, pending.server);
                ctx.set_timer(Timer::ClientTimeout { req }, NO_LEADER_WAIT_MS);
            }
        }
    }

    /// The wait for an answer ran out: try again, at the next server if
    /// the one it asked stayed silent.
    pub(super) fn on_client_timeout(&self, c: &mut ClientNode, req: u64, ctx: &mut Ctx<Self>) {
        let client = &mut c.client;
        let Some(pending) = client.waiting.as_ref().filter(|p| p.req == req) else {
            return;
        };
        if client.leader_guess == pending.server {
            client.leader_guess = Self::next_server(ctx, pending.server);
        }
        client.retries += 1;
        self.resend(c, ctx);
    }

    fn resend(&self, c: &mut ClientNode, ctx: &mut Ctx<Self>) {
        let server = c.client.leader_guess;
        let Some(pending) = c.client.waiting.as_mut() else {
            return;
        };
        pending.server = server;
        pending.attempt += 1;
        let (req, command) = (pending.req, pending.command.clone());
        Self::send_from_client(c, server, req, command, ctx);
        ctx.set_timer(Timer::ClientTimeout { req }, self.params.client_timeout_ms);
    }
}

//! What clients and servers hold, and the messages between them.

use crate::sim::{NodeId, Summary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a client can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Add one to the counter and return it: not idempotent.
    Increment,
    /// Return the counter: idempotent.
    Read,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Increment => "increment",
            Op::Read => "read",
        }
    }
}

/// The learner's input to a client: start one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub op: Op,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type")]
pub enum Msg {
    /// `req` is the client's request id; `attempt` counts from 1.
    Request { req: u64, op: Op, attempt: u32 },
    /// `remembered`: answered from the server's memory, not applied again.
    Reply {
        req: u64,
        value: i64,
        remembered: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Timer {
    /// A server finishes working on a request.
    /// `job` numbers the server's work, so two copies of one request
    /// are two jobs.
    Work {
        client: NodeId,
        req: u64,
        op: Op,
        job: u64,
    },
    /// A client has waited long enough for request `req`.
    Timeout { req: u64 },
    /// A client starts the next operation of its workload.
    Workload,
}

/// A request a client is waiting on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Waiting {
    pub req: u64,
    pub op: Op,
    /// The history's operation id.
    pub op_id: u64,
    pub attempt: u32,
    pub server: NodeId,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientState {
    pub next_req: u64,
    pub waiting: Option<Waiting>,
    /// The last answer it got, and to which request.
    pub last_answer: Option<(u64, i64)>,
    /// Requests it gave up on without knowing what happened.
    pub unknown: u64,
    /// Where the next new request goes (round robin over the servers).
    pub next_server: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerState {
    pub counter: i64,
    /// Request ids applied and their answers, kept only when the server
    /// remembers requests (the fix). Keyed by (client, request id).
    #[serde(serialize_with = "as_entries")]
    pub remembered: BTreeMap<(NodeId, u64), i64>,
    /// Requests it is working on (lost in a crash).
    pub working: Vec<(NodeId, u64)>,
    /// Jobs started since it booted.
    pub jobs: u64,
    /// How many requests it has applied, and the latest one.
    pub applied: u64,
    pub last_applied: Option<(NodeId, u64, Op)>,
}

/// One node: a client or a server.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Client(ClientState),
    Server(ServerState),
}

/// What survives a crash: a server's counter and memory are on disk; a
/// client keeps its request numbering so ids are never reused.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Saved {
    Client {
        next_req: u64,
    },
    Server {
        counter: i64,
        #[serde(serialize_with = "as_entries")]
        remembered: BTreeMap<(NodeId, u64), i64>,
        applied: u64,
    },
}

/// JSON objects need string keys: the memory is written as a list of
/// `{client, req, answer}`.
fn as_entries<S: serde::Serializer>(
    memory: &BTreeMap<(NodeId, u64), i64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Entry {
        client: NodeId,
        req: u64,
        answer: i64,
    }
    s.collect_seq(memory.iter().map(|(&(client, req), &answer)| Entry {
        client,
        req,
        answer,
    }))
}

/// Bytes a server spends per remembered request: client, id and answer.
pub const BYTES_PER_REMEMBERED: usize = 24;

/// What a node shows at a glance.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PfSummary {
    Server {
        counter: i64,
        working: u32,
        remembered: u32,
    },
    Client {
        /// The request and attempt it waits on.
        waiting: Option<(u64, u32)>,
        unknown: u64,
    },
}

impl Summary for PfSummary {
    fn role(&self) -> &'static str {
        match self {
            PfSummary::Server { working: 0, .. } => "server",
            PfSummary::Server { .. } => "working",
            PfSummary::Client { waiting: None, .. } => "idle",
            PfSummary::Client { .. } => "waiting",
        }
    }

    fn label(&self) -> String {
        match self {
            PfSummary::Server {
                counter,
                remembered: 0,
                ..
            } => format!("counter {counter}"),
            PfSummary::Server {
                counter,
                remembered,
                ..
            } => format!("counter {counter} · remembers {remembered}"),
            PfSummary::Client {
                waiting: Some((req, 1)),
                ..
            } => format!("waiting for #{req}"),
            PfSummary::Client {
                waiting: Some((req, attempt)),
                ..
            } => format!("waiting for #{req} (try {attempt})"),
            PfSummary::Client { unknown: 0, .. } => "idle".into(),
            PfSummary::Client { unknown, .. } => format!("idle · {unknown} unknown"),
        }
    }

    /// The timeline shows how long the client waited for each request.
    fn band(&self) -> Option<String> {
        match self {
            PfSummary::Client {
                waiting: Some((req, _)),
                ..
            } => Some(format!("waits for #{req}")),
            _ => None,
        }
    }
}

/// Facts the lab records in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Note {
    /// A server applied a request: the counter changed (or was read).
    Applied {
        client: NodeId,
        req: u64,
        op: Op,
        value: i64,
    },
    /// A server answered a repeat from memory.
    AnsweredFromMemory {
        client: NodeId,
        req: u64,
        value: i64,
    },
    /// A server ignored a repeat it is still working on.
    AlreadyWorking { client: NodeId, req: u64 },
    /// A client heard nothing in time.
    NoAnswer {
        req: u64,
        server: NodeId,
        waited_ms: u64,
    },
    /// A client sends the request again.
    Retry {
        req: u64,
        attempt: u32,
        server: NodeId,
    },
    /// A client gives up: the outcome is unknown.
    GaveUp { req: u64 },
    /// A reply came for a request the client no longer waits on.
    LateReply { req: u64, value: i64 },
}

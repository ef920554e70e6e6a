//! The run report: what `distviz run` prints. See docs/run-report.md.

use crate::lab;
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{history, NodeId, Protocol, Run, Time, Violation};
use serde::Serialize;
use serde_json::{json, Value};

/// 2: lab-specific results moved under `lab_report` (Raft's `leaders`
/// were top-level in 1); `operations` counts the client history.
pub const REPORT_VERSION: u32 = 2;

#[derive(Debug, Serialize)]
pub struct Report {
    pub report_version: u32,
    pub lab: String,
    pub seed: u64,
    pub trace_hash: String,
    /// Trace records in the run.
    pub events: u64,
    pub end_ms: Time,
    /// Empty when every invariant held.
    pub violations: Vec<Violation>,
    #[serde(rename = "final")]
    pub final_state: Vec<NodeReport>,
    /// Client operations in the run's history (invocations and completions).
    pub operations: usize,
    /// The history itself, for `distviz history` (not in the report's JSON).
    #[serde(skip)]
    pub history: Vec<history::HistoryEvent>,
    /// What the lab itself reports (Raft: who led each term); see
    /// docs/run-report.md for each lab's fields.
    pub lab_report: Value,
}

#[derive(Debug, Serialize)]
pub struct NodeReport {
    pub node: NodeId,
    pub up: bool,
    /// The whole state while up; null while down.
    pub state: Value,
    /// What is on its disk.
    pub saved: Value,
}

fn base<P: Protocol>(scenario: &Scenario, run: &Run<P>) -> Report {
    let world = run.world();
    let history = history::history(run.records_so_far());
    Report {
        report_version: REPORT_VERSION,
        lab: scenario.lab.clone(),
        seed: scenario.seed,
        trace_hash: world.trace_hash(),
        events: world.records(),
        end_ms: world.now(),
        violations: world.violations().iter().cloned().collect(),
        final_state: world
            .nodes()
            .iter()
            .map(|slot| NodeReport {
                node: slot.id,
                up: slot.is_up(),
                state: serde_json::to_value(&slot.live).unwrap_or(Value::Null),
                saved: serde_json::to_value(&slot.saved).unwrap_or(Value::Null),
            })
            .collect(),
        operations: history.len(),
        history,
        lab_report: Value::Null,
    }
}

/// Replays the scenario to `until` (default: its `duration_ms`) and reports.
pub fn run_scenario(scenario: &Scenario, until: Option<Time>) -> Result<Report, ScenarioError> {
    let end = until.unwrap_or(scenario.duration_ms);
    match scenario.lab.as_str() {
        lab::RAFT_ELECTION => {
            let mut run = lab::raft_election(scenario)?;
            crate::budget::advance_within(&mut run, end, crate::budget::MAX_EVENTS)?;
            let mut report = base(scenario, &run);
            let leaders: Vec<_> = run.world().monitor().leaders().copied().collect();
            report.lab_report = json!({ "leaders": leaders });
            Ok(report)
        }
        lab::RAFT_REPLICATION => {
            let mut run = lab::raft_replication(scenario)?;
            crate::budget::advance_within(&mut run, end, crate::budget::MAX_EVENTS)?;
            let mut report = base(scenario, &run);
            report.lab_report = raft_replication_report(&run);
            Ok(report)
        }
        lab::PARTIAL_FAILURE => {
            let mut run = lab::partial_failure(scenario)?;
            crate::budget::advance_within(&mut run, end, crate::budget::MAX_EVENTS)?;
            let mut report = base(scenario, &run);
            let monitor = run.world().monitor();
            let twice: Vec<Value> = monitor
                .duplicates()
                .map(|(client, req, times)| json!({"client": client, "req": req, "times": times}))
                .collect();
            report.lab_report = json!({ "applied_more_than_once": twice });
            Ok(report)
        }
        lab::PAXOS => {
            let mut run = lab::paxos(scenario)?;
            crate::budget::advance_within(&mut run, end, crate::budget::MAX_EVENTS)?;
            let mut report = base(scenario, &run);
            report.lab_report = paxos_report(&run);
            Ok(report)
        }
        lab::MULTI_PAXOS => {
            let mut run = lab::multi_paxos(scenario)?;
            crate::budget::advance_within(&mut run, end, crate::budget::MAX_EVENTS)?;
            let mut report = base(scenario, &run);
            report.lab_report = multi_paxos_report(&run);
            Ok(report)
        }
        lab::RAFT_VS_PAXOS => raft_vs_paxos_report(scenario, end),
        other => Err(ScenarioError::new(
            "lab",
            format!("unknown lab \"{other}\""),
        )),
    }
}

/// Raft vs Paxos: both runs to `end`; the top-level fields are the Raft
/// run's but for `violations`, which hold both runs'; `lab_report` has
/// each side's trace hash, events and counters.
fn raft_vs_paxos_report(scenario: &Scenario, end: Time) -> Result<Report, ScenarioError> {
    use crate::versus::{pair, paxos_counters, raft_counters, split};
    let (raft_scenario, _) = split(scenario)?;
    let mut both = pair(scenario)?;
    crate::budget::advance_within(&mut both.raft, end, crate::budget::MAX_EVENTS)?;
    crate::budget::advance_within(&mut both.paxos, end, crate::budget::MAX_EVENTS)?;
    let mut report = base(scenario, &both.raft);
    let paxos = both.paxos.world();
    report.violations.extend(paxos.violations().iter().cloned());
    let side = |hash: String, events: u64, counters: Value| json!({ "trace_hash": hash, "events": events, "counters": counters });
    report.lab_report = json!({
        "raft": side(
            both.raft.world().trace_hash(),
            both.raft.world().records(),
            serde_json::to_value(raft_counters(&both.raft, &raft_scenario)).unwrap_or(Value::Null),
        ),
        "multi_paxos": side(
            paxos.trace_hash(),
            paxos.records(),
            serde_json::to_value(paxos_counters(&both.paxos)).unwrap_or(Value::Null),
        ),
    });
    Ok(report)
}

/// Raft replication's results: leaders per term, and each server's role,
/// configuration, log, commit and store, each client's answers.
fn raft_replication_report(run: &Run<crate::raft::Raft>) -> Value {
    use crate::raft::Peer;
    let world = run.world();
    let leaders: Vec<_> = world.monitor().leaders().copied().collect();
    let mut servers = Vec::new();
    let mut clients = Vec::new();
    for slot in world.nodes() {
        match slot.live.as_ref() {
            Some(Peer::Server(s)) => servers.push(json!({
                "node": slot.id,
                "role": s.role.name(),
                "term": s.current_term,
                "config": s.config.to_string(),
                "log_length": s.last_log_index(),
                "commit_index": s.commit_index,
                "last_applied": s.last_applied,
                "store": s.kv.data,
            })),
            Some(Peer::Client(c)) => clients.push(json!({
                "node": slot.id,
                "answered": c.answered,
                "redirects": c.redirects,
                "retries": c.retries,
                "waiting": c.waiting.as_ref().map(|p| p.req),
            })),
            None => {}
        }
    }
    json!({ "leaders": leaders, "servers": servers, "clients": clients })
}

/// Paxos: what was chosen (and when, and in which ballot), and what each
/// learner learned.
fn paxos_report(run: &Run<crate::paxos::Paxos>) -> Value {
    let world = run.world();
    let monitor = world.monitor();
    let choices: Vec<Value> = monitor
        .choices()
        .iter()
        .map(|c| {
            json!({
                "value": c.value,
                "ballot": c.ballot.to_string(),
                "at_ms": c.at_ms,
                "accepted_by": monitor.accepted_by(c.ballot),
            })
        })
        .collect();
    let learned: Vec<Value> = world
        .nodes()
        .iter()
        .filter_map(|slot| {
            let learner = slot.live.as_ref()?.learner.as_ref()?;
            Some(json!({
                "node": slot.id,
                "value": learner.learned.as_ref().map(|p| p.value.clone()),
                "ballot": learner.learned.as_ref().map(|p| p.ballot.to_string()),
            }))
        })
        .collect();
    json!({
        "chosen": monitor.chosen().map(|c| c.value.clone()),
        "choices": choices,
        "learned": learned,
    })
}

/// Multi-Paxos: each chosen slot, what each server applied and leads, each
/// client's answers, and the message counters against single-decree Paxos.
fn multi_paxos_report(run: &Run<crate::multipaxos::MultiPaxos>) -> Value {
    use crate::multipaxos::{Costs, Peer};
    let world = run.world();
    let monitor = world.monitor();
    let chosen: Vec<Value> = monitor
        .chosen()
        .map(|(slot, c)| {
            json!({
                "slot": slot,
                "entry": c.entry.to_string(),
                "ballot": c.ballot.to_string(),
                "at_ms": c.at_ms,
            })
        })
        .collect();
    let mut servers = Vec::new();
    let mut clients = Vec::new();
    for slot in world.nodes() {
        match slot.live.as_ref() {
            Some(Peer::Server(s)) => servers.push(json!({
                "node": slot.id,
                "role": s.role.name(),
                "ballot": s.role.ballot().map(|b| b.to_string()),
                "promised": s.acceptor.promised.map(|b| b.to_string()),
                "applied": s.learner.applied(),
                "store": s.learner.kv.data,
            })),
            Some(Peer::Client(c)) => clients.push(json!({
                "node": slot.id,
                "answered": c.client.answered,
                "redirects": c.client.redirects,
                "retries": c.client.retries,
                "waiting": c.client.waiting.as_ref().map(|p| p.req),
            })),
            None => {}
        }
    }
    let servers_n = world.roster().count(crate::sim::SERVER);
    let costs = Costs::of(monitor, servers_n);
    json!({
        "chosen": chosen,
        "servers": servers,
        "clients": clients,
        "messages": costs,
    })
}

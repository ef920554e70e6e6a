//! The run report: what `distviz run` prints. See docs/run-report.md.

use crate::lab;
use crate::raft::Leadership;
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{NodeId, Protocol, Run, Time, Violation};
use serde::Serialize;
use serde_json::Value;

pub const REPORT_VERSION: u32 = 1;

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
    /// Raft: who led each term, and from when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leaders: Option<Vec<Leadership>>,
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
    Report {
        report_version: REPORT_VERSION,
        lab: scenario.lab.clone(),
        seed: scenario.seed,
        trace_hash: world.trace_hash(),
        events: world.records(),
        end_ms: world.now(),
        violations: world.violations().to_vec(),
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
        leaders: None,
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
            report.leaders = Some(run.world().monitor().leaders().copied().collect());
            Ok(report)
        }
        other => Err(ScenarioError::new(
            "lab",
            format!("unknown lab \"{other}\""),
        )),
    }
}

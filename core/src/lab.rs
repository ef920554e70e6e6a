//! The labs the core can run, and turning a scenario into a run of one.

use crate::raft::{Raft, RaftParams};
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::Run;
use serde_json::Value;

pub const RAFT_ELECTION: &str = "raft-election";

/// Every lab a scenario file may name.
pub const KNOWN: &[&str] = &[RAFT_ELECTION];

pub fn is_known(lab: &str) -> bool {
    KNOWN.contains(&lab)
}

/// Reads a lab's `params`, naming the field at fault.
fn params<T: for<'de> serde::Deserialize<'de> + Default>(
    value: &Value,
) -> Result<T, ScenarioError> {
    if value.is_null() {
        return Ok(T::default());
    }
    serde_path_to_error::deserialize(value.clone()).map_err(|err| {
        let inner = err.path().to_string();
        let path = if inner == "." {
            "params".to_string()
        } else {
            format!("params.{inner}")
        };
        ScenarioError::new(path, err.into_inner().to_string().replace('`', "\""))
    })
}

pub fn raft_params(scenario: &Scenario) -> Result<RaftParams, ScenarioError> {
    let params: RaftParams = params(&scenario.params)?;
    params
        .check()
        .map_err(|(path, message)| ScenarioError::new(path, message))?;
    Ok(params)
}

/// A Raft election run of the scenario, at time 0.
pub fn raft_election(scenario: &Scenario) -> Result<Run<Raft>, ScenarioError> {
    if scenario.lab != RAFT_ELECTION {
        return Err(ScenarioError::new(
            "lab",
            format!(
                "this is a \"{}\" scenario, not a Raft election one",
                scenario.lab
            ),
        ));
    }
    if let Some((i, _)) = scenario
        .actions
        .iter()
        .enumerate()
        .find(|(_, a)| matches!(a.action, crate::sim::Action::ClientRequest { .. }))
    {
        return Err(ScenarioError::new(
            format!("actions[{i}]"),
            "the Raft election lab takes no client requests (they belong to the log replication lab)",
        ));
    }
    Ok(Run::new(
        Raft::new(raft_params(scenario)?),
        scenario.nodes,
        scenario.network.clone(),
        scenario.seed,
        scenario.actions.clone(),
    ))
}

//! The labs: one table that the scenario reader, the CLI report, the app's
//! router, landing page and embed loader all read, and turning a scenario
//! into a run of a lab's model.

use crate::multipaxos::{MultiPaxos, MultiPaxosParams};
use crate::partial_failure::{PartialFailure, PartialFailureParams};
use crate::paxos::{check_value, Paxos, PaxosParams, Propose, ACCEPTORS, PROPOSERS};
use crate::raft::{Raft, RaftParams};
use crate::scenario::{Scenario, ScenarioError, MAX_NODES};
use crate::sim::{Action, Kind, NodeId, Protocol, Run, CLIENTS, SERVER, SERVERS};
use serde::Serialize;
use serde_json::Value;

pub const RAFT_ELECTION: &str = "raft-election";
pub const RAFT_REPLICATION: &str = "raft-replication";
pub const PARTIAL_FAILURE: &str = "partial-failure";
pub const PAXOS: &str = "paxos";
pub const MULTI_PAXOS: &str = "multi-paxos";
pub const RAFT_VS_PAXOS: &str = "raft-vs-paxos";
pub const CONSISTENCY_MODELS: &str = "consistency-models";

/// A lab as the rest of distviz knows it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LabInfo {
    /// The route and the scenario's `lab`: "raft-election".
    pub id: &'static str,
    pub title: &'static str,
    /// The guide section it belongs to.
    pub section: &'static str,
    /// One sentence for the landing page.
    pub blurb: &'static str,
    /// Its kinds of node; the first is the scenario's plain `nodes` count.
    /// None for a lab that reads histories, not scenarios.
    pub kinds: &'static [Kind],
    /// How many of each kind a new scenario has.
    pub default_nodes: &'static [usize],
}

/// Every lab this build has, in guide order.
pub const LABS: &[LabInfo] = &[
    LabInfo {
        id: RAFT_ELECTION,
        title: "Raft: leader election",
        section: "Raft — Leader Election",
        blurb: "Crash leaders, split the network and force split votes; watch terms, votes and \
                Election Safety.",
        kinds: &[SERVERS],
        default_nodes: &[5],
    },
    LabInfo {
        id: RAFT_REPLICATION,
        title: "Raft: log replication and safety",
        section: "Raft — Log Replication, Safety & Membership",
        blurb: "Send requests and watch entries travel, commit and apply; crash, cut and drop \
                until logs disagree, and see why Raft still never loses a committed entry.",
        kinds: &[SERVERS, CLIENTS],
        default_nodes: &[5, 1],
    },
    LabInfo {
        id: PARTIAL_FAILURE,
        title: "Why it is hard: partial failure",
        section: "Why Distributed Systems Are Hard",
        blurb: "A client waits for a reply that may never come: lose, delay, duplicate, crash or \
                pause, and see that it cannot tell which.",
        kinds: &[SERVERS, CLIENTS],
        default_nodes: &[1, 1],
    },
    LabInfo {
        id: PAXOS,
        title: "Paxos: single-decree",
        section: "Paxos — The Original Consensus Algorithm",
        blurb: "Two proposers, three acceptors, one value: ballots, promises and pre-emption; see \
                a value chosen before anyone knows, and break the rules that keep it unique.",
        kinds: &[PROPOSERS, ACCEPTORS],
        default_nodes: &[2, 3],
    },
    LabInfo {
        id: MULTI_PAXOS,
        title: "Multi-Paxos",
        section: "Multi-Paxos, Raft vs Paxos & the Real World",
        blurb: "A leader runs phase 1 once for every slot, then one round per command; crash \
                it mid-flight and watch the next leader recover what was accepted and fill the \
                holes with no-ops.",
        kinds: &[SERVERS, CLIENTS],
        default_nodes: &[3, 1],
    },
    LabInfo {
        id: RAFT_VS_PAXOS,
        title: "Raft vs Paxos",
        section: "Multi-Paxos, Raft vs Paxos & the Real World",
        blurb: "One workload and one fault schedule, run by Raft and by Multi-Paxos with the \
                same network draws: messages per command, time to the next commit after a \
                leader crash, entries a new leader recovers.",
        kinds: &[SERVERS, CLIENTS],
        default_nodes: &[5, 1],
    },
    LabInfo {
        id: CONSISTENCY_MODELS,
        title: "Consistency models",
        section: "Consistency Models",
        blurb: "Draw a history of reads and writes, drag its operations, and see which models \
                it satisfies: linearizable, sequential, causal and weaker, on the map.",
        kinds: &[],
        default_nodes: &[],
    },
];

pub fn info(id: &str) -> Option<&'static LabInfo> {
    LABS.iter().find(|lab| lab.id == id)
}

pub fn ids() -> impl Iterator<Item = &'static str> {
    LABS.iter().map(|lab| lab.id)
}

pub fn is_known(lab: &str) -> bool {
    info(lab).is_some()
}

/// The lab a mistyped id most likely meant ("partial-failur", "Raft-Election",
/// "raft"), if one is close: a few letters off, or the start of one id only.
pub fn nearest(typed: &str) -> Option<&'static LabInfo> {
    let typed = typed.trim().to_ascii_lowercase();
    if typed.is_empty() {
        return None;
    }
    // The start of an id: the first such lab in guide order ("raft" is
    // the election lab).
    if let Some(first) = LABS.iter().find(|l| l.id.starts_with(&typed)) {
        return Some(first);
    }
    LABS.iter()
        .map(|lab| (edit_distance(&typed, lab.id), lab))
        .filter(|&(d, lab)| d <= 3.max(lab.id.len() / 5))
        .min_by_key(|&(d, _)| d)
        .map(|(_, lab)| lab)
}

/// Letters to insert, delete or change to turn `a` into `b` (Levenshtein).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Reads a lab's `params`, naming the field at fault.
pub(crate) fn params<T: for<'de> serde::Deserialize<'de> + Default>(
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

fn expect_lab(scenario: &Scenario, id: &str) -> Result<(), ScenarioError> {
    if scenario.lab == id {
        return Ok(());
    }
    let title = info(id).map_or(id, |lab| lab.title);
    Err(ScenarioError::new(
        "lab",
        format!(
            "this is a \"{}\" scenario, not one of {title}",
            scenario.lab
        ),
    ))
}

/// Checks every `input` action against the lab's own input type, so a run
/// never meets an input it cannot read.
fn check_inputs<P: Protocol>(proto: &P, scenario: &Scenario) -> Result<(), ScenarioError> {
    for (i, timed) in scenario.actions.iter().enumerate() {
        let Action::Input { input, .. } = &timed.action else {
            continue;
        };
        let path = format!("actions[{i}].input");
        if proto.input_names().is_empty() {
            return Err(ScenarioError::new(
                format!("actions[{i}]"),
                "this lab takes no inputs of its own",
            ));
        }
        serde_path_to_error::deserialize::<_, P::Input>(input.clone()).map_err(|err| {
            let inner = err.path().to_string();
            let at = if inner == "." {
                path.clone()
            } else {
                format!("{path}.{inner}")
            };
            ScenarioError::new(at, err.into_inner().to_string().replace('`', "\""))
        })?;
    }
    Ok(())
}

fn make_run<P: Protocol>(proto: P, scenario: &Scenario) -> Result<Run<P>, ScenarioError> {
    check_inputs(&proto, scenario)?;
    Ok(Run::new(
        proto,
        scenario.roster(),
        scenario.network.clone(),
        scenario.seed,
        &scenario.start_down,
        scenario.actions.clone(),
    ))
}

pub fn raft_params(scenario: &Scenario) -> Result<RaftParams, ScenarioError> {
    let params: RaftParams = params(&scenario.params)?;
    params
        .check()
        .map_err(|(path, message)| ScenarioError::new(path, message))?;
    let servers = scenario.roster().count(SERVER);
    if params.members as usize > servers {
        return Err(ScenarioError::new(
            "params.members",
            format!(
                "{} servers cannot start in the cluster: the run has {servers} (raise nodes, or lower members)",
                params.members
            ),
        ));
    }
    for name in params.logs.keys() {
        let known = NodeId::parse(name)
            .is_some_and(|id| id.kind == SERVER && scenario.roster().slot(id).is_some());
        if !known {
            return Err(ScenarioError::new(
                format!("params.logs.{name}"),
                format!(
                    "“{name}” is not a server of this run ({})",
                    scenario.roster().describe()
                ),
            ));
        }
    }
    check_membership_inputs(scenario)?;
    Ok(params)
}

/// An added or removed server must be one of the run's servers: refused
/// here, with its place, before the run (serde's tagged enums would name
/// only the input as a whole).
fn check_membership_inputs(scenario: &Scenario) -> Result<(), ScenarioError> {
    let roster = scenario.roster();
    for (i, timed) in scenario.actions.iter().enumerate() {
        let Action::Input { input, .. } = &timed.action else {
            continue;
        };
        let op = input.get("op").and_then(|op| op.as_str());
        if !matches!(op, Some("add" | "remove")) {
            continue;
        }
        let Some(named) = input.get("server") else {
            continue;
        };
        let at = format!("actions[{i}].input.server");
        let server = named.as_str().and_then(NodeId::parse).ok_or_else(|| {
            ScenarioError::new(&at, format!("{named} is not a server name like \"S4\""))
        })?;
        if server.kind != SERVER || roster.slot(server).is_none() {
            return Err(ScenarioError::new(
                at,
                format!(
                    "{server} is not a server of this run ({}); a run has at most {MAX_NODES} servers",
                    roster.describe()
                ),
            ));
        }
    }
    Ok(())
}

pub fn raft_election(scenario: &Scenario) -> Result<Run<Raft>, ScenarioError> {
    expect_lab(scenario, RAFT_ELECTION)?;
    make_run(Raft::new(raft_params(scenario)?), scenario)
}

/// A Raft log replication run of the scenario, at time 0.
pub fn raft_replication(scenario: &Scenario) -> Result<Run<Raft>, ScenarioError> {
    expect_lab(scenario, RAFT_REPLICATION)?;
    make_run(Raft::new(raft_params(scenario)?), scenario)
}

pub fn partial_failure_params(scenario: &Scenario) -> Result<PartialFailureParams, ScenarioError> {
    let params: PartialFailureParams = params(&scenario.params)?;
    params
        .check()
        .map_err(|(path, message)| ScenarioError::new(path, message))?;
    Ok(params)
}

/// A partial-failure run of the scenario, at time 0.
pub fn partial_failure(scenario: &Scenario) -> Result<Run<PartialFailure>, ScenarioError> {
    expect_lab(scenario, PARTIAL_FAILURE)?;
    make_run(
        PartialFailure::new(partial_failure_params(scenario)?),
        scenario,
    )
}

pub fn paxos_params(scenario: &Scenario) -> Result<PaxosParams, ScenarioError> {
    let params: PaxosParams = params(&scenario.params)?;
    params
        .check()
        .map_err(|(path, message)| ScenarioError::new(path, message))?;
    let proto = Paxos::new(params.clone());
    if proto.acceptor_count(scenario.roster().ids()) == 0 {
        return Err(ScenarioError::new(
            "nodes.acceptor",
            "a run needs at least one acceptor: add acceptors, or make the proposers accept \
             (params.proposers_accept)",
        ));
    }
    Ok(params)
}

/// A proposal's value must be one a learner can read: refused here, with
/// its place, before the run. A proposal to an acceptor-only node is not:
/// the run refuses it with a sentence, as the UI's P key does, so a file
/// exported after that press still loads.
fn check_proposals(scenario: &Scenario) -> Result<(), ScenarioError> {
    for (i, timed) in scenario.actions.iter().enumerate() {
        let Action::Input { input, .. } = &timed.action else {
            continue;
        };
        if let Ok(Propose { value: Some(value) }) = serde_json::from_value(input.clone()) {
            check_value(&value)
                .map_err(|why| ScenarioError::new(format!("actions[{i}].input.value"), why))?;
        }
    }
    Ok(())
}

/// A single-decree Paxos run of the scenario, at time 0.
pub fn paxos(scenario: &Scenario) -> Result<Run<Paxos>, ScenarioError> {
    expect_lab(scenario, PAXOS)?;
    let proto = Paxos::new(paxos_params(scenario)?);
    check_inputs(&proto, scenario)?;
    check_proposals(scenario)?;
    make_run(proto, scenario)
}

pub fn multi_paxos_params(scenario: &Scenario) -> Result<MultiPaxosParams, ScenarioError> {
    let params: MultiPaxosParams = params(&scenario.params)?;
    params
        .check()
        .map_err(|(path, message)| ScenarioError::new(path, message))?;
    Ok(params)
}

/// A key-value command's fields, each refused at its own place (serde's
/// tagged enums name only the input as a whole).
fn check_command_fields(scenario: &Scenario) -> Result<(), ScenarioError> {
    for (i, timed) in scenario.actions.iter().enumerate() {
        let Action::Input { input, .. } = &timed.action else {
            continue;
        };
        let at = |field: &str| format!("actions[{i}].input.{field}");
        if let Some(key) = input.get("key").filter(|k| !k.is_string()) {
            return Err(ScenarioError::new(
                at("key"),
                format!("{key} is not a key name: write one in quotes, like \"x\""),
            ));
        }
        if let Some(value) = input.get("value").filter(|v| !v.is_i64()) {
            return Err(ScenarioError::new(
                at("value"),
                format!("{value} is not a whole number: a value is an integer, like 3"),
            ));
        }
    }
    Ok(())
}

/// Raft's membership changes (`add`, `remove`) share the client input
/// type, but Multi-Paxos has none: refused here, with their place.
fn refuse_membership(scenario: &Scenario) -> Result<(), ScenarioError> {
    for (i, timed) in scenario.actions.iter().enumerate() {
        let Action::Input { input, .. } = &timed.action else {
            continue;
        };
        let op = input.get("op").and_then(|op| op.as_str());
        if matches!(op, Some("add" | "remove")) {
            return Err(ScenarioError::new(
                format!("actions[{i}].input"),
                crate::multipaxos::NO_MEMBERSHIP,
            ));
        }
    }
    Ok(())
}

/// A Multi-Paxos run of the scenario, at time 0.
pub fn multi_paxos(scenario: &Scenario) -> Result<Run<MultiPaxos>, ScenarioError> {
    expect_lab(scenario, MULTI_PAXOS)?;
    let proto = MultiPaxos::new(multi_paxos_params(scenario)?);
    refuse_membership(scenario)?;
    check_command_fields(scenario)?;
    make_run(proto, scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_lab_finds_the_one_it_meant() {
        assert_eq!(
            nearest("partial-failur").map(|l| l.id),
            Some(PARTIAL_FAILURE)
        );
        assert_eq!(nearest("Raft-Electoin").map(|l| l.id), Some(RAFT_ELECTION));
        assert_eq!(nearest("raft").map(|l| l.id), Some(RAFT_ELECTION));
        assert!(nearest("paxos-made-up").is_none());
        assert!(nearest("").is_none());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}

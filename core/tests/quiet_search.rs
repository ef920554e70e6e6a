//! The search's quiet runs (no trace, hash, checkpoints or landmarks) find
//! the same first violation, at the same time, as a normal run; and a
//! counterexample the search hands back breaks the same way when loaded.

use distviz_core::lab;
use distviz_core::raft::RaftParams;
use distviz_core::scenario::{Scenario, ScenarioError};
use distviz_core::search::{first_violation, first_violation_quiet, Progress, Search, Space};
use distviz_core::sim::{Protocol, Run};

fn shipped(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn same_answer<P: Protocol>(
    make: fn(&Scenario) -> Result<Run<P>, ScenarioError>,
    scenario: &Scenario,
) {
    let full = first_violation(make, scenario).unwrap();
    let quiet = first_violation_quiet(make, scenario).unwrap();
    assert!(
        full.is_some(),
        "{}: the scenario breaks nothing",
        scenario.lab
    );
    assert_eq!(quiet, full);
}

#[test]
fn a_quiet_run_finds_the_first_violation_of_each_break_it_scenario_at_the_same_time() {
    for name in [
        "raft-replication-figure-8-bug.json",
        "raft-replication-forget-vote.json",
        "raft-replication-skip-consistency-check.json",
        "raft-replication-rejoin-vote-without-log-check.json",
    ] {
        same_answer(lab::raft_replication, &shipped(name));
    }
    same_answer(
        lab::raft_election,
        &shipped("raft-election-broken-votes.json"),
    );
    for name in [
        "paxos-break-forget-promise.json",
        "paxos-break-ignore-values.json",
        "paxos-break-small-quorums.json",
    ] {
        same_answer(lab::paxos, &shipped(name));
    }
    same_answer(
        lab::multi_paxos,
        &shipped("multi-paxos-break-ignore-values.json"),
    );
    same_answer(
        lab::partial_failure,
        &shipped("partial-failure-retry-applies-twice.json"),
    );
}

#[test]
fn a_quiet_run_of_a_scenario_that_holds_finds_nothing() {
    let s = shipped("raft-replication-figure-8.json");
    assert_eq!(first_violation(lab::raft_replication, &s).unwrap(), None);
    assert_eq!(
        first_violation_quiet(lab::raft_replication, &s).unwrap(),
        None
    );
}

#[test]
fn the_counterexample_found_quietly_breaks_the_same_way_in_a_normal_run() {
    let mut base = Scenario::new(lab::RAFT_REPLICATION, 1, 3);
    base.other_nodes.insert("client".into(), 1);
    base.params = serde_json::to_value(RaftParams {
        workload_ms: 100,
        break_skip_consistency_check: true,
        ..RaftParams::default()
    })
    .unwrap();
    let mut search = Search::new(base, lab::raft_replication, Space::default(), None, 300);
    let Progress::Found(found) = search.finish() else {
        panic!("300 schedules did not catch AppendEntries without its check");
    };
    let mut run = lab::raft_replication(&found.scenario).unwrap();
    run.advance_to(found.broken.at_ms);
    let first = run.world().violations().iter().next().cloned().unwrap();
    assert_eq!(
        (first.invariant, first.at_ms, first.detail),
        (
            found.broken.invariant,
            found.broken.at_ms,
            found.broken.detail.clone()
        )
    );
    assert_eq!(found.scenario.at_ms, Some(found.broken.at_ms));
}

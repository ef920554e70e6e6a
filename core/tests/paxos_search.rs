//! Single-decree Paxos under random fault schedules (the shared search of
//! `search.rs`): with the rules kept, no schedule breaks a safety check;
//! with any one "break it" toggle on, the search finds a schedule that
//! does, and shrinks it. The number of schedules each toggle took is
//! printed (`cargo test --test paxos_search -- --nocapture`).
//!
//! CI runs a few hundred schedules; the 10,000-schedule run is
//! `cargo test --release -p distviz-core --test paxos_search -- --ignored --nocapture`.

use distviz_core::lab;
use distviz_core::paxos::{random_proposal, PaxosParams, PROPOSER};
use distviz_core::scenario::Scenario;
use distviz_core::search::{first_violation, Progress, Search, Space};
use distviz_core::sim::{Action, NodeId, TimedAction};
use serde_json::json;

/// Every schedule starts with two proposers proposing different values.
fn base(params: PaxosParams, proposers: usize, acceptors: usize) -> Scenario {
    base_seeded(params, proposers, acceptors, 11)
}

fn base_seeded(params: PaxosParams, proposers: usize, acceptors: usize, seed: u64) -> Scenario {
    let mut s = Scenario::new(lab::PAXOS, seed, proposers);
    s.other_nodes.insert("acceptor".into(), acceptors);
    s.params = serde_json::to_value(params).unwrap_or_default();
    for (at_ms, node, value) in [(50, 0, "red"), (80, 1, "blue")] {
        s.actions.push(TimedAction {
            at_ms,
            action: Action::Input {
                node: NodeId::new(PROPOSER, node),
                input: json!({ "value": value }),
            },
        });
    }
    s
}

const SPACE: Space = Space {
    horizon_ms: 3_000,
    max_actions: 12,
    lossy_links: true,
};

fn search(base: Scenario, schedules: u64) -> Progress {
    Search::new(base, lab::paxos, SPACE, Some(random_proposal), schedules).finish()
}

fn holds(params: PaxosParams, proposers: usize, acceptors: usize, schedules: u64) {
    match search(base(params.clone(), proposers, acceptors), schedules) {
        Progress::Held { tried } => assert_eq!(tried, schedules),
        Progress::Found(found) => panic!(
            "{params:?}: schedule {} broke {}: {}\n{}",
            found.schedules,
            found.broken.invariant,
            found.broken.detail,
            found.scenario.to_json()
        ),
        other => panic!("{other:?}"),
    }
}

/// Finds a counterexample for one toggle; returns how many schedules it took.
fn caught(toggle: &str, schedules: u64) -> u64 {
    caught_seeded(toggle, schedules, 11)
}

fn caught_seeded(toggle: &str, schedules: u64, seed: u64) -> u64 {
    let mut params = json!(PaxosParams::default());
    params[toggle] = json!(true);
    let params: PaxosParams = serde_json::from_value(params).unwrap_or_default();
    match search(base_seeded(params, 2, 3, seed), schedules) {
        Progress::Found(found) => {
            // Loading the shrunk scenario shows the same violation.
            let again = first_violation(lab::paxos, &found.scenario).ok().flatten();
            assert_eq!(again.map(|b| b.invariant), Some(found.broken.invariant));
            assert!(found.scenario.actions.len() <= found.actions_before);
            eprintln!(
                "{toggle}: caught after {} schedule(s), broke \"{}\", shrunk from {} to {} actions",
                found.schedules,
                found.broken.invariant,
                found.actions_before,
                found.scenario.actions.len()
            );
            found.schedules
        }
        other => panic!("{toggle}: no schedule of {schedules} broke a check: {other:?}"),
    }
}

#[test]
fn with_the_rules_kept_no_random_schedule_breaks_a_safety_check() {
    holds(PaxosParams::default(), 2, 3, 150);
    let no_backoff = PaxosParams {
        backoff: false,
        patience_ms: 150,
        ..Default::default()
    };
    holds(no_backoff, 3, 5, 50);
    let combined = PaxosParams {
        proposers_accept: true,
        ..Default::default()
    };
    holds(combined, 3, 0, 50);
}

#[test]
fn every_break_it_toggle_is_caught_by_a_random_schedule() {
    for toggle in [
        "break_ignore_promised_values",
        "break_forget_promise",
        "break_small_quorums",
    ] {
        caught(toggle, 300);
    }
}

#[test]
#[ignore]
fn ten_thousand_random_schedules_hold_and_every_toggle_is_caught() {
    holds(PaxosParams::default(), 2, 3, 10_000);
    holds(
        PaxosParams {
            proposers_accept: true,
            ..Default::default()
        },
        3,
        0,
        2_000,
    );
    for toggle in [
        "break_ignore_promised_values",
        "break_forget_promise",
        "break_small_quorums",
    ] {
        caught(toggle, 10_000);
        // Over twenty searches with different seeds: how many schedules it takes.
        let mut took: Vec<u64> = (1..=20)
            .map(|seed| caught_seeded(toggle, 10_000, seed))
            .collect();
        took.sort_unstable();
        eprintln!(
            "{toggle}: over 20 searches, median {} and most {} schedules",
            took[10], took[19]
        );
    }
}

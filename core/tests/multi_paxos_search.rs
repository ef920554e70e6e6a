//! Multi-Paxos under random fault schedules (the shared search of
//! `search.rs`): with the rules kept, no schedule breaks a safety check, on
//! 3 and 5 servers, with clients sending a steady workload and random
//! requests; with "break it" on, the search finds a schedule that does, and
//! shrinks it. Figures are printed (`-- --nocapture`).
//!
//! CI runs a few hundred schedules; the 10,000-schedule runs are
//! `cargo test --release -p distviz-core --test multi_paxos_search -- --ignored --nocapture`.

use distviz_core::lab;
use distviz_core::multipaxos::{random_request, MultiPaxosParams};
use distviz_core::scenario::Scenario;
use distviz_core::search::{first_violation, Progress, Search, Space};
use std::time::Instant;

fn base(params: MultiPaxosParams, servers: usize, seed: u64) -> Scenario {
    let mut s = Scenario::new(lab::MULTI_PAXOS, seed, servers);
    s.other_nodes.insert("client".into(), 2);
    s.params = serde_json::to_value(params).unwrap_or_default();
    s
}

fn busy() -> MultiPaxosParams {
    MultiPaxosParams {
        workload_ms: 40,
        ..Default::default()
    }
}

const SPACE: Space = Space {
    horizon_ms: 3_000,
    max_actions: 12,
    lossy_links: true,
};

fn search(base: Scenario, schedules: u64) -> Progress {
    Search::new(
        base,
        lab::multi_paxos,
        SPACE,
        Some(random_request),
        schedules,
    )
    .finish()
}

fn holds(params: MultiPaxosParams, servers: usize, schedules: u64) {
    let start = Instant::now();
    match search(base(params.clone(), servers, 17), schedules) {
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
    let took = start.elapsed().as_secs_f64();
    eprintln!(
        "{servers} servers: {schedules} schedules of {} ms held in {took:.1} s ({:.0} schedules/s)",
        SPACE.horizon_ms,
        schedules as f64 / took
    );
}

fn caught(servers: usize, schedules: u64, seed: u64) -> u64 {
    let params = MultiPaxosParams {
        break_ignore_promised_values: true,
        ..busy()
    };
    match search(base(params, servers, seed), schedules) {
        Progress::Found(found) => {
            let again = first_violation(lab::multi_paxos, &found.scenario)
                .ok()
                .flatten();
            assert_eq!(again.map(|b| b.invariant), Some(found.broken.invariant));
            assert!(found.scenario.actions.len() <= found.actions_before);
            eprintln!(
                "break_ignore_promised_values on {servers} servers: caught after {} schedule(s), \
                 broke \"{}\", shrunk from {} to {} actions",
                found.schedules,
                found.broken.invariant,
                found.actions_before,
                found.scenario.actions.len()
            );
            found.schedules
        }
        other => panic!("no schedule of {schedules} broke a check: {other:?}"),
    }
}

#[test]
fn with_the_rules_kept_no_random_schedule_breaks_a_safety_check() {
    holds(busy(), 3, 300);
    holds(busy(), 5, 200);
}

#[test]
fn ignoring_promised_values_is_caught_by_a_random_schedule() {
    caught(3, 500, 17);
}

#[test]
#[ignore]
fn ten_thousand_random_schedules_hold_on_three_and_five_servers() {
    holds(busy(), 3, 10_000);
    holds(busy(), 5, 10_000);
    let mut took: Vec<u64> = (1..=10).map(|seed| caught(3, 10_000, seed)).collect();
    took.sort_unstable();
    eprintln!(
        "break_ignore_promised_values: over 10 searches, median {} and most {} schedules",
        took[5], took[9]
    );
}

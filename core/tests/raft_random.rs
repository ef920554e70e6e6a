//! Random fault schedules against Raft's invariants: with the paper's
//! rules nothing breaks; each "break it" setting is caught, and shrunk.
//! CI runs a share; `cargo test -- --ignored` runs the full count.

use distviz_core::lab;
use distviz_core::raft::{random_membership_change, Membership, RaftParams};
use distviz_core::scenario::Scenario;
use distviz_core::search::{Progress, Search, Space};

fn base(servers: usize, seed: u64, params: RaftParams) -> Scenario {
    let mut s = Scenario::new(lab::RAFT_REPLICATION, seed, servers);
    s.other_nodes.insert("client".into(), 1);
    s.params = serde_json::to_value(RaftParams {
        workload_ms: 100,
        ..params
    })
    .unwrap();
    s
}

fn holds(servers: usize, params: RaftParams, schedules: u64) {
    let mut search = Search::new(
        base(servers, servers as u64, params),
        lab::raft_replication,
        Space::default(),
        Some(random_membership_change),
        schedules,
    );
    match search.finish() {
        Progress::Held { tried } => assert_eq!(tried, schedules),
        Progress::Found(found) => panic!(
            "{} broke on {} servers: {}\n{}",
            found.broken.invariant,
            servers,
            found.broken.detail,
            found.scenario.to_json()
        ),
        other => panic!("{other:?}"),
    }
}

/// Schedules it took to break `invariant` with one rule broken.
fn caught(params: RaftParams, invariants: &[&str], budget: u64) -> u64 {
    let mut search = Search::new(
        base(3, 1, params.clone()),
        lab::raft_replication,
        Space::default(),
        Some(random_membership_change),
        budget,
    );
    match search.finish() {
        Progress::Found(found) => {
            assert!(
                invariants.contains(&found.broken.invariant),
                "{params:?} broke {}: {}",
                found.broken.invariant,
                found.broken.detail
            );
            assert!(found.scenario.actions.len() <= found.actions_before);
            eprintln!(
                "{:?}: {} after {} schedules, shrunk from {} to {} actions",
                invariants,
                found.broken.invariant,
                found.schedules,
                found.actions_before,
                found.scenario.actions.len()
            );
            found.schedules
        }
        other => panic!("{params:?} was never caught in {budget} schedules: {other:?}"),
    }
}

/// Spare servers to add, one at a time or by joint consensus, with
/// pre-vote and check-quorum on or off.
fn with_membership(servers: usize) -> [RaftParams; 2] {
    let spare = RaftParams {
        members: servers as u64 - 2,
        ..Default::default()
    };
    [
        spare.clone(),
        RaftParams {
            membership: Membership::Joint,
            pre_vote: true,
            check_quorum: true,
            ..spare
        },
    ]
}

#[test]
fn random_faults_break_nothing_on_3_5_and_7_servers() {
    for servers in [3, 5, 7] {
        holds(servers, RaftParams::default(), 40);
    }
}

#[test]
fn membership_changes_under_faults_break_nothing() {
    for servers in [5, 7] {
        for params in with_membership(servers) {
            holds(servers, params, 20);
        }
    }
}

/// Snapshots every few entries, so that crashes and cuts leave servers
/// behind a leader's snapshot; with membership changes too (a snapshot
/// carries the configuration).
fn with_snapshots(servers: usize) -> [RaftParams; 3] {
    let [single, joint] = with_membership(servers);
    let every = |p: RaftParams| RaftParams {
        snapshot_every: 3,
        ..p
    };
    [every(RaftParams::default()), every(single), every(joint)]
}

#[test]
fn snapshots_under_faults_break_nothing() {
    for servers in [3, 5] {
        for params in with_snapshots(servers) {
            holds(servers, params, 15);
        }
    }
}

#[test]
#[ignore = "the full count: cargo test --release -- --ignored"]
fn ten_thousand_random_schedules_break_nothing() {
    for servers in [3, 5, 7] {
        holds(servers, RaftParams::default(), 2_000);
        for params in with_membership(servers) {
            holds(servers, params, 700);
        }
        for params in with_snapshots(servers) {
            holds(servers, params, 500);
        }
    }
}

/// The checks see through snapshots: a broken rule is still caught when
/// the entries it corrupts are soon compacted.
#[test]
fn broken_rules_are_caught_with_snapshots_on() {
    caught(
        RaftParams {
            break_vote_without_log_check: true,
            snapshot_every: 3,
            ..Default::default()
        },
        &["Leader Completeness", "State Machine Safety"],
        300,
    );
    caught(
        RaftParams {
            break_skip_consistency_check: true,
            snapshot_every: 3,
            ..Default::default()
        },
        &[
            "Log Matching",
            "State Machine Safety",
            "Leader Completeness",
        ],
        300,
    );
}

#[test]
fn broken_votes_and_logs_are_caught() {
    let budget = 300;
    caught(
        RaftParams {
            break_vote_without_log_check: true,
            ..Default::default()
        },
        &["Leader Completeness", "State Machine Safety"],
        budget,
    );
    caught(
        RaftParams {
            break_skip_consistency_check: true,
            ..Default::default()
        },
        &[
            "Log Matching",
            "State Machine Safety",
            "Leader Completeness",
        ],
        budget,
    );
    caught(
        RaftParams {
            break_one_vote_per_term: true,
            ..Default::default()
        },
        &["Election Safety"],
        budget,
    );
}

/// Figure 8's bug needs several leader changes at the right moments; it
/// takes thousands of schedules, so it runs with the full count.
#[test]
#[ignore = "thousands of schedules: cargo test --release -- --ignored"]
fn committing_old_terms_by_counting_is_caught() {
    caught(
        // Without the no-op, a new leader's first entries are clients'.
        RaftParams {
            break_commit_old_terms: true,
            noop: false,
            ..Default::default()
        },
        &["State Machine Safety", "Leader Completeness"],
        20_000,
    );
}

/// The membership schedules above are not vacuous: most of their runs
/// do commit a new configuration somewhere.
#[test]
fn random_schedules_do_change_membership() {
    use distviz_core::raft::RaftNote;
    let changed = runs_with(with_membership(5)[1].clone(), |note| {
        matches!(note, RaftNote::NewConfig { .. })
    });
    eprintln!("{changed} of 20 runs changed their configuration");
    assert!(changed >= 5, "only {changed} of 20 runs changed membership");
}

/// Nor are the snapshot schedules: in many runs a server falls behind a
/// leader's snapshot and installs it.
#[test]
fn random_schedules_do_install_snapshots() {
    use distviz_core::raft::RaftNote;
    let installed = runs_with(with_snapshots(5)[0].clone(), |note| {
        matches!(note, RaftNote::InstalledSnapshot { .. })
    });
    eprintln!("{installed} of 20 runs installed a snapshot");
    assert!(
        installed >= 5,
        "only {installed} of 20 runs installed a snapshot"
    );
}

/// Of 20 random 10-second schedules on 5 servers, how many record a note
/// that `wanted` picks.
fn runs_with(params: RaftParams, wanted: impl Fn(&distviz_core::raft::RaftNote) -> bool) -> u32 {
    use distviz_core::search::random_schedule;
    use distviz_core::sim::{SimRng, TraceEvent};
    let mut rng = SimRng::stream(7, 1);
    let mut runs = 0;
    for seed in 0..20 {
        let mut scenario = base(5, seed, params.clone());
        scenario.duration_ms = 10_000;
        let mut actions = random_schedule(
            &scenario.roster(),
            &Space::default(),
            Some(random_membership_change),
            &mut rng,
        );
        actions.sort_by_key(|a| a.at_ms);
        scenario.actions = actions;
        let mut run = lab::raft_replication(&scenario).unwrap();
        run.advance_to(10_000);
        runs += run
            .trace()
            .records()
            .iter()
            .any(|r| matches!(&r.event, TraceEvent::Note { note, .. } if wanted(note)))
            as u32;
    }
    runs
}

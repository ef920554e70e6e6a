//! The classic Raft lab claims not covered elsewhere: elections under
//! crashes, concurrent requests, Figure 8 on an unreliable network,
//! churn, membership changes under faults, and snapshots (install, and
//! restart from one). Each run is checked by
//! the lab's own safety monitor as it goes, and by the asserts here.

mod common;
use common::*;
use distviz_core::lab;
use distviz_core::raft::{ClientInput, Membership, Peer, Raft, RaftParams, Role};
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId, Run, SimRng};

fn run_of(servers: usize, clients: usize, seed: u64, params: RaftParams) -> Run<Raft> {
    let mut s = Scenario::new(lab::RAFT_REPLICATION, seed, servers);
    s.other_nodes.insert("client".into(), clients);
    s.params = serde_json::to_value(params).unwrap();
    lab::raft_replication(&s).unwrap()
}

fn leaders(run: &Run<Raft>) -> Vec<NodeId> {
    servers(run)
        .into_iter()
        .filter(|n| n.role == Role::Leader)
        .map(|n| n.id)
        .collect()
}

fn answered(run: &Run<Raft>) -> u64 {
    run.world()
        .nodes()
        .iter()
        .filter_map(|s| s.live.as_ref().and_then(Peer::client))
        .map(|c| c.answered)
        .sum()
}

/// Every live server's committed entries agree with every other's.
fn committed_prefixes_agree(run: &Run<Raft>) {
    let nodes = servers(run);
    for a in &nodes {
        for b in &nodes {
            let upto = a.commit_index.min(b.commit_index) as usize;
            for i in 0..upto {
                assert_eq!(
                    a.log.get(i),
                    b.log.get(i),
                    "{} and {} at {}",
                    a.id,
                    b.id,
                    i + 1
                );
            }
        }
    }
}

fn load(ms: u64) -> RaftParams {
    RaftParams {
        workload_ms: ms,
        ..RaftParams::default()
    }
}

fn s(n: u8) -> NodeId {
    NodeId::server(n)
}

#[test]
fn test_initial_election() {
    let mut run = run_of(3, 1, 11, RaftParams::default());
    run.advance_to(1_000);
    assert_eq!(leaders(&run).len(), 1, "one leader");
    let term = servers(&run)[0].current_term;
    assert!(servers(&run).iter().all(|n| n.current_term == term));
    // No faults: the leader keeps its term.
    run.advance_to(5_000);
    assert!(servers(&run).iter().all(|n| n.current_term == term));
    no_violations(&run);
}

#[test]
fn test_re_election() {
    let mut run = run_of(3, 1, 12, RaftParams::default());
    run.advance_to(1_000);
    let first = leader(&run).unwrap();
    run.intervene(Action::Crash { node: first }).unwrap();
    run.advance_to(2_000);
    let second = leader(&run).expect("a new leader");
    assert_ne!(second, first);
    // The old leader comes back as a follower; the new one stays.
    run.intervene(Action::Restart { node: first }).unwrap();
    run.advance_to(3_000);
    assert_eq!(leader(&run), Some(second));
    // With two of three down, nobody can lead.
    let other = (0..3).map(s).find(|&id| id != second).unwrap();
    run.intervene(Action::Crash { node: second }).unwrap();
    run.intervene(Action::Crash { node: other }).unwrap();
    run.advance_to(5_000);
    assert_eq!(leaders(&run), Vec::<NodeId>::new());
    // One back: a majority again, and a leader.
    run.intervene(Action::Restart { node: other }).unwrap();
    run.advance_to(6_500);
    assert!(leader(&run).is_some());
    no_violations(&run);
}

#[test]
fn test_many_elections() {
    let mut run = run_of(7, 1, 13, RaftParams::default());
    let mut rng = SimRng::new(13);
    let mut t = 1_000;
    for _ in 0..10 {
        // Three of seven down at a time: four are a majority.
        let down: Vec<NodeId> = (0..3).map(|_| s(rng.between(0, 6) as u8)).collect();
        for &node in &down {
            run.intervene(Action::Crash { node }).unwrap();
        }
        t += 1_500;
        run.advance_to(t);
        assert!(leader(&run).is_some(), "a leader at {t} ms");
        for &node in &down {
            run.intervene(Action::Restart { node }).unwrap();
        }
    }
    no_violations(&run);
}

#[test]
fn test_concurrent_requests_commit_in_one_order() {
    let mut run = run_of(5, 3, 14, RaftParams::default());
    run.advance_to(1_000);
    for (c, value) in [(0, 1), (1, 2), (2, 3)] {
        let input = ClientInput::Set {
            key: "x".into(),
            value,
        };
        run.intervene(Action::input(NodeId::client(c), &input))
            .unwrap();
    }
    run.advance_to(3_000);
    assert_eq!(answered(&run), 3);
    // Every store ends with the same last write: one order everywhere.
    let stores: Vec<String> = servers(&run).iter().map(|n| n.kv.describe()).collect();
    assert!(stores.iter().all(|s| s == &stores[0]), "{stores:?}");
    committed_prefixes_agree(&run);
    no_violations(&run);
}

/// Figure 8's danger on a lossy network: leaders crash at random moments
/// mid-replication, and nothing committed may be lost.
#[test]
fn test_figure_8_on_an_unreliable_network() {
    let mut scenario = Scenario::new(lab::RAFT_REPLICATION, 15, 5);
    scenario.other_nodes.insert("client".into(), 1);
    scenario.params = serde_json::to_value(load(50)).unwrap();
    scenario.network.drop = 0.1;
    scenario.network.duplicate = 0.05;
    let mut run = lab::raft_replication(&scenario).unwrap();
    let mut rng = SimRng::new(15);
    let mut t = 500;
    for _ in 0..30 {
        t += rng.between(50, 800);
        run.advance_to(t);
        if let Some(l) = leader(&run) {
            run.intervene(Action::Crash { node: l }).unwrap();
        }
        // Bring back whoever is down, now and then.
        if rng.chance(0.5) {
            for n in 0..5 {
                run.intervene(Action::Restart { node: s(n) }).unwrap();
            }
        }
    }
    for n in 0..5 {
        run.intervene(Action::Restart { node: s(n) }).unwrap();
    }
    let before = answered(&run);
    run.advance_to(t + 5_000);
    assert!(answered(&run) > before, "requests commit again");
    committed_prefixes_agree(&run);
    no_violations(&run);
}

#[test]
fn test_churn() {
    let mut run = run_of(5, 2, 16, load(100));
    let mut rng = SimRng::new(16);
    let mut t = 0;
    for _ in 0..40 {
        t += rng.between(100, 400);
        run.advance_to(t);
        let node = s(rng.between(0, 4) as u8);
        let action = match rng.between(0, 2) {
            0 => Action::Crash { node },
            1 => Action::Restart { node },
            _ => Action::Partition {
                groups: vec![(0..5).map(s).filter(|_| rng.chance(0.4)).collect()],
            },
        };
        run.intervene(action).unwrap();
    }
    run.intervene(Action::Heal).unwrap();
    for n in 0..5 {
        run.intervene(Action::Restart { node: s(n) }).unwrap();
    }
    let before = answered(&run);
    run.advance_to(t + 5_000);
    assert!(answered(&run) >= before + 10);
    // Every server caught up with the leader's commits.
    let top = servers(&run).iter().map(|n| n.commit_index).max().unwrap();
    assert!(servers(&run).iter().all(|n| n.commit_index + 5 >= top));
    committed_prefixes_agree(&run);
    no_violations(&run);
}

#[test]
fn test_membership_changes_under_faults() {
    for membership in [Membership::Single, Membership::Joint] {
        let params = RaftParams {
            members: 3,
            membership,
            pre_vote: true,
            workload_ms: 100,
            ..RaftParams::default()
        };
        let mut run = run_of(6, 1, 17, params);
        let mut rng = SimRng::new(17);
        let mut t = 500;
        let mut changes = 0;
        for round in 0..30 {
            t += 600;
            run.advance_to(t);
            // Ask whoever leads to add or remove someone; crash a server
            // now and then, and bring it back later.
            if let Some(l) = leader(&run) {
                let server = s(rng.between(0, 5) as u8);
                let input = if rng.chance(0.6) {
                    ClientInput::Add { server }
                } else {
                    ClientInput::Remove { server }
                };
                let before = run.trace().records().len();
                run.intervene(Action::input(l, &input)).unwrap();
                let refused = run.trace().records()[before..]
                    .iter()
                    .any(|r| matches!(r.event, distviz_core::sim::TraceEvent::Refused { .. }));
                changes += u32::from(!refused);
            }
            if round % 4 == 1 {
                run.intervene(Action::Crash {
                    node: s(rng.between(0, 5) as u8),
                })
                .unwrap();
            }
            if round % 4 == 3 {
                for n in 0..6 {
                    run.intervene(Action::Restart { node: s(n) }).unwrap();
                }
            }
        }
        for n in 0..6 {
            run.intervene(Action::Restart { node: s(n) }).unwrap();
        }
        run.advance_to(t + 5_000);
        eprintln!("{membership:?}: {changes} changes taken");
        assert!(changes >= 5, "{membership:?}: only {changes} changes taken");
        // The cluster settles on one configuration, which every member uses.
        let l = leader(&run).expect("a leader after the faults");
        let config = servers(&run)
            .into_iter()
            .find(|n| n.id == l)
            .map(|n| n.config.clone())
            .unwrap();
        for member in config.members() {
            let node = servers(&run).into_iter().find(|n| n.id == member).unwrap();
            assert_eq!(node.config, config, "{membership:?}: {member}");
        }
        committed_prefixes_agree(&run);
        no_violations(&run);
    }
}

fn with_snapshots(every: u64) -> RaftParams {
    RaftParams {
        snapshot_every: every,
        ..load(50)
    }
}

#[test]
fn test_snapshot_install() {
    let mut run = run_of(5, 1, 21, with_snapshots(5));
    run.advance_to(1_000);
    let lead = leader(&run).unwrap();
    let behind = (0..5).map(s).find(|&id| id != lead).unwrap();
    run.intervene(Action::Crash { node: behind }).unwrap();
    run.advance_to(5_000);
    // Meanwhile the others compacted past what it holds.
    let held = servers(&run).iter().map(|n| n.snapshot_index()).min();
    assert!(held.is_some_and(|at| at > 20), "{held:?}");
    run.intervene(Action::Restart { node: behind }).unwrap();
    run.advance_to(7_000);
    let it = servers(&run).into_iter().find(|n| n.id == behind).unwrap();
    let lead = servers(&run)
        .into_iter()
        .find(|n| n.role == Role::Leader)
        .unwrap();
    // It took the leader's snapshot, and has what the leader has applied.
    let installed = run.trace().records().iter().any(|r| {
        matches!(&r.event, distviz_core::sim::TraceEvent::Note { node, note: distviz_core::raft::RaftNote::InstalledSnapshot { .. } } if *node == behind)
    });
    assert!(installed, "{behind} installed a snapshot");
    assert!(it.snapshot_index() > 20);
    assert!(it.last_applied + 5 >= lead.last_applied);
    for n in servers(&run) {
        if n.last_applied == lead.last_applied {
            assert_eq!(n.kv, lead.kv, "{}", n.id);
        }
    }
    assert!(answered(&run) > 30);
    no_violations(&run);
}

#[test]
fn test_a_snapshot_survives_a_crash_of_everyone() {
    let mut run = run_of(3, 1, 22, with_snapshots(5));
    run.advance_to(3_000);
    let before: Vec<_> = servers(&run)
        .iter()
        .map(|n| (n.id, n.snapshot_index(), n.snapshot.clone()))
        .collect();
    assert!(before.iter().all(|(_, at, _)| *at >= 5));
    for (id, _, _) in &before {
        run.intervene(Action::Crash { node: *id }).unwrap();
    }
    for (id, _, _) in &before {
        run.intervene(Action::Restart { node: *id }).unwrap();
    }
    // Booted from disk: the store is the snapshot's, its entries applied.
    for (id, at, snapshot) in &before {
        let n = servers(&run).into_iter().find(|n| n.id == *id).unwrap();
        assert_eq!(n.snapshot_index(), *at);
        assert!(n.last_applied >= *at && n.commit_index >= *at);
        if n.last_applied == *at {
            assert_eq!(Some(&n.kv), snapshot.as_ref().map(|s| &s.kv));
        }
    }
    run.advance_to(5_000);
    assert!(leader(&run).is_some());
    no_violations(&run);
}

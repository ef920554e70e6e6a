//! Election Safety and monotonic terms under many random seeded schedules
//! of crashes, restarts, partitions, timeouts and message loss.

use distviz_core::raft::{Raft, RaftParams, Role};
use distviz_core::sim::{
    Action, LinkState, NetworkConfig, NodeId, Roster, Run, SimRng, TimedAction,
};

fn random_schedule(seed: u64) -> (usize, NetworkConfig, Vec<TimedAction>) {
    let mut rng = SimRng::new(seed ^ 0x5eed);
    let nodes = rng.between(3, 7) as usize;
    let node = |rng: &mut SimRng| NodeId::server(rng.between(0, nodes as u64 - 1) as u8);
    let network = NetworkConfig {
        latency_ms: [rng.between(1, 20), rng.between(20, 80)],
        drop: rng.between(0, 20) as f64 / 100.0,
        duplicate: rng.between(0, 10) as f64 / 100.0,
        fifo: false,
    };
    let mut t = 0;
    let mut actions = Vec::new();
    for _ in 0..rng.between(5, 25) {
        t += rng.between(20, 600);
        let action = match rng.between(0, 7) {
            0 | 1 => Action::Crash {
                node: node(&mut rng),
            },
            2 | 3 => Action::Restart {
                node: node(&mut rng),
            },
            4 => {
                let cut = rng.between(1, nodes as u64 - 1) as u8;
                Action::Partition {
                    groups: vec![(0..cut).map(NodeId::server).collect()],
                }
            }
            5 => Action::Heal,
            6 => Action::Timeout {
                node: node(&mut rng),
            },
            _ => {
                let (from, to) = (node(&mut rng), node(&mut rng));
                if from == to {
                    Action::AlignTimers
                } else {
                    let state = [LinkState::Up, LinkState::Drop, LinkState::Hold]
                        [rng.between(0, 2) as usize];
                    // Sometimes the link also gets its own delay and loss.
                    let own = rng.chance(0.5);
                    Action::Link {
                        from,
                        to,
                        state,
                        latency_ms: own.then(|| [rng.between(0, 50), rng.between(50, 400)]),
                        drop: own.then(|| rng.between(0, 50) as f64 / 100.0),
                        duplicate: None,
                        fifo: None,
                    }
                }
            }
        };
        actions.push(TimedAction { at_ms: t, action });
    }
    (nodes, network, actions)
}

#[test]
fn election_safety_holds_under_1000_random_schedules() {
    let mut leaders_elected = 0;
    for seed in 0..1000 {
        let (nodes, network, actions) = random_schedule(seed);
        let end = actions.last().map_or(0, |a| a.at_ms) + 2_000;
        let mut run = Run::new(
            Raft::new(RaftParams::default()),
            Roster::servers(nodes),
            network,
            seed,
            &[],
            actions,
        );
        run.advance_to(end);
        let violations = run.world().violations();
        assert!(violations.is_empty(), "seed {seed}: {violations:?}");
        leaders_elected += run.world().monitor().leaders.size();
        // Cross-check the monitor's own bookkeeping: no two live leaders share a term.
        let mut terms: Vec<u64> = run
            .world()
            .nodes()
            .iter()
            .filter_map(|s| s.live.as_ref().and_then(|p| p.server()))
            .filter(|n| n.role == Role::Leader)
            .map(|n| n.current_term)
            .collect();
        let count = terms.len();
        terms.dedup();
        assert_eq!(terms.len(), count, "seed {seed}: two leaders share a term");
    }
    assert!(
        leaders_elected > 2000,
        "the schedules elected only {leaders_elected} leaders: too hostile to test anything"
    );
}

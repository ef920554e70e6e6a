//! The same scenario gives the same run: twice in a row, after seeking
//! around, and after a live intervention replayed from its exported file.

use distviz_core::lab;
use distviz_core::raft::Raft;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId, Run, TraceEvent};

fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run_to_end(s: &Scenario) -> Run<Raft> {
    let mut run = lab::raft_election(s).unwrap();
    run.advance_to(s.duration_ms);
    run
}

/// Everything a view could show of the world at "now".
fn fingerprint(run: &Run<Raft>) -> String {
    let w = run.world();
    let mut in_flight: Vec<_> = w.in_flight().map(|m| (m.id, m.arrives)).collect();
    in_flight.sort();
    format!(
        "{} {} {} {} {:?} {:?}",
        w.now(),
        w.steps(),
        w.records(),
        w.trace_hash(),
        w.nodes()
            .iter()
            .map(|s| (&s.live, &s.saved, &s.timers))
            .collect::<Vec<_>>(),
        in_flight
    )
}

#[test]
fn same_scenario_twice_gives_the_same_hash() {
    for name in [
        "raft-election-quiet.json",
        "raft-election-leader-crash.json",
        "raft-election-partition.json",
        "raft-election-split-vote.json",
    ] {
        let s = scenario(name);
        let (a, b) = (run_to_end(&s), run_to_end(&s));
        assert_eq!(a.world().trace_hash(), b.world().trace_hash(), "{name}");
        assert_eq!(a.trace().records(), b.trace().records(), "{name}");
    }
}

#[test]
fn different_seeds_give_different_runs() {
    let mut s = scenario("raft-election-quiet.json");
    let first = run_to_end(&s).world().trace_hash();
    s.seed += 1;
    assert_ne!(first, run_to_end(&s).world().trace_hash());
}

#[test]
fn seeking_back_and_forth_matches_a_straight_run() {
    let s = scenario("raft-election-partition.json");
    let times = [0, 1, 777, 1000, 1001, 2500, 3999, 4000, 6500, 8000];
    let straight: Vec<String> = times
        .iter()
        .map(|&t| {
            let mut run = lab::raft_election(&s).unwrap();
            run.advance_to(t);
            fingerprint(&run)
        })
        .collect();
    let mut run = run_to_end(&s);
    for &i in &[9, 0, 5, 2, 8, 1, 7, 3, 6, 4, 9, 0] {
        run.seek_time(times[i]);
        assert_eq!(
            fingerprint(&run),
            straight[i],
            "after seeking to {} ms",
            times[i]
        );
    }
}

#[test]
fn stepping_back_undoes_exactly_one_step() {
    let s = scenario("raft-election-leader-crash.json");
    let mut run = lab::raft_election(&s).unwrap();
    run.advance_to(1_500);
    // Step back lands on an event's time, so start the record on one.
    run.step_forward();
    let mut history = vec![fingerprint(&run)];
    for _ in 0..700 {
        run.step_forward();
        history.push(fingerprint(&run));
    }
    for expected in history.iter().rev().skip(1) {
        run.step_back();
        assert_eq!(&fingerprint(&run), expected);
    }
}

#[test]
fn an_intervention_forks_and_its_file_replays_identically() {
    let s = scenario("raft-election-quiet.json");
    let mut live = lab::raft_election(&s).unwrap();
    live.advance_to(2_000);
    let unforked = live.world().trace_hash();
    // Go back in time and act: the future after 700 ms is replaced.
    live.seek_time(700);
    live.intervene(Action::Crash {
        node: NodeId::server(2),
    })
    .unwrap();
    live.advance_to(900);
    live.intervene(Action::Partition {
        groups: vec![vec![NodeId::server(0), NodeId::server(1)]],
    })
    .unwrap();
    live.advance_to(1_300);
    live.intervene(Action::Heal).unwrap();
    live.intervene(Action::Restart {
        node: NodeId::server(2),
    })
    .unwrap();
    live.advance_to(2_000);
    assert_ne!(
        live.world().trace_hash(),
        unforked,
        "the fork changed the future"
    );
    assert_eq!(live.actions().len(), 4);

    let mut exported = s.clone();
    exported.actions = live.actions().to_vec();
    exported.duration_ms = 2_000;
    let reparsed = Scenario::parse(&exported.to_json()).unwrap();
    let replayed = run_to_end(&reparsed);
    assert_eq!(replayed.world().trace_hash(), live.world().trace_hash());
    let from_link = Scenario::from_link_param(&exported.to_link_param()).unwrap();
    assert_eq!(
        run_to_end(&from_link).world().trace_hash(),
        live.world().trace_hash()
    );
}

#[test]
fn a_crashed_node_loses_messages_and_timers_but_keeps_its_disk() {
    let s = scenario("raft-election-quiet.json");
    let mut run = lab::raft_election(&s).unwrap();
    run.advance_to(1_000);
    run.intervene(Action::Crash {
        node: NodeId::server(0),
    })
    .unwrap();
    let slot = run.world().node(NodeId::server(0));
    assert!(slot.live.is_none() && slot.timers.is_empty() && slot.saved.is_some());
    assert!(run.world().in_flight().all(|m| m.to != NodeId::server(0)));
}

const S1: NodeId = NodeId::server(0);
const S2: NodeId = NodeId::server(1);
const S3: NodeId = NodeId::server(2);

#[test]
fn a_link_can_have_its_own_latency_and_loss() {
    let mut s = scenario("raft-election-quiet.json");
    s.actions = Scenario::parse(
        r#"{"version":1,"lab":"raft-election","actions":[
            {"at_ms":0,"do":"link","from":"S1","to":"S2","state":"up","latency_ms":[300,300]},
            {"at_ms":0,"do":"link","from":"S1","to":"S3","state":"up","drop":1.0},
            {"at_ms":1000,"do":"timeout","node":"S1"}]}"#,
    )
    .unwrap()
    .actions;
    let run = run_to_end(&s);
    let mut slow = 0;
    for record in run.trace().records() {
        if let TraceEvent::Send {
            from: S1,
            to,
            arrives,
            ..
        } = &record.event
        {
            match *to {
                S2 => {
                    assert_eq!(*arrives, Some(record.at + 300));
                    slow += 1;
                }
                S3 => assert_eq!(*arrives, None, "S1→S3 loses everything"),
                _ => {}
            }
        }
    }
    assert!(slow > 0, "S1 sent nothing to S2");
    // The other direction keeps the network's settings.
    assert!(run.trace().records().iter().any(|r| matches!(&r.event,
        TraceEvent::Send { from: S3, to: S1, arrives: Some(t), .. } if *t <= r.at + 40)));
}

#[test]
fn advancing_to_a_time_processes_nothing_after_it() {
    // Election timers are reset all the time, leaving stale entries in the
    // queue; skipping them must not run past the target.
    let s = scenario("raft-election-partition.json");
    let mut run = lab::raft_election(&s).unwrap();
    for t in (0..3_000).step_by(7) {
        run.advance_to(t);
        assert_eq!(run.now(), t);
        let last = run.records_so_far().last().unwrap();
        assert!(
            last.at <= t,
            "advancing to {t} ms recorded an event at {} ms",
            last.at
        );
    }
    run.seek_time(1_234);
    assert!(run.records_so_far().last().unwrap().at <= 1_234);
}

#[test]
fn any_session_of_seeks_steps_and_forks_replays_from_its_file() {
    use distviz_core::sim::SimRng;
    for seed in 0..200 {
        let mut rng = SimRng::new(seed);
        let mut s = Scenario::new(lab::RAFT_ELECTION, seed, rng.between(1, 9) as usize);
        s.network.drop = rng.between(0, 10) as f64 / 100.0;
        let nodes = s.nodes as u64;
        let mut live = lab::raft_election(&s).unwrap();
        for _ in 0..rng.between(5, 30) {
            let node = NodeId::server(rng.between(0, nodes - 1) as u8);
            match rng.between(0, 9) {
                0..=2 => live.advance_to(live.now() + rng.between(0, 700)),
                3 => live.seek_time(rng.between(0, live.horizon())),
                4 => (0..rng.between(1, 40)).for_each(|_| live.step_back()),
                5 => (0..rng.between(1, 40)).for_each(|_| {
                    live.step_forward();
                }),
                6 => live.intervene(Action::Crash { node }).unwrap(),
                7 => live.intervene(Action::Restart { node }).unwrap(),
                8 => live.intervene(Action::Timeout { node }).unwrap(),
                _ => live
                    .intervene(Action::Partition {
                        groups: vec![vec![node]],
                    })
                    .unwrap(),
            }
        }
        let end = live.horizon();
        live.seek_time(end);
        let mut file = s.clone();
        file.actions = live.actions().to_vec();
        file.duration_ms = end;
        let replayed = run_to_end(&Scenario::parse(&file.to_json()).unwrap());
        assert_eq!(
            replayed.world().trace_hash(),
            live.world().trace_hash(),
            "seed {seed}"
        );
        assert_eq!(
            replayed.trace().records(),
            live.trace().records(),
            "seed {seed}"
        );
    }
}

/// A run that keeps only a window of its trace travels exactly like one
/// that keeps everything: same state, same hash, the same latest records,
/// the same landmarks.
#[test]
fn a_windowed_trace_travels_like_a_full_one() {
    use distviz_core::sim::SimRng;
    let s = scenario("raft-election-partition.json");
    let mut full = lab::raft_election(&s).unwrap();
    let mut windowed = lab::raft_election(&s).unwrap();
    windowed.keep_window(300);
    let mut rng = SimRng::new(5);
    for round in 0..60 {
        let t = rng.between(0, 8_000);
        match rng.between(0, 3) {
            0 => {
                full.advance_to(full.now().max(t));
                windowed.advance_to(windowed.now().max(t));
            }
            1 => {
                for _ in 0..rng.between(1, 50) {
                    full.step_back();
                    windowed.step_back();
                }
            }
            _ => {
                full.seek_time(t);
                windowed.seek_time(t);
            }
        }
        assert_eq!(fingerprint(&full), fingerprint(&windowed), "round {round}");
        let tail = |run: &Run<Raft>| {
            let records = run.records_so_far();
            records[records.len().saturating_sub(100)..].to_vec()
        };
        assert!(
            tail(&full) == tail(&windowed),
            "round {round}: the latest records differ"
        );
        assert!(windowed.trace().records().len() <= 600);
        let marks = |run: &Run<Raft>| {
            let l = run.landmarks();
            (l.stretches.clone(), l.breaches.clone())
        };
        assert_eq!(marks(&full), marks(&windowed), "round {round}");
    }
    // A fork from the past keeps them equal too.
    full.seek_time(1_500);
    windowed.seek_time(1_500);
    full.intervene(Action::Heal).unwrap();
    windowed.intervene(Action::Heal).unwrap();
    full.advance_to(4_000);
    windowed.advance_to(4_000);
    assert_eq!(fingerprint(&full), fingerprint(&windowed));
    assert_eq!(full.landmarks().stretches, windowed.landmarks().stretches);
}

/// The landmarks match a scan of the whole trace: one stretch per leader.
#[test]
fn landmarks_follow_leaders_and_forks() {
    let s = scenario("raft-election-leader-crash.json");
    let run = run_to_end(&s);
    let leaders = run.world().monitor().leaders().count();
    assert_eq!(run.landmarks().stretches.len(), leaders);
    assert!(
        run.landmarks().stretches[0].until_ms.is_some(),
        "the crash ended it"
    );
    let broken = run_to_end(&scenario("raft-election-broken-votes.json"));
    assert_eq!(
        broken.landmarks().breaches.len(),
        broken.world().violations().len()
    );
}

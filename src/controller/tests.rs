use super::*;
use distviz_core::lab;
use distviz_core::raft::Raft;

fn controller() -> Controller<Raft> {
    Controller::new(Scenario::new(lab::RAFT_ELECTION, 1, 5), lab::raft_election).unwrap()
}

fn role(c: &Controller<Raft>, id: NodeId) -> Option<&'static str> {
    c.run.world().node(id).summary.map(|s| s.role.name())
}

#[test]
fn frames_advance_virtual_time_at_the_chosen_speed() {
    let mut c = controller();
    c.apply(Command::SetSpeed(0.5));
    for _ in 0..10 {
        c.frame(16.0);
    }
    assert_eq!(c.run.now(), 80);
    c.apply(Command::TogglePlay);
    c.frame(16.0);
    assert_eq!(c.run.now(), 80, "paused");
    c.apply(Command::SetSpeed(1000.0));
    assert_eq!(c.speed, MAX_SPEED);
}

#[test]
fn playing_stops_at_the_longest_run() {
    let mut c = controller();
    // With every server down nothing happens, so a day passes at once.
    for n in 0..5 {
        c.apply(Command::Act(Action::Crash {
            node: NodeId::server(n),
        }));
    }
    c.playing = true;
    c.run.advance_to(MAX_DURATION_MS - 5);
    c.set_speed(MAX_SPEED);
    c.frame(16.0);
    assert_eq!(c.run.now(), MAX_DURATION_MS);
    assert!(!c.playing && c.problem.is_some());
}

#[test]
fn clicking_a_node_selects_it_and_only_x_crashes_it() {
    let mut c = controller();
    c.run.advance_to(1000);
    c.apply(Command::ActivateNode(NodeId::server(2)));
    assert_eq!(c.selected, Some(NodeId::server(2)));
    assert!(
        c.run.world().node(NodeId::server(2)).is_up(),
        "a click only selects"
    );
    assert!(c.run.actions().is_empty());
    c.apply(Command::CrashOrRestartSelected);
    assert!(!c.run.world().node(NodeId::server(2)).is_up());
    c.apply(Command::CrashOrRestartSelected);
    assert!(c.run.world().node(NodeId::server(2)).is_up());
    assert_eq!(c.run.actions().len(), 2);
}

#[test]
fn an_embed_may_ask_for_crash_by_click() {
    let mut c = controller();
    c.click_crashes = true;
    c.run.advance_to(1000);
    c.apply(Command::ActivateNode(NodeId::server(1)));
    assert!(!c.run.world().node(NodeId::server(1)).is_up());
}

#[test]
fn picking_a_group_partitions_it_from_the_rest() {
    let mut c = controller();
    c.apply(Command::StartPicking);
    c.apply(Command::ActivateNode(NodeId::server(4)));
    c.apply(Command::ActivateNode(NodeId::server(0)));
    c.apply(Command::CutPicked);
    assert!(!c
        .run
        .world()
        .network()
        .same_side(NodeId::server(0), NodeId::server(1)));
    assert!(c
        .run
        .world()
        .network()
        .same_side(NodeId::server(0), NodeId::server(4)));
    assert_eq!(c.tool, Tool::Select);
    c.apply(Command::Heal);
    assert!(!c.run.world().network().is_partitioned());
}

#[test]
fn a_link_cycles_through_drop_and_hold_and_releases_what_it_held() {
    let mut c = controller();
    c.run.advance_to(1000);
    let leader = c.in_role("leader").unwrap();
    let follower = NodeId::server((leader.n + 1) % 5);
    c.apply(Command::CycleLink(leader, follower));
    assert_eq!(
        c.run.world().network().link(leader, follower).state,
        LinkState::Drop
    );
    assert_eq!(
        c.run.world().network().link(follower, leader).state,
        LinkState::Up,
        "one direction only"
    );
    c.apply(Command::CycleLink(leader, follower));
    c.run.advance_to(1200);
    assert!(
        c.run
            .world()
            .held()
            .any(|m| m.from == leader && m.to == follower),
        "heartbeats wait on the link"
    );
    c.apply(Command::CycleLink(leader, follower));
    assert!(
        c.run.world().held().next().is_none(),
        "working again releases them"
    );
}

#[test]
fn a_bad_scenario_keeps_the_current_run() {
    let mut c = controller();
    c.run.advance_to(500);
    let mut bad = Scenario::new(lab::RAFT_ELECTION, 1, 5);
    bad.params = serde_json::json!({"heartbeat_ms": 0});
    assert!(c.load(bad, None).is_err());
    assert_eq!(c.run.now(), 500);
    c.apply(Command::Import {
        name: "x.json".into(),
        text: "{\"version\":1,".into(),
    });
    let problem = c.problem.clone().unwrap();
    assert!(
        problem.starts_with("x.json was not loaded: line 1, column 13: not valid JSON"),
        "{problem}"
    );
    assert_eq!(c.run.now(), 500);
    assert!(!c.can_undo(), "a refused file leaves nothing to undo");
}

#[test]
fn the_search_base_keeps_the_actions_and_stays_the_same_while_the_run_plays() {
    let mut c = controller();
    c.run.advance_to(800);
    c.apply(Command::RestartRole("leader"));
    let base = c.search_base();
    let actions = base.actions.len();
    assert!(actions > 0, "the learner's restart");
    assert_eq!(base.at_ms, None);
    for _ in 0..10 {
        c.frame(16.0);
    }
    assert!(c.run.now() > 800);
    assert_eq!(
        c.search_base(),
        base,
        "unchanged as time passes: the search panel is not redrawn"
    );
    c.apply(Command::Act(Action::Crash {
        node: NodeId::server(0),
    }));
    assert_eq!(c.search_base().actions.len(), actions + 1);
}

#[test]
fn the_current_scenario_replays_to_the_same_hash_and_reopens_at_its_moment() {
    let mut c = controller();
    c.run.advance_to(800);
    c.apply(Command::RestartRole("leader"));
    c.run.advance_to(1500);
    c.apply(Command::Seek(1200));
    let saved = c.current_scenario();
    assert_eq!((saved.at_ms, saved.duration_ms), (Some(1200), 1500));
    let hash = c.run.world().trace_hash();
    let mut other = controller();
    other.apply(Command::Import {
        name: "saved.json".into(),
        text: saved.to_json(),
    });
    assert_eq!(other.problem, None);
    assert_eq!(other.run.now(), 1200, "reopened where it was saved");
    assert_eq!(other.run.world().trace_hash(), hash);
    assert_eq!(other.run.horizon(), 1500, "with the whole run computed");
    assert!(!other.playing, "a saved moment opens paused");
}

#[test]
fn acting_in_the_past_says_what_it_replaced_and_undo_brings_it_back() {
    let mut c = controller();
    c.run.advance_to(1000);
    let leader = c.in_role("leader").unwrap();
    c.apply(Command::Select(leader));
    c.apply(Command::CrashOrRestartSelected);
    c.run.advance_to(2000);
    let hash = c.run.world().trace_hash();
    c.apply(Command::Seek(120));
    c.apply(Command::Select(NodeId::server(3)));
    c.apply(Command::CrashOrRestartSelected);
    let notice = c.notice.clone().unwrap();
    assert!(
        notice.contains("replaced the 1880 ms of run that followed and 1 of your actions"),
        "{notice}"
    );
    assert_eq!(c.run.horizon(), 120);
    c.apply(Command::Undo);
    assert_eq!(c.run.now(), 120, "back at the same moment");
    assert_eq!(c.run.horizon(), 2000, "with the future back");
    c.apply(Command::SeekEnd);
    assert_eq!(c.run.world().trace_hash(), hash);
    assert_eq!(c.run.actions().len(), 1);
}

#[test]
fn align_lets_the_messages_on_the_wire_land_first_so_the_split_vote_happens() {
    // X then A straight away: the dead leader's last heartbeats are often in flight.
    let mut waited = 0;
    for seed in 1..20 {
        let mut c = Controller::new(
            Scenario::new(lab::RAFT_ELECTION, seed, 5),
            lab::raft_election,
        )
        .unwrap();
        c.run.advance_to(1000);
        let leader = c.in_role("leader").unwrap();
        c.apply(Command::Select(leader));
        c.apply(Command::CrashOrRestartSelected);
        let crashed_at = c.run.now();
        c.apply(Command::AlignTimers);
        let term = c
            .run
            .world()
            .nodes()
            .iter()
            .filter_map(|s| s.summary)
            .map(|s| s.term)
            .max()
            .unwrap();
        // Step until someone stands; then everyone stands in the same term.
        let mut candidates = 0;
        for _ in 0..200 {
            c.apply(Command::StepForward);
            candidates = (0..5u8)
                .filter(|&i| role(&c, NodeId::server(i)) == Some("candidate"))
                .count();
            if candidates > 0 {
                break;
            }
        }
        c.run.advance_to(c.run.now());
        let standing: Vec<u64> = c
            .run
            .world()
            .nodes()
            .iter()
            .filter_map(|s| s.summary)
            .filter(|s| s.role == distviz_core::raft::Role::Candidate)
            .map(|s| s.term)
            .collect();
        assert!(candidates > 0, "seed {seed}: nobody stood");
        if let Some(note) = c.notes.last() {
            assert!(note.text.starts_with("A waited until"), "{note:?}");
            waited += 1;
        }
        assert_eq!(
            standing.len(),
            4,
            "seed {seed}: all four stand at once (crash at {crashed_at})"
        );
        assert!(
            standing.iter().all(|&t| t == term + 1),
            "seed {seed}: one term"
        );
    }
    assert!(
        waited >= 5,
        "A had to wait for messages in {waited} of 19 runs"
    );
}

#[test]
fn the_latency_range_is_edited_as_a_pair_and_a_refusal_says_why() {
    let mut c = controller();
    c.apply(Command::SetLatency {
        min: "200".into(),
        max: "40".into(),
    });
    let problem = c.problem.clone().unwrap();
    assert!(
        problem.contains("Latency 200–40 ms was refused"),
        "{problem}"
    );
    assert!(problem.contains("the smallest (200 ms) is above the largest (40 ms)"));
    assert_eq!(c.scenario.network.latency_ms, [20, 40]);
    c.apply(Command::SetLatency {
        min: "200".into(),
        max: "400".into(),
    });
    assert_eq!(
        c.scenario.network.latency_ms,
        [200, 400],
        "min did not snap back"
    );
    assert_eq!(c.problem, None);
}

#[test]
fn a_step_shows_its_event_in_the_log_even_when_it_is_routine() {
    let mut c = controller();
    c.run.advance_to(2000);
    c.apply(Command::TogglePlay);
    c.apply(Command::StepForward);
    let (from, to) = c.stepped.unwrap();
    assert!(to > from);
    assert!(c.shows_record(from, Level::Routine));
    assert!(!c.shows_record(from.saturating_sub(1), Level::Routine));
    c.apply(Command::TogglePlay);
    assert_eq!(c.stepped, None);
}

#[test]
fn a_run_that_would_hold_too_much_stops_with_a_notice_not_a_panic() {
    let mut c = controller();
    let mut busy = Scenario::new(lab::RAFT_ELECTION, 1, 9);
    busy.params = serde_json::json!({"heartbeat_ms": 1, "election_timeout_ms": [2, 3]});
    busy.duration_ms = MAX_DURATION_MS;
    c.load(busy, Some(MAX_DURATION_MS)).unwrap();
    assert!(c.computing.is_some(), "a long load goes on across frames");
    let mut frames = 0;
    while c.computing.is_some() {
        let before = c.run.world().records();
        c.frame(16.0);
        assert!(
            c.run.world().records() - before <= SLICE_EVENTS + 10_000,
            "a frame computes one slice"
        );
        frames += 1;
    }
    assert!(frames > 1);
    // It checks between 100 ms steps, so a flood overshoots a little.
    assert!(c.run.held_bytes() <= c.memory_budget + c.memory_budget / 8);
    assert!(c.run.now() < MAX_DURATION_MS);
    assert!(c.problem.clone().unwrap().starts_with("This run stops at"));
    assert!(!c.playing, "it stops, paused, where the budget ran out");
    // What is computed replays freely, and the notice is said once.
    let end = c.run.now();
    c.apply(Command::Seek(end / 2));
    c.apply(Command::TogglePlay);
    c.frame(16.0);
    assert!(c.playing, "playing the computed past is not stopped");
    assert!(c.run.now() > end / 2);
    c.apply(Command::Seek(end + 1_000));
    c.finish_computing();
    let problem = c.problem.clone().unwrap();
    assert_eq!(problem.matches("This run stops at").count(), 1, "{problem}");
}

#[test]
fn a_far_seek_computes_in_slices_and_any_command_stops_it() {
    let mut c = controller();
    c.apply(Command::Seek(3_600_000));
    let job = c.computing.clone().expect("an hour is more than one slice");
    assert_eq!(job.until, 3_600_000);
    let progress = c.computing_progress().unwrap();
    assert!(progress > 0.0 && progress < 1.0);
    c.frame(16.0);
    let reached = c.run.now();
    c.apply(Command::StopComputing);
    assert_eq!(c.computing, None);
    assert_eq!(c.run.now(), reached, "it stays where it got to");
    c.frame(16.0);
    assert_eq!(c.run.now(), reached, "and does not go on");
    // Going on to the end of a short seek shows the moment asked for.
    c.apply(Command::Seek(reached + 2_000));
    c.finish_computing();
    assert_eq!(c.run.now(), reached + 2_000);
    assert!(!c.playing);
}

#[test]
fn clock_words_read_naturally() {
    assert_eq!(clock_words(12_345), "12.3 s");
    assert_eq!(clock_words(245_000), "4 min 5 s");
    assert_eq!(clock_words(2 * 3_600_000 + 14 * 60_000), "2 h 14 min");
}

#[test]
fn a_seed_out_of_range_names_the_range() {
    let mut c = controller();
    c.apply(Command::SetSeed("99999999999999999999".into()));
    let problem = c.problem.clone().unwrap();
    assert!(
        problem.contains("a whole number from 0 to 18446744073709551615"),
        "{problem}"
    );
    assert_eq!(c.scenario.seed, 1);
}

#[test]
fn p_pauses_and_resumes_the_selected_node_and_fifo_is_a_setting() {
    let mut c = controller();
    c.run.advance_to(300);
    c.apply(Command::PauseOrResumeSelected);
    assert!(c.problem.clone().unwrap().contains("then press P"));
    c.apply(Command::Select(NodeId::server(1)));
    c.apply(Command::PauseOrResumeSelected);
    assert!(c.run.world().node(NodeId::server(1)).is_paused());
    c.apply(Command::PauseOrResumeSelected);
    assert!(!c.run.world().node(NodeId::server(1)).is_paused());
    c.apply(Command::SetFifo(true));
    assert!(c.scenario.network.fifo);
    assert!(
        c.run
            .world()
            .network()
            .link(NodeId::server(0), NodeId::server(1))
            .fifo
    );
}

#[test]
fn an_action_on_a_node_the_run_lacks_says_so_and_changes_nothing() {
    let mut c = controller();
    c.run.advance_to(300);
    let before = c.run.world().trace_hash();
    c.apply(Command::Act(Action::Crash {
        node: NodeId::server(8),
    }));
    assert_eq!(
        c.problem.clone().unwrap(),
        "Nothing happened: node S9 does not exist in a 5-node cluster (S1…S5)."
    );
    assert_eq!(c.run.world().trace_hash(), before);
    assert!(!c.can_undo());
}

#[test]
fn a_lab_with_clients_takes_its_inputs_as_commands() {
    use distviz_core::partial_failure::{Op, PartialFailure, Request};
    let mut c: Controller<PartialFailure> = Controller::new(
        Scenario::new(lab::PARTIAL_FAILURE, 1, 1),
        lab::partial_failure,
    )
    .unwrap();
    c.apply(Command::Act(Action::input(
        NodeId::client(0),
        &Request { op: Op::Increment },
    )));
    c.run.advance_to(500);
    let applied = c.run.world().trace_hash();
    assert!(c.problem.is_none());
    assert_eq!(c.run.actions().len(), 1);
    // A partition picked in the UI counts clients too.
    c.apply(Command::StartPicking);
    c.apply(Command::ActivateNode(NodeId::client(0)));
    c.apply(Command::CutPicked);
    assert!(!c
        .run
        .world()
        .network()
        .same_side(NodeId::client(0), NodeId::server(0)));
    assert_ne!(c.run.world().trace_hash(), applied);
}

#[test]
fn at_the_end_of_the_longest_run_an_action_is_refused_with_a_reason() {
    let mut c = controller();
    for n in 0..5 {
        c.apply(Command::Act(Action::Crash {
            node: NodeId::server(n),
        }));
    }
    c.run.advance_to(MAX_DURATION_MS);
    let before = c.run.actions().len();
    let undo_before = c.undo.len();
    c.apply(Command::Select(NodeId::server(0)));
    c.apply(Command::CrashOrRestartSelected);
    assert!(c.problem.clone().unwrap().contains("the run is at its end"));
    assert_eq!(c.run.actions().len(), before);
    assert_eq!(c.undo.len(), undo_before, "nothing new to undo");
}

#[test]
fn paxos_proposes_from_the_selected_node_and_says_why_an_acceptor_cannot() {
    use distviz_core::paxos::{Paxos, ACCEPTOR, PROPOSER};
    let mut c: Controller<Paxos> =
        Controller::new(Scenario::new(lab::PAXOS, 1, 2), lab::paxos).unwrap();
    let propose = || Command::InputSelected {
        input: serde_json::json!({}),
        key: "P",
    };
    c.apply(propose());
    assert_eq!(
        c.problem.take().unwrap(),
        "Select a node first (click it or Tab to it), then press P."
    );
    c.apply(Command::Select(NodeId::new(ACCEPTOR, 0)));
    c.apply(propose());
    assert!(c
        .problem
        .take()
        .unwrap()
        .starts_with("A1 refused: A1 is an acceptor only"));
    c.apply(Command::Select(NodeId::new(PROPOSER, 0)));
    c.apply(propose());
    assert!(c.problem.is_none());
    c.run.advance_to(1_000);
    assert_eq!(
        c.run.world().monitor().chosen().map(|ch| ch.value.as_str()),
        Some("red")
    );
    // A layout is one step: three servers that each play every role.
    c.apply(Command::SetLayout {
        counts: vec![("proposer", 3), ("acceptor", 0)],
        params: vec![("proposers_accept", serde_json::Value::Bool(true))],
    });
    assert!(c.problem.is_none(), "{:?}", c.problem);
    assert_eq!(c.run.world().roster().describe(), "P1…P3");
    assert!(c.run.world().protocol().params.proposers_accept);
    c.apply(Command::Undo);
    assert_eq!(
        c.run.world().roster().describe(),
        "P1…P2 and A1…A3",
        "{:?}",
        c.problem
    );
    // The refused proposal to A1 is part of the run, and its file loads again.
    let file = c.current_scenario().to_json();
    assert!(lab::paxos(&Scenario::parse(&file).unwrap()).is_ok());
}

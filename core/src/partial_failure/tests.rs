//! The partial-failure lab: every fault looks the same to the client,
//! retries apply a request twice, and remembered request ids fix it.

use super::*;
use crate::sim::history::{history, HistoryKind};
use crate::sim::{Action, NetworkConfig, Roster, Run, SimRng, TimedAction, TraceEvent, CLIENTS};

const S1: NodeId = NodeId::server(0);
const C1: NodeId = NodeId::client(0);

fn lab(
    params: PartialFailureParams,
    servers: usize,
    actions: Vec<TimedAction>,
) -> Run<PartialFailure> {
    let mut actions = actions;
    actions.sort_by_key(|a| a.at_ms);
    Run::new(
        PartialFailure::new(params),
        Roster::new([(SERVERS, servers), (CLIENTS, 1)]),
        NetworkConfig::default(),
        1,
        &[],
        actions,
    )
}

fn at(at_ms: Time, action: Action) -> TimedAction {
    TimedAction { at_ms, action }
}

fn increment(at_ms: Time) -> TimedAction {
    at(at_ms, Action::input(C1, &Request { op: Op::Increment }))
}

fn notes(run: &Run<PartialFailure>) -> Vec<Note> {
    run.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Note { note, .. } => Some(note.clone()),
            _ => None,
        })
        .collect()
}

fn counter(run: &Run<PartialFailure>, id: NodeId) -> i64 {
    match run.world().node(id).live.as_ref() {
        Some(Node::Server(s)) => s.counter,
        _ => panic!("{id} is not a running server"),
    }
}

/// Runs until a request (or a reply) is on the wire; returns its id.
fn on_the_wire(run: &mut Run<PartialFailure>, reply: bool) -> u64 {
    loop {
        let found = run
            .world()
            .in_flight()
            .find(|m| matches!(m.msg, Msg::Reply { .. }) == reply)
            .map(|m| m.id);
        if let Some(id) = found {
            return id;
        }
        assert!(run.step_forward(), "the message was never sent");
    }
}

/// Runs until a message of the kind is on the wire, then drops it.
fn drop_next(run: &mut Run<PartialFailure>, reply: bool) {
    let id = on_the_wire(run, reply);
    run.intervene(Action::DropMessage { id }).unwrap();
}

#[test]
fn a_request_and_its_reply_complete_the_operation() {
    let mut run = lab(PartialFailureParams::default(), 1, vec![increment(10)]);
    run.advance_to(500);
    assert_eq!(counter(&run, S1), 1);
    let ops = history(run.trace().records());
    let kinds: Vec<_> = ops.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [HistoryKind::Invoke, HistoryKind::Ok]);
    assert_eq!(ops[1].value, OpValue::Int(1));
    assert!(run.world().violations().is_empty());
}

/// Lost request, lost reply, crash, pause: the client sees the same thing.
#[test]
fn every_fault_looks_the_same_to_the_client() {
    let client_view = |faults: Vec<TimedAction>, fault: &dyn Fn(&mut Run<PartialFailure>)| {
        let mut actions = faults;
        actions.push(increment(10));
        let mut run = lab(PartialFailureParams::default(), 1, actions);
        fault(&mut run);
        run.advance_to(2_000);
        // What C1 saw: its own notes and its operation's outcome.
        let seen: Vec<String> = run
            .trace()
            .records()
            .iter()
            .filter_map(|r| match &r.event {
                TraceEvent::Note { node, note } if *node == C1 => Some(format!("{note:?}")),
                TraceEvent::Complete { result, .. } => Some(format!("{result:?}")),
                _ => None,
            })
            .collect();
        (seen, counter_or_down(&run))
    };
    let lose_request = client_view(vec![], &|run| drop_next(run, false));
    let lose_reply = client_view(vec![], &|run| drop_next(run, true));
    let crash = client_view(vec![at(15, Action::Crash { node: S1 })], &|_| {});
    let pause = client_view(vec![at(5, Action::Pause { node: S1 })], &|_| {});
    for (name, other) in [
        ("lost reply", &lose_reply),
        ("crash", &crash),
        ("pause", &pause),
    ] {
        assert_eq!(lose_request.0, other.0, "{name} looks different to C1");
    }
    assert!(lose_request.0.iter().any(|s| s.starts_with("NoAnswer")));
    assert_eq!(lose_request.0.last().map(String::as_str), Some("Info"));
    // Yet the server's counters differ: the reply was lost after the work.
    assert_eq!(lose_request.1, Some(0));
    assert_eq!(lose_reply.1, Some(1));
}

fn counter_or_down(run: &Run<PartialFailure>) -> Option<i64> {
    match run.world().node(S1).live.as_ref() {
        Some(Node::Server(s)) => Some(s.counter),
        _ => None,
    }
}

#[test]
fn a_retry_after_a_lost_reply_applies_the_increment_twice() {
    let params = PartialFailureParams {
        retries: true,
        ..Default::default()
    };
    let mut run = lab(params, 1, vec![increment(10)]);
    drop_next(&mut run, true);
    run.advance_to(1_000);
    assert_eq!(counter(&run, S1), 2, "one increment, applied twice");
    let broken = run.world().violations();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].invariant, APPLIED_AT_MOST_ONCE.name);
    assert!(broken[0]
        .detail
        .contains("C1's request #1 was applied 2 times"));
    // The client itself saw a success: it cannot tell.
    let ops = history(run.trace().records());
    assert_eq!(ops.last().map(|e| e.kind), Some(HistoryKind::Ok));
}

#[test]
fn remembered_request_ids_answer_the_retry_from_memory() {
    let params = PartialFailureParams {
        retries: true,
        remember_requests: true,
        ..Default::default()
    };
    let mut run = lab(params, 1, vec![increment(10)]);
    drop_next(&mut run, true);
    run.advance_to(1_000);
    assert_eq!(counter(&run, S1), 1);
    assert!(run.world().violations().is_empty());
    assert!(notes(&run).iter().any(|n| matches!(
        n,
        Note::AnsweredFromMemory {
            req: 1,
            value: 1,
            ..
        }
    )));
    // The memory has a cost: one entry per request, kept on disk.
    match run.world().node(S1).summary.as_ref() {
        Some(PfSummary::Server { remembered: 1, .. }) => {}
        other => panic!("S1 should remember one request: {other:?}"),
    }
}

#[test]
fn a_paused_server_applies_the_original_and_the_retry_on_resume() {
    let params = PartialFailureParams {
        retries: true,
        ..Default::default()
    };
    let pause_and_resume = || {
        vec![
            at(5, Action::Pause { node: S1 }),
            increment(10),
            at(700, Action::Resume { node: S1 }),
        ]
    };
    let mut run = lab(params.clone(), 1, pause_and_resume());
    run.advance_to(699);
    assert_eq!(counter(&run, S1), 0, "a paused server does nothing");
    run.advance_to(1_500);
    assert!(
        counter(&run, S1) >= 2,
        "the request and its retries all apply"
    );
    assert!(!run.world().violations().is_empty());
    // With remembered ids the same pause is harmless.
    let fixed = PartialFailureParams {
        remember_requests: true,
        ..params
    };
    let mut run = lab(fixed, 1, pause_and_resume());
    run.advance_to(1_500);
    assert_eq!(counter(&run, S1), 1);
    assert!(run.world().violations().is_empty());
}

#[test]
fn a_busy_client_refuses_a_second_request() {
    let mut run = lab(
        PartialFailureParams::default(),
        1,
        vec![increment(10), increment(11)],
    );
    run.advance_to(500);
    assert!(run.trace().records().iter().any(|r| matches!(&r.event,
        TraceEvent::Refused { node, reason } if *node == C1 && reason.contains("still waiting"))));
    assert_eq!(counter(&run, S1), 1);
}

#[test]
fn with_three_servers_requests_go_round_robin() {
    let mut run = lab(
        PartialFailureParams::default(),
        3,
        vec![increment(10), increment(300), increment(600)],
    );
    run.advance_to(1_000);
    for n in 0..3 {
        assert_eq!(counter(&run, NodeId::server(n)), 1, "S{}", n + 1);
    }
}

/// Random faults: with request ids (and no failover) the invariant always
/// holds; without them, some schedule breaks it.
#[test]
fn random_faults_break_at_most_once_only_without_request_ids() {
    let schedule = |seed: u64| {
        let mut rng = SimRng::new(seed);
        let servers = if rng.chance(0.5) { 1 } else { 3 };
        let mut actions = Vec::new();
        let mut t = 0;
        for _ in 0..rng.between(3, 12) {
            t += rng.between(20, 400);
            let server = NodeId::server(rng.between(0, servers as u64 - 1) as u8);
            let action = match rng.between(0, 4) {
                0 => Action::Pause { node: server },
                1 => Action::Resume { node: server },
                2 => Action::Crash { node: server },
                3 => Action::Restart { node: server },
                _ => Action::Link {
                    from: server,
                    to: C1,
                    state: crate::sim::LinkState::Up,
                    latency_ms: Some([rng.between(1, 50), rng.between(50, 400)]),
                    drop: Some(rng.between(0, 50) as f64 / 100.0),
                    duplicate: Some(rng.between(0, 30) as f64 / 100.0),
                    fifo: None,
                },
            };
            actions.push(at(t, action));
        }
        (servers, actions)
    };
    let mut broken_without_ids = 0;
    for seed in 0..300 {
        let (servers, actions) = schedule(seed);
        for remember in [true, false] {
            let params = PartialFailureParams {
                retries: true,
                remember_requests: remember,
                workload_ms: 50,
                ..Default::default()
            };
            let mut run = lab(params, servers, actions.clone());
            run.advance_to(5_000);
            let broken = !run.world().violations().is_empty();
            if remember {
                assert!(!broken, "seed {seed}: {:?}", run.world().violations());
            } else if broken {
                broken_without_ids += 1;
            }
        }
    }
    assert!(
        broken_without_ids >= 30,
        "only {broken_without_ids} of 300 schedules broke the invariant without request ids"
    );
}

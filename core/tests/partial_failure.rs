//! The partial-failure lab's shipped scenarios do what their names say.

use distviz_core::lab;
use distviz_core::partial_failure::{Node, PartialFailure, APPLIED_AT_MOST_ONCE};
use distviz_core::scenario::Scenario;
use distviz_core::sim::history::{history, HistoryKind};
use distviz_core::sim::{NodeId, Run};

fn run(name: &str) -> Run<PartialFailure> {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let scenario = Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut run = lab::partial_failure(&scenario).unwrap();
    run.advance_to(scenario.duration_ms);
    run
}

fn counter(run: &Run<PartialFailure>, n: u8) -> i64 {
    match run.world().node(NodeId::server(n)).live.as_ref() {
        Some(Node::Server(s)) => s.counter,
        other => panic!("S{} is not a running server: {other:?}", n + 1),
    }
}

/// The outcome the client recorded for its one operation.
fn outcome(run: &Run<PartialFailure>) -> HistoryKind {
    let ops = history(run.trace().records());
    assert_eq!(ops.len(), 2, "one invoke and one completion: {ops:?}");
    ops[1].kind
}

fn broken(run: &Run<PartialFailure>) -> bool {
    run.world()
        .violations()
        .iter()
        .any(|v| v.invariant == APPLIED_AT_MOST_ONCE.name)
}

#[test]
fn a_lost_request_and_a_lost_reply_look_alike_but_differ_on_the_server() {
    let request = run("partial-failure-lost-request.json");
    let reply = run("partial-failure-lost-reply.json");
    assert_eq!(outcome(&request), HistoryKind::Info);
    assert_eq!(outcome(&reply), HistoryKind::Info);
    assert_eq!(counter(&request, 0), 0, "the request never arrived");
    assert_eq!(
        counter(&reply, 0),
        1,
        "the work happened; only the answer was lost"
    );
}

#[test]
fn retrying_applies_twice_and_request_ids_fix_it() {
    let twice = run("partial-failure-retry-applies-twice.json");
    assert!(broken(&twice));
    assert_eq!(counter(&twice, 0), 2);
    assert_eq!(outcome(&twice), HistoryKind::Ok, "the client saw success");
    let fixed = run("partial-failure-request-ids.json");
    assert!(!broken(&fixed));
    assert_eq!(counter(&fixed, 0), 1);
    assert_eq!(outcome(&fixed), HistoryKind::Ok);
}

#[test]
fn a_paused_server_wakes_up_and_applies_every_retry() {
    let paused = run("partial-failure-pause.json");
    assert!(broken(&paused));
    assert_eq!(counter(&paused, 0), 3, "the request and both retries");
    assert_eq!(outcome(&paused), HistoryKind::Info);
}

#[test]
fn memory_on_one_server_does_not_stop_a_failover_repeat() {
    let failover = run("partial-failure-failover.json");
    assert!(broken(&failover), "S1 and S2 each applied it once");
    assert_eq!(counter(&failover, 0), 1);
    assert_eq!(counter(&failover, 1), 1);
}

/// The same file twice, seeking back and forth, and a fork replayed from its
/// exported file: the same trace, as for the Raft lab.
#[test]
fn the_lab_is_deterministic_through_seeks_and_forks() {
    use distviz_core::partial_failure::{Op, Request};
    use distviz_core::sim::Action;
    let path = format!(
        "{}/../scenarios/partial-failure-pause.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let scenario = Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (a, b) = (
        run("partial-failure-pause.json"),
        run("partial-failure-pause.json"),
    );
    assert_eq!(a.world().trace_hash(), b.world().trace_hash());

    let mut travelled = lab::partial_failure(&scenario).unwrap();
    travelled.advance_to(scenario.duration_ms);
    for t in [700, 10, 1_200, 0, 450] {
        travelled.seek_time(t);
        let mut straight = lab::partial_failure(&scenario).unwrap();
        straight.advance_to(t);
        assert_eq!(
            travelled.world().trace_hash(),
            straight.world().trace_hash(),
            "at {t} ms"
        );
    }

    // Act in the past, then replay the exported file.
    travelled.seek_time(300);
    travelled
        .intervene(Action::input(NodeId::client(0), &Request { op: Op::Read }))
        .unwrap();
    travelled.advance_to(1_500);
    let mut file = scenario.clone();
    file.actions = travelled.actions().to_vec();
    let mut replayed = lab::partial_failure(&Scenario::parse(&file.to_json()).unwrap()).unwrap();
    replayed.advance_to(1_500);
    assert_eq!(
        replayed.world().trace_hash(),
        travelled.world().trace_hash()
    );
}

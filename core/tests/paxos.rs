//! The Paxos lab's shipped scenarios do what their names say.

use distviz_core::lab;
use distviz_core::paxos::{
    Msg, Note, Paxos, Phase, HIGHER_BALLOTS_CARRY_CHOSEN, LEARNED_IS_CHOSEN, ONE_VALUE_CHOSEN,
};
use distviz_core::scenario::Scenario;
use distviz_core::sim::{NodeId, Run, TraceEvent};

fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn play(scenario: &Scenario) -> Run<Paxos> {
    let mut run = lab::paxos(scenario).unwrap();
    run.advance_to(scenario.duration_ms);
    run
}

fn run(name: &str) -> Run<Paxos> {
    play(&scenario(name))
}

fn node(n: &str) -> NodeId {
    NodeId::parse(n).unwrap()
}

fn broken(run: &Run<Paxos>) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = run
        .world()
        .violations()
        .iter()
        .map(|v| v.invariant)
        .collect();
    names.dedup();
    names
}

fn chosen(run: &Run<Paxos>) -> Vec<String> {
    let monitor = run.world().monitor();
    monitor
        .chosen_values()
        .into_iter()
        .map(String::from)
        .collect()
}

fn learned(run: &Run<Paxos>, n: &str) -> Option<String> {
    let live = run.world().node(node(n)).live.as_ref()?;
    Some(live.learner.as_ref()?.learned.as_ref()?.value.clone())
}

fn notes(run: &Run<Paxos>) -> Vec<(u64, NodeId, Note)> {
    run.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Note { node, note } => Some((r.at, *node, note.clone())),
            _ => None,
        })
        .collect()
}

/// Prepare messages sent: one per acceptor per ballot.
fn ballots(run: &Run<Paxos>) -> usize {
    let prepares = run
        .trace()
        .records()
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                TraceEvent::Send {
                    msg: Msg::Prepare { .. },
                    ..
                }
            )
        })
        .count();
    prepares / 3
}

#[test]
fn two_proposers_without_back_off_duel_for_ever() {
    let duel = run("paxos-duel.json");
    assert!(chosen(&duel).is_empty(), "nothing is ever chosen");
    assert!(broken(&duel).is_empty());
    assert!(ballots(&duel) >= 40, "{} ballots", ballots(&duel));
    // Each Accept lands after the other proposer's higher Prepare: refused.
    let refused = duel
        .trace()
        .records()
        .iter()
        .filter(|r| {
            matches!(
                r.event,
                TraceEvent::Send {
                    msg: Msg::Nack { .. },
                    ..
                }
            )
        })
        .count();
    assert!(refused >= 40 * 3, "{refused} nacks");
    for p in ["P1", "P2"] {
        assert_eq!(learned(&duel, p), None);
    }
}

#[test]
fn randomized_back_off_ends_the_duel() {
    let ended = run("paxos-duel-backoff.json");
    assert!(broken(&ended).is_empty());
    let choice = ended
        .world()
        .monitor()
        .chosen()
        .cloned()
        .expect("a value is chosen");
    assert!(choice.at_ms < 1_000, "chosen at {} ms", choice.at_ms);
    assert_eq!(learned(&ended, "P1").as_ref(), Some(&choice.value));
    assert_eq!(learned(&ended, "P2").as_ref(), Some(&choice.value));
    assert!(ballots(&ended) <= 4);
}

#[test]
fn a_quorum_left_after_an_acceptor_crash_still_chooses() {
    let run = run("paxos-acceptor-crash.json");
    assert!(broken(&run).is_empty());
    assert_eq!(chosen(&run), ["red"]);
    let choice = run.world().monitor().chosen().cloned().unwrap();
    let by = run.world().monitor().accepted_by(choice.ballot);
    assert_eq!(by, [node("A1"), node("A2")], "A3 was down");
    assert_eq!(learned(&run, "P2").as_deref(), Some("red"));
}

#[test]
fn a_value_chosen_while_its_proposer_crashes_is_found_and_proposed_again() {
    let run = run("paxos-proposer-crash.json");
    assert!(broken(&run).is_empty());
    let monitor = run.world().monitor();
    let first = monitor.chosen().cloned().unwrap();
    assert_eq!(first.value, "red");
    assert!(
        run.world().node(node("P1")).live.is_none() && first.at_ms > 165,
        "chosen after P1 crashed"
    );
    // P2, cut off until then, proposes blue but finds red in the promises.
    assert!(notes(&run).iter().any(|(_, n, note)| *n == node("P2")
        && matches!(note, Note::Adopted { value, .. } if value == "red")));
    assert_eq!(chosen(&run), ["red"]);
    assert_eq!(learned(&run, "P2").as_deref(), Some("red"));
}

#[test]
fn a_higher_ballot_pre_empts_a_proposal_in_flight() {
    let run = run("paxos-preemption.json");
    assert!(broken(&run).is_empty());
    assert!(notes(&run).iter().any(|(_, n, note)| *n == node("P1")
        && matches!(note, Note::PreEmpted { ballot, by } if ballot.proposer == node("P1") && by.proposer == node("P2"))));
    assert_eq!(chosen(&run), ["blue"]);
    assert_eq!(learned(&run, "P1").as_deref(), Some("blue"));
    // P1 learned that blue won and stopped proposing red.
    let p1 = run.world().node(node("P1")).live.as_ref().unwrap();
    assert_eq!(p1.proposer.as_ref().unwrap().phase, Phase::Done);
}

#[test]
fn a_value_accepted_by_a_minority_may_be_overwritten() {
    let run = run("paxos-minority-overwritten.json");
    assert!(broken(&run).is_empty(), "allowed: red was never chosen");
    let a1_accepted: Vec<String> = run
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Summary { node: n, summary } if *n == node("A1") => summary
                .acceptor
                .as_ref()
                .and_then(|a| a.accepted.as_ref())
                .map(|p| p.value.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(a1_accepted.first().map(String::as_str), Some("red"));
    assert_eq!(a1_accepted.last().map(String::as_str), Some("blue"));
    assert_eq!(chosen(&run), ["blue"]);
    // P1's learner heard red from A1 alone: one of three is no quorum.
    for p in ["P1", "P2"] {
        assert_eq!(learned(&run, p).as_deref(), Some("blue"));
    }
}

#[test]
fn a_proposer_that_ignores_promised_values_gets_a_second_value_chosen() {
    let run = run("paxos-break-ignore-values.json");
    assert_eq!(chosen(&run), ["red", "blue"]);
    let names = broken(&run);
    assert!(names.contains(&ONE_VALUE_CHOSEN.name), "{names:?}");
    assert!(names.contains(&HIGHER_BALLOTS_CARRY_CHOSEN.name));
    assert!(notes(&run)
        .iter()
        .any(|(_, _, n)| matches!(n, Note::IgnoredReported { .. })));
    // With the rule kept, P2 adopts red.
    let mut fixed = scenario("paxos-break-ignore-values.json");
    fixed.params = serde_json::json!({});
    let fixed = play(&fixed);
    assert!(broken(&fixed).is_empty());
    assert_eq!(chosen(&fixed), ["red"]);
}

#[test]
fn an_acceptor_that_forgets_its_promise_lets_two_values_be_chosen() {
    let run = run("paxos-break-forget-promise.json");
    assert_eq!(chosen(&run), ["red", "blue"]);
    assert!(broken(&run).contains(&ONE_VALUE_CHOSEN.name));
    assert!(notes(&run)
        .iter()
        .any(|(_, n, note)| *n == node("A2")
            && matches!(note, Note::ForgotPromise { accepted: None })));
    let mut fixed = scenario("paxos-break-forget-promise.json");
    fixed.params = serde_json::json!({});
    let fixed = play(&fixed);
    assert!(broken(&fixed).is_empty());
    assert_eq!(
        chosen(&fixed),
        ["blue"],
        "A2 keeps its promise and refuses red"
    );
}

#[test]
fn quorums_smaller_than_a_majority_let_learners_learn_different_values() {
    let run = run("paxos-break-small-quorums.json");
    assert_eq!(broken(&run), [LEARNED_IS_CHOSEN.name]);
    assert_eq!(learned(&run, "P1").as_deref(), Some("red"));
    assert_eq!(learned(&run, "P2").as_deref(), Some("blue"));
    assert!(chosen(&run).is_empty(), "neither has a majority");
    let mut fixed = scenario("paxos-break-small-quorums.json");
    fixed.params = serde_json::json!({});
    let fixed = play(&fixed);
    assert!(broken(&fixed).is_empty());
}

#[test]
fn every_paxos_scenario_is_deterministic_through_seeks() {
    for name in [
        "paxos-duel.json",
        "paxos-proposer-crash.json",
        "paxos-break-forget-promise.json",
    ] {
        let s = scenario(name);
        let (a, b) = (play(&s), play(&s));
        assert_eq!(a.world().trace_hash(), b.world().trace_hash(), "{name}");
        let mut travelled = play(&s);
        for t in [700, 10, 1_200, 0, 450] {
            travelled.seek_time(t);
            let mut straight = lab::paxos(&s).unwrap();
            straight.advance_to(t);
            assert_eq!(
                travelled.world().trace_hash(),
                straight.world().trace_hash(),
                "{name} at {t} ms"
            );
        }
    }
}

#[test]
fn bad_paxos_input_names_its_place() {
    let text = |actions: &str, params: &str| {
        format!(
            r#"{{"version": 2, "lab": "paxos", "nodes": {{"proposer": 2, "acceptor": 3}},
                "params": {params}, "actions": [{actions}]}}"#
        )
    };
    let err = |actions: &str, params: &str| {
        let s = Scenario::parse(&text(actions, params)).unwrap();
        match lab::paxos(&s) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("not refused"),
        }
    };
    // A proposal to an acceptor loads (the UI may have saved one) and the
    // run refuses it with a sentence.
    let to_acceptor = Scenario::parse(&text(
        r#"{"at_ms": 1, "do": "input", "node": "A1", "input": {}}"#,
        "{}",
    ))
    .unwrap();
    let refused = play(&to_acceptor)
        .trace()
        .records()
        .iter()
        .find_map(|r| match &r.event {
            TraceEvent::Refused { reason, .. } => Some(reason.clone()),
            _ => None,
        });
    assert_eq!(
        refused.as_deref(),
        Some("A1 is an acceptor only: it cannot propose a value (only proposers P1… can)")
    );
    assert!(err(
        r#"{"at_ms": 1, "do": "input", "node": "P1", "input": {"value": ""}}"#,
        "{}"
    )
    .starts_with("actions[0].input.value: a value cannot be empty"));
    assert!(err(
        r#"{"at_ms": 1, "do": "input", "node": "P1", "input": {"valu": "x"}}"#,
        "{}"
    )
    .starts_with("actions[0].input.valu: unknown field"));
    assert!(err("", r#"{"backof": true}"#).starts_with("params.backof: unknown field"));
    assert!(err("", r#"{"patience_ms": 0}"#).starts_with("params.patience_ms: 0 ms"));
    assert!(err("", r#"{"backoff": 3}"#).starts_with("params.backoff: invalid type"));
    let none = Scenario::parse(
        r#"{"version": 2, "lab": "paxos", "nodes": {"proposer": 2, "acceptor": 0}}"#,
    )
    .unwrap();
    assert!(lab::paxos(&none)
        .err()
        .unwrap()
        .to_string()
        .starts_with("nodes.acceptor: a run needs at least one acceptor"));
    let e = Scenario::parse(r#"{"version": 2, "lab": "paxos", "nodes": {"server": 2}}"#)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "nodes.server: this lab has no \"server\" nodes; its kinds are proposer, acceptor"
    );
}

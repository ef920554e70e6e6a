//! The Multi-Paxos lab's shipped scenarios do what their names say, and
//! its bad input is refused with a place.

use distviz_core::lab;
use distviz_core::multipaxos::{Entry, Msg, MultiPaxos, Note, Peer, Server};
use distviz_core::raft::Command;
use distviz_core::report::run_scenario;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{NodeId, Run, TraceEvent};

fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run(name: &str) -> Run<MultiPaxos> {
    let s = scenario(name);
    let mut run = lab::multi_paxos(&s).unwrap();
    run.advance_to(s.duration_ms);
    run
}

fn server<'r>(run: &'r Run<MultiPaxos>, name: &str) -> &'r Server {
    match run.world().node(NodeId::parse(name).unwrap()).live.as_ref() {
        Some(Peer::Server(s)) => s,
        other => panic!("{name} is not a live server: {other:?}"),
    }
}

fn log(s: &Server) -> Vec<Entry> {
    s.learner.log.iter().cloned().collect()
}

/// (time, sender) of every message of a kind sent.
fn sends(run: &Run<MultiPaxos>, kind: fn(&Msg) -> bool) -> Vec<(u64, NodeId)> {
    run.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Send { from, msg, .. } if kind(msg) => Some((r.at, *from)),
            _ => None,
        })
        .collect()
}

fn notes(run: &Run<MultiPaxos>) -> Vec<(u64, NodeId, Note)> {
    run.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Note { node, note } => Some((r.at, *node, note.clone())),
            _ => None,
        })
        .collect()
}

fn set(key: &str, value: i64) -> Command {
    Command::Set {
        key: key.into(),
        value,
    }
}

#[test]
fn in_steady_state_phase_1_runs_once_and_each_command_costs_one_round_of_accepts() {
    let run = run("multi-paxos-steady.json");
    assert!(run.world().violations().is_empty());
    // One election: S1's Prepare to each of the two others, and no more.
    let prepares = sends(&run, |m| matches!(m, Msg::Prepare { .. }));
    assert_eq!(prepares.len(), 2, "{prepares:?}");
    assert!(prepares
        .iter()
        .all(|&(at, from)| at < 100 && from == NodeId::server(0)));
    // Ten commands, ten slots, all chosen in ballot 1.S1; each took one
    // Accept to and one Accepted from each other server.
    let monitor = run.world().monitor();
    assert_eq!(monitor.chosen_count(), (10, 0));
    assert!(monitor.chosen().all(|(_, c)| c.ballot.round == 1));
    let accepts = sends(&run, |m| matches!(m, Msg::Accept { .. })).len();
    let accepted = sends(&run, |m| matches!(m, Msg::Accepted { .. })).len();
    assert_eq!((accepts, accepted), (20, 20));
    // Every server applied all ten, the same way.
    let leader = log(server(&run, "S1"));
    assert_eq!(leader.len(), 10);
    assert_eq!(leader[0].command, set("x", 1));
    for name in ["S2", "S3"] {
        assert_eq!(log(server(&run, name)), leader);
    }
    let store = &server(&run, "S3").learner.kv.data;
    assert_eq!(store.get("x"), Some(&6));
    assert_eq!(store.get("y"), Some(&5));
    // The report's counters: 6 messages per command (Accept, Accepted,
    // Chosen to each of two others) against single-decree Paxos's 10.
    let report = run_scenario(&scenario("multi-paxos-steady.json"), None).unwrap();
    let costs = &report.lab_report["messages"];
    assert_eq!(costs["phase2_per_command"], 6.0);
    assert_eq!(costs["single_decree_per_command"], 10.0);
    assert_eq!(costs["by_kind"]["prepare"], 2);
}

#[test]
fn a_new_leader_recovers_what_a_minority_accepted_and_fills_the_hole_with_a_no_op() {
    let s = scenario("multi-paxos-leader-change.json");
    let run = run("multi-paxos-leader-change.json");
    assert!(run.world().violations().is_empty());
    let monitor = run.world().monitor();
    let crash = 850;
    // Before the crash: slot 6 chosen by S1, S2 and S3; slot 4 accepted by
    // S1 and S4 only, slot 5 by S1 alone: neither chosen.
    let six = monitor.chosen_at(6).unwrap();
    assert!(six.at_ms < crash);
    assert_eq!(six.entry.command, set("w", 4));
    for slot in [4, 5] {
        assert!(monitor.chosen_at(slot).is_none_or(|c| c.at_ms > crash));
    }
    // The new leader re-proposes slot 4 (learned from S4's promise) and 6,
    // and fills slot 5, which no promise reported, with a no-op.
    let after: Vec<(NodeId, Note)> = notes(&run)
        .into_iter()
        .filter(|(at, _, _)| *at > crash)
        .map(|(_, n, note)| (n, note))
        .collect();
    let leader = after
        .iter()
        .find_map(|(n, note)| matches!(note, Note::Leading { .. }).then_some(*n))
        .unwrap();
    assert_ne!(leader, NodeId::server(0));
    let recovered: Vec<(u64, Entry)> = after
        .iter()
        .filter_map(|(n, note)| match note {
            Note::Recovered { slot, entry, .. } if *n == leader => Some((*slot, entry.clone())),
            _ => None,
        })
        .collect();
    // Slot 6 it re-proposes too, unless S1's Chosen reached it first.
    let slots: Vec<u64> = recovered.iter().map(|(slot, _)| *slot).collect();
    assert!(slots == [4] || slots == [4, 6], "{slots:?}");
    for (slot, entry) in &recovered {
        assert_eq!(&monitor.chosen_at(*slot).unwrap().entry, entry);
    }
    assert!(after
        .iter()
        .any(|(n, note)| *n == leader && *note == Note::HoleFilled { slot: 5 }));
    // What was chosen did not change: slot 6 keeps its first choice, and
    // the no-op and the recovered write are chosen now.
    assert_eq!(monitor.chosen_at(6), Some(six));
    assert!(monitor.chosen_at(5).unwrap().entry.is_noop());
    assert_eq!(monitor.chosen_at(4).unwrap().entry.command, set("y", 2));
    // C2's write, lost with the hole, is retried and applied once, later.
    let seven = &monitor.chosen_at(7).unwrap().entry;
    assert_eq!(seven.command, set("z", 3));
    // Every server, S1 restarted included, applied the same seven slots.
    let first = log(server(&run, "S2"));
    assert_eq!(first.len(), 7);
    for name in ["S1", "S3", "S4"] {
        assert_eq!(log(server(&run, name)), first, "{name}");
    }
    // Every client got every answer.
    for c in ["C1", "C2", "C3"] {
        let node = run.world().node(NodeId::parse(c).unwrap());
        let client = node.live.as_ref().and_then(Peer::client).unwrap();
        assert_eq!(
            (client.answered, client.waiting.is_none()),
            (2, true),
            "{c}"
        );
    }
    assert_eq!(s.start_down, vec![NodeId::server(4)]);
}

#[test]
fn a_scenario_replays_to_the_same_trace() {
    for name in ["multi-paxos-steady.json", "multi-paxos-leader-change.json"] {
        let a = run(name).world().trace_hash();
        let b = run(name).world().trace_hash();
        assert_eq!(a, b, "{name}");
    }
}

fn parse_err(text: &str) -> (String, String) {
    let s = match Scenario::parse(text) {
        Ok(s) => s,
        Err(e) => return (e.path, e.message),
    };
    match lab::multi_paxos(&s) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => (e.path, e.message),
    }
}

#[test]
fn bad_input_names_its_place() {
    let with = |rest: &str| {
        format!(r#"{{"version":2,"lab":"multi-paxos","nodes":{{"server":3,"client":1}}{rest}}}"#)
    };
    let cases = [
        (
            with(r#","params":{"leader_timeout_ms":[300,100]}"#),
            "params.leader_timeout_ms",
        ),
        (
            with(r#","params":{"heartbeat_ms":0}"#),
            "params.heartbeat_ms",
        ),
        (
            with(r#","params":{"accept_retry_ms":100000}"#),
            "params.accept_retry_ms",
        ),
        (
            with(r#","params":{"catch_up_batch":0}"#),
            "params.catch_up_batch",
        ),
        (
            with(r#","params":{"client_timeout_ms":0}"#),
            "params.client_timeout_ms",
        ),
        (with(r#","params":{"workload_ms":5}"#), "params.workload_ms"),
        (with(r#","params":{"keys":0}"#), "params.keys"),
        (with(r#","params":{"heartbeats":5}"#), "params.heartbeats"),
        (
            with(r#","params":{"break_ignore_promised_values":"yes"}"#),
            "params.break_ignore_promised_values",
        ),
        (
            with(
                r#","actions":[{"at_ms":1,"do":"input","node":"C1","input":{"op":"incr","key":"x"}}]"#,
            ),
            "actions[0].input.op",
        ),
        (
            with(
                r#","actions":[{"at_ms":1,"do":"input","node":"C1","input":{"op":"set","key":"x","value":"three"}}]"#,
            ),
            "actions[0].input.value",
        ),
        (
            with(
                r#","actions":[{"at_ms":1,"do":"input","node":"C1","input":{"op":"get","key":7}}]"#,
            ),
            "actions[0].input.key",
        ),
        (
            with(
                r#","actions":[{"at_ms":1,"do":"input","node":"C1","input":{"op":"get","key":"x","extra":1}}]"#,
            ),
            "actions[0].input",
        ),
        (
            r#"{"version":2,"lab":"multi-paxos","nodes":{"proposer":3}}"#.to_string(),
            "nodes.proposer",
        ),
    ];
    for (text, place) in cases {
        let (path, message) = parse_err(&text);
        assert_eq!(path, place, "{text}: {message}");
        assert!(!message.is_empty());
    }
}

#[test]
fn a_server_or_a_busy_client_refuses_a_request_with_a_sentence() {
    let text = r#"{"version":2,"lab":"multi-paxos","nodes":{"server":3,"client":1},
        "duration_ms":400,
        "actions":[
          {"at_ms":10,"do":"input","node":"S1","input":{"op":"get","key":"x"}},
          {"at_ms":30,"do":"input","node":"C1","input":{"op":"get","key":"x"}},
          {"at_ms":31,"do":"input","node":"C1","input":{"op":"get","key":"y"}}]}"#;
    let s = Scenario::parse(text).unwrap();
    let mut run = lab::multi_paxos(&s).unwrap();
    run.advance_to(s.duration_ms);
    let refused: Vec<String> = run
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Refused { node, reason } => Some(format!("{node}: {reason}")),
            _ => None,
        })
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].starts_with("S1: requests come from a client"));
    assert!(refused[1].contains("still waiting for request #1"));
}

#[test]
fn a_membership_change_or_a_no_op_is_refused_at_load_with_its_place() {
    let with = |input: &str| {
        format!(
            r#"{{"version":2,"lab":"multi-paxos","nodes":{{"server":3,"client":1}},"actions":[
            {{"at_ms":1,"do":"input","node":"C1","input":{{"op":"get","key":"x"}}}},
            {{"at_ms":2,"do":"input","node":"C1","input":{{"op":"set","key":"x","value":1}}}},
            {{"at_ms":3,"do":"crash","node":"S2"}},
            {{"at_ms":4,"do":"input","node":"S1","input":{input}}}]}}"#
        )
    };
    for op in ["add", "remove"] {
        let (path, message) = parse_err(&with(&format!(r#"{{"op":"{op}","server":"S3"}}"#)));
        assert_eq!(path, "actions[3].input", "{op}: {message}");
        assert!(
            message.starts_with("Multi-Paxos has no membership changes"),
            "{message}"
        );
    }
    // A no-op is a leader's filler, never a client's request.
    let (path, message) = parse_err(&with(r#"{"op":"noop"}"#));
    assert!(path.starts_with("actions[3].input"), "{path}: {message}");
}

#[test]
fn any_sends_the_request_a_workload_would_and_it_is_chosen_and_applied() {
    let text = r#"{"version":2,"lab":"multi-paxos","seed":4,"nodes":{"server":3,"client":1},
        "duration_ms":1500,
        "actions":[{"at_ms":10,"do":"timeout","node":"S1"},
                   {"at_ms":400,"do":"input","node":"C1","input":{"op":"any"}}]}"#;
    let s = Scenario::parse(text).unwrap();
    let mut run = lab::multi_paxos(&s).unwrap();
    run.advance_to(s.duration_ms);
    assert!(run.world().violations().is_empty());
    let monitor = run.world().monitor();
    assert_eq!(monitor.chosen_count(), (1, 0));
    let (_, choice) = monitor.chosen().next().unwrap();
    assert_eq!(choice.entry.client, Some((NodeId::client(0), 1)));
    for name in ["S1", "S2", "S3"] {
        assert_eq!(log(server(&run, name)), vec![choice.entry.clone()]);
    }
}

#[test]
fn a_leader_that_ignores_promised_values_overwrites_a_chosen_slot() {
    // S1 leads; cut off just after a slot is chosen, before the others
    // hear it is. The next leader is told of the entry in its promises.
    let broken = run("multi-paxos-break-ignore-values.json");
    let names: Vec<&str> = broken
        .world()
        .violations()
        .iter()
        .map(|v| v.invariant)
        .collect();
    assert_eq!(names.first(), Some(&"At most one value is chosen per slot"));
    assert!(names.contains(&"State machine safety"));
    let ignored = notes(&broken)
        .into_iter()
        .any(|(_, _, note)| matches!(note, Note::IgnoredReported { .. }));
    assert!(ignored);
    // With the rule kept, the new leader proposes the reported entry again.
    let mut fixed = scenario("multi-paxos-break-ignore-values.json");
    fixed.params["break_ignore_promised_values"] = false.into();
    let mut run = lab::multi_paxos(&fixed).unwrap();
    run.advance_to(fixed.duration_ms);
    assert!(run.world().violations().is_empty());
    let recovered = notes(&run)
        .into_iter()
        .any(|(_, _, note)| matches!(note, Note::Recovered { .. }));
    assert!(recovered);
    let two = run.world().monitor().chosen_at(2).unwrap();
    assert_eq!((two.ballot.round, two.entry.is_noop()), (1, false));
    let first = log(server(&run, "S1"));
    assert!(first.len() > 5);
    for name in ["S2", "S3"] {
        let other = log(server(&run, name));
        let n = first.len().min(other.len());
        assert_eq!(first[..n], other[..n], "{name}");
    }
}

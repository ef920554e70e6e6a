//! The headless CLI: reports for the example scenarios, clear errors for bad input.

use std::process::Command;

fn distviz(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_distviz"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn example(name: &str) -> String {
    format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn run_prints_a_report() {
    let (code, out, _) = distviz(&["run", &example("raft-election-leader-crash.json")]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["report_version"], 2);
    assert_eq!(report["trace_hash"].as_str().unwrap().len(), 16);
    assert!(report["events"].as_u64().unwrap() > 100);
    assert_eq!(report["end_ms"], 6000);
    assert_eq!(report["violations"], serde_json::json!([]));
    assert_eq!(report["final"].as_array().unwrap().len(), 5);
    let leaders = report["lab_report"]["leaders"].as_array().unwrap();
    assert!(
        leaders.len() >= 2,
        "a crash of the first leader gives a second: {leaders:?}"
    );
    let terms: Vec<u64> = leaders
        .iter()
        .map(|l| l["term"].as_u64().unwrap())
        .collect();
    assert!(terms.windows(2).all(|w| w[0] < w[1]));
    // The same file twice: the same fingerprint.
    let (_, again, _) = distviz(&["run", &example("raft-election-leader-crash.json")]);
    assert_eq!(out, again);
}

#[test]
fn violations_are_reported_not_errors() {
    let (code, out, _) = distviz(&["run", &example("raft-election-broken-votes.json")]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let violations = report["violations"].as_array().unwrap();
    assert!(
        !violations.is_empty(),
        "double voting should elect two leaders in a term"
    );
    assert_eq!(violations[0]["invariant"], "Election Safety");
    assert!(violations[0]["detail"]
        .as_str()
        .unwrap()
        .contains("both elected leader"));
}

#[test]
fn until_ms_stops_early() {
    let (_, out, _) = distviz(&[
        "run",
        "--until-ms",
        "500",
        &example("raft-election-quiet.json"),
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["end_ms"], 500);
}

#[test]
fn bad_input_exits_non_zero_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("distviz-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"version":1,"lab":"raft-election","nodes":5,"actions":[{"at_ms":1,"do":"crash","node":"S7"}]}"#).unwrap();
    let (code, out, err) = distviz(&["run", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("actions[0].node: node S7 does not exist in a 5-node cluster"),
        "{err}"
    );

    let (code, _, err) = distviz(&["run", "/no/such/file.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /no/such/file.json"), "{err}");

    let (code, _, err) = distviz(&["run"]);
    assert_ne!(code, 0);
    assert!(err.contains("SCENARIO"), "{err}");
}

#[test]
fn link_round_trips_through_the_share_parameter() {
    let (code, param, _) = distviz(&["link", &example("raft-election-partition.json")]);
    assert_eq!(code, 0);
    let scenario = distviz_core::scenario::Scenario::from_link_param(param.trim()).unwrap();
    assert_eq!(scenario.seed, 3);
    assert_eq!(scenario.actions.len(), 4);
}

#[test]
fn history_prints_the_client_operations_as_json_lines() {
    let (code, out, _) = distviz(&["history", &example("partial-failure-lost-reply.json")]);
    assert_eq!(code, 0);
    let events = distviz_core::sim::history::from_json_lines(&out).unwrap();
    let kinds: Vec<String> = events
        .iter()
        .map(|e| format!("{:?} {} {}", e.kind, e.process, e.f))
        .collect();
    assert_eq!(kinds, ["Invoke C1 increment", "Info C1 increment"]);
    assert!(events[1].time > events[0].time);
}

#[test]
fn every_running_node_has_its_state_in_the_report() {
    for name in [
        "partial-failure-request-ids.json",
        "partial-failure-failover.json",
        "raft-election-quiet.json",
        "paxos-proposer-crash.json",
    ] {
        let (code, out, _) = distviz(&["run", &example(name)]);
        assert_eq!(code, 0, "{name}");
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        for node in report["final"].as_array().unwrap() {
            if node["up"] == true {
                assert!(node["state"].is_object(), "{name}: {node}");
            }
        }
    }
}

#[test]
fn run_reports_what_paxos_chose() {
    let (code, out, _) = distviz(&["run", &example("paxos-break-forget-promise.json")]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lab = &report["lab_report"];
    assert_eq!(lab["chosen"], "red");
    let values: Vec<&str> = lab["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["red", "blue"]);
    assert_eq!(lab["choices"][0]["ballot"], "1.P1");
    assert_eq!(
        lab["choices"][0]["accepted_by"],
        serde_json::json!(["A1", "A2"])
    );
    assert!(!report["violations"].as_array().unwrap().is_empty());
}

#[test]
fn multi_paxos_reports_its_slots_and_message_counts() {
    let (code, out, _) = distviz(&["run", &example("multi-paxos-leader-change.json")]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["violations"], serde_json::json!([]));
    let lab = &report["lab_report"];
    let entries: Vec<&str> = lab["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["entry"].as_str().unwrap())
        .collect();
    assert_eq!(entries[4], "no-op");
    assert_eq!(lab["messages"]["noops_chosen"], 1);
    assert_eq!(lab["messages"]["commands_chosen"], 6);
    assert!(lab["messages"]["by_kind"]["prepare"].as_u64().unwrap() >= 6);
    // A search of its lab runs too, and finds nothing with the rules kept.
    let (code, out, err) = distviz(&[
        "search",
        &example("multi-paxos-steady.json"),
        "--schedules",
        "20",
        "--horizon-ms",
        "2000",
    ]);
    assert_eq!(code, 0, "{err}");
    let found: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(found["found"], false);
    assert_eq!(found["schedules"], 20);
}

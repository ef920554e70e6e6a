//! The Raft replication lab's shipped scenarios do what their names say.

use distviz_core::lab;
use distviz_core::raft::{Peer, PeerSaved, Raft, RaftMsg, RaftNode, RaftNote, Role};
use distviz_core::scenario::Scenario;
use distviz_core::sim::{NodeId, Run, TraceEvent};

fn load(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run(name: &str) -> Run<Raft> {
    let scenario = load(name);
    let mut run = lab::raft_replication(&scenario).unwrap();
    run.advance_to(scenario.duration_ms);
    run
}

fn server(run: &Run<Raft>, n: u8) -> &RaftNode {
    run.world()
        .node(NodeId::server(n))
        .live
        .as_ref()
        .and_then(Peer::server)
        .expect("a live server")
}

fn broken(run: &Run<Raft>) -> Vec<&'static str> {
    run.world()
        .violations()
        .iter()
        .map(|v| v.invariant)
        .collect()
}

fn notes(run: &Run<Raft>) -> Vec<(NodeId, RaftNote)> {
    run.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Note { node, note } => Some((*node, note.clone())),
            _ => None,
        })
        .collect()
}

fn answered(run: &Run<Raft>) -> u64 {
    let c1 = run.world().node(NodeId::client(0)).live.as_ref();
    c1.and_then(Peer::client).map_or(0, |c| c.answered)
}

#[test]
fn requests_commit_and_every_store_agrees() {
    let run = run("raft-replication-requests.json");
    assert_eq!(answered(&run), 5);
    for n in 0..5 {
        assert_eq!(server(&run, n).kv.describe(), "x=5", "S{}", n + 1);
    }
    // S1 was asked first and redirected the client to the leader, S3.
    let redirected = run.trace().records().iter().any(|r| {
        matches!(&r.event, TraceEvent::Send { from, msg: RaftMsg::ClientReply { answer: distviz_core::raft::Answer::NotLeader { leader: Some(l) }, .. }, .. }
            if *from == NodeId::server(0) && *l == NodeId::server(2))
    });
    assert!(redirected);
    assert!(broken(&run).is_empty());
}

#[test]
fn a_leader_crash_mid_replication_loses_nothing_committed() {
    let s = load("raft-replication-leader-crash.json");
    let mut run = lab::raft_replication(&s).unwrap();
    run.advance_to(1_509);
    assert_eq!(
        server(&run, 2).role,
        Role::Leader,
        "S3 leads when it crashes"
    );
    let committed = server(&run, 2).commit_index;
    run.advance_to(s.duration_ms);
    let c1 = run
        .world()
        .node(NodeId::client(0))
        .live
        .as_ref()
        .and_then(Peer::client)
        .unwrap();
    assert!(c1.retries >= 1, "the request in flight was retried");
    let new = (0..5)
        .map(|n| server(&run, n))
        .find(|n| n.role == Role::Leader)
        .unwrap();
    assert_ne!(new.id, NodeId::server(2));
    assert!(new.commit_index > committed);
    // S3 came back and caught up.
    assert_eq!(server(&run, 2).log, new.log);
    assert!(broken(&run).is_empty());
}

#[test]
fn a_stale_leader_takes_a_request_that_is_rolled_back_then_retried() {
    let run = run("raft-replication-stale-leader.json");
    let dropped = notes(&run).into_iter().any(|(node, note)| {
        node == NodeId::server(2) && matches!(note, RaftNote::Truncated { .. })
    });
    assert!(dropped, "S3 dropped what it took while cut off");
    assert_eq!(
        answered(&run),
        1,
        "the retry was committed by the new leader"
    );
    for n in 0..5 {
        assert_eq!(server(&run, n).kv.describe(), "x=1");
    }
    assert!(broken(&run).is_empty());
}

fn refusals(run: &Run<Raft>) -> usize {
    run.trace()
        .records()
        .iter()
        .filter(|r| {
            matches!(&r.event, TraceEvent::Send { from, msg: RaftMsg::AppendEntriesReply { success: false, .. }, .. } if *from == NodeId::server(0))
        })
        .count()
}

#[test]
fn a_follower_far_behind_catches_up_faster_with_the_term_back_off() {
    let slow = run("raft-replication-catch-up.json");
    let fast = run("raft-replication-catch-up-fast.json");
    for run in [&slow, &fast] {
        let logs: Vec<_> = (0..5).map(|n| server(run, n).log.clone()).collect();
        assert!(logs.iter().all(|l| *l == logs[0]), "everyone caught up");
        assert!(broken(run).is_empty());
    }
    assert!(
        refusals(&slow) >= 10 * refusals(&fast).max(1),
        "{} vs {}",
        refusals(&slow),
        refusals(&fast)
    );
}

fn terms(run: &Run<Raft>, n: u8) -> Vec<u64> {
    let log = &server(run, n).log;
    (0..log.len())
        .filter_map(|i| log.get(i))
        .map(|e| e.term)
        .collect()
}

fn stores(run: &Run<Raft>, servers: std::ops::Range<u8>) -> Vec<String> {
    servers.map(|n| server(run, n).kv.describe()).collect()
}

#[test]
fn figure_8_c_to_d_with_the_bug_loses_a_committed_entry_and_the_stores_disagree() {
    let bug = run("raft-replication-figure-8-bug.json");
    assert_eq!(broken(&bug).first(), Some(&"Leader Completeness"));
    assert!(broken(&bug).contains(&"State Machine Safety"));
    // (d): S5 leads with its entry 2 of term 3 everywhere it reaches...
    assert_eq!(server(&bug, 4).role, Role::Leader);
    for n in 1..5 {
        assert_eq!(terms(&bug, n), [1, 3], "S{}", n + 1);
    }
    // ...though S2–S4 had applied S1's entry 2 ("set x 2"), committed by
    // counting: the stores disagree for good, not by chance.
    assert_eq!(stores(&bug, 1..5), ["x=2", "x=2", "x=2", "x=3"]);
    let said = bug
        .world()
        .violations()
        .iter()
        .find(|v| v.invariant == "State Machine Safety")
        .unwrap();
    assert_eq!(
        said.detail,
        "S2 had applied entry 2 (“set x 2”, term 2, first applied by S1) when its log was overwritten with “set x 3” (term 3): a committed entry is lost, and S2's store keeps what it applied."
    );
    // S5 applied its own entry 2: the other sentence.
    let s5 = bug
        .world()
        .violations()
        .iter()
        .find(|v| v.invariant == "State Machine Safety" && v.detail.starts_with("S5"))
        .unwrap();
    assert!(
        s5.detail.starts_with("S5 applied entry 2 as “set x 3” (term 3), but S1 had applied entry 2 as “set x 2” (term 2)"),
        "{}",
        s5.detail
    );
    // "Why (not) committed?" agrees with the safety panel: S1's entry 2
    // was committed, and lost; S2's entry 2 now is another one.
    use distviz_core::raft::why_not_committed;
    let why = why_not_committed(bug.world(), bug.records_so_far(), NodeId::server(0), 2);
    assert!(
        why.contains("It was committed (S1 applied it), so a committed entry is lost"),
        "{why}"
    );
    assert!(!why.contains("never committed"), "{why}");
    let why = why_not_committed(bug.world(), bug.records_so_far(), NodeId::server(1), 2);
    assert!(
        why.contains("But entry 2 was committed before as another entry, “set x 2” (term 2), which S1 applied"),
        "{why}"
    );
}

#[test]
fn figure_8_c_to_e_with_the_right_rule_commits_through_an_entry_of_the_leaders_term() {
    let scenario = load("raft-replication-figure-8.json");
    let mut right = lab::raft_replication(&scenario).unwrap();
    right.advance_to(1);
    // S5, down from the start, still shows its entry 2 of term 3 (b).
    let s5 = right.world().node(NodeId::server(4));
    assert!(!s5.is_up());
    let saved = s5
        .saved
        .as_ref()
        .and_then(PeerSaved::server)
        .expect("S5's disk");
    assert_eq!(saved.log.get(1).map(|e| e.term), Some(3));
    // (c): entry 2 (term 2) on a majority, but S1 (term 4) does not commit
    // it. While the replies are on their way, the answer says the leader
    // knows of fewer than the logs hold.
    use distviz_core::raft::why_not_committed;
    let lagging = (150..240).step_by(5).any(|t| {
        right.advance_to(t);
        why_not_committed(right.world(), right.records_so_far(), NodeId::server(0), 2)
            .contains("so far, by its matchIndex; it learns of the others from their replies.")
    });
    assert!(
        lagging,
        "a moment when the leader's matchIndex lags the logs"
    );
    right.advance_to(240);
    let why = why_not_committed(right.world(), right.records_so_far(), NodeId::server(0), 2);
    assert!(why.contains("A leader commits an older term's entries only by committing one of its own term (Figure 8)."), "{why}");
    assert!(!why.contains("so far"), "{why}");
    let s1 = server(&right, 0);
    assert_eq!((s1.role, s1.current_term), (Role::Leader, 4));
    let holders = (0..4).filter(|&n| terms(&right, n) == [1, 2]).count();
    assert!(holders >= 3, "{holders}");
    assert_eq!(s1.commit_index, 0);
    // (e): C1's request, entry 3 of term 4, commits 1–3 together.
    right.advance_to(399);
    assert_eq!(server(&right, 0).commit_index, 3);
    right.advance_to(scenario.duration_ms);
    assert!(broken(&right).is_empty());
    // S5 (last term 3) could not win against logs ending in term 4: its
    // entry 2 was replaced, and every store holds C1's write.
    assert_ne!(server(&right, 4).role, Role::Leader);
    for n in 1..5 {
        assert_eq!(terms(&right, n), [1, 2, 4], "S{}", n + 1);
    }
    assert_eq!(stores(&right, 1..5), ["x=4"; 4]);
}

#[test]
fn figure_8_d_with_the_right_rule_overwrites_only_what_was_never_committed() {
    // The bug's schedule with the rule fixed ("Fix it" in the lab).
    let mut scenario = load("raft-replication-figure-8-bug.json");
    scenario.params["break_commit_old_terms"] = serde_json::Value::Bool(false);
    let mut run = lab::raft_replication(&scenario).unwrap();
    run.advance_to(scenario.duration_ms);
    assert!(broken(&run).is_empty());
    assert_eq!(server(&run, 4).role, Role::Leader);
    for n in 1..5 {
        assert_eq!(terms(&run, n), [1, 3], "S{}", n + 1);
        assert_eq!(server(&run, n).last_applied, 0, "S{}", n + 1);
    }
}

#[test]
fn a_retried_command_in_two_terms_entries_is_said_to_agree_by_chance() {
    // A counterexample the search found (3 servers, a client under load):
    // the overwritten entry and its replacement hold C1's retried request.
    let scenario = Scenario::parse(
        r#"{"version": 2, "lab": "raft-replication", "seed": 2761955798,
            "nodes": {"server": 3, "client": 1}, "duration_ms": 7000,
            "params": {"noop": false, "workload_ms": 100, "break_commit_old_terms": true},
            "actions": [
              {"at_ms": 2507, "do": "timeout", "node": "S2"},
              {"at_ms": 2577, "do": "partition", "groups": [["S2", "C1"]]},
              {"at_ms": 5943, "do": "link", "from": "S1", "state": "drop", "to": "S2"},
              {"at_ms": 5948, "do": "heal"}
            ]}"#,
    )
    .unwrap();
    let mut run = lab::raft_replication(&scenario).unwrap();
    run.advance_to(scenario.duration_ms);
    let said = run
        .world()
        .violations()
        .iter()
        .find(|v| v.invariant == "State Machine Safety")
        .expect("State Machine Safety broken");
    assert!(
        said.detail
            .contains("same command (a client's retry), so the stores agree by chance"),
        "{}",
        said.detail
    );
}

#[test]
fn a_rejoining_server_with_a_high_term_wins_only_without_the_log_check() {
    let right = run("raft-replication-rejoin.json");
    assert!(broken(&right).is_empty());
    assert_ne!(
        server(&right, 1).role,
        Role::Leader,
        "S2's stale log loses the vote"
    );
    let bug = run("raft-replication-rejoin-vote-without-log-check.json");
    assert_eq!(broken(&bug).first(), Some(&"Leader Completeness"));
}

#[test]
fn skipping_the_consistency_check_breaks_log_matching() {
    let run = run("raft-replication-skip-consistency-check.json");
    let b = broken(&run);
    assert!(
        b.contains(&"Log Matching") || b.contains(&"State Machine Safety"),
        "{b:?}"
    );
}

#[test]
fn a_server_that_forgets_its_vote_lets_two_leaders_win_one_term() {
    let run = run("raft-replication-forget-vote.json");
    assert_eq!(broken(&run).first(), Some(&"Election Safety"));
}

fn config_of(run: &Run<Raft>, n: u8) -> String {
    server(run, n).config.to_string()
}

fn top_term(run: &Run<Raft>) -> u64 {
    (0..5)
        .map(|n| server(run, n).current_term)
        .max()
        .unwrap_or(0)
}

#[test]
fn adding_servers_one_at_a_time_catches_each_up_first() {
    let run = run("raft-replication-add-server.json");
    let caught_up: Vec<NodeId> = notes(&run)
        .into_iter()
        .filter_map(|(_, note)| match note {
            RaftNote::CatchingUp { server, .. } => Some(server),
            _ => None,
        })
        .collect();
    assert!(caught_up.contains(&NodeId::server(3)) && caught_up.contains(&NodeId::server(4)));
    for n in 0..5 {
        assert_eq!(config_of(&run, n), "S1–S5", "S{}", n + 1);
        assert_eq!(server(&run, n).kv.describe(), server(&run, 0).kv.describe());
    }
    assert_eq!(server(&run, 0).current_term, 1, "nobody had to campaign");
    assert!(broken(&run).is_empty());
}

#[test]
fn joint_consensus_adds_two_servers_and_removes_the_leader() {
    let run = run("raft-replication-joint-consensus.json");
    let configs: Vec<String> = notes(&run)
        .into_iter()
        .filter_map(|(_, note)| match note {
            RaftNote::NewConfig { config, .. } => Some(config.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        configs.contains(&"S1–S3 → S1–S4 (joint)".to_string())
            && configs.contains(&"S1–S5 → S1, S2, S4, S5 (joint)".to_string()),
        "{configs:?}"
    );
    let left = notes(&run).into_iter().any(|(node, note)| {
        node == NodeId::server(2) && matches!(note, RaftNote::LeftCluster { .. })
    });
    assert!(left, "S3, the old leader, left once C_new committed");
    assert_ne!(server(&run, 2).role, Role::Leader);
    let leader = (0..5)
        .find(|&n| server(&run, n).role == Role::Leader)
        .unwrap();
    assert_ne!(leader, 2);
    assert_eq!(config_of(&run, leader), "S1, S2, S4, S5");
    assert!(answered(&run) >= 20, "requests went on: {}", answered(&run));
    assert!(broken(&run).is_empty());
}

#[test]
fn a_removed_server_disrupts_the_cluster_unless_pre_vote_is_on() {
    let without = run("raft-replication-removed-server-disrupts.json");
    let with = run("raft-replication-removed-server-pre-vote.json");
    assert_eq!(config_of(&without, 0), "S1–S4");
    assert_eq!(config_of(&with, 0), "S1–S4");
    // S5 never learns it was removed: it times out and campaigns.
    assert!(
        top_term(&without) >= 5,
        "terms rose to {}",
        top_term(&without)
    );
    assert_eq!(
        server(&with, 0).current_term,
        1,
        "with pre-vote, S1 leads on"
    );
    assert_eq!(server(&with, 4).role, Role::PreCandidate);
    assert!(answered(&with) > answered(&without) + 5);
    assert!(broken(&without).is_empty() && broken(&with).is_empty());
}

#[test]
fn check_quorum_makes_a_cut_off_leader_step_down() {
    let scenario = load("raft-replication-check-quorum.json");
    let mut run = lab::raft_replication(&scenario).unwrap();
    run.advance_to(1_000);
    assert_eq!(
        server(&run, 1).role,
        Role::Leader,
        "S2 leads when it is cut off"
    );
    run.advance_to(2_500);
    assert_ne!(server(&run, 1).role, Role::Leader, "it stepped down");
    let lost = notes(&run).into_iter().any(|(node, note)| {
        node == NodeId::server(1) && matches!(note, RaftNote::LostQuorum { .. })
    });
    assert!(lost);
    run.advance_to(scenario.duration_ms);
    // With pre-vote too, it rejoins without raising anyone's term.
    assert_eq!(top_term(&run), 2);
    assert!(broken(&run).is_empty());
}

fn terms_of(run: &Run<Raft>, n: u8) -> Vec<u64> {
    let log = &server(run, n).log;
    (0..log.len())
        .filter_map(|i| log.get(i))
        .map(|e| e.term)
        .collect()
}

#[test]
fn figure_7_next_index_walks_back_and_every_log_converges() {
    let scenario = load("raft-replication-figure-7.json");
    let mut run = lab::raft_replication(&scenario).unwrap();
    run.advance_to(5);
    // As in the figure: (f) has entries of terms 2 and 3 nobody else has.
    assert_eq!(terms_of(&run, 6), [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]);
    run.advance_to(scenario.duration_ms);
    let leader = server(&run, 0);
    assert_eq!((leader.role, leader.current_term), (Role::Leader, 8));
    let expected = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8];
    for n in 0..7 {
        assert_eq!(terms_of(&run, n), expected, "S{}", n + 1);
        assert_eq!(server(&run, n).commit_index, 11, "S{}", n + 1);
    }
    // (f)'s AppendEntries were refused until nextIndex walked back to 4.
    let refused_by_f = run
        .trace()
        .records()
        .iter()
        .filter(|r| {
            matches!(&r.event, TraceEvent::Send { from, msg: RaftMsg::AppendEntriesReply { success: false, .. }, .. } if *from == NodeId::server(6))
        })
        .count();
    assert!(refused_by_f >= 7, "{refused_by_f}");
    // (c) and (d)'s extra entries were dropped.
    let truncated: Vec<NodeId> = notes(&run)
        .into_iter()
        .filter_map(|(node, note)| matches!(note, RaftNote::Truncated { .. }).then_some(node))
        .collect();
    for n in [3, 4, 6] {
        assert!(truncated.contains(&NodeId::server(n)), "S{}", n + 1);
    }
    assert!(broken(&run).is_empty());
}

#[test]
fn a_preset_log_is_checked_at_its_place() {
    let error = |logs: serde_json::Value| {
        let mut scenario = load("raft-replication-figure-7.json");
        scenario.params["logs"] = logs;
        match lab::raft_replication(&scenario) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        }
    };
    let e = error(serde_json::json!({"S9": [1]}));
    assert!(
        e.contains("params.logs.S9") && e.contains("not a server"),
        "{e}"
    );
    let e = error(serde_json::json!({"S2": [1, 3, 2]}));
    assert!(
        e.contains("params.logs.S2[2]") && e.contains("never go down"),
        "{e}"
    );
    let e = error(serde_json::json!({"S2": [0, 1]}));
    assert!(e.contains("params.logs.S2[0]"), "{e}");
    let e = error(serde_json::json!({"S2": "1,2"}));
    assert!(e.contains("params"), "{e}");
}

#[test]
fn with_snapshots_a_follower_far_behind_gets_the_leaders_snapshot() {
    let snap = run("raft-replication-catch-up-snapshot.json");
    assert!(broken(&snap).is_empty(), "{:?}", broken(&snap));
    let notes = notes(&snap);
    // S1 (down from 1 s to 4.5 s) and S3 (4 s to 6 s) come back behind
    // the leader's snapshot: they take it instead of entries one by one.
    for n in [0, 2] {
        assert!(
            notes.iter().any(|(who, note)| *who == NodeId::server(n)
                && matches!(note, RaftNote::InstalledSnapshot { .. })),
            "S{} installed a snapshot",
            n + 1
        );
    }
    // Everyone ends with the same store, a snapshot, and a log that
    // starts after it.
    let first = server(&snap, 0);
    for n in 0..5 {
        let s = server(&snap, n);
        assert!(
            s.snapshot_index() >= 30,
            "S{}: {}",
            n + 1,
            s.snapshot_index()
        );
        assert_eq!(s.log.start() as u64, s.snapshot_index());
        assert_eq!((s.last_applied, &s.kv), (first.last_applied, &first.kv));
    }
    // No walking back over entries one at a time.
    let without = run("raft-replication-catch-up.json");
    assert!(
        refusals(&snap) * 3 < refusals(&without),
        "{} vs {}",
        refusals(&snap),
        refusals(&without)
    );
}

//! Raft log replication, named after the claims they check (in the spirit
//! of the classic Raft lab suites).

mod common;
use common::*;
use distviz_core::lab;
use distviz_core::raft::{ClientInput, Peer, Raft, RaftNode, RaftParams, Role};
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId, Run, Time, TimedAction, TraceEvent};

const C1: NodeId = NodeId::client(0);

fn scenario(servers: usize, seed: u64, params: RaftParams, actions: Vec<TimedAction>) -> Scenario {
    let mut s = Scenario::new(lab::RAFT_REPLICATION, seed, servers);
    s.other_nodes.insert("client".into(), 1);
    s.params = serde_json::to_value(params).unwrap();
    s.actions = actions;
    s
}

fn run_of(s: &Scenario) -> Run<Raft> {
    lab::raft_replication(s).unwrap()
}

fn at(at_ms: Time, action: Action) -> TimedAction {
    TimedAction { at_ms, action }
}

fn set(at_ms: Time, key: &str, value: i64) -> TimedAction {
    at(
        at_ms,
        Action::input(
            C1,
            &ClientInput::Set {
                key: key.into(),
                value,
            },
        ),
    )
}

fn server(run: &Run<Raft>, id: NodeId) -> Option<&RaftNode> {
    run.world().node(id).live.as_ref().and_then(Peer::server)
}

fn answered(run: &Run<Raft>) -> u64 {
    run.world()
        .node(C1)
        .live
        .as_ref()
        .and_then(Peer::client)
        .map_or(0, |c| c.answered)
}

fn workload(ms: u64) -> RaftParams {
    RaftParams {
        workload_ms: ms,
        ..RaftParams::default()
    }
}

#[test]
fn test_basic_agreement() {
    let mut run = run_of(&scenario(
        5,
        1,
        RaftParams::default(),
        vec![set(1_000, "x", 1), set(1_200, "y", 2), set(1_400, "x", 3)],
    ));
    run.advance_to(2_000);
    assert_eq!(answered(&run), 3, "each request was answered");
    for node in servers(&run) {
        assert_eq!(node.kv.describe(), "x=3 y=2", "{}", node.id);
        assert_eq!(node.last_applied, node.commit_index);
        // The no-op of the leader's term, then the three commands.
        assert_eq!(node.last_log_index(), 4, "{}", node.id);
    }
    no_violations(&run);
}

#[test]
fn test_a_follower_redirects_the_client_to_the_leader() {
    // The client first asks S1; whoever leads, the request ends there.
    for seed in 0..6 {
        let mut run = run_of(&scenario(
            5,
            seed,
            RaftParams::default(),
            vec![set(1_000, "x", 7)],
        ));
        run.advance_to(2_000);
        assert_eq!(answered(&run), 1, "seed {seed}");
        let client = run
            .world()
            .node(C1)
            .live
            .as_ref()
            .and_then(Peer::client)
            .unwrap();
        let lead = leader(&run).unwrap();
        assert_eq!(client.leader_guess, lead);
        assert_eq!(
            client.redirects,
            u64::from(lead != NodeId::server(0)),
            "seed {seed}"
        );
    }
}

#[test]
fn test_agreement_despite_follower_failure() {
    let mut run = run_of(&scenario(5, 2, workload(100), vec![]));
    run.advance_to(1_000);
    let lead = leader(&run).unwrap();
    let follower = servers(&run).into_iter().find(|n| n.id != lead).unwrap().id;
    run.intervene(Action::Crash { node: follower }).unwrap();
    let before = answered(&run);
    run.advance_to(3_000);
    assert!(answered(&run) >= before + 10, "the rest went on committing");
    // Back up, it catches up: its commitIndex and store were rebuilt.
    run.intervene(Action::Restart { node: follower }).unwrap();
    assert_eq!(server(&run, follower).unwrap().commit_index, 0, "volatile");
    run.advance_to(4_000);
    let back = server(&run, follower).unwrap();
    let lead = server(&run, leader(&run).unwrap()).unwrap();
    assert!(back.commit_index + 20 >= lead.commit_index);
    assert!(back.last_applied > 0);
    no_violations(&run);
}

#[test]
fn test_no_agreement_without_a_majority() {
    let mut run = run_of(&scenario(5, 3, RaftParams::default(), vec![]));
    run.advance_to(1_000);
    let lead = leader(&run).unwrap();
    let others: Vec<_> = servers(&run)
        .iter()
        .map(|n| n.id)
        .filter(|&id| id != lead)
        .collect();
    for &id in &others[..3] {
        run.intervene(Action::Crash { node: id }).unwrap();
    }
    let commit = server(&run, lead).unwrap().commit_index;
    run.intervene(Action::input(
        C1,
        &ClientInput::Set {
            key: "x".into(),
            value: 1,
        },
    ))
    .unwrap();
    run.advance_to(3_000);
    let l = server(&run, lead).unwrap();
    assert_eq!(l.commit_index, commit, "two of five cannot commit");
    assert_eq!(answered(&run), 0);
    for &id in &others[..3] {
        run.intervene(Action::Restart { node: id }).unwrap();
    }
    run.advance_to(5_000);
    assert_eq!(answered(&run), 1, "with a majority back, it commits");
    no_violations(&run);
}

#[test]
fn test_rejoin_of_partitioned_leader_rolls_back_its_entries() {
    let mut run = run_of(&scenario(5, 4, RaftParams::default(), vec![]));
    run.advance_to(1_000);
    let old = leader(&run).unwrap();
    // The old leader and the client on one side: it takes requests it cannot commit.
    run.intervene(Action::Partition {
        groups: vec![vec![old, C1]],
    })
    .unwrap();
    for v in 0..3 {
        run.advance_to(1_100 + v * 700);
        let _ = run.intervene(Action::input(
            C1,
            &ClientInput::Set {
                key: "x".into(),
                value: v as i64,
            },
        ));
    }
    run.advance_to(3_500);
    let stale = server(&run, old).unwrap();
    assert!(
        stale.last_log_index() > stale.commit_index,
        "uncommitted entries on the stale leader"
    );
    let stale_log = stale.last_log_index();
    run.intervene(Action::Heal).unwrap();
    run.advance_to(5_000);
    let rejoined = server(&run, old).unwrap();
    assert_ne!(rejoined.role, Role::Leader);
    let truncated = run
        .trace()
        .records()
        .iter()
        .any(|r| matches!(&r.event, TraceEvent::Note { node, .. } if *node == old));
    assert!(
        truncated,
        "it dropped its uncommitted entries (log was {stale_log})"
    );
    let lead = server(&run, leader(&run).unwrap()).unwrap();
    assert_eq!(rejoined.log, lead.log.clone(), "logs converge");
    no_violations(&run);
}

#[test]
fn test_persistence_across_crashes_of_everyone() {
    let mut run = run_of(&scenario(3, 5, workload(100), vec![]));
    run.advance_to(2_000);
    let committed = servers(&run).iter().map(|n| n.commit_index).max().unwrap();
    let store = server(&run, leader(&run).unwrap()).unwrap().kv.clone();
    for n in 0..3 {
        run.intervene(Action::Crash {
            node: NodeId::server(n),
        })
        .unwrap();
    }
    for n in 0..3 {
        run.intervene(Action::Restart {
            node: NodeId::server(n),
        })
        .unwrap();
    }
    run.advance_to(2_050);
    run.advance_to(4_000);
    let lead = server(&run, leader(&run).unwrap()).unwrap();
    assert!(lead.commit_index >= committed, "nothing committed is lost");
    // Its store went on from where it was (the same sessions, more requests).
    for (client, (req, _)) in &store.sessions {
        assert!(lead.kv.sessions.get(client).is_some_and(|(r, _)| r >= req));
    }
    no_violations(&run);
}

#[test]
fn test_agreement_on_an_unreliable_network() {
    let mut s = scenario(5, 6, workload(100), vec![]);
    s.network.drop = 0.1;
    s.network.duplicate = 0.05;
    let mut run = run_of(&s);
    run.advance_to(10_000);
    // Lost requests and replies cost a timeout each, but requests go on.
    assert!(answered(&run) >= 15, "answered {}", answered(&run));
    let nodes = servers(&run);
    let least = nodes.iter().map(|n| n.commit_index).min().unwrap();
    for n in &nodes {
        // Every server's committed prefix is the same log.
        for i in 0..least as usize {
            assert_eq!(n.log.get(i), nodes[0].log.get(i));
        }
    }
    no_violations(&run);
}

/// How many AppendEntries a far-behind server refused before a new
/// leader found where their logs match.
fn refusals_to_catch_up(fast: bool) -> usize {
    let params = RaftParams {
        fast_backoff: fast,
        workload_ms: 20,
        ..RaftParams::default()
    };
    let mut run = run_of(&scenario(5, 8, params, vec![]));
    run.advance_to(1_000);
    let first = leader(&run).unwrap();
    let behind = servers(&run)
        .iter()
        .map(|n| n.id)
        .find(|&id| id != first)
        .unwrap();
    run.intervene(Action::Crash { node: behind }).unwrap();
    run.advance_to(5_000);
    // A new leader, whose nextIndex for everyone starts past its last entry.
    run.intervene(Action::Crash { node: first }).unwrap();
    run.advance_to(6_000);
    let from = run.trace().records().len();
    run.intervene(Action::Restart { node: behind }).unwrap();
    run.advance_to(8_000);
    let new = server(&run, leader(&run).unwrap()).unwrap();
    let back = server(&run, behind).unwrap();
    assert!(
        back.commit_index > 30,
        "it caught up: {}",
        back.commit_index
    );
    let (b, n) = (back.commit_index as usize, new.commit_index as usize);
    assert!((0..b.min(n)).all(|i| back.log.get(i) == new.log.get(i)));
    run.trace().records()[from..]
        .iter()
        .filter(|r| {
            matches!(&r.event, TraceEvent::Send { from, msg: distviz_core::raft::RaftMsg::AppendEntriesReply { success: false, .. }, .. } if *from == behind)
        })
        .count()
}

#[test]
fn test_fast_backup_over_a_long_missing_stretch() {
    let slow = refusals_to_catch_up(false);
    let fast = refusals_to_catch_up(true);
    assert!(slow >= 20, "one entry at a time took {slow} refusals");
    // A few: AppendEntries already in flight are refused too.
    assert!(
        fast * 10 <= slow,
        "the fast back-off took {fast} refusals (one at a time: {slow})"
    );
}

#[test]
fn why_an_entry_is_not_committed_reads_from_the_live_state() {
    use distviz_core::raft::why_not_committed;
    let mut run = run_of(&scenario(5, 3, RaftParams::default(), vec![]));
    run.advance_to(1_000);
    let lead = leader(&run).unwrap();
    let others: Vec<_> = servers(&run)
        .iter()
        .map(|n| n.id)
        .filter(|&id| id != lead)
        .collect();
    for &id in &others[..3] {
        run.intervene(Action::Crash { node: id }).unwrap();
    }
    run.intervene(Action::input(
        C1,
        &ClientInput::Set {
            key: "x".into(),
            value: 1,
        },
    ))
    .unwrap();
    run.advance_to(2_500);
    let index = server(&run, lead).unwrap().last_log_index();
    let why = why_not_committed(run.world(), run.records_so_far(), lead, index);
    assert!(why.contains("is not committed"), "{why}");
    assert!(
        why.contains("2 of the 5 in the configuration S1–S5; a majority is 3 of 5"),
        "{why}"
    );
    assert!(why.contains(&format!("{} is down.", others[0])), "{why}");
    // Committed once a majority is back.
    for &id in &others[..3] {
        run.intervene(Action::Restart { node: id }).unwrap();
    }
    run.advance_to(4_000);
    let why = why_not_committed(run.world(), run.records_so_far(), lead, index);
    assert!(why.contains("committed"), "{why}");
    assert!(!why.contains("not committed"), "{why}");
}

#[test]
fn a_stale_leaders_entry_is_explained_as_not_on_the_leader() {
    use distviz_core::raft::why_not_committed;
    let path = format!(
        "{}/../scenarios/raft-replication-stale-leader.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let s = Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut run = run_of(&s);
    run.advance_to(3_000);
    let stale = NodeId::server(2);
    let node = server(&run, stale).unwrap();
    assert!(node.last_log_index() > node.commit_index);
    let why = why_not_committed(
        run.world(),
        run.records_so_far(),
        stale,
        node.last_log_index(),
    );
    assert!(why.contains("is not on the leader, S1 (term 2)"), "{why}");
    // The heart of it first: the stale leader reaches no majority.
    assert!(
        why.starts_with("S3 still acts as leader of term 1, but it reaches only S3 (1 of the 5 in its configuration; a majority is 3 of 5); a majority elected S1 in term 2."),
        "{why}"
    );
    assert!(
        why.ends_with(
            "S1 will replace it once the partition heals and its AppendEntries reach S3."
        ),
        "{why}"
    );
}

#[test]
fn a_leader_cut_off_in_a_minority_is_told_it_can_never_commit() {
    use distviz_core::raft::{why_not_committed, Role};
    // The leader is cut off with the client, and every other server alone:
    // no other side can elect a leader, so the cut-off one still leads.
    let s = Scenario::parse(
        r#"{"version": 2, "lab": "raft-replication", "seed": 2,
            "nodes": {"server": 5, "client": 1}, "duration_ms": 6000,
            "actions": [
              {"at_ms": 1000, "do": "partition", "groups": [["S3", "C1"], ["S1"], ["S2"], ["S4"], ["S5"]]},
              {"at_ms": 1100, "do": "input", "node": "C1", "input": {"op": "set", "key": "x", "value": 1}}
            ]}"#,
    )
    .unwrap();
    let mut run = run_of(&s);
    run.advance_to(4_000);
    let leader = NodeId::server(2);
    let node = server(&run, leader).unwrap();
    assert_eq!(node.role, Role::Leader);
    assert!(node.last_log_index() > node.commit_index);
    let why = why_not_committed(
        run.world(),
        run.records_so_far(),
        leader,
        node.last_log_index(),
    );
    assert!(
        why.contains("S3 reaches only S3 (1 of the 5 in its configuration; a majority is 3 of 5): no majority, so nothing it appends can commit until the partition heals."),
        "{why}"
    );
    assert!(
        why.contains("S1 is cut off from S3 by the partition."),
        "{why}"
    );
}

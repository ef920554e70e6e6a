//! Raft membership changes (paper §6, dissertation §4), pre-vote and
//! check-quorum (§9.6), named after the claims they check.

mod common;
use common::*;
use distviz_core::lab;
use distviz_core::raft::{ClientInput, Config, Membership, Peer, Raft, RaftNode, RaftParams, Role};
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId, Run, TraceEvent};

const fn s(n: u8) -> NodeId {
    NodeId::server(n - 1)
}

fn run_of(servers: usize, seed: u64, params: RaftParams) -> Run<Raft> {
    let mut sc = Scenario::new(lab::RAFT_REPLICATION, seed, servers);
    sc.other_nodes.insert("client".into(), 1);
    sc.params = serde_json::to_value(params).unwrap();
    lab::raft_replication(&sc).unwrap()
}

fn params(members: u64, membership: Membership) -> RaftParams {
    RaftParams {
        members,
        membership,
        workload_ms: 100,
        ..RaftParams::default()
    }
}

fn server(run: &Run<Raft>, id: NodeId) -> &RaftNode {
    run.world()
        .node(id)
        .live
        .as_ref()
        .and_then(Peer::server)
        .expect("a live server")
}

fn leader(run: &Run<Raft>) -> NodeId {
    common::leader(run).expect("a leader")
}

fn answered(run: &Run<Raft>) -> u64 {
    let c1 = NodeId::client(0);
    run.world()
        .node(c1)
        .live
        .as_ref()
        .and_then(Peer::client)
        .map_or(0, |c| c.answered)
}

/// Asks the current leader to add or remove a server.
fn ask(run: &mut Run<Raft>, add: bool, server: NodeId) -> NodeId {
    let lead = leader(run);
    let input = if add {
        ClientInput::Add { server }
    } else {
        ClientInput::Remove { server }
    };
    run.intervene(Action::input(lead, &input)).unwrap();
    lead
}

/// Asks, and the leader takes it.
fn change(run: &mut Run<Raft>, add: bool, server: NodeId) -> NodeId {
    let lead = ask(run, add, server);
    assert_eq!(refusal(run), None);
    lead
}

/// The reason the last input was refused, if it was.
fn refusal(run: &Run<Raft>) -> Option<String> {
    run.trace()
        .records()
        .iter()
        .rev()
        .take_while(|r| !matches!(r.event, TraceEvent::Input { .. }))
        .find_map(|r| match &r.event {
            TraceEvent::Refused { reason, .. } => Some(reason.clone()),
            _ => None,
        })
}

fn simple(ids: &[u8]) -> Config {
    Config::simple(ids.iter().map(|&n| s(n)).collect())
}

/// Every live server that is in the leader's configuration uses it, and
/// it is committed.
fn settled_on(run: &Run<Raft>, config: &Config) {
    let lead = server(run, leader(run));
    assert_eq!(&lead.config, config, "the leader's configuration");
    assert!(lead.config_index <= lead.commit_index, "committed");
    for id in config.members() {
        assert_eq!(&server(run, id).config, config, "{id}");
    }
}

#[test]
fn test_add_a_server_one_at_a_time() {
    let mut run = run_of(5, 1, params(3, Membership::Single));
    run.advance_to(1_000);
    // S4 waits outside: empty log, no configuration, no elections.
    assert!(server(&run, s(4)).config.is_empty());
    assert_eq!(server(&run, s(4)).last_log_index(), 0);
    assert_eq!(server(&run, s(4)).current_term, 0);
    let lead = change(&mut run, true, s(4));
    // It catches up without a vote first: the configuration is unchanged.
    let node = server(&run, lead);
    assert_eq!(node.config, simple(&[1, 2, 3]));
    assert_eq!(node.catch_up.as_ref().map(|c| c.server), Some(s(4)));
    let before = answered(&run);
    run.advance_to(2_000);
    settled_on(&run, &simple(&[1, 2, 3, 4]));
    assert!(answered(&run) >= before + 3, "requests went on");
    let joined = server(&run, s(4));
    assert!(joined.commit_index > 0 && joined.last_applied == joined.commit_index);
    assert!(server(&run, s(5)).config.is_empty(), "S5 still waits");
    no_violations(&run);
}

#[test]
fn test_joint_consensus_adds_two_and_removes_the_leader() {
    let mut run = run_of(5, 2, params(3, Membership::Joint));
    run.advance_to(1_000);
    change(&mut run, true, s(4));
    // The joint configuration comes first, then C_new.
    run.advance_to(1_500);
    let notes: Vec<String> = run
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Note { note, .. } => Some(format!("{note:?}")),
            _ => None,
        })
        .filter(|n| n.contains("NewConfig"))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("old: Some"), "{notes:?}");
    settled_on(&run, &simple(&[1, 2, 3, 4]));
    // S5 starts empty: nextIndex walks back one entry per round trip, so
    // its first round is too slow and it takes a second.
    change(&mut run, true, s(5));
    run.advance_to(2_600);
    settled_on(&run, &simple(&[1, 2, 3, 4, 5]));
    let old = leader(&run);
    change(&mut run, false, old);
    run.advance_to(3_800);
    let gone = server(&run, old);
    assert_ne!(gone.role, Role::Leader, "the removed leader stepped down");
    assert!(gone.knows_removed());
    let new = leader(&run);
    assert_ne!(new, old);
    let rest: Vec<u8> = (1..=5).filter(|&n| s(n) != old).collect();
    settled_on(&run, &simple(&rest));
    let before = answered(&run);
    let term = server(&run, new).current_term;
    run.advance_to(4_800);
    assert!(
        answered(&run) >= before + 3,
        "the new cluster serves requests"
    );
    // The removed server stays quiet: it starts no elections.
    assert_eq!(server(&run, new).current_term, term);
    assert_eq!(server(&run, old).role, Role::Follower);
    no_violations(&run);
}

#[test]
fn test_a_removed_server_disrupts_the_cluster_without_pre_vote() {
    let terms_after_removing = |pre_vote: bool| {
        let mut p = params(0, Membership::Single);
        p.pre_vote = pre_vote;
        let mut run = run_of(5, 3, p);
        run.advance_to(1_000);
        let lead = leader(&run);
        let victim = (1..=5).map(s).find(|&id| id != lead).unwrap();
        change(&mut run, false, victim);
        run.advance_to(1_300);
        // Its removal may be mid-election: wait for the next leader.
        while common::leader(&run).is_none() && run.now() < 3_000 {
            run.advance_to(run.now() + 50);
        }
        let term = server(&run, leader(&run)).current_term;
        let before = answered(&run);
        run.advance_to(4_000);
        let rest = (1..=5).map(s).filter(|&id| id != victim);
        let top = rest.map(|id| server(&run, id).current_term).max().unwrap();
        no_violations(&run);
        (top - term, answered(&run) - before)
    };
    let (rises, _) = terms_after_removing(false);
    assert!(
        rises >= 3,
        "without pre-vote, its elections raise the term ({rises})"
    );
    let (rises, served) = terms_after_removing(true);
    assert_eq!(rises, 0, "with pre-vote, nobody listens to it");
    assert!(served >= 10, "and the cluster keeps serving ({served})");
}

#[test]
fn test_check_quorum_makes_a_cut_off_leader_step_down() {
    let leader_after_cut = |check_quorum: bool| {
        let mut p = params(0, Membership::Single);
        p.check_quorum = check_quorum;
        let mut run = run_of(5, 4, p);
        run.advance_to(1_000);
        let lead = leader(&run);
        let rest: Vec<NodeId> = (1..=5).map(s).filter(|&id| id != lead).collect();
        run.intervene(Action::Partition {
            groups: vec![vec![lead], rest],
        })
        .unwrap();
        run.advance_to(2_000);
        no_violations(&run);
        server(&run, lead).role
    };
    assert_eq!(leader_after_cut(false), Role::Leader, "it never notices");
    // It steps down, then campaigns in vain in its minority.
    assert_ne!(leader_after_cut(true), Role::Leader);
}

#[test]
fn test_a_change_is_refused_with_a_reason() {
    let mut run = run_of(3, 5, params(1, Membership::Single));
    run.advance_to(1_000);
    assert_eq!(leader(&run), s(1), "S1 alone is the cluster");
    ask(&mut run, false, s(1));
    assert!(refusal(&run).unwrap().contains("last server"));
    ask(&mut run, true, NodeId::server(9));
    assert!(refusal(&run)
        .unwrap()
        .contains("S10 is not a server of this run"));
    // To a follower: it names the leader.
    change(&mut run, true, s(2));
    run.advance_to(1_500);
    settled_on(&run, &simple(&[1, 2]));
    run.intervene(Action::input(s(2), &ClientInput::Add { server: s(3) }))
        .unwrap();
    let why = refusal(&run).unwrap();
    assert!(why.contains("S2 is not the leader (S1 leads"), "{why}");
    // Two at once: the second waits for the first.
    change(&mut run, true, s(3));
    ask(&mut run, false, s(2));
    assert!(refusal(&run).unwrap().contains("in progress"));
    run.intervene(Action::input(
        NodeId::client(0),
        &ClientInput::Remove { server: s(2) },
    ))
    .unwrap();
    assert!(refusal(&run).unwrap().contains("goes to the leader"));
    no_violations(&run);
}

#[test]
fn test_a_restarted_server_reads_its_configuration_from_its_log() {
    let mut run = run_of(5, 6, params(3, Membership::Single));
    run.advance_to(1_000);
    change(&mut run, true, s(4));
    run.advance_to(1_500);
    run.intervene(Action::Crash { node: s(4) }).unwrap();
    run.advance_to(1_600);
    run.intervene(Action::Restart { node: s(4) }).unwrap();
    assert_eq!(server(&run, s(4)).config, simple(&[1, 2, 3, 4]));
    run.advance_to(2_500);
    settled_on(&run, &simple(&[1, 2, 3, 4]));
    no_violations(&run);
}

#[test]
fn test_a_server_that_cannot_catch_up_is_given_up_on() {
    let mut run = run_of(5, 7, params(3, Membership::Single));
    run.advance_to(1_000);
    run.intervene(Action::Crash { node: s(4) }).unwrap();
    let lead = change(&mut run, true, s(4));
    run.advance_to(5_000);
    let node = server(&run, lead);
    assert!(node.catch_up.is_none());
    assert_eq!(node.config, simple(&[1, 2, 3]));
    let gave_up = run.trace().records().iter().any(|r| {
        matches!(&r.event, TraceEvent::Note { note, .. } if format!("{note:?}").contains("CatchUpFailed"))
    });
    assert!(gave_up);
    // Another change is possible again.
    change(&mut run, true, s(5));
    no_violations(&run);
}

#[test]
fn bad_membership_input_names_its_place() {
    let with = |rest: &str| {
        format!(
            r#"{{"version":2,"lab":"raft-replication","nodes":{{"server":5,"client":1}}{rest}}}"#
        )
    };
    let cases = [
        (
            with(r#","params":{"members":6}"#),
            "params.members",
            "the run has 5",
        ),
        (
            with(r#","params":{"membership":"all-at-once"}"#),
            "params.membership",
            "unknown variant",
        ),
        (
            with(r#","params":{"pre_vote":"yes"}"#),
            "params.pre_vote",
            "",
        ),
        (
            with(
                r#","actions":[{"at_ms":1,"do":"input","node":"S1","input":{"op":"add","server":"S10"}}]"#,
            ),
            "actions[0].input.server",
            "S10 is not a server of this run (S1…S5 and C1); a run has at most 9 servers",
        ),
        (
            with(
                r#","actions":[{"at_ms":1,"do":"input","node":"S1","input":{"op":"remove","server":"C1"}}]"#,
            ),
            "actions[0].input.server",
            "C1 is not a server",
        ),
        (
            with(
                r#","actions":[{"at_ms":1,"do":"input","node":"S1","input":{"op":"add","server":"six"}}]"#,
            ),
            "actions[0].input.server",
            "is not a server name",
        ),
    ];
    for (text, place, says) in cases {
        let sc = match Scenario::parse(&text) {
            Ok(sc) => sc,
            Err(e) => panic!("{text}: {e:?}"),
        };
        let Err(e) = lab::raft_replication(&sc) else {
            panic!("accepted: {text}");
        };
        assert_eq!(e.path, place, "{text}: {}", e.message);
        assert!(e.message.contains(says), "{}", e.message);
    }
}

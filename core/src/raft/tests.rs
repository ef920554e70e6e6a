//! Raft election tests, named after the paper's claims.

use super::*;
use crate::sim::{Action, Effect, NetworkConfig, Roster, Run, SimRng, TimedAction};

fn cluster(size: usize, seed: u64, actions: Vec<TimedAction>) -> Run<Raft> {
    Run::new(
        Raft::new(RaftParams::default()),
        Roster::servers(size),
        NetworkConfig::default(),
        seed,
        &[],
        actions,
    )
}

fn at(at_ms: Time, action: Action) -> TimedAction {
    TimedAction { at_ms, action }
}

fn leaders(run: &Run<Raft>) -> Vec<(NodeId, u64)> {
    run.world()
        .nodes()
        .iter()
        .filter_map(|s| s.live.as_ref().and_then(Peer::server))
        .filter(|n| n.role == Role::Leader)
        .map(|n| (n.id, n.current_term))
        .collect()
}

/// The leader that every live node on its side agrees on, if any.
fn settled_leader(run: &Run<Raft>) -> Option<(NodeId, u64)> {
    let found = leaders(run);
    let highest = found.iter().max_by_key(|(_, term)| *term)?;
    Some(*highest)
}

#[test]
fn test_leader_election_in_one_round() {
    // Most seeds elect in term 1; a split vote in term 1 is possible but rare.
    let mut first_round = 0;
    for seed in 0..40 {
        let mut run = cluster(5, seed, vec![]);
        run.advance_to(1_000);
        let (_, term) =
            settled_leader(&run).expect("a quiet cluster elects a leader within a second");
        if term == 1 {
            first_round += 1;
        }
        assert!(run.world().violations().is_empty());
    }
    assert!(
        first_round >= 30,
        "only {first_round} of 40 quiet clusters elected in term 1"
    );
}

#[test]
fn test_every_follower_learns_the_leader() {
    let mut run = cluster(5, 3, vec![]);
    run.advance_to(2_000);
    let (leader, term) = settled_leader(&run).unwrap();
    for slot in run.world().nodes() {
        let node = slot.live.as_ref().and_then(Peer::server).unwrap();
        assert_eq!(node.current_term, term);
        assert_eq!(
            node.leader,
            Some(leader),
            "{} does not follow {leader}",
            slot.id
        );
    }
}

#[test]
fn test_new_leader_after_leader_crash_has_higher_term() {
    for seed in 0..10 {
        let mut run = cluster(5, seed, vec![]);
        run.advance_to(1_000);
        let (old, old_term) = settled_leader(&run).unwrap();
        run.intervene(Action::Crash { node: old }).unwrap();
        run.advance_to(3_000);
        let (new, new_term) = settled_leader(&run).expect("the survivors elect a new leader");
        assert_ne!(new, old);
        assert!(
            new_term > old_term,
            "seed {seed}: term {new_term} is not above {old_term}"
        );
    }
}

#[test]
fn test_partitioned_minority_elects_nobody_majority_does() {
    for seed in 0..10 {
        let mut run = cluster(5, seed, vec![]);
        run.advance_to(1_000);
        let (old, _) = settled_leader(&run).unwrap();
        // Put the old leader with one other node on the minority side.
        let buddy = NodeId::server((old.n + 1) % 5);
        let minority = vec![old, buddy];
        let majority: Vec<NodeId> = (0..5)
            .map(NodeId::server)
            .filter(|id| !minority.contains(id))
            .collect();
        run.intervene(Action::Partition {
            groups: vec![minority.clone(), majority.clone()],
        })
        .unwrap();
        run.advance_to(4_000);
        let now_leaders = leaders(&run);
        let majority_leader = now_leaders.iter().find(|(id, _)| majority.contains(id));
        assert!(
            majority_leader.is_some(),
            "seed {seed}: the majority has no leader"
        );
        // The old leader may still think it leads, but in an old term, and
        // no minority node can have *won* an election after the cut.
        let monitor = run.world().monitor();
        for lead in monitor.leaders().filter(|l| l.at_ms > 1_000) {
            assert!(
                majority.contains(&lead.node),
                "seed {seed}: minority node {} won term {}",
                lead.node,
                lead.term
            );
        }
    }
}

#[test]
fn test_split_votes_resolve() {
    // Crash the leader, then align every timer: all followers stand at once.
    let mut split_seen = 0;
    for seed in 0..20 {
        let mut run = cluster(5, seed, vec![]);
        run.advance_to(1_000);
        let (old, _) = settled_leader(&run).unwrap();
        run.intervene(Action::Crash { node: old }).unwrap();
        run.intervene(Action::AlignTimers).unwrap();
        let aligned_term = run
            .world()
            .nodes()
            .iter()
            .filter_map(|s| s.live.as_ref().and_then(Peer::server))
            .map(|n| n.current_term)
            .max()
            .unwrap();
        run.advance_to(5_000);
        let (_, term) = settled_leader(&run).expect("a split vote resolves");
        let leaders = run.world().monitor();
        if !leaders.leaders.contains_key(&(aligned_term + 1)) {
            split_seen += 1;
            assert!(term > aligned_term + 1);
        }
        assert!(run.world().violations().is_empty());
    }
    assert!(
        split_seen >= 10,
        "aligned timers split the vote only {split_seen} times of 20"
    );
}

#[test]
fn test_restarted_node_keeps_term_and_vote() {
    let mut run = cluster(5, 11, vec![]);
    run.advance_to(1_000);
    let follower = run
        .world()
        .nodes()
        .iter()
        .find(|s| server(s).role == Role::Follower)
        .unwrap();
    let id = follower.id;
    let before = server(follower).clone();
    assert!(before.voted_for.is_some());
    run.intervene(Action::Crash { node: id }).unwrap();
    assert_eq!(
        run.world()
            .node(id)
            .saved
            .as_ref()
            .and_then(PeerSaved::server)
            .unwrap()
            .current_term,
        before.current_term
    );
    run.intervene(Action::Restart { node: id }).unwrap();
    let after = server(run.world().node(id)).clone();
    assert_eq!(after.current_term, before.current_term);
    assert_eq!(after.voted_for, before.voted_for);
    assert_eq!(after.role, Role::Follower);
    assert!(after.votes.is_empty(), "volatile state is gone");
}

/// A live server's state.
fn server(slot: &crate::sim::NodeSlot<Raft>) -> &RaftNode {
    slot.live
        .as_ref()
        .and_then(Peer::server)
        .expect("a live server")
}

fn handle(node: &mut RaftNode, from: NodeId, msg: RaftMsg) -> Vec<Effect<Raft>> {
    let mut rng = SimRng::new(0);
    let mut effects = Vec::new();
    let roster = Roster::servers(5);
    let mut ctx = Ctx::detached(node.id, &roster, 0, &mut rng, &mut effects);
    let mut peer = Peer::Server(node.clone());
    Raft::new(RaftParams::default()).on_message(&mut peer, from, msg, &mut ctx);
    if let Peer::Server(after) = peer {
        *node = after;
    }
    effects
}

fn granted(effects: &[Effect<Raft>]) -> bool {
    effects.iter().any(|e| {
        matches!(
            e,
            Effect::Send {
                msg: RaftMsg::RequestVoteReply { granted: true, .. },
                ..
            }
        )
    })
}

#[test]
fn test_vote_refused_to_candidate_with_stale_log() {
    let entry = |term| LogEntry {
        term,
        command: Command::Get { key: "x".into() },
        client: None,
    };
    let mut voter = RaftNode::from_saved(NodeId::server(0), None, Config::default());
    voter.current_term = 3;
    voter.log = vec![entry(1), entry(3)].into();
    // Same length, older last term: refused.
    let stale = RaftMsg::RequestVote {
        term: 4,
        last_log_index: 2,
        last_log_term: 2,
    };
    assert!(!granted(&handle(&mut voter, NodeId::server(1), stale)));
    assert_eq!(
        voter.current_term, 4,
        "the higher term is adopted even when the vote is refused"
    );
    // Same last term, shorter log: refused.
    let short = RaftMsg::RequestVote {
        term: 4,
        last_log_index: 1,
        last_log_term: 3,
    };
    assert!(!granted(&handle(&mut voter, NodeId::server(2), short)));
    // At least as up to date: granted, persisted.
    let good = RaftMsg::RequestVote {
        term: 4,
        last_log_index: 2,
        last_log_term: 3,
    };
    let effects = handle(&mut voter, NodeId::server(3), good);
    assert!(granted(&effects));
    assert!(effects.contains(&Effect::Persist));
    assert_eq!(voter.voted_for, Some(NodeId::server(3)));
}

#[test]
fn test_one_vote_per_term() {
    let mut voter = RaftNode::from_saved(NodeId::server(0), None, Config::default());
    let ask = RaftMsg::RequestVote {
        term: 1,
        last_log_index: 0,
        last_log_term: 0,
    };
    assert!(granted(&handle(&mut voter, NodeId::server(1), ask.clone())));
    assert!(
        !granted(&handle(&mut voter, NodeId::server(2), ask.clone())),
        "a second candidate is refused"
    );
    assert!(
        granted(&handle(&mut voter, NodeId::server(1), ask)),
        "the same candidate asking again is fine"
    );
}

#[test]
fn test_leader_steps_down_on_higher_term() {
    let mut node = RaftNode::from_saved(NodeId::server(0), None, Config::default());
    node.current_term = 2;
    node.role = Role::Leader;
    let effects = handle(
        &mut node,
        NodeId::server(1),
        RaftMsg::AppendEntriesReply {
            term: 5,
            success: false,
            prev_log_index: 0,
            match_index: 0,
            conflict_term: 0,
            conflict_index: 0,
        },
    );
    assert_eq!(
        (node.role, node.current_term, node.voted_for),
        (Role::Follower, 5, None)
    );
    assert!(effects.contains(&Effect::CancelTimer {
        timer: RaftTimer::Heartbeat
    }));
}

#[test]
fn test_breaking_one_vote_per_term_is_caught_by_election_safety() {
    let params = RaftParams {
        break_one_vote_per_term: true,
        ..RaftParams::default()
    };
    let caught = (0..30).any(|seed| {
        let mut run = Run::new(
            Raft::new(params.clone()),
            Roster::servers(5),
            NetworkConfig::default(),
            seed,
            &[],
            vec![],
        );
        run.advance_to(300);
        run.intervene(Action::AlignTimers).unwrap();
        run.advance_to(3_000);
        let caught = run
            .world()
            .violations()
            .iter()
            .any(|v| v.invariant == ELECTION_SAFETY.name);
        caught
    });
    assert!(caught, "double voting never produced two leaders in a term");
}

#[test]
fn test_single_node_cluster_elects_itself() {
    let mut run = cluster(1, 0, vec![]);
    run.advance_to(400);
    assert_eq!(leaders(&run), vec![(NodeId::server(0), 1)]);
}

#[test]
fn test_scheduled_actions_apply_at_their_time() {
    let mut run = cluster(
        3,
        5,
        vec![at(
            500,
            Action::Crash {
                node: NodeId::server(0),
            },
        )],
    );
    run.advance_to(499);
    assert!(run.world().node(NodeId::server(0)).is_up());
    run.advance_to(500);
    assert!(!run.world().node(NodeId::server(0)).is_up());
}

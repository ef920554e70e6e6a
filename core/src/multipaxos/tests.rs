//! Unit tests, named after the rules they check: the acceptor's answers
//! one message at a time, and small runs for the rest.

use super::*;
use crate::lab;
use crate::paxos::Ballot;
use crate::raft::{Answer, Command};
use crate::scenario::Scenario;
use crate::sim::{Effect, Roster, Run, SimRng, TraceEvent};

fn s(n: u8) -> NodeId {
    NodeId::server(n - 1)
}

fn set(key: &str, value: i64) -> Entry {
    Entry {
        command: Command::Set {
            key: key.into(),
            value,
        },
        client: None,
    }
}

/// Calls a handler on a detached server; returns what it sent.
fn step(proto: &MultiPaxos, node: &mut Peer, from: NodeId, msg: Msg) -> Vec<(NodeId, Msg)> {
    let roster = Roster::new([(SERVERS, 3), (CLIENTS, 1)]);
    let mut rng = SimRng::new(1);
    let mut effects = Vec::new();
    let mut ctx = Ctx::detached(s(1), &roster, 100, &mut rng, &mut effects);
    proto.on_message(node, from, msg, &mut ctx);
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Send { to, msg } => Some((to, msg)),
            _ => None,
        })
        .collect()
}

fn fresh(proto: &MultiPaxos) -> Peer {
    let roster = Roster::new([(SERVERS, 3), (CLIENTS, 1)]);
    let mut rng = SimRng::new(1);
    let mut effects = Vec::new();
    let mut ctx = Ctx::detached(s(1), &roster, 0, &mut rng, &mut effects);
    proto.boot(None, &mut ctx)
}

fn acceptor(node: &Peer) -> &Acceptor {
    &node.server().unwrap().acceptor
}

#[test]
fn a_promise_reports_every_slot_accepted_from_the_first_unchosen_on() {
    let proto = MultiPaxos::new(MultiPaxosParams::default());
    let mut node = fresh(&proto);
    let b1 = Ballot::new(1, s(2));
    for slot in 1..=3 {
        step(
            &proto,
            &mut node,
            s(2),
            Msg::Accept {
                ballot: b1,
                slot,
                entry: set("x", slot as i64),
            },
        );
    }
    let b2 = Ballot::new(2, s(3));
    let sent = step(
        &proto,
        &mut node,
        s(3),
        Msg::Prepare {
            ballot: b2,
            from_slot: 2,
        },
    );
    let [(to, Msg::Promise { ballot, accepted })] = sent.as_slice() else {
        panic!("{sent:?}");
    };
    assert_eq!((*to, *ballot), (s(3), b2));
    let slots: Vec<(u64, Ballot)> = accepted.iter().map(|v| (v.slot, v.ballot)).collect();
    assert_eq!(slots, vec![(2, b1), (3, b1)]);
    assert_eq!(accepted[1].entry, set("x", 3));
    assert_eq!(acceptor(&node).promised, Some(b2));
}

#[test]
fn an_acceptor_refuses_every_ballot_below_its_promise_in_every_slot() {
    let proto = MultiPaxos::new(MultiPaxosParams::default());
    let mut node = fresh(&proto);
    let high = Ballot::new(3, s(3));
    step(
        &proto,
        &mut node,
        s(3),
        Msg::Prepare {
            ballot: high,
            from_slot: 1,
        },
    );
    let low = Ballot::new(2, s(2));
    for msg in [
        Msg::Prepare {
            ballot: low,
            from_slot: 9,
        },
        Msg::Accept {
            ballot: low,
            slot: 7,
            entry: set("y", 1),
        },
    ] {
        let sent = step(&proto, &mut node, s(2), msg);
        assert_eq!(
            sent,
            vec![(
                s(2),
                Msg::Nack {
                    ballot: low,
                    promised: high
                }
            )]
        );
    }
    assert!(acceptor(&node).accepted.is_empty());
    // A stale leader's heartbeat is refused too, so it learns it lost.
    let sent = step(
        &proto,
        &mut node,
        s(2),
        Msg::Heartbeat {
            ballot: low,
            chosen_through: 0,
        },
    );
    assert_eq!(
        sent,
        vec![(
            s(2),
            Msg::Nack {
                ballot: low,
                promised: high
            }
        )]
    );
}

#[test]
fn an_accept_in_the_promised_ballot_is_accepted_and_answered_to_its_leader() {
    let proto = MultiPaxos::new(MultiPaxosParams::default());
    let mut node = fresh(&proto);
    let b = Ballot::new(1, s(2));
    let sent = step(
        &proto,
        &mut node,
        s(2),
        Msg::Accept {
            ballot: b,
            slot: 4,
            entry: set("z", 2),
        },
    );
    assert_eq!(sent, vec![(s(2), Msg::Accepted { ballot: b, slot: 4 })]);
    let a = acceptor(&node);
    assert_eq!(a.accepted.get(&4), Some(&(b, set("z", 2))));
    assert_eq!((a.promised, a.accepts), (Some(b), 1));
    // It follows the leader whose Accept it took.
    assert_eq!(node.server().unwrap().leader(), Some(s(2)));
}

#[test]
fn a_learner_applies_chosen_slots_in_order_never_past_a_hole() {
    let proto = MultiPaxos::new(MultiPaxosParams::default());
    let mut node = fresh(&proto);
    step(
        &proto,
        &mut node,
        s(2),
        Msg::Chosen {
            first: 2,
            entries: vec![set("x", 2), set("x", 3)],
        },
    );
    let learner = &node.server().unwrap().learner;
    assert_eq!((learner.applied(), learner.ahead.len()), (0, 2));
    step(
        &proto,
        &mut node,
        s(2),
        Msg::Chosen {
            first: 1,
            entries: vec![set("x", 1)],
        },
    );
    let learner = &node.server().unwrap().learner;
    assert_eq!(learner.applied(), 3);
    assert_eq!(learner.kv.data.get("x"), Some(&3));
}

fn scenario(text: &str) -> Scenario {
    Scenario::parse(text).unwrap()
}

fn play(s: &Scenario) -> Run<MultiPaxos> {
    let mut run = lab::multi_paxos(s).unwrap();
    run.advance_to(s.duration_ms);
    run
}

fn live(run: &Run<MultiPaxos>, id: NodeId) -> &Peer {
    run.world().node(id).live.as_ref().unwrap()
}

#[test]
fn a_retried_request_whose_reply_was_lost_is_applied_once() {
    // S1 leads; its replies to C1 are lost for a while, so C1 retries.
    let run = play(&scenario(
        r#"{"version":2,"lab":"multi-paxos","seed":2,"nodes":{"server":3,"client":1},
        "duration_ms":3000,"params":{"leader_timeout_ms":[300,600],"client_timeout_ms":300},
        "actions":[
          {"at_ms":10,"do":"timeout","node":"S1"},
          {"at_ms":200,"do":"link","from":"S1","to":"C1","state":"drop"},
          {"at_ms":250,"do":"input","node":"C1","input":{"op":"set","key":"x","value":5}},
          {"at_ms":1000,"do":"link","from":"S1","to":"C1","state":"up"}]}"#,
    ));
    assert!(run.world().violations().is_empty());
    let client = live(&run, NodeId::client(0)).client().unwrap();
    assert!(client.retries >= 2, "{client:?}");
    assert_eq!((client.answered, client.waiting.is_none()), (1, true));
    // One slot: the retries were answered from the client's session.
    assert_eq!(run.world().monitor().chosen_count(), (1, 0));
    let server = live(&run, s(2)).server().unwrap();
    assert_eq!(
        server.learner.kv.sessions.get(&NodeId::client(0)),
        Some(&(1, None))
    );
}

#[test]
fn a_stale_leader_learns_of_the_higher_ballot_and_follows() {
    // S1 leads, is cut off, and the others choose a new leader; healed, S1
    // hears of the higher ballot and follows it.
    let run = play(&scenario(
        r#"{"version":2,"lab":"multi-paxos","seed":4,"nodes":{"server":3,"client":0},
        "duration_ms":3000,"params":{"leader_timeout_ms":[300,600]},
        "actions":[
          {"at_ms":10,"do":"timeout","node":"S1"},
          {"at_ms":300,"do":"partition","groups":[["S1"],["S2","S3"]]},
          {"at_ms":1500,"do":"heal"}]}"#,
    ));
    assert!(run.world().violations().is_empty());
    let leaders: Vec<NodeId> = [s(1), s(2), s(3)]
        .into_iter()
        .filter(|&id| matches!(live(&run, id).server().unwrap().role, Role::Leader { .. }))
        .collect();
    assert_eq!(leaders.len(), 1);
    assert_ne!(leaders[0], s(1));
    let old = live(&run, s(1)).server().unwrap();
    assert_eq!(old.leader(), Some(leaders[0]));
    let preempted = run.trace().records().iter().any(|r| {
        matches!(&r.event, TraceEvent::Note { node, note: Note::PreEmpted { .. } } if *node == s(1))
    });
    assert!(preempted);
}

#[test]
fn acceptor_state_and_chosen_slots_survive_a_crash() {
    let run = play(&scenario(
        r#"{"version":2,"lab":"multi-paxos","seed":6,"nodes":{"server":3,"client":1},
        "duration_ms":2000,"params":{"leader_timeout_ms":[300,600]},
        "actions":[
          {"at_ms":10,"do":"timeout","node":"S1"},
          {"at_ms":200,"do":"input","node":"C1","input":{"op":"set","key":"x","value":7}},
          {"at_ms":600,"do":"crash","node":"S3"},
          {"at_ms":700,"do":"restart","node":"S3"}]}"#,
    ));
    let server = live(&run, s(3)).server().unwrap();
    let b = Ballot::new(1, s(1));
    assert_eq!(server.acceptor.promised, Some(b));
    assert_eq!(
        server.acceptor.accepted.get(&1).map(|(ballot, _)| *ballot),
        Some(b)
    );
    assert_eq!(server.learner.kv.data.get("x"), Some(&7));
    // It came back as a follower of the leader, which never had to change.
    assert_eq!(server.leader(), Some(s(1)));
    let client = live(&run, NodeId::client(0)).client().unwrap();
    assert_eq!(client.last_answer, Some((1, None)));
}

#[test]
fn a_follower_redirects_a_client_to_the_leader() {
    let proto = MultiPaxos::new(MultiPaxosParams::default());
    let mut node = fresh(&proto);
    let b = Ballot::new(1, s(2));
    step(
        &proto,
        &mut node,
        s(2),
        Msg::Heartbeat {
            ballot: b,
            chosen_through: 0,
        },
    );
    let sent = step(
        &proto,
        &mut node,
        NodeId::client(0),
        Msg::ClientRequest {
            req: 1,
            command: Command::Get { key: "x".into() },
        },
    );
    let redirect = Msg::ClientReply {
        req: 1,
        answer: Answer::NotLeader { leader: Some(s(2)) },
    };
    assert_eq!(sent, vec![(NodeId::client(0), redirect)]);
}

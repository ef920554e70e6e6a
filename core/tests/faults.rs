//! The world's faults that every lab can use: pause/resume, FIFO links,
//! and actions that name a node the run does not have.

use distviz_core::lab;
use distviz_core::raft::Raft;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId, Run, TraceEvent};
use std::collections::BTreeMap;

fn raft(seed: u64, edit: impl FnOnce(&mut Scenario)) -> Run<Raft> {
    let mut s = Scenario::new(lab::RAFT_ELECTION, seed, 5);
    edit(&mut s);
    lab::raft_election(&s).unwrap()
}

/// Per link, the message ids in the order they were delivered and sent.
fn orders(run: &Run<Raft>) -> (usize, usize) {
    let mut sent: BTreeMap<(NodeId, NodeId), Vec<u64>> = BTreeMap::new();
    let mut delivered: BTreeMap<(NodeId, NodeId), Vec<u64>> = BTreeMap::new();
    for record in run.trace().records() {
        match &record.event {
            TraceEvent::Send {
                id,
                from,
                to,
                arrives: Some(_),
                ..
            } => sent.entry((*from, *to)).or_default().push(*id),
            TraceEvent::Deliver { id, from, to, .. } => {
                delivered.entry((*from, *to)).or_default().push(*id)
            }
            _ => {}
        }
    }
    let overtaken = delivered
        .iter()
        .map(|(link, ids)| {
            let order = &sent[link];
            let position = |id: &u64| order.iter().position(|x| x == id);
            ids.windows(2)
                .filter(|w| position(&w[0]) > position(&w[1]))
                .count()
        })
        .sum();
    (overtaken, delivered.values().map(Vec::len).sum())
}

#[test]
fn a_fifo_network_never_lets_a_message_overtake_another() {
    let wide = |s: &mut Scenario| s.network.latency_ms = [1, 120];
    let mut plain = raft(4, wide);
    plain.advance_to(5_000);
    let (overtaken, _) = orders(&plain);
    assert!(
        overtaken > 0,
        "wide latencies reorder messages without FIFO"
    );
    let mut fifo = raft(4, |s| {
        wide(s);
        s.network.fifo = true;
    });
    fifo.advance_to(5_000);
    let (overtaken, delivered) = orders(&fifo);
    assert_eq!(overtaken, 0);
    assert!(delivered > 100);
}

#[test]
fn a_paused_node_keeps_its_state_and_catches_up_on_resume() {
    let mut run = raft(1, |_| {});
    run.advance_to(1_000);
    let leader = run
        .world()
        .nodes()
        .iter()
        .find(|s| {
            s.summary
                .as_ref()
                .is_some_and(|x| x.role.name() == "leader")
        })
        .map(|s| s.id)
        .expect("a leader by 1 s");
    let before = run.world().node(leader).live.clone().unwrap();
    run.intervene(Action::Pause { node: leader }).unwrap();
    run.advance_to(3_000);
    let slot = run.world().node(leader);
    assert_eq!(slot.live.as_ref(), Some(&before), "a pause changes nothing");
    assert!(!slot.inbox.is_empty(), "messages wait for it");
    let sent_while_paused = run.trace().records().iter().any(|r| {
        r.at > 1_000 && matches!(&r.event, TraceEvent::Send { from, .. } if *from == leader)
    });
    assert!(!sent_while_paused, "a paused node sends nothing");
    // The others elected a new leader in a higher term; on resume the old
    // one reads what waited and steps down.
    run.intervene(Action::Resume { node: leader }).unwrap();
    run.advance_to(3_500);
    let term = |peer: Option<&distviz_core::raft::Peer>| {
        peer.and_then(|p| p.server()).map(|s| s.current_term)
    };
    let after = run.world().node(leader).live.as_ref();
    assert!(term(after) > term(Some(&before)));
    assert!(run.world().violations().is_empty());
}

#[test]
fn an_action_on_a_missing_node_is_refused_with_a_reason() {
    let mut run = raft(1, |_| {});
    run.advance_to(500);
    let records = run.world().records();
    let err = run
        .intervene(Action::Crash {
            node: NodeId::server(7),
        })
        .unwrap_err();
    assert_eq!(err, "node S8 does not exist in a 5-node cluster (S1…S5)");
    let err = run
        .intervene(Action::Partition {
            groups: vec![vec![NodeId::server(0), NodeId::client(0)]],
        })
        .unwrap_err();
    assert!(err.contains("node C1 does not exist"), "{err}");
    assert_eq!(run.world().records(), records, "nothing happened");
    assert!(run.actions().is_empty());
}

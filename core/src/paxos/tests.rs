//! Single-decree Paxos: the paper's claims, one test each.

use super::*;
use crate::sim::{Action, NetworkConfig, Roster, Run, TimedAction, TraceEvent};

pub(super) const P1: NodeId = NodeId::new(PROPOSER, 0);
pub(super) const P2: NodeId = NodeId::new(PROPOSER, 1);
pub(super) const A1: NodeId = NodeId::new(ACCEPTOR, 0);
pub(super) const A2: NodeId = NodeId::new(ACCEPTOR, 1);

pub(super) fn lab(
    params: PaxosParams,
    proposers: usize,
    acceptors: usize,
    seed: u64,
    mut actions: Vec<TimedAction>,
) -> Run<Paxos> {
    actions.sort_by_key(|a| a.at_ms);
    Run::new(
        Paxos::new(params),
        Roster::new([(PROPOSERS, proposers), (ACCEPTORS, acceptors)]),
        NetworkConfig::default(),
        seed,
        &[],
        actions,
    )
}

pub(super) fn at(at_ms: Time, action: Action) -> TimedAction {
    TimedAction { at_ms, action }
}

pub(super) fn propose(at_ms: Time, node: NodeId, value: &str) -> TimedAction {
    at(
        at_ms,
        Action::input(
            node,
            &Propose {
                value: Some(value.into()),
            },
        ),
    )
}

/// The notes of the run, with when and where.
pub(super) fn notes(run: &Run<Paxos>) -> Vec<(Time, NodeId, Note)> {
    run.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Note { node, note } => Some((r.at, *node, note.clone())),
            _ => None,
        })
        .collect()
}

pub(super) fn learned(run: &Run<Paxos>, id: NodeId) -> Option<String> {
    let node = run.world().node(id).live.as_ref()?;
    Some(node.learner.as_ref()?.learned.as_ref()?.value.clone())
}

pub(super) fn acceptor(run: &Run<Paxos>, id: NodeId) -> AcceptorState {
    let slot = run.world().node(id);
    match &slot.live {
        Some(node) => node.acceptor.clone().unwrap_or_default(),
        None => slot
            .saved
            .as_ref()
            .and_then(|s| s.acceptor.clone())
            .unwrap_or_default(),
    }
}

fn clean(run: &Run<Paxos>) {
    assert!(
        run.world().violations().is_empty(),
        "{:?}",
        run.world().violations()
    );
}

#[test]
fn a_lone_proposer_gets_its_value_chosen_and_every_learner_learns_it() {
    let mut run = lab(
        PaxosParams::default(),
        2,
        3,
        1,
        vec![propose(10, P1, "red")],
    );
    run.advance_to(1_000);
    clean(&run);
    let chosen = run.world().monitor().chosen().cloned().expect("chosen");
    assert_eq!(chosen.value, "red");
    assert_eq!(chosen.ballot, Ballot::new(1, P1));
    assert_eq!(learned(&run, P1).as_deref(), Some("red"));
    assert_eq!(learned(&run, P2).as_deref(), Some("red"), "P2 learns too");
    // Prepare, Promise, Accept to 3 acceptors; Accepted to 2 learners.
    let sent = run
        .trace()
        .records()
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::Send { .. }))
        .count();
    assert_eq!(sent, 3 + 3 + 3 + 3 * 2);
}

#[test]
fn a_value_is_chosen_before_any_learner_knows_it() {
    let mut run = lab(
        PaxosParams::default(),
        2,
        3,
        1,
        vec![propose(10, P1, "red")],
    );
    run.advance_to(1_000);
    let notes = notes(&run);
    let chosen_at = notes
        .iter()
        .position(|(_, _, n)| matches!(n, Note::Chosen { .. }))
        .expect("a Chosen note");
    let first_learned = notes
        .iter()
        .position(|(_, _, n)| matches!(n, Note::Learned { .. }))
        .expect("a Learned note");
    assert!(chosen_at < first_learned);
    assert!(
        notes[chosen_at].0 < notes[first_learned].0,
        "the Accepted messages take time to reach the learners"
    );
}

#[test]
fn a_later_proposer_discovers_the_chosen_value_and_proposes_it() {
    let mut run = lab(
        PaxosParams::default(),
        2,
        3,
        1,
        vec![propose(10, P1, "red"), propose(500, P2, "blue")],
    );
    run.advance_to(2_000);
    clean(&run);
    assert!(notes(&run)
        .iter()
        .any(|(_, node, n)| *node == P2
            && matches!(n, Note::Adopted { value, .. } if value == "red")));
    // Ballot 1.P2 would be below P1's... P2's ballot is a new, higher one.
    for a in 0..3 {
        let state = acceptor(&run, NodeId::new(ACCEPTOR, a));
        let accepted = state.accepted.expect("accepted");
        assert_eq!(accepted.value, "red");
    }
    assert_eq!(run.world().monitor().chosen_values(), ["red"]);
}

#[test]
fn a_higher_ballot_pre_empts_a_lower_one() {
    // P2 prepares 1.P2 (> 1.P1) after P1's promises but before its accepts land.
    let mut run = lab(
        PaxosParams::default(),
        2,
        3,
        1,
        vec![propose(10, P1, "red"), propose(50, P2, "blue")],
    );
    run.advance_to(3_000);
    clean(&run);
    let notes = notes(&run);
    assert!(
        notes
            .iter()
            .any(|(_, node, n)| *node == P1 && matches!(n, Note::PreEmpted { .. })),
        "{notes:#?}"
    );
    assert_eq!(run.world().monitor().chosen_values().len(), 1);
    assert_eq!(learned(&run, P1), learned(&run, P2));
}

#[test]
fn acceptor_state_survives_a_crash() {
    let mut run = lab(
        PaxosParams::default(),
        1,
        3,
        1,
        vec![
            propose(10, P1, "red"),
            at(400, Action::Crash { node: A1 }),
            at(500, Action::Restart { node: A1 }),
        ],
    );
    run.advance_to(450);
    let before = acceptor(&run, A1);
    assert!(run.world().node(A1).live.is_none());
    assert_eq!(
        before.accepted.as_ref().map(|p| p.value.as_str()),
        Some("red")
    );
    run.advance_to(600);
    assert_eq!(acceptor(&run, A1), before, "promise and accepted kept");
}

#[test]
fn a_restarted_proposer_never_reuses_a_ballot() {
    let mut run = lab(
        PaxosParams::default(),
        1,
        3,
        1,
        vec![
            propose(10, P1, "red"),
            at(20, Action::Crash { node: P1 }),
            at(30, Action::Restart { node: P1 }),
            propose(40, P1, "blue"),
        ],
    );
    run.advance_to(1_000);
    clean(&run);
    let ballots: Vec<Ballot> = run
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Send {
                msg: Msg::Prepare { ballot },
                ..
            } => Some(*ballot),
            _ => None,
        })
        .collect();
    assert!(ballots.contains(&Ballot::new(1, P1)));
    assert!(ballots.contains(&Ballot::new(2, P1)), "{ballots:?}");
}

#[test]
fn an_acceptor_refuses_to_propose_and_a_busy_proposer_refuses_a_second_value() {
    let mut run = lab(
        PaxosParams::default(),
        1,
        3,
        1,
        vec![
            propose(10, A1, "red"),
            propose(20, P1, "red"),
            propose(21, P1, "blue"),
        ],
    );
    run.advance_to(1_000);
    let refusals: Vec<String> = run
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Refused { node, reason } => Some(format!("{node}: {reason}")),
            _ => None,
        })
        .collect();
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    assert!(refusals[0].starts_with("A1: A1 is an acceptor only"));
    assert!(refusals[1].contains("still proposing \"red\""));
}

#[test]
fn a_value_a_learner_cannot_read_is_refused() {
    let mut run = lab(
        PaxosParams::default(),
        1,
        3,
        1,
        vec![propose(10, P1, ""), propose(20, P1, "a value far too long")],
    );
    run.advance_to(100);
    let refused = run
        .trace()
        .records()
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::Refused { .. }))
        .count();
    assert_eq!(refused, 2);
}

#[test]
fn three_servers_playing_every_role_agree_without_messages_to_themselves() {
    let params = PaxosParams {
        proposers_accept: true,
        ..Default::default()
    };
    let mut run = lab(
        params,
        3,
        0,
        1,
        vec![propose(10, P1, "red"), propose(12, P2, "blue")],
    );
    run.advance_to(3_000);
    clean(&run);
    let value = learned(&run, P1).expect("P1 learned");
    for n in 0..3 {
        assert_eq!(learned(&run, NodeId::new(PROPOSER, n)), Some(value.clone()));
    }
    assert!(run.trace().records().iter().all(|r| !matches!(
        &r.event,
        TraceEvent::Send { from, to, .. } if from == to
    )));
}

#[test]
fn an_acceptor_crash_leaves_a_quorum_that_still_chooses() {
    let mut run = lab(
        PaxosParams::default(),
        2,
        3,
        1,
        vec![at(5, Action::Crash { node: A2 }), propose(10, P1, "red")],
    );
    run.advance_to(1_000);
    clean(&run);
    let chosen = run.world().monitor().chosen().cloned().expect("chosen");
    assert_eq!(chosen.value, "red");
    assert!(!run
        .world()
        .monitor()
        .accepted_by(chosen.ballot)
        .contains(&A2));
}

//! Raft vs Multi-Paxos: one scenario drives both runs with the same
//! network randomness, and the shipped leader-crash run does what its
//! name says on both sides.

use distviz_core::report::run_scenario;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{NodeId, Protocol, Run, TraceEvent};
use distviz_core::versus::{
    first_hole_filled, pair, paxos_counters, paxos_history, raft_counters, raft_history, split,
};

fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The latency each message got, in the order they were sent.
fn latencies<P: Protocol>(run: &Run<P>) -> Vec<u64> {
    run.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Send {
                arrives: Some(t), ..
            } => Some(t - r.at),
            _ => None,
        })
        .collect()
}

#[test]
fn both_worlds_draw_the_same_network_randomness_for_the_same_seed() {
    let s = scenario("raft-vs-paxos-leader-crash.json");
    let mut both = pair(&s).unwrap();
    both.advance_to(s.duration_ms);
    let (raft, paxos) = (latencies(&both.raft), latencies(&both.paxos));
    // The protocols send different messages, but the k-th message either
    // sends draws the k-th latency of the one network stream.
    let n = raft.len().min(paxos.len());
    assert!(n >= 300, "{n} messages compared");
    assert_eq!(raft[..n], paxos[..n]);
    // Not a constant: another seed draws other latencies.
    let mut other = s.clone();
    other.seed += 1;
    let mut again = pair(&other).unwrap();
    again.advance_to(other.duration_ms);
    let elsewhere = latencies(&again.raft);
    assert_ne!(elsewhere[..50], raft[..50]);
    // And each world's own draws (election timeouts) stay its own: the
    // runs are different runs.
    assert_ne!(
        both.raft.world().trace_hash(),
        both.paxos.world().trace_hash()
    );
}

#[test]
fn after_the_leader_crash_both_elect_a_new_leader_and_commit_again_raft_sooner_with_its_no_op() {
    let s = scenario("raft-vs-paxos-leader-crash.json");
    let (raft_scenario, _) = split(&s).unwrap();
    let mut both = pair(&s).unwrap();
    both.advance_to(s.duration_ms);
    assert!(both.raft.world().violations().is_empty());
    assert!(both.paxos.world().violations().is_empty());
    let raft = raft_counters(&both.raft, &raft_scenario);
    let paxos = paxos_counters(&both.paxos);
    // The same workload, the same commands committed.
    assert_eq!(raft.commands_committed, paxos.commands_committed);
    assert!(raft.commands_committed >= 10);
    for side in [&raft, &paxos] {
        assert_eq!(side.failovers.len(), 1, "{side:?}");
        let f = &side.failovers[0];
        assert_eq!((f.crashed, f.at_ms), (NodeId::server(0), 1200));
        // Who wins is each world's own draw of election timeouts.
        assert!(f.next_leader.is_some_and(|l| l != NodeId::server(0)));
        assert!(f.leader_at_ms.is_some_and(|t| t > 1200 && t < 1600));
    }
    // Raft's new leader commits its no-op at once; Multi-Paxos's has no
    // hole to fill and chooses nothing until the client's retry comes.
    let raft_gap = raft.failovers[0].crash_to_commit_ms.unwrap();
    let paxos_gap = paxos.failovers[0].crash_to_commit_ms.unwrap();
    assert!(raft_gap < paxos_gap, "{raft_gap} vs {paxos_gap}");
    // Raft's new leader held an entry beyond its commitIndex; Multi-Paxos's
    // promises reported nothing to re-propose.
    assert_eq!(
        (raft.failovers[0].recovered, paxos.failovers[0].recovered),
        (1, 0)
    );
    // Raft's heartbeats go to every follower as AppendEntries and cost more.
    assert!(raft.messages_per_command > paxos.messages_per_command);

    // The CLI's report carries both sides.
    let report = run_scenario(&s, None).unwrap();
    assert!(report.violations.is_empty());
    let lab = &report.lab_report;
    assert_eq!(
        lab["raft"]["trace_hash"],
        both.raft.world().trace_hash().as_str()
    );
    assert_eq!(
        lab["multi_paxos"]["trace_hash"],
        both.paxos.world().trace_hash().as_str()
    );
    assert_eq!(
        lab["multi_paxos"]["counters"]["failovers"][0]["crash_to_commit_ms"],
        paxos_gap
    );
}

#[test]
fn a_membership_change_is_refused_for_the_multi_paxos_side_with_its_place() {
    let text = r#"{"version":2,"lab":"raft-vs-paxos","nodes":{"server":3,"client":1},
        "actions":[{"at_ms":5,"do":"input","node":"S1","input":{"op":"remove","server":"S3"}}]}"#;
    let err = pair(&Scenario::parse(text).unwrap()).err().unwrap();
    assert_eq!(err.path, "actions[0].input");
    assert!(err.message.contains("no membership changes"), "{err}");
}

#[test]
fn in_the_holes_run_multi_paxos_fills_a_hole_with_a_no_op_and_raft_has_none_to_fill() {
    use distviz_core::raft::{Command, Peer};
    let s = scenario("raft-vs-paxos-holes.json");
    let mut both = pair(&s).unwrap();
    both.advance_to(s.duration_ms);
    assert!(both.raft.world().violations().is_empty());
    assert!(both.paxos.world().violations().is_empty());

    // Multi-Paxos: S1's Accepts for one slot reached nobody before it
    // crashed, while a later slot was chosen; the next leader heard of
    // nothing in that slot and chose a no-op there.
    let (at, leader, hole) = first_hole_filled(&both.paxos).expect("a hole filled");
    assert!(at > 850, "after S1's crash: {at}");
    assert_ne!(leader, NodeId::server(0));
    let monitor = both.paxos.world().monitor();
    let filled = monitor.chosen_at(hole).expect("the hole's slot is chosen");
    assert!(filled.entry.is_noop());
    assert_eq!(filled.at_ms, at);
    let later = monitor
        .chosen()
        .find(|(slot, c)| *slot > hole && !c.entry.is_noop() && c.at_ms < at);
    assert!(
        later.is_some(),
        "a later slot held a command while slot {hole} was empty"
    );

    // Raft: a follower takes an entry only after the one before it, so its
    // log has no hole to fill. Its only no-ops are each leader's first
    // entry of its term, never one put in an old slot.
    for slot in both.raft.world().nodes() {
        let Some(Peer::Server(server)) = &slot.live else {
            continue;
        };
        for (i, entry) in server.log.iter().enumerate() {
            if entry.command == Command::Noop {
                let opens_term = i == 0 || server.log[i - 1].term < entry.term;
                assert!(
                    opens_term,
                    "{}: no-op at {} inside term {}",
                    slot.id,
                    i + 1,
                    entry.term
                );
            }
        }
    }
    // Both answered the same commands in the end.
    let (raft_scenario, _) = split(&s).unwrap();
    assert_eq!(
        raft_counters(&both.raft, &raft_scenario).commands_committed,
        paxos_counters(&both.paxos).commands_committed
    );
    // The CLI's report: Multi-Paxos's next leader recovered two slots from
    // promises and filled the hole; both worlds counted S1's crash.
    let report = run_scenario(&s, None).unwrap();
    assert!(report.violations.is_empty());
    let failover = |side: &str| report.lab_report[side]["counters"]["failovers"][0].clone();
    assert_eq!(failover("multi_paxos")["recovered"], 2);
    assert_eq!(failover("raft")["crashed"], "S1");
}

#[test]
fn under_one_partition_both_majorities_elect_a_leader_and_go_on_committing() {
    let s = scenario("raft-vs-paxos-partition.json");
    let (raft_scenario, _) = split(&s).unwrap();
    let mut both = pair(&s).unwrap();
    both.advance_to(s.duration_ms);
    // S1 and S2 are cut off from 1000 ms to 2500 ms: each world's next
    // leader is one of S3, S4, S5.
    let majority_leader = |stretches: &[distviz_core::sim::Stretch]| {
        stretches
            .iter()
            .any(|b| b.at_ms > 1000 && b.at_ms < 2500 && b.node.index() >= 2)
    };
    assert!(majority_leader(&both.raft.landmarks().stretches));
    assert!(majority_leader(&both.paxos.landmarks().stretches));
    assert!(both.raft.world().violations().is_empty());
    assert!(both.paxos.world().violations().is_empty());
    let raft = raft_history(&both.raft, &raft_scenario);
    let paxos = paxos_history(&both.paxos);
    for h in [&raft, &paxos] {
        let (cut, late, healed) = (h.at(1300), h.at(2500), h.at(4000));
        assert!(
            late.commands_committed > cut.commands_committed,
            "the majority side commits while cut: {cut:?} → {late:?}"
        );
        assert!(healed.commands_committed >= late.commands_committed + 5);
    }
}

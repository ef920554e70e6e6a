//! The memory estimate a run is limited by (`Run::held_bytes`) counts what
//! records and checkpoints carry: a message's entries when its record is
//! made, messages in flight and the invariant monitor in each checkpoint.

use distviz_core::lab;
use distviz_core::raft::{Raft, RaftMsg, RaftParams};
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Protocol, Run, TraceEvent};

fn under_load(seconds: u64) -> Run<Raft> {
    let mut s = Scenario::new(lab::RAFT_REPLICATION, 4, 5);
    s.other_nodes.insert("client".into(), 1);
    s.params = serde_json::to_value(RaftParams {
        workload_ms: 100,
        ..RaftParams::default()
    })
    .unwrap();
    s.duration_ms = seconds * 1000;
    let mut run = lab::raft_replication(&s).unwrap();
    run.advance_to(s.duration_ms);
    run
}

#[test]
fn a_record_counts_the_entries_its_message_carries_when_it_is_made() {
    let run = under_load(5);
    let trace = run.trace();
    let proto = run.world().protocol();
    let mut carrying = 0;
    for (record, &extra) in trace.records().iter().zip(trace.extras()) {
        match &record.event {
            TraceEvent::Send { msg, .. } | TraceEvent::Deliver { msg, .. } => {
                assert_eq!(extra as usize, proto.message_bytes(msg));
                if let RaftMsg::AppendEntries { entries, .. } = msg {
                    if !entries.is_empty() {
                        assert!(extra > 0, "AppendEntries with entries counted nothing");
                        carrying += 1;
                    }
                }
            }
            TraceEvent::Invoke { .. } => assert!(extra > 0, "an operation's name and value"),
            _ => {}
        }
    }
    assert!(carrying > 10, "only {carrying} records carried entries");
    let extras: usize = trace.extras().iter().map(|&e| e as usize).sum();
    assert!(trace.held_bytes() >= std::mem::size_of_val(trace.records()) + extras);
}

#[test]
fn a_window_forgets_the_payloads_of_the_records_it_drops() {
    let mut run = under_load(1);
    run.keep_window(1_000);
    run.advance_to(20_000);
    let trace = run.trace();
    assert!(trace.records().len() < 2_000);
    assert_eq!(trace.extras().len(), trace.records().len());
    let kept: usize = trace.extras().iter().map(|&e| e as usize).sum();
    let size = std::mem::size_of_val(&trace.records()[0]);
    let vectors = trace.held_bytes() - kept;
    // What is held beyond the payloads kept is the vectors themselves.
    assert!(vectors >= trace.records().len() * size && vectors <= 4 * 2_000 * (size + 4));
}

#[test]
fn a_checkpoint_counts_the_raft_monitor_and_the_entries_in_flight() {
    let run = under_load(10);
    let world = run.world();
    let proto = world.protocol();
    let monitor = proto.monitor_bytes(world.monitor());
    assert!(monitor > 0, "the monitor's digests and committed entries");
    let in_flight: usize = world.in_flight().map(|m| proto.message_bytes(&m.msg)).sum();
    assert!(world.approx_bytes() >= monitor + in_flight);
    // The whole estimate grows with the load: 10 s hold more than 5 s.
    assert!(under_load(5).held_bytes() < run.held_bytes());
}

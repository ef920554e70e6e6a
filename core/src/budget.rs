//! A bound on the work a scenario may ask for. A file or a share link is
//! untrusted: nine nodes with 1 ms heartbeats, duplicated messages and a
//! day-long run would need tens of billions of events. A run the CLI makes
//! from a file keeps its whole trace, so it stops at `MAX_EVENTS` with a
//! message instead. (A lab page keeps a trace window and stops at its
//! memory budget: see the app's controller.)

use crate::scenario::ScenarioError;
use crate::sim::{Protocol, Run, Time};

/// Events one run of a scenario file may take: above a 2-hour run of nine
/// nodes with the default timers and faults (about 3.5 million events;
/// the whole trace is then about 300 MB natively).
pub const MAX_EVENTS: u64 = 5_000_000;

/// The run goes forward in steps of this much virtual time between checks.
const CHUNK_MS: Time = 50;

/// Runs forward to `t` (as `Run::advance_to`), or stops once it has taken
/// more than `max_events` events and says so, naming `duration_ms`.
pub fn advance_within<P: Protocol>(
    run: &mut Run<P>,
    t: Time,
    max_events: u64,
) -> Result<(), ScenarioError> {
    let start = run.world().steps();
    loop {
        let next = run.now().saturating_add(CHUNK_MS).min(t);
        run.advance_to(next);
        let taken = run.world().steps() - start;
        if taken > max_events {
            return Err(ScenarioError::new(
                "duration_ms",
                format!(
                    "this run needs more than {max_events} events to reach {t} ms (it got to {} ms): \
                     make it shorter, or its timers slower (params.heartbeat_ms, \
                     params.election_timeout_ms)",
                    run.now()
                ),
            ));
        }
        if next >= t {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab;
    use crate::scenario::Scenario;

    #[test]
    fn going_in_chunks_gives_the_same_run() {
        for name in [
            "raft-election-partition.json",
            "raft-election-leader-crash.json",
        ] {
            let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
            let s = Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
            let mut straight = lab::raft_election(&s).unwrap();
            straight.advance_to(s.duration_ms);
            let mut chunked = lab::raft_election(&s).unwrap();
            advance_within(&mut chunked, s.duration_ms, MAX_EVENTS).unwrap();
            assert_eq!(chunked.world().trace_hash(), straight.world().trace_hash());
            assert_eq!(chunked.now(), straight.now());
        }
    }

    #[test]
    fn a_run_that_asks_too_much_stops_and_says_where() {
        let text = r#"{"version":1,"lab":"raft-election","nodes":9,"duration_ms":1800000,
            "network":{"latency_ms":[0,0],"duplicate":1.0},
            "params":{"heartbeat_ms":1,"election_timeout_ms":[1,2]}}"#;
        let s = Scenario::parse(text).unwrap();
        let mut run = lab::raft_election(&s).unwrap();
        let err = advance_within(&mut run, s.duration_ms, 20_000).unwrap_err();
        assert_eq!(err.path, "duration_ms");
        assert!(err.message.contains("more than 20000 events"), "{err}");
        assert!(run.now() < 1_000, "it stopped early, at {} ms", run.now());
    }

    #[test]
    fn what_a_run_holds_grows_with_its_checkpoints_and_a_fork_gives_it_back() {
        let s = Scenario::new(lab::RAFT_ELECTION, 1, 5);
        let mut run = lab::raft_election(&s).unwrap();
        run.keep_window(10_000);
        let start = run.held_bytes();
        run.advance_to(60_000);
        let minute = run.held_bytes();
        run.advance_to(120_000);
        let two = run.held_bytes();
        assert!(start < minute && minute < two, "{start} {minute} {two}");
        // Each checkpoint costs about what the world does, not the whole past.
        let per_checkpoint = (two - minute) / (run.checkpoint_count() / 2).max(1);
        assert!(
            per_checkpoint < 64 * 1024,
            "{per_checkpoint} bytes a checkpoint"
        );
        run.seek_time(30_000);
        run.intervene(crate::sim::Action::Heal).unwrap();
        assert!(run.held_bytes() < minute, "the forked-off future is let go");
    }
}

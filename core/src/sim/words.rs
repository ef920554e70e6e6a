//! Trace records in plain words, for the event log.

use super::{LinkState, Protocol, RecordOf, TraceEvent};

/// How much a record matters to a learner following along.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Timers firing, heartbeats and their replies, losses.
    Routine,
    /// Messages that are not routine (votes, requests).
    Message,
    /// Role and term changes, faults, the learner's actions, violations.
    Key,
}

/// The sentence for one record, and how much it matters.
pub fn sentence<P: Protocol>(proto: &P, record: &RecordOf<P>) -> (Level, String) {
    use TraceEvent::*;
    match &record.event {
        Boot { node } => (Level::Routine, format!("{node} started")),
        Send {
            id,
            from,
            to,
            msg,
            arrives,
        } => (
            level_of(proto, msg),
            match arrives {
                Some(_) => format!("{from} sent {} to {to} (#{id})", proto.describe(msg)),
                None => format!(
                    "{from} tried to send {} to {to} (#{id})",
                    proto.describe(msg)
                ),
            },
        ),
        Deliver { id, from, to, msg } => (
            level_of(proto, msg),
            format!("{to} received {} from {from} (#{id})", proto.describe(msg)),
        ),
        Drop {
            id,
            from,
            to,
            reason,
        } => {
            // Losses come in floods during a partition; the send line already
            // says "tried to send" for a message that never left.
            let level = if *reason == super::DropReason::User {
                Level::Key
            } else {
                Level::Routine
            };
            (
                level,
                format!(
                    "Message #{id} from {from} to {to} was lost: {}",
                    reason.words()
                ),
            )
        }
        Duplicate { id, copy } => (
            Level::Message,
            format!("The network duplicated message #{id} (the copy is #{copy})"),
        ),
        Held { id } => (Level::Key, format!("Message #{id} is held on its link")),
        Released { id, .. } => (Level::Key, format!("Message #{id} was released")),
        Timer { node, timer } => (
            Level::Routine,
            format!(
                "{node}'s {} timer fired",
                format!("{timer:?}").to_lowercase()
            ),
        ),
        Crash { node } => (
            Level::Key,
            format!("{node} crashed: it keeps only what it saved to disk"),
        ),
        Restart { node } => (Level::Key, format!("{node} restarted from its disk")),
        Partition { groups } => {
            let sides: Vec<String> = groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|id| id.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            (
                Level::Key,
                format!("The network split into {{{}}}", sides.join("} and {")),
            )
        }
        Heal => (
            Level::Key,
            "The partition healed: every side can reach every other again (a link set to drop or hold stays so)".into(),
        ),
        Link {
            from,
            to,
            state,
            latency_ms: [lo, hi],
            drop_ppm,
            duplicate_ppm,
            fifo,
        } => {
            let order = if *fifo { ", in order" } else { "" };
            let settings = format!(
                "latency {lo}–{hi} ms, {}% loss, {}% duplicates{order}",
                *drop_ppm as f64 / 10_000.0,
                *duplicate_ppm as f64 / 10_000.0
            );
            let what = match state {
                LinkState::Up => "works",
                LinkState::Drop => "drops every message",
                LinkState::Hold => "holds every message",
            };
            (
                Level::Key,
                format!("The link {from}→{to} now {what} ({settings})"),
            )
        }
        Pause { node } => (
            Level::Key,
            format!("{node} paused: it handles nothing until it resumes, and keeps its state"),
        ),
        Resume { node, waiting } => (
            Level::Key,
            match waiting {
                0 => format!("{node} resumed; no message waited for it"),
                1 => format!("{node} resumed and now reads the 1 message that waited for it"),
                n => format!("{node} resumed and now reads the {n} messages that waited for it"),
            },
        ),
        Input { node, input } => (
            Level::Key,
            format!("{node} was asked to {}", proto.describe_input(input)),
        ),
        Refused { node, reason } => (Level::Key, format!("{node} refused: {reason}")),
        Note { node, note } => (Level::Key, proto.describe_note(*node, note)),
        Summary { node, summary } => (Level::Key, proto.describe_summary(*node, summary)),
        // The lab's own notes narrate operations; these lines are for the record.
        Invoke {
            process, f, value, ..
        } => (
            Level::Routine,
            match value {
                super::OpValue::Nil => format!("{process} invoked {f}"),
                value => format!("{process} invoked {f} {value}"),
            },
        ),
        Complete {
            process,
            op,
            result,
            value,
        } => (
            Level::Routine,
            match result {
                super::OpResult::Ok => format!("{process}'s operation #{op} returned {value}"),
                super::OpResult::Fail => format!("{process}'s operation #{op} failed"),
                super::OpResult::Info => format!(
                    "{process} gave up on operation #{op}: it cannot tell whether it happened"
                ),
            },
        ),
        Violation { invariant, detail } => (Level::Key, format!("⚠ {invariant} broke: {detail}")),
        Timeout { node } => (Level::Key, format!("{node} was made to time out")),
        AlignTimers { at } => (
            Level::Key,
            match proto.main_timer() {
                Some(timer) => format!(
                    "Every {} timer now fires at {at} ms",
                    format!("{timer:?}").to_lowercase()
                ),
                None => format!("Every timer now fires at {at} ms"),
            },
        ),
        Ignored { reason } => (Level::Key, format!("Nothing happened: {reason}")),
    }
}

/// How much a record matters, without making its sentence: the log uses it
/// to skip routine records cheaply when looking back for lines to show.
pub fn level<P: Protocol>(proto: &P, record: &RecordOf<P>) -> Level {
    use TraceEvent::*;
    match &record.event {
        Boot { .. } | Timer { .. } | Invoke { .. } | Complete { .. } => Level::Routine,
        Send { msg, .. } | Deliver { msg, .. } => level_of(proto, msg),
        Drop { reason, .. } if *reason != super::DropReason::User => Level::Routine,
        Duplicate { .. } => Level::Message,
        _ => Level::Key,
    }
}

fn level_of<P: Protocol>(proto: &P, msg: &P::Msg) -> Level {
    if proto.is_routine(msg) {
        Level::Routine
    } else {
        Level::Message
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Raft, RaftParams, RaftSummary, Role};
    use crate::sim::{EventOf, NodeId, TraceRecord};

    fn say(event: EventOf<Raft>) -> (Level, String) {
        sentence(
            &Raft::new(RaftParams::default()),
            &TraceRecord { at: 5, event },
        )
    }

    #[test]
    fn level_agrees_with_sentence_on_a_whole_run() {
        use crate::lab;
        use crate::scenario::Scenario;
        let text = std::fs::read_to_string(format!(
            "{}/../scenarios/raft-election-partition.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let scenario = Scenario::parse(&text).unwrap();
        let mut run = lab::raft_election(&scenario).unwrap();
        run.advance_to(scenario.duration_ms);
        let proto = run.world().protocol();
        for record in run.trace().records() {
            assert_eq!(
                level(proto, record),
                sentence(proto, record).0,
                "{record:?}"
            );
        }
    }

    #[test]
    fn key_events_read_as_sentences() {
        let groups = vec![
            vec![NodeId::server(0), NodeId::server(1)],
            vec![NodeId::server(2), NodeId::server(3), NodeId::server(4)],
        ];
        assert_eq!(
            say(TraceEvent::Partition { groups }),
            (
                Level::Key,
                "The network split into {S1 S2} and {S3 S4 S5}".into()
            )
        );
        assert_eq!(
            say(TraceEvent::Summary {
                node: NodeId::server(2),
                summary: RaftSummary {
                    role: Role::Leader,
                    term: 4
                }
            })
            .1,
            "S3 became leader for term 4"
        );
        let heartbeat = crate::raft::RaftMsg::AppendEntries {
            term: 1,
            prev_log_index: 0,
            prev_log_term: 0,
            entries: Vec::new(),
            leader_commit: 0,
        };
        let (level, text) = say(TraceEvent::Deliver {
            id: 9,
            from: NodeId::server(0),
            to: NodeId::server(1),
            msg: heartbeat,
        });
        assert_eq!(
            (level, text.as_str()),
            (
                Level::Routine,
                "S2 received heartbeat (term 1, commit 0) from S1 (#9)"
            )
        );
    }
}

//! The event log's words for Multi-Paxos's messages and facts.

use super::{Msg, MultiPaxosSummary, Note};
use crate::raft::Answer;
use crate::sim::NodeId;

pub(super) fn message(msg: &Msg) -> String {
    match msg {
        Msg::Prepare { ballot, from_slot } => {
            format!("Prepare {ballot} for slots {from_slot} on")
        }
        Msg::Promise { ballot, accepted } => match accepted.len() {
            0 => format!("Promise {ballot}, nothing accepted"),
            1 => format!("Promise {ballot}, 1 slot accepted"),
            n => format!("Promise {ballot}, {n} slots accepted"),
        },
        Msg::Accept {
            ballot,
            slot,
            entry,
        } => format!("Accept {ballot} slot {slot}: {entry}"),
        Msg::Accepted { ballot, slot } => format!("Accepted {ballot} slot {slot}"),
        Msg::Nack { ballot, promised } => format!("Nack {ballot}: promised {promised}"),
        Msg::Chosen { first, entries } => match entries.len() {
            1 => format!("Chosen slot {first}: {}", entries[0]),
            n => format!("Chosen slots {first}–{}", first + n as u64 - 1),
        },
        Msg::Heartbeat {
            ballot,
            chosen_through,
        } => format!("heartbeat {ballot}, applied through {chosen_through}"),
        Msg::CatchUp { from_slot } => format!("catch up from slot {from_slot}"),
        Msg::ClientRequest { req, command } => format!("request #{req}: {command}"),
        Msg::ClientReply { req, answer } => match answer {
            Answer::Done {
                index,
                value: Some(v),
            } => format!("reply to #{req}: {v} (slot {index})"),
            Answer::Done { index, value: None } => format!("reply to #{req}: done (slot {index})"),
            Answer::NotLeader { leader: Some(l) } => {
                format!("reply to #{req}: not the leader, try {l}")
            }
            Answer::NotLeader { leader: None } => {
                format!("reply to #{req}: not the leader, leader unknown")
            }
        },
    }
}

pub(super) fn note(node: NodeId, note: &Note) -> String {
    match note {
        Note::Chosen {
            slot,
            ballot,
            entry,
        } => format!(
            "slot {slot} is chosen: a majority accepted \"{entry}\" in ballot {ballot} (no \
             learner knows yet)"
        ),
        Note::Preparing { ballot, from_slot } => format!(
            "{node} heard no leader: phase 1 with ballot {ballot} for every slot from {from_slot}"
        ),
        Note::Leading { ballot, from_slot } => format!(
            "{node} leads in ballot {ballot}: a majority promised for every slot from {from_slot}"
        ),
        Note::Recovered { slot, entry, from } => format!(
            "{node} proposes again what a promise reported for slot {slot}: \"{entry}\" (accepted \
             in ballot {from})"
        ),
        Note::HoleFilled { slot } => {
            format!("{node} fills slot {slot}, which no promise reported, with a no-op")
        }
        Note::IgnoredReported { slot, reported } => format!(
            "{node} ignores \"{reported}\" reported for slot {slot} and proposes a no-op (broken \
             on purpose)"
        ),
        Note::PreEmpted { ballot, by } => {
            format!("{node}'s ballot {ballot} is pre-empted by {by}")
        }
        Note::Learned { slot, entry } => {
            format!("{node} learned from a majority of Accepted that slot {slot} holds \"{entry}\"")
        }
    }
}

pub(super) fn summary(node: NodeId, s: &MultiPaxosSummary) -> String {
    match (s.role, s.ballot) {
        ("client", _) => format!("{node} is a client"),
        ("leader", Some(b)) => format!("{node} leads in ballot {b}"),
        ("preparing", Some(b)) => format!("{node} runs phase 1 with ballot {b}"),
        ("follower", Some(b)) => format!("{node} follows, having promised {b}"),
        (_, _) => format!("{node} follows"),
    }
}

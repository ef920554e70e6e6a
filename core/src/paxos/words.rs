//! The Paxos lab in words: messages, notes and summaries for the event log.

use super::{Msg, Note, PaxosSummary};
use crate::sim::NodeId;

pub fn message(msg: &Msg) -> String {
    match msg {
        Msg::Prepare { ballot } => format!("Prepare {ballot}"),
        Msg::Promise {
            ballot,
            accepted: None,
        } => format!("Promise {ballot} (nothing accepted)"),
        Msg::Promise {
            ballot,
            accepted: Some(p),
        } => format!("Promise {ballot} (accepted {p})"),
        Msg::Accept { ballot, value } => format!("Accept {ballot} = {value}"),
        Msg::Accepted { ballot, value } => format!("Accepted {ballot} = {value}"),
        Msg::Nack { ballot, promised } => format!("Nack {ballot} (promised {promised})"),
    }
}

pub fn note(node: NodeId, note: &Note) -> String {
    match note {
        Note::Chosen {
            ballot,
            value,
            by,
            of,
        } => {
            let by: Vec<String> = by.iter().map(|n| n.to_string()).collect();
            format!(
                "\"{value}\" is chosen: {} of {of} acceptors ({}) have accepted ballot {ballot}. \
                 No learner knows it yet",
                by.len(),
                by.join(", ")
            )
        }
        Note::Learned { ballot, value } => {
            format!("{node} learned \"{value}\" (a quorum accepted ballot {ballot})")
        }
        Note::Adopted {
            ballot,
            value,
            from,
        } => format!(
            "{node} proposes \"{value}\" in ballot {ballot}, not its own value: a promise reported \
             it accepted in ballot {from}, the highest reported"
        ),
        Note::IgnoredReported {
            ballot,
            reported,
            own,
        } => format!(
            "{node} ignores {reported} reported in a promise and proposes its own \"{own}\" in \
             ballot {ballot} (broken on purpose)"
        ),
        Note::PreEmpted { ballot, by } => {
            format!("{node}'s ballot {ballot} was pre-empted: an acceptor promised {by}")
        }
        Note::NoQuorum { ballot, waited_ms } => format!(
            "{node} heard from no quorum for ballot {ballot} in {waited_ms} ms, and tries again"
        ),
        Note::BackingOff { wait_ms } => {
            format!("{node} backs off for {wait_ms} ms before its next ballot")
        }
        Note::Stopped { own, chosen } => {
            format!("{node} stops proposing \"{own}\": it learned that \"{chosen}\" is chosen")
        }
        Note::ForgotPromise { accepted: None } => format!(
            "{node} restarted without its promise (broken on purpose): it has promised nothing"
        ),
        Note::ForgotPromise { accepted: Some(b) } => format!(
            "{node} restarted without its promise (broken on purpose): it has promised nothing, \
             yet it accepted ballot {b}"
        ),
    }
}

pub fn summary(node: NodeId, s: &PaxosSummary) -> String {
    format!("{node}: {}", crate::sim::Summary::label(s))
}

//! What proposers, acceptors and learners hold, the messages between them,
//! and the facts the lab records.

use super::{Ballot, Proposal};
use crate::sim::{Kind, KindLetter, NodeId, Summary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const PROPOSER: KindLetter = b'P';
pub const ACCEPTOR: KindLetter = b'A';

/// Proposers `P1…`; every proposer is also a learner, and with
/// `proposers_accept` an acceptor too.
pub const PROPOSERS: Kind = Kind {
    letter: PROPOSER,
    word: "proposer",
    plural: "proposers",
};
/// Acceptors `A1…`: acceptors only.
pub const ACCEPTORS: Kind = Kind {
    letter: ACCEPTOR,
    word: "acceptor",
    plural: "acceptors",
};

/// The longest value a proposer may be asked to propose, in characters.
pub const MAX_VALUE_CHARS: usize = 16;

/// The value a proposer proposes when not told one (the P key): one colour
/// word per proposer, so values are easy to tell apart.
pub fn default_value(proposer: NodeId) -> String {
    const WORDS: [&str; 9] = [
        "red", "blue", "green", "amber", "violet", "teal", "pink", "lime", "brown",
    ];
    WORDS[proposer.index() % WORDS.len()].to_string()
}

/// Checks a value a learner typed: not empty, short, printable.
pub fn check_value(value: &str) -> Result<(), String> {
    let chars = value.chars().count();
    if value.trim().is_empty() {
        Err("a value cannot be empty".into())
    } else if chars > MAX_VALUE_CHARS {
        Err(format!(
            "a value is at most {MAX_VALUE_CHARS} characters (this one has {chars})"
        ))
    } else if value.chars().any(char::is_control) {
        Err("a value cannot hold control characters (line breaks, tabs)".into())
    } else {
        Ok(())
    }
}

/// The learner's input to a proposer: propose this value (its own colour
/// word when none is given).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Propose {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type")]
pub enum Msg {
    /// Phase 1a: promise to ignore every ballot below this one.
    Prepare { ballot: Ballot },
    /// Phase 1b: the promise, with the highest proposal the acceptor has
    /// accepted (if any).
    Promise {
        ballot: Ballot,
        accepted: Option<Proposal>,
    },
    /// Phase 2a: accept this value in this ballot.
    Accept { ballot: Ballot, value: String },
    /// Phase 2b, sent to every learner: the acceptor accepted it.
    Accepted { ballot: Ballot, value: String },
    /// The acceptor refused `ballot`: it has promised a higher one.
    Nack { ballot: Ballot, promised: Ballot },
}

impl Msg {
    /// The ballot the message is about (its label in the views).
    pub fn ballot(&self) -> Ballot {
        match self {
            Msg::Prepare { ballot }
            | Msg::Promise { ballot, .. }
            | Msg::Accept { ballot, .. }
            | Msg::Accepted { ballot, .. }
            | Msg::Nack { ballot, .. } => *ballot,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// A proposer has waited long enough for a majority: it tries again
    /// with a higher ballot. The lab's main timer (T fires it).
    Patience,
    /// A proposer's back-off is over: it starts a new ballot.
    Backoff,
}

/// Where a proposer is with its value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Nothing to propose.
    Idle,
    /// Phase 1: waiting for a majority of promises.
    Preparing {
        ballot: Ballot,
        /// Who promised, and what each reported as accepted.
        promises: Vec<(NodeId, Option<Proposal>)>,
    },
    /// Phase 2: the Accept requests are out; it waits to learn.
    Accepting { ballot: Ballot, value: String },
    /// Pre-empted or out of patience: waiting a random while before the
    /// next ballot.
    BackingOff { after: Ballot },
    /// It learned the chosen value.
    Done,
}

impl Phase {
    /// The ballot it is working on, in phase 1 or 2.
    pub fn ballot(&self) -> Option<Ballot> {
        match self {
            Phase::Preparing { ballot, .. } | Phase::Accepting { ballot, .. } => Some(*ballot),
            _ => None,
        }
    }
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            Phase::Preparing { .. } | Phase::Accepting { .. } | Phase::BackingOff { .. }
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProposerState {
    /// The highest round it has used (on disk: a ballot is never reused).
    pub round: u32,
    /// The highest round it has heard of (from Nacks).
    pub seen: u32,
    /// The value it was asked to propose.
    pub value: Option<String>,
    pub phase: Phase,
    /// Ballots tried for this value (the back-off grows with them).
    pub attempts: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct AcceptorState {
    /// The highest ballot it promised (or accepted).
    pub promised: Option<Ballot>,
    /// The highest-ballot proposal it accepted.
    pub accepted: Option<Proposal>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LearnerState {
    /// Accepted messages heard, by ballot: its value and who accepted it.
    #[serde(serialize_with = "as_list")]
    pub heard: BTreeMap<Ballot, (String, Vec<NodeId>)>,
    /// The value it learned, and in which ballot.
    pub learned: Option<Proposal>,
}

fn as_list<S: serde::Serializer>(
    heard: &BTreeMap<Ballot, (String, Vec<NodeId>)>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Heard<'a> {
        ballot: Ballot,
        value: &'a str,
        from: &'a [NodeId],
    }
    s.collect_seq(heard.iter().map(|(ballot, (value, from))| Heard {
        ballot: *ballot,
        value,
        from,
    }))
}

/// One machine and the roles it plays.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposer: Option<ProposerState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acceptor: Option<AcceptorState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner: Option<LearnerState>,
}

/// What survives a crash: a proposer's highest round, an acceptor's
/// promise and accepted proposal.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Saved {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acceptor: Option<AcceptorState>,
}

/// What a node shows at a glance.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PaxosSummary {
    /// "preparing", "accepting", "backing-off", "done", "idle"; None for
    /// an acceptor only.
    pub proposer: Option<&'static str>,
    /// The ballot its proposer works on.
    pub ballot: Option<Ballot>,
    pub acceptor: Option<AcceptorState>,
    pub learned: Option<String>,
}

/// A small stable number for a value, so a value has one colour everywhere.
pub fn value_key(value: &str) -> u64 {
    // FNV-1a, folded to a small key (0 is the neutral colour).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in value.bytes() {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash % 997 + 1
}

impl Summary for PaxosSummary {
    fn role(&self) -> &'static str {
        match (self.proposer, &self.acceptor) {
            (Some(phase), _) if phase != "idle" => phase,
            (Some(_), _) if self.learned.is_some() => "learned",
            (Some(_), _) => "proposer",
            (
                None,
                Some(AcceptorState {
                    accepted: Some(_), ..
                }),
            ) => "accepted",
            (None, _) => "acceptor",
        }
    }

    fn label(&self) -> String {
        let mut parts = Vec::new();
        if let (Some(phase), Some(ballot)) = (self.proposer, self.ballot) {
            parts.push(format!("{phase} {ballot}"));
        }
        if let Some(a) = &self.acceptor {
            parts.push(match &a.promised {
                Some(b) => format!("promised {b}"),
                None => "promised nothing".into(),
            });
            if let Some(p) = &a.accepted {
                parts.push(format!("accepted {p}"));
            }
        }
        if let Some(v) = &self.learned {
            parts.push(format!("learned {v}"));
        }
        if parts.is_empty() {
            parts.push("idle".into());
        }
        parts.join(" · ")
    }

    /// Nodes that accepted or learned the same value share its colour.
    fn colour(&self) -> Option<u64> {
        self.learned
            .as_deref()
            .or(self
                .acceptor
                .as_ref()
                .and_then(|a| a.accepted.as_ref())
                .map(|p| p.value.as_str()))
            .map(value_key)
    }

    /// The timeline draws each ballot a proposer works on.
    fn band(&self) -> Option<String> {
        self.ballot.map(|b| format!("ballot {b}"))
    }
}

/// Facts the lab records in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Note {
    /// A majority of acceptors has accepted one ballot: its value is chosen.
    /// Recorded by the monitor the moment it happens (no node knows yet).
    Chosen {
        ballot: Ballot,
        value: String,
        by: Vec<NodeId>,
        of: usize,
    },
    /// A learner heard Accepted for one ballot from a quorum.
    Learned { ballot: Ballot, value: String },
    /// A proposer takes the value reported in a promise instead of its own.
    Adopted {
        ballot: Ballot,
        value: String,
        from: Ballot,
    },
    /// Broken on purpose: a proposer ignores a value reported in a promise.
    IgnoredReported {
        ballot: Ballot,
        reported: Proposal,
        own: String,
    },
    /// A proposer heard that its ballot lost to a higher one.
    PreEmpted { ballot: Ballot, by: Ballot },
    /// A proposer heard from no quorum in time.
    NoQuorum { ballot: Ballot, waited_ms: u64 },
    /// A proposer waits this long before its next ballot.
    BackingOff { wait_ms: u64 },
    /// A proposer learned a value and stops proposing its own.
    Stopped { own: String, chosen: String },
    /// Broken on purpose: an acceptor restarted without its promise.
    ForgotPromise { accepted: Option<Ballot> },
}

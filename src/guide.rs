//! The guide's sections, in order, and which of them have a lab yet.

pub struct Section {
    pub part: &'static str,
    pub title: &'static str,
    pub blurb: &'static str,
    /// The lab's route, once it is built.
    pub lab: Option<&'static str>,
}

const CONSENSUS: &str = "Consensus";
const FOUNDATIONS: &str = "Foundations";

pub const SECTIONS: &[Section] = &[
    Section {
        part: CONSENSUS,
        title: "The consensus problem",
        blurb: "Agreeing on one value when nodes crash and messages are late.",
        lab: None,
    },
    Section {
        part: CONSENSUS,
        title: "Replicated state machines and the log",
        blurb: "Same commands, same order, same state.",
        lab: None,
    },
    Section {
        part: CONSENSUS,
        title: "Raft: leader election",
        blurb:
            "Crash the leader, split the network, force a split vote, and watch terms and votes.",
        lab: Some(distviz_core::lab::RAFT_ELECTION),
    },
    Section {
        part: CONSENSUS,
        title: "Raft: log replication",
        blurb: "Entries flow from the leader; a majority commits them.",
        lab: Some(distviz_core::lab::RAFT_REPLICATION),
    },
    Section {
        part: CONSENSUS,
        title: "Raft: safety",
        blurb: "Why a committed entry is never lost.",
        lab: Some(distviz_core::lab::RAFT_REPLICATION),
    },
    Section {
        part: CONSENSUS,
        title: "Raft: membership changes",
        blurb: "Adding and removing servers without two majorities.",
        lab: None,
    },
    Section {
        part: CONSENSUS,
        title: "Paxos",
        blurb: "Prepare, promise, accept: single-decree Paxos.",
        lab: Some(distviz_core::lab::PAXOS),
    },
    Section {
        part: CONSENSUS,
        title: "Multi-Paxos",
        blurb: "A stable leader and a log of Paxos instances.",
        lab: Some(distviz_core::lab::MULTI_PAXOS),
    },
    Section {
        part: CONSENSUS,
        title: "Raft vs Paxos",
        blurb: "The same problem, two shapes of answer.",
        lab: Some(distviz_core::lab::RAFT_VS_PAXOS),
    },
    Section {
        part: FOUNDATIONS,
        title: "What a distributed system is",
        blurb: "Several computers, one system, no shared clock.",
        lab: None,
    },
    Section {
        part: FOUNDATIONS,
        title: "Why it is hard: partial failure",
        blurb: "A request goes unanswered: lost, late, or the server crashed or paused? The client cannot tell.",
        lab: Some(distviz_core::lab::PARTIAL_FAILURE),
    },
    Section {
        part: FOUNDATIONS,
        title: "Why it is hard: the eight fallacies",
        blurb: "The network is not reliable, latency is not zero, …",
        lab: None,
    },
    Section {
        part: FOUNDATIONS,
        title: "Time, clocks and the ordering of events",
        blurb: "Happened-before and Lamport clocks.",
        lab: None,
    },
    Section {
        part: FOUNDATIONS,
        title: "Vector clocks and causality",
        blurb: "Telling concurrent events from ordered ones.",
        lab: None,
    },
    Section {
        part: FOUNDATIONS,
        title: "CAP",
        blurb: "During a partition, choose consistency or availability.",
        lab: None,
    },
    Section {
        part: FOUNDATIONS,
        title: "PACELC",
        blurb: "And else, latency or consistency.",
        lab: None,
    },
    Section {
        part: FOUNDATIONS,
        title: "Consistency models",
        blurb: "Linearizable, sequential, causal, and weaker.",
        lab: Some(distviz_core::lab::CONSISTENCY_MODELS),
    },
];

/// A lab's title, from the core's table of labs.
pub fn title_of(lab: &str) -> &'static str {
    distviz_core::lab::info(lab).map_or("Lab", |info| info.title)
}

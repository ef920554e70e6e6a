//! What consensus cost in messages: Multi-Paxos's counts per chosen
//! command, against what single-decree Paxos would have needed, which runs
//! both phases for every command.

use super::{MsgClass, MultiPaxosMonitor};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Costs {
    /// Messages sent over the network, by kind ("learn" is Chosen and
    /// CatchUp; "client" is requests and replies).
    pub by_kind: BTreeMap<&'static str, u64>,
    /// Slots chosen with a client's command, and with a no-op.
    pub commands_chosen: u64,
    pub noops_chosen: u64,
    /// Phase 1 and 2 messages, Nacks and learning: everything between
    /// servers but heartbeats.
    pub consensus_messages: u64,
    /// `consensus_messages` per chosen command.
    pub per_command: Option<f64>,
    /// Phase 2 and learning alone (Accept, Accepted, Chosen) per command:
    /// the steady state's cost.
    pub phase2_per_command: Option<f64>,
    /// What single-decree Paxos would have needed per command: the same
    /// phase 2 and learning, plus a Prepare to and a Promise from every
    /// other server for each command.
    pub single_decree_per_command: Option<f64>,
}

fn name(class: MsgClass) -> &'static str {
    match class {
        MsgClass::Prepare => "prepare",
        MsgClass::Promise => "promise",
        MsgClass::Accept => "accept",
        MsgClass::Accepted => "accepted",
        MsgClass::Nack => "nack",
        MsgClass::Learn => "learn",
        MsgClass::Heartbeat => "heartbeat",
        MsgClass::Client => "client",
    }
}

/// Two decimals are enough for a person.
fn per(count: u64, commands: u64) -> Option<f64> {
    (commands > 0).then(|| (count as f64 / commands as f64 * 100.0).round() / 100.0)
}

impl Costs {
    pub fn of(monitor: &MultiPaxosMonitor, servers: usize) -> Costs {
        let totals = monitor.totals();
        let (slots, noops) = monitor.chosen_count();
        let commands = slots - noops;
        let consensus = totals.between_servers() - totals.get(MsgClass::Heartbeat);
        let phase2 = totals.get(MsgClass::Accept)
            + totals.get(MsgClass::Accepted)
            + totals.get(MsgClass::Learn);
        let phase1_each = 2 * servers.saturating_sub(1) as u64;
        Costs {
            by_kind: MsgClass::ALL
                .iter()
                .map(|&c| (name(c), totals.get(c)))
                .collect(),
            commands_chosen: commands,
            noops_chosen: noops,
            consensus_messages: consensus,
            per_command: per(consensus, commands),
            phase2_per_command: per(phase2, commands),
            single_decree_per_command: per(phase2 + phase1_each * commands, commands),
        }
    }
}

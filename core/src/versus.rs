//! Raft vs Multi-Paxos (guide section 7): one scenario, one client
//! workload and one fault schedule, run twice with the same seed, once
//! with Raft's log replication and once with Multi-Paxos. The platform's
//! split random streams give both worlds the same network draws: the k-th
//! message either sends gets the k-th latency draw.
//!
//! A `raft-vs-paxos` scenario is a Raft replication scenario and a
//! Multi-Paxos one at once: the same nodes, network, seed and actions.
//! Its `params` hold `workload_ms` and `keys` for both, and `raft` and
//! `multi_paxos`, each side's own settings.

use crate::lab::{self, MULTI_PAXOS, RAFT_REPLICATION};
use crate::multipaxos::{MultiPaxos, Note};
use crate::raft::{Raft, RaftNote};
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{NodeId, Protocol, Run, Time, TraceEvent, SERVER};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A `raft-vs-paxos` scenario's `params`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct VersusParams {
    workload_ms: Option<u64>,
    keys: Option<u64>,
    raft: Option<Map<String, Value>>,
    multi_paxos: Option<Map<String, Value>>,
}

/// One side's scenario: the pair's, under the side's lab, with the shared
/// settings and its own.
fn side(
    s: &Scenario,
    shared: &VersusParams,
    own: Option<&Map<String, Value>>,
    lab: &str,
) -> Scenario {
    let mut params = own.cloned().unwrap_or_default();
    for (name, value) in [("workload_ms", shared.workload_ms), ("keys", shared.keys)] {
        if let Some(v) = value {
            params.entry(name).or_insert(Value::from(v));
        }
    }
    Scenario {
        lab: lab.to_string(),
        params: Value::Object(params),
        ..s.clone()
    }
}

/// An error about a side's `params.x` names its place in the pair's file:
/// `params.raft.x` (or `params.x` for a shared setting).
fn placed(mut err: ScenarioError, side: &str, own: Option<&Map<String, Value>>) -> ScenarioError {
    if let Some(field) = err.path.strip_prefix("params.") {
        let first = field.split(['.', '[']).next().unwrap_or(field);
        let shared = matches!(first, "workload_ms" | "keys");
        if !shared || own.is_some_and(|o| o.contains_key(first)) {
            err.path = format!("params.{side}.{field}");
        }
    }
    err
}

/// The two scenarios a `raft-vs-paxos` scenario stands for: Raft's and
/// Multi-Paxos's.
pub fn split(s: &Scenario) -> Result<(Scenario, Scenario), ScenarioError> {
    if s.lab != lab::RAFT_VS_PAXOS {
        return Err(ScenarioError::new(
            "lab",
            format!("this is a \"{}\" scenario, not one of Raft vs Paxos", s.lab),
        ));
    }
    let shared: VersusParams = lab::params(&s.params)?;
    Ok((
        side(s, &shared, shared.raft.as_ref(), RAFT_REPLICATION),
        side(s, &shared, shared.multi_paxos.as_ref(), MULTI_PAXOS),
    ))
}

/// Both runs of a `raft-vs-paxos` scenario, at time 0.
pub struct Pair {
    pub raft: Run<Raft>,
    pub paxos: Run<MultiPaxos>,
}

pub fn pair(s: &Scenario) -> Result<Pair, ScenarioError> {
    let (raft, paxos) = split(s)?;
    let shared: VersusParams = serde_json::from_value(s.params.clone()).unwrap_or_default();
    Ok(Pair {
        raft: lab::raft_replication(&raft).map_err(|e| placed(e, "raft", shared.raft.as_ref()))?,
        paxos: lab::multi_paxos(&paxos)
            .map_err(|e| placed(e, "multi_paxos", shared.multi_paxos.as_ref()))?,
    })
}

impl Pair {
    pub fn advance_to(&mut self, t: Time) {
        self.raft.advance_to(t);
        self.paxos.advance_to(t);
    }
}

/// What one side's leader crash cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failover {
    /// The leader that crashed, and when.
    pub crashed: NodeId,
    pub at_ms: Time,
    /// The next leader, and when it took over.
    pub next_leader: Option<NodeId>,
    pub leader_at_ms: Option<Time>,
    /// When an entry was next committed (Raft) or a slot next chosen
    /// (Multi-Paxos), and how long after the crash.
    pub next_commit_ms: Option<Time>,
    pub crash_to_commit_ms: Option<Time>,
    /// Entries the next leader had to recover as it took over: Raft's
    /// entries beyond its commitIndex; Multi-Paxos's slots it proposed
    /// again from promises, or filled with a no-op.
    pub recovered: u64,
}

/// One side's counters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counters {
    /// Client commands committed (Raft: in the highest commitIndex;
    /// Multi-Paxos: slots chosen with a client's command).
    pub commands_committed: u64,
    /// Messages from server to server, heartbeats included.
    pub server_messages: u64,
    pub messages_per_command: Option<f64>,
    pub failovers: Vec<Failover>,
}

fn per(count: u64, commands: u64) -> Option<f64> {
    (commands > 0).then(|| (count as f64 / commands as f64 * 100.0).round() / 100.0)
}

fn server_messages<P: Protocol>(run: &Run<P>) -> u64 {
    run.records_so_far()
        .iter()
        .filter(|r| {
            matches!(&r.event, TraceEvent::Send { from, to, .. }
                if from.kind == SERVER && to.kind == SERVER)
        })
        .count() as u64
}

/// A leader crash: who and when, and the next leader and when it took over.
type LeaderCrash = (NodeId, Time, Option<(NodeId, Time)>);

/// Leader crashes: each crash of a node while its leader band ran, with
/// the next band's leader and start.
fn leader_crashes<P: Protocol>(run: &Run<P>) -> Vec<LeaderCrash> {
    let stretches = &run.landmarks().stretches;
    run.records_so_far()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Crash { node } => Some((*node, r.at)),
            _ => None,
        })
        .filter(|&(node, at)| {
            stretches
                .iter()
                .any(|s| s.node == node && s.at_ms <= at && s.until_ms == Some(at))
        })
        .map(|(node, at)| {
            let next = stretches
                .iter()
                .filter(|s| s.at_ms > at)
                .min_by_key(|s| s.at_ms)
                .map(|s| (s.node, s.at_ms));
            (node, at, next)
        })
        .collect()
}

fn failovers<P: Protocol>(
    run: &Run<P>,
    committed_at: impl Fn(&P::Note) -> bool,
    recovered: impl Fn(NodeId, Time) -> u64,
) -> Vec<Failover> {
    leader_crashes(run)
        .into_iter()
        .map(|(crashed, at_ms, next)| {
            let next_commit_ms = run.records_so_far().iter().find_map(|r| match &r.event {
                TraceEvent::Note { note, .. } if r.at > at_ms && committed_at(note) => Some(r.at),
                _ => None,
            });
            Failover {
                crashed,
                at_ms,
                next_leader: next.map(|n| n.0),
                leader_at_ms: next.map(|n| n.1),
                next_commit_ms,
                crash_to_commit_ms: next_commit_ms.map(|t| t - at_ms),
                recovered: next.map_or(0, |(node, t)| recovered(node, t)),
            }
        })
        .collect()
}

/// Raft's counters. `scenario`: the Raft side's, to replay to each new
/// leader's first moment and read what it held beyond its commitIndex.
pub fn raft_counters(run: &Run<Raft>, scenario: &Scenario) -> Counters {
    use crate::raft::Peer;
    let world = run.world();
    let commands_committed = world
        .nodes()
        .iter()
        .filter_map(|n| n.live.as_ref().and_then(Peer::server))
        .map(|s| {
            s.log
                .iter()
                .take(s.commit_index as usize)
                .filter(|e| e.client.is_some())
                .count() as u64
        })
        .max()
        .unwrap_or(0);
    let recovered = |node: NodeId, at: Time| {
        let Ok(mut replay) = lab::raft_replication(scenario) else {
            return 0;
        };
        replay.advance_to(at);
        match replay.world().get(node).and_then(|n| n.live.as_ref()) {
            Some(Peer::Server(s)) => {
                // Its no-op of the new term is its own, not recovered.
                let own = s.log.iter().filter(|e| e.term == s.current_term).count() as u64;
                (s.log.len() as u64).saturating_sub(s.commit_index + own)
            }
            _ => 0,
        }
    };
    let messages = server_messages(run);
    Counters {
        commands_committed,
        server_messages: messages,
        messages_per_command: per(messages, commands_committed),
        failovers: failovers(
            run,
            |note| matches!(note, RaftNote::Committed { .. }),
            recovered,
        ),
    }
}

/// Multi-Paxos's counters.
pub fn paxos_counters(run: &Run<MultiPaxos>) -> Counters {
    let (slots, noops) = run.world().monitor().chosen_count();
    let commands_committed = slots - noops;
    let recovered = |node: NodeId, at: Time| {
        run.records_so_far()
            .iter()
            .filter(|r| r.at == at)
            .filter(|r| {
                matches!(&r.event, TraceEvent::Note { node: n, note: Note::Recovered { .. } | Note::HoleFilled { .. } } if *n == node)
            })
            .count() as u64
    };
    let messages = server_messages(run);
    Counters {
        commands_committed,
        server_messages: messages,
        messages_per_command: per(messages, commands_committed),
        failovers: failovers(run, |note| matches!(note, Note::Chosen { .. }), recovered),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(params: Value) -> Scenario {
        let mut s = Scenario::new(lab::RAFT_VS_PAXOS, 3, 3);
        s.other_nodes.insert("client".into(), 1);
        s.params = params;
        s
    }

    #[test]
    fn shared_settings_reach_both_sides_and_a_sides_own_wins() {
        let s = scenario(serde_json::json!({
            "workload_ms": 100,
            "raft": { "keys": 2, "noop": false },
            "multi_paxos": { "workload_ms": 200 }
        }));
        let (raft, paxos) = split(&s).unwrap();
        assert_eq!(raft.lab, RAFT_REPLICATION);
        assert_eq!(paxos.lab, MULTI_PAXOS);
        let r = lab::raft_params(&raft).unwrap();
        let p = lab::multi_paxos_params(&paxos).unwrap();
        assert_eq!((r.workload_ms, r.keys, r.noop), (100, 2, false));
        assert_eq!((p.workload_ms, p.keys), (200, 3));
        assert_eq!(
            (raft.seed, raft.actions.len()),
            (paxos.seed, paxos.actions.len())
        );
    }

    #[test]
    fn a_bad_setting_names_its_place_in_the_pairs_file() {
        let cases = [
            (
                serde_json::json!({ "workload_ms": 5 }),
                "params.workload_ms",
            ),
            (
                serde_json::json!({ "raft": { "keys": 0 } }),
                "params.raft.keys",
            ),
            (
                serde_json::json!({ "multi_paxos": { "heartbeat_ms": 0 } }),
                "params.multi_paxos.heartbeat_ms",
            ),
            (serde_json::json!({ "paxos": {} }), "params.paxos"),
            (serde_json::json!({ "raft": 3 }), "params.raft"),
        ];
        for (params, place) in cases {
            let err = pair(&scenario(params.clone())).err().unwrap();
            assert_eq!(err.path, place, "{params}: {err}");
        }
    }
}

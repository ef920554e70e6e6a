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

/// The `raft-vs-paxos` scenario two sides stand for: the inverse of
/// [`split`]. The sides share everything but their lab and params (the
/// pair page drives them as one); the Raft side's nodes, network, seed,
/// actions and moment are taken. `workload_ms` and `keys` are written once
/// when both sides have the same.
pub fn join(raft: &Scenario, paxos: &Scenario) -> Scenario {
    let own = |s: &Scenario| s.params.as_object().cloned().unwrap_or_default();
    let (mut r, mut p) = (own(raft), own(paxos));
    let mut params = Map::new();
    for name in ["workload_ms", "keys"] {
        if r.get(name).is_some() && r.get(name) == p.get(name) {
            params.insert(name.into(), r.remove(name).unwrap_or_default());
            p.remove(name);
        }
    }
    for (name, side) in [("raft", r), ("multi_paxos", p)] {
        if !side.is_empty() {
            params.insert(name.into(), Value::Object(side));
        }
    }
    Scenario {
        lab: lab::RAFT_VS_PAXOS.to_string(),
        params: Value::Object(params),
        ..raft.clone()
    }
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

impl Failover {
    /// What was known of this failover at `t` (at or after the crash).
    fn as_of(&self, t: Time) -> Failover {
        let known = |at: Option<Time>| at.filter(|&at| at <= t);
        let leader_at_ms = known(self.leader_at_ms);
        let next_commit_ms = known(self.next_commit_ms);
        Failover {
            next_leader: self.next_leader.filter(|_| leader_at_ms.is_some()),
            leader_at_ms,
            next_commit_ms,
            crash_to_commit_ms: next_commit_ms.map(|c| c - self.at_ms),
            recovered: if leader_at_ms.is_some() {
                self.recovered
            } else {
                0
            },
            ..self.clone()
        }
    }
}

/// One side's counters through a run, read from its trace once: what
/// [`Counters`] said at any moment of it, for a scrubber.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// When each client command was committed (chosen), in order.
    commits: Vec<Time>,
    /// When each message from server to server was sent, in order.
    messages: Vec<Time>,
    failovers: Vec<Failover>,
}

impl History {
    /// The counters as of `t`: what had happened by then.
    pub fn at(&self, t: Time) -> Counters {
        let commands_committed = self.commits.partition_point(|&c| c <= t) as u64;
        let server_messages = self.messages.partition_point(|&m| m <= t) as u64;
        Counters {
            commands_committed,
            server_messages,
            messages_per_command: per(server_messages, commands_committed),
            failovers: self
                .failovers
                .iter()
                .filter(|f| f.at_ms <= t)
                .map(|f| f.as_of(t))
                .collect(),
        }
    }
}

fn server_messages<P: Protocol>(run: &Run<P>) -> Vec<Time> {
    run.records_so_far()
        .iter()
        .filter(|r| {
            matches!(&r.event, TraceEvent::Send { from, to, .. }
                if from.kind == SERVER && to.kind == SERVER)
        })
        .map(|r| r.at)
        .collect()
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

/// Raft's counters through the run. `scenario`: the Raft side's, to replay
/// to each new leader's first moment and read what it held beyond its
/// commitIndex.
pub fn raft_history(run: &Run<Raft>, scenario: &Scenario) -> History {
    use crate::raft::Peer;
    // Which committed entries are clients' commands: the committed prefix
    // is the same on every server, so the longest one at the end tells.
    let client_entries: Vec<bool> = run
        .world()
        .nodes()
        .iter()
        .filter_map(|n| n.live.as_ref().and_then(Peer::server))
        .max_by_key(|s| s.commit_index)
        .map(|s| {
            s.log
                .iter()
                .take(s.commit_index as usize)
                .map(|e| e.client.is_some())
                .collect()
        })
        .unwrap_or_default();
    // The highest commitIndex any leader reached, and when.
    let mut high = 0usize;
    let mut commits = Vec::new();
    for r in run.records_so_far() {
        if let TraceEvent::Note {
            note: RaftNote::Committed { to, .. },
            ..
        } = &r.event
        {
            let to = *to as usize;
            if to > high {
                let known = to.min(client_entries.len());
                let new = client_entries[high.min(known)..known]
                    .iter()
                    .filter(|c| **c);
                commits.extend(new.map(|_| r.at));
                high = to;
            }
        }
    }
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
    History {
        commits,
        messages: server_messages(run),
        failovers: failovers(
            run,
            |note| matches!(note, RaftNote::Committed { .. }),
            recovered,
        ),
    }
}

/// Raft's counters, as of the run's moment.
pub fn raft_counters(run: &Run<Raft>, scenario: &Scenario) -> Counters {
    raft_history(run, scenario).at(run.now())
}

/// Multi-Paxos's counters through the run.
pub fn paxos_history(run: &Run<MultiPaxos>) -> History {
    let commits = run
        .records_so_far()
        .iter()
        .filter(|r| {
            matches!(&r.event, TraceEvent::Note { note: Note::Chosen { entry, .. }, .. } if !entry.is_noop())
        })
        .map(|r| r.at)
        .collect();
    let recovered = |node: NodeId, at: Time| {
        run.records_so_far()
            .iter()
            .filter(|r| r.at == at)
            .filter(|r| {
                matches!(&r.event, TraceEvent::Note { node: n, note: Note::Recovered { .. } | Note::HoleFilled { .. } } if *n == node)
            })
            .count() as u64
    };
    History {
        commits,
        messages: server_messages(run),
        failovers: failovers(run, |note| matches!(note, Note::Chosen { .. }), recovered),
    }
}

/// Multi-Paxos's counters, as of the run's moment.
pub fn paxos_counters(run: &Run<MultiPaxos>) -> Counters {
    paxos_history(run).at(run.now())
}

/// The first hole a new Multi-Paxos leader filled: the moment its no-op
/// was chosen in that slot (or, if it never was, the moment it proposed
/// it), the leader and the slot. Raft's log has no such moment: a
/// follower takes an entry only after the one before it.
pub fn first_hole_filled(run: &Run<MultiPaxos>) -> Option<(Time, NodeId, u64)> {
    let records = run.records_so_far();
    let (at, node, slot) = records.iter().find_map(|r| match &r.event {
        TraceEvent::Note {
            node,
            note: Note::HoleFilled { slot },
        } => Some((r.at, *node, *slot)),
        _ => None,
    })?;
    let chosen = records.iter().find_map(|r| match &r.event {
        TraceEvent::Note {
            note: Note::Chosen { slot: s, entry, .. },
            ..
        } if r.at >= at && *s == slot && entry.is_noop() => Some(r.at),
        _ => None,
    });
    Some((chosen.unwrap_or(at), node, slot))
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

    #[test]
    fn join_undoes_split_and_writes_a_shared_setting_once() {
        let s = scenario(serde_json::json!({
            "workload_ms": 100,
            "raft": { "keys": 2, "noop": false },
            "multi_paxos": { "heartbeat_ms": 60 }
        }));
        let (raft, paxos) = split(&s).unwrap();
        let joined = join(&raft, &paxos);
        assert_eq!(joined.lab, lab::RAFT_VS_PAXOS);
        assert_eq!(
            joined.params,
            serde_json::json!({
                "workload_ms": 100,
                "raft": { "keys": 2, "noop": false },
                "multi_paxos": { "heartbeat_ms": 60 }
            })
        );
        assert_eq!(split(&joined).unwrap(), (raft, paxos));
        // Nothing of a side's own: no empty object for it.
        let plain = scenario(serde_json::json!({}));
        let (r, p) = split(&plain).unwrap();
        assert_eq!(join(&r, &p).params, serde_json::json!({}));
    }

    #[test]
    fn a_history_tells_the_counters_at_any_moment_and_the_end_agrees() {
        let mut s = scenario(serde_json::json!({ "workload_ms": 100 }));
        s.duration_ms = 2000;
        s.actions.push(crate::sim::TimedAction {
            at_ms: 10,
            action: crate::sim::Action::Timeout {
                node: NodeId::server(0),
            },
        });
        let (raft_scenario, _) = split(&s).unwrap();
        let mut both = pair(&s).unwrap();
        both.advance_to(s.duration_ms);
        let raft = raft_history(&both.raft, &raft_scenario);
        let paxos = paxos_history(&both.paxos);
        for h in [&raft, &paxos] {
            let (start, mid, end) = (h.at(0), h.at(1000), h.at(2000));
            assert_eq!((start.commands_committed, start.server_messages), (0, 0));
            assert!(mid.commands_committed > 0 && mid.commands_committed < end.commands_committed);
            assert!(mid.server_messages < end.server_messages);
        }
        // The end of the history is the counters of the run at its end.
        let (slots, noops) = both.paxos.world().monitor().chosen_count();
        assert_eq!(paxos.at(2000).commands_committed, slots - noops);
        assert_eq!(raft.at(2000), raft_counters(&both.raft, &raft_scenario));
    }
}

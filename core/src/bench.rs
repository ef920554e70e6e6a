//! Benchmarks of the engine and of seeking, shared by `distviz bench`
//! (native) and the app's #/bench page (in the browser). The caller passes
//! its clock, in milliseconds, so the same code measures both.

use crate::raft::{Raft, RaftParams};
use crate::sim::{Action, NetworkConfig, NodeId, Roster, Run, SimRng, TimedAction};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct EngineFigures {
    pub nodes: usize,
    pub virtual_ms: u64,
    /// Trace records made (the run report's "events").
    pub events: u64,
    /// Queue items and actions processed.
    pub steps: u64,
    pub wall_ms: f64,
    pub events_per_second: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeekFigures {
    pub run_ms: u64,
    pub events: u64,
    pub build_wall_ms: f64,
    pub seeks: usize,
    pub mean_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

/// A run with a little of everything: a leader crash and restart, a
/// partition and heal, every minute.
fn busy_run(nodes: usize, length_ms: u64, seed: u64) -> Run<Raft> {
    let mut actions = Vec::new();
    let mut t = 5_000;
    while t < length_ms {
        let victim = NodeId::server(((t / 60_000) % nodes as u64) as u8);
        actions.push(TimedAction {
            at_ms: t,
            action: Action::Crash { node: victim },
        });
        actions.push(TimedAction {
            at_ms: t + 4_000,
            action: Action::Restart { node: victim },
        });
        let half: Vec<NodeId> = (0..nodes as u8 / 2).map(NodeId::server).collect();
        actions.push(TimedAction {
            at_ms: t + 20_000,
            action: Action::Partition { groups: vec![half] },
        });
        actions.push(TimedAction {
            at_ms: t + 30_000,
            action: Action::Heal,
        });
        t += 60_000;
    }
    Run::new(
        Raft::new(RaftParams::default()),
        Roster::servers(nodes),
        NetworkConfig::default(),
        seed,
        &[],
        actions,
    )
}

/// Runs `nodes` Raft nodes for `virtual_ms` of simulated time.
pub fn engine(clock: &dyn Fn() -> f64, nodes: usize, virtual_ms: u64) -> EngineFigures {
    let mut run = busy_run(nodes, virtual_ms, 1);
    let start = clock();
    run.advance_to(virtual_ms);
    let wall_ms = clock() - start;
    let events = run.world().records();
    EngineFigures {
        nodes,
        virtual_ms,
        events,
        steps: run.world().steps(),
        wall_ms,
        events_per_second: events as f64 / (wall_ms.max(1e-6) / 1000.0),
    }
}

/// Computes a `run_ms` run of 5 nodes, then seeks to `seeks` random times.
pub fn seek(clock: &dyn Fn() -> f64, run_ms: u64, seeks: usize) -> SeekFigures {
    let mut run = busy_run(5, run_ms, 2);
    let start = clock();
    run.advance_to(run_ms);
    let build_wall_ms = clock() - start;
    let mut rng = SimRng::new(99);
    let mut times: Vec<f64> = (0..seeks)
        .map(|_| {
            let target = rng.between(0, run_ms);
            let before = clock();
            run.seek_time(target);
            clock() - before
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    let p95 = times
        .get(times.len() * 95 / 100)
        .or(times.last())
        .copied()
        .unwrap_or(0.0);
    SeekFigures {
        run_ms,
        events: run.trace().len() as u64,
        build_wall_ms,
        seeks,
        mean_ms: times.iter().sum::<f64>() / seeks.max(1) as f64,
        p95_ms: p95,
        max_ms: times.last().copied().unwrap_or(0.0),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MemoryFigures {
    pub nodes: usize,
    pub virtual_ms: u64,
    pub events: u64,
    /// Bytes the run holds for time travel (world, checkpoints, trace
    /// window, landmarks), as the caller's allocator counts them.
    pub held_bytes: u64,
    pub held_mb: f64,
    /// `Run::held_bytes`, the estimate lab pages budget by, in MB.
    pub estimated_mb: f64,
    pub checkpoints: usize,
    pub build_wall_ms: f64,
    pub seek_p95_ms: f64,
    pub seek_max_ms: f64,
}

/// The trace window a lab page keeps (records; `controller::TRACE_WINDOW`).
pub const BROWSER_WINDOW: usize = 50_000;

/// Builds a `virtual_ms` run of `nodes` Raft nodes as the browser keeps it
/// (a trace window), and measures what it holds and how fast it seeks.
/// `allocated` reads the caller's count of live heap bytes.
pub fn memory(
    clock: &dyn Fn() -> f64,
    allocated: &dyn Fn() -> u64,
    nodes: usize,
    virtual_ms: u64,
) -> MemoryFigures {
    let before = allocated();
    let mut run = busy_run(nodes, virtual_ms, 3);
    run.keep_window(BROWSER_WINDOW);
    let start = clock();
    run.advance_to(virtual_ms);
    let build_wall_ms = clock() - start;
    let held_bytes = allocated().saturating_sub(before);
    // The estimate of the same moment (seeks rebuild the trace window).
    let estimated = run.held_bytes();
    let mut rng = SimRng::new(7);
    let mut times: Vec<f64> = (0..100)
        .map(|_| {
            let target = rng.between(0, virtual_ms);
            let before = clock();
            run.seek_time(target);
            clock() - before
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    MemoryFigures {
        nodes,
        virtual_ms,
        events: run.world().records(),
        held_bytes,
        held_mb: held_bytes as f64 / 1_048_576.0,
        estimated_mb: estimated as f64 / 1_048_576.0,
        checkpoints: run.checkpoint_count(),
        build_wall_ms,
        seek_p95_ms: times[times.len() * 95 / 100],
        seek_max_ms: times.last().copied().unwrap_or(0.0),
    }
}

/// Raft replication under client load: computed time, what the run holds
/// for time travel (counted and estimated), entries committed, and seeks.
#[derive(Clone, Debug, Serialize)]
pub struct LoadFigures {
    pub servers: usize,
    pub request_every_ms: u64,
    pub virtual_ms: u64,
    pub events: u64,
    pub committed: u64,
    pub build_wall_ms: f64,
    pub held_mb: f64,
    pub estimated_mb: f64,
    pub seek_p95_ms: f64,
}

/// `servers` servers and a client sending a request every
/// `request_every_ms`, for `virtual_ms`, windowed as in the browser.
pub fn raft_load(
    clock: &dyn Fn() -> f64,
    allocated: &dyn Fn() -> u64,
    servers: usize,
    request_every_ms: u64,
    virtual_ms: u64,
) -> LoadFigures {
    let before = allocated();
    let params = RaftParams {
        workload_ms: request_every_ms,
        ..RaftParams::default()
    };
    let mut run = load_run(params, servers, 1);
    let start = clock();
    run.advance_to(virtual_ms);
    let build_wall_ms = clock() - start;
    let held = allocated().saturating_sub(before);
    let estimated = run.held_bytes();
    let committed = highest_commit(&run);
    LoadFigures {
        servers,
        request_every_ms,
        virtual_ms,
        events: run.world().records(),
        committed,
        build_wall_ms,
        held_mb: held as f64 / 1_048_576.0,
        estimated_mb: estimated as f64 / 1_048_576.0,
        seek_p95_ms: seek_p95(clock, &mut run, 50),
    }
}

/// Issue 7's snapshot budget: `servers` servers under load from three
/// clients, with snapshots every `snapshot_every` entries, run until
/// `entries` are committed, windowed as in the browser.
#[derive(Clone, Debug, Serialize)]
pub struct EntriesFigures {
    pub servers: usize,
    pub snapshot_every: u64,
    pub committed: u64,
    pub virtual_ms: u64,
    pub events: u64,
    pub build_wall_ms: f64,
    pub held_mb: f64,
    pub estimated_mb: f64,
    /// The longest log any server holds at the end (entries since its snapshot).
    pub longest_log_held: u64,
    pub seek_p95_ms: f64,
}

pub fn raft_entries(
    clock: &dyn Fn() -> f64,
    allocated: &dyn Fn() -> u64,
    servers: usize,
    entries: u64,
    snapshot_every: u64,
) -> EntriesFigures {
    use crate::raft::Peer;
    let before = allocated();
    let params = RaftParams {
        workload_ms: 10,
        snapshot_every,
        ..RaftParams::default()
    };
    let mut run = load_run(params, servers, 3);
    let start = clock();
    while highest_commit(&run) < entries && run.now() < 2 * 3_600_000 {
        run.advance_to(run.now() + 10_000);
    }
    let build_wall_ms = clock() - start;
    let held = allocated().saturating_sub(before);
    let estimated = run.held_bytes();
    let longest_log_held = run
        .world()
        .nodes()
        .iter()
        .filter_map(|s| s.live.as_ref().and_then(Peer::server))
        .map(|n| (n.log.len() - n.log.start()) as u64)
        .max()
        .unwrap_or(0);
    EntriesFigures {
        servers,
        snapshot_every,
        committed: highest_commit(&run),
        virtual_ms: run.now(),
        events: run.world().records(),
        build_wall_ms,
        held_mb: held as f64 / 1_048_576.0,
        estimated_mb: estimated as f64 / 1_048_576.0,
        longest_log_held,
        seek_p95_ms: seek_p95(clock, &mut run, 50),
    }
}

/// A Raft replication run of `servers` servers and `clients` clients,
/// windowed as in the browser.
fn load_run(params: RaftParams, servers: usize, clients: usize) -> Run<Raft> {
    use crate::sim::{CLIENTS, SERVERS};
    let mut run = Run::new(
        Raft::new(params),
        Roster::new([(SERVERS, servers), (CLIENTS, clients)]),
        NetworkConfig::default(),
        4,
        &[],
        Vec::new(),
    );
    run.keep_window(BROWSER_WINDOW);
    run
}

fn highest_commit(run: &Run<Raft>) -> u64 {
    use crate::raft::Peer;
    run.world()
        .nodes()
        .iter()
        .filter_map(|s| s.live.as_ref().and_then(Peer::server))
        .map(|n| n.commit_index)
        .max()
        .unwrap_or(0)
}

/// The 95th percentile of `seeks` seeks to random moments of the run.
fn seek_p95(clock: &dyn Fn() -> f64, run: &mut Run<Raft>, seeks: usize) -> f64 {
    let end = run.now();
    let mut rng = SimRng::new(5);
    let mut times: Vec<f64> = (0..seeks)
        .map(|_| {
            let target = rng.between(0, end);
            let before = clock();
            run.seek_time(target);
            clock() - before
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    times[times.len() * 95 / 100]
}

/// Random schedules of 10 virtual seconds per second of wall time (the
/// counterexample search's speed), for each lab the budget names: Raft
/// replication (5 servers, a request every 100 ms), Multi-Paxos (3
/// servers, a request every 100 ms, random requests) and single-decree
/// Paxos (2 proposers, 3 acceptors, random proposals).
pub fn search_speed(clock: &dyn Fn() -> f64, schedules: u64) -> serde_json::Value {
    use crate::lab;
    use crate::scenario::Scenario;
    let mut raft = Scenario::new(lab::RAFT_REPLICATION, 1, 5);
    raft.other_nodes.insert("client".into(), 1);
    raft.params = serde_json::json!({ "workload_ms": 100 });
    let mut multi = Scenario::new(lab::MULTI_PAXOS, 1, 3);
    multi.other_nodes.insert("client".into(), 1);
    multi.params = serde_json::json!({ "workload_ms": 100 });
    let mut paxos = Scenario::new(lab::PAXOS, 1, 2);
    paxos.other_nodes.insert("acceptor".into(), 3);
    serde_json::json!({
        "raft_replication_5_servers": time_search(clock, raft, lab::raft_replication, None, schedules),
        "multi_paxos_3_servers": time_search(
            clock, multi, lab::multi_paxos, Some(crate::multipaxos::random_request), schedules,
        ),
        "paxos_2_proposers_3_acceptors": time_search(
            clock, paxos, lab::paxos, Some(crate::paxos::random_proposal), schedules * 4,
        ),
    })
}

fn time_search<P: crate::sim::Protocol>(
    clock: &dyn Fn() -> f64,
    base: crate::scenario::Scenario,
    make: fn(&crate::scenario::Scenario) -> Result<Run<P>, crate::scenario::ScenarioError>,
    inputs: Option<crate::search::InputDraw>,
    schedules: u64,
) -> serde_json::Value {
    use crate::search::{Progress, Search, Space};
    let mut search = Search::new(base, make, Space::default(), inputs, schedules);
    let start = clock();
    let outcome = search.finish();
    let wall_ms = clock() - start;
    serde_json::json!({
        "schedules": search.tried(),
        "virtual_ms_each": Space::default().horizon_ms,
        "wall_ms": wall_ms,
        "schedules_per_second": search.tried() as f64 / (wall_ms.max(1e-6) / 1000.0),
        "held": matches!(outcome, Progress::Held { .. }),
    })
}

/// The reference histories `consistency` times, as paths under the data's
/// `histories/` folder: every etcd log (listed from `etcd_dir`) and the
/// Porcupine key-value files.
#[cfg(feature = "cli")]
pub fn consistency_files(etcd_dir: &std::path::Path) -> std::io::Result<Vec<String>> {
    let mut etcd: Vec<String> = std::fs::read_dir(etcd_dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".log"))
        .map(|n| format!("porcupine-etcd/{n}"))
        .collect();
    etcd.sort();
    etcd.extend(
        KV_RUNS
            .iter()
            .map(|(file, ..)| format!("porcupine-kv/{file}.txt")),
    );
    etcd.dedup();
    Ok(etcd)
}

/// Porcupine's key-value runs: file, split by key, Porcupine's seconds
/// on this project's machines.
const KV_RUNS: [(&str, bool, Option<f64>); 6] = [
    ("c50-ok", true, Some(0.20)),
    ("c50-bad", true, Some(0.02)),
    ("c10-ok", true, None),
    ("c10-bad", true, None),
    ("c10-ok", false, Some(2.0)),
    ("c10-bad", false, Some(2.0)),
];

/// Times the linearizability checker on the reference histories (`files`:
/// path under `histories/` and text), as `distviz bench-check` and the
/// #/bench page do: all etcd logs together (Porcupine: 0.48 s), and the
/// key-value runs of `KV_RUNS`. Reading the files is not timed.
pub fn consistency(
    clock: &dyn Fn() -> f64,
    files: &[(String, String)],
) -> Result<serde_json::Value, String> {
    use crate::consistency::import::{read, Format};
    use crate::consistency::linearizable::{Options, Progress, Search, Verdict};
    use crate::consistency::model::Model;
    let time = |text: &str, format, model: &Model, split: bool| {
        let history = read(text, format).map_err(|e| e.to_string())?;
        let start = clock();
        let mut search = Search::with(
            &history,
            model,
            Options {
                budget: u64::MAX,
                split,
            },
        );
        let outcome = loop {
            if let Progress::Done(outcome) = search.step(u64::MAX) {
                break outcome;
            }
        };
        Ok::<_, String>(((clock() - start) / 1000.0, outcome))
    };
    let register = Model::Register {
        initial: crate::consistency::OpValue::Nil,
    };
    let (mut seconds, mut count, mut linearizable, mut states) = (0.0, 0, 0, 0);
    for (rel, text) in files
        .iter()
        .filter(|(rel, _)| rel.starts_with("porcupine-etcd/"))
    {
        let (secs, outcome) =
            time(text, Format::Etcd, &register, true).map_err(|e| format!("{rel}: {e}"))?;
        seconds += secs;
        count += 1;
        states += outcome.states;
        linearizable += usize::from(outcome.verdict == Verdict::Linearizable);
    }
    let mut out = serde_json::json!({
        "etcd": {"files": count, "linearizable": linearizable, "seconds_total": seconds,
                 "states": states, "porcupine_seconds": 0.48},
    });
    for (file, split, porcupine) in KV_RUNS {
        let rel = format!("porcupine-kv/{file}.txt");
        let Some((_, text)) = files.iter().find(|(r, _)| *r == rel) else {
            continue;
        };
        let (secs, outcome) = time(text, Format::PorcupineKv, &Model::KvAppend, split)
            .map_err(|e| format!("{rel}: {e}"))?;
        let label = format!("{file}{}", if split { "" } else { "-whole" });
        out[label] = serde_json::json!({
            "split_by_key": split, "seconds": secs, "verdict": outcome.verdict,
            "states": outcome.states, "porcupine_seconds": porcupine,
        });
    }
    Ok(out)
}

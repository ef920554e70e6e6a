//! `distviz`: replay scenarios headless, and benchmark the engine.

use clap::{Parser, Subcommand};
use distviz_core::consistency::{hierarchy, import, linearizable, model::Model, verdict};
use distviz_core::sim::history;
use distviz_core::{bench, report, scenario::Scenario};
use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The system allocator, counting live bytes for `bench`'s memory figure.
struct Counting;

static LIVE_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Parser)]
#[command(name = "distviz", version, about = "distviz's headless simulator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replay a scenario file (or a share link) and print its run report as JSON.
    Run {
        /// The scenario file (see docs/scenario-format.md); "-" reads standard input.
        #[arg(required_unless_present = "link")]
        scenario: Option<String>,
        /// A share link (the whole URL or its s= value) instead of a file.
        #[arg(long, conflicts_with = "scenario")]
        link: Option<String>,
        /// Print the scenario as JSON instead of running it.
        #[arg(long)]
        print_scenario: bool,
        /// Stop at this virtual time instead of the scenario's duration_ms.
        #[arg(long)]
        until_ms: Option<u64>,
    },
    /// Replay a scenario and print its client history as JSON lines
    /// (docs/history-format.md).
    History {
        /// The scenario file; "-" reads standard input.
        scenario: String,
        /// Stop at this virtual time instead of the scenario's duration_ms.
        #[arg(long)]
        until_ms: Option<u64>,
    },
    /// Run random fault schedules on a scenario's lab and settings; print
    /// the first that breaks an invariant, shrunk, as a scenario to load.
    Search {
        /// The scenario whose lab, nodes, settings and network are searched.
        scenario: String,
        /// How many random schedules to try.
        #[arg(long, default_value_t = 1_000)]
        schedules: u64,
        /// Virtual milliseconds each schedule runs.
        #[arg(long, default_value_t = 10_000)]
        horizon_ms: u64,
        /// Write the counterexample scenario to this file.
        #[arg(long)]
        out: Option<String>,
    },
    /// Print the share-link parameter (`s=`) for a scenario file.
    Link { scenario: String },
    /// Check a client history against a consistency model and print the
    /// verdict and its witness as JSON (docs/consistency-checking.md).
    /// Exits 0 for a verdict either way, 2 for unreadable input.
    Check {
        /// The history file; "-" reads standard input.
        history: String,
        /// etcd, porcupine-kv, knossos or distviz (JSON lines).
        #[arg(long, default_value = "distviz")]
        format: String,
        /// The data model: cas-register-nil, cas-register-0,
        /// kv-string-append or multi-register-0 (default: the format's).
        #[arg(long)]
        model: Option<String>,
        /// The consistency model: linearizable, sequential, causal, PRAM,
        /// monotonic-reads, monotonic-writes, read-your-writes,
        /// writes-follow-reads, or "all" (every one, and the map).
        #[arg(long, default_value = "linearizable")]
        consistency: String,
        /// Most search states before answering "unknown".
        #[arg(long, default_value_t = 2_000_000)]
        budget: u64,
        /// Check a key-value history whole instead of key by key.
        #[arg(long)]
        no_split: bool,
    },
    /// Time the linearizability checker on the reference histories.
    BenchCheck {
        /// The reference data folder (with histories/).
        #[arg(default_value = "../shared/data")]
        data_dir: String,
    },
    /// Measure the engine and seeking (native figures).
    Bench {
        /// Virtual seconds for the engine run.
        #[arg(long, default_value_t = 3600)]
        seconds: u64,
    },
}

fn read(path: &str) -> Result<Scenario, String> {
    let text = if path == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read standard input: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    Scenario::parse(&text).map_err(|e| format!("{path}: {e}"))
}

/// A scenario from a share link: the whole URL, or just its `s=` value.
fn from_link(link: &str) -> Result<Scenario, String> {
    let packed = match link.split_once("s=") {
        Some((_, rest)) => rest.split('&').next().unwrap_or_default(),
        None => link,
    };
    Scenario::from_link_param(packed.trim()).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run {
            scenario,
            link,
            until_ms,
            print_scenario,
        } => {
            let (source, loaded) = match (scenario, link) {
                (Some(path), _) => (path.clone(), read(&path)),
                (None, Some(link)) => ("link".to_string(), from_link(&link)),
                (None, None) => (String::new(), Err("give a scenario file or --link".into())),
            };
            loaded.and_then(|s| {
                if print_scenario {
                    return Ok(s.to_json());
                }
                let report =
                    report::run_scenario(&s, until_ms).map_err(|e| format!("{source}: {e}"))?;
                serde_json::to_string_pretty(&report).map_err(|e| e.to_string())
            })
        }
        Command::History { scenario, until_ms } => read(&scenario).and_then(|s| {
            let report =
                report::run_scenario(&s, until_ms).map_err(|e| format!("{scenario}: {e}"))?;
            Ok(history::to_json_lines(&report.history)
                .trim_end()
                .to_string())
        }),
        Command::Link { scenario } => read(&scenario).map(|s| s.to_link_param()),
        Command::Search {
            scenario,
            schedules,
            horizon_ms,
            out,
        } => read(&scenario).and_then(|s| search(&scenario, &s, schedules, horizon_ms, out)),
        Command::Check {
            history,
            format,
            model,
            consistency,
            budget,
            no_split,
        } => check(
            &history,
            &format,
            model.as_deref(),
            &consistency,
            budget,
            !no_split,
        ),
        Command::BenchCheck { data_dir } => bench_check(&data_dir),
        Command::Bench { seconds } => {
            let origin = Instant::now();
            let clock = move || origin.elapsed().as_secs_f64() * 1000.0;
            let engine5 = bench::engine(&clock, 5, seconds * 1000);
            let engine9 = bench::engine(&clock, 9, seconds * 1000);
            let seek = bench::seek(&clock, 600_000, 200);
            let live = || LIVE_BYTES.load(Ordering::Relaxed);
            let memory = bench::memory(&clock, &live, 9, 2 * 3_600_000);
            let load = bench::raft_load(&clock, &live, 5, 100, 600_000);
            let entries = bench::raft_entries(&clock, &live, 9, 10_000, 1_000);
            let search = bench::search_speed(&clock, 1_000);
            serde_json::to_string_pretty(&serde_json::json!({
                "engine_5_nodes": engine5, "engine_9_nodes": engine9, "seek_10_minutes": seek,
                "memory_9_nodes_2_hours": memory,
                "raft_5_servers_request_every_100ms_10_minutes": load,
                "raft_9_servers_10000_entries_snapshots": entries,
                "search_schedules_of_10_seconds": search,
            }))
            .map_err(|e| e.to_string())
        }
    };
    match outcome {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("distviz: {message}");
            ExitCode::from(2)
        }
    }
}

fn search(
    path: &str,
    base: &Scenario,
    schedules: u64,
    horizon_ms: u64,
    out: Option<String>,
) -> Result<String, String> {
    if !(100..=3_600_000).contains(&horizon_ms) {
        return Err(format!(
            "--horizon-ms {horizon_ms} is not from 100 to 3600000"
        ));
    }
    let space = distviz_core::search::Space {
        horizon_ms,
        ..Default::default()
    };
    let found = distviz_core::search::search_scenario(base, schedules, space)
        .map_err(|e| format!("{path}: {e}"))?;
    if let (Some(out), Some(scenario)) = (out, found.get("scenario")) {
        let text = serde_json::to_string_pretty(scenario).map_err(|e| e.to_string())?;
        std::fs::write(&out, text + "\n").map_err(|e| format!("cannot write {out}: {e}"))?;
    }
    serde_json::to_string_pretty(&found).map_err(|e| e.to_string())
}

fn check(
    path: &str,
    format: &str,
    model: Option<&str>,
    consistency: &str,
    budget: u64,
    split: bool,
) -> Result<String, String> {
    let format = import::Format::from_name(format).ok_or_else(|| {
        format!(
            "unknown format `{format}` (use one of {})",
            import::Format::NAMES.join(", ")
        )
    })?;
    let model_name = model.unwrap_or(format.default_model());
    let model = Model::from_name(model_name).ok_or_else(|| {
        format!(
            "unknown model `{model_name}` (use one of {})",
            Model::NAMES.join(", ")
        )
    })?;
    if consistency != "all" && !verdict::CHECKABLE.contains(&consistency) {
        return Err(format!(
            "unknown consistency model `{consistency}` (use all or one of {})",
            verdict::CHECKABLE.join(", ")
        ));
    }
    let text = if path == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("cannot read standard input: {e}"))?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    let history = import::read(&text, format).map_err(|e| format!("{path}: {e}"))?;
    model
        .validate(&history)
        .map_err(|e| format!("{path}: {e}"))?;
    let started = Instant::now();
    let mut out = serde_json::json!({
        "file": path, "model": model.name(), "operations": history.ops.len(),
        "failed_operations_left_out": history.failed,
    });
    if consistency == "linearizable" {
        let mut search =
            linearizable::Search::with(&history, &model, linearizable::Options { budget, split });
        let outcome = loop {
            if let linearizable::Progress::Done(o) = search.step(u64::MAX) {
                break o;
            }
        };
        out["consistency"] = "linearizable".into();
        out["result"] = serde_json::to_value(&outcome).map_err(|e| e.to_string())?;
    } else if consistency == "all" {
        let verdicts = verdict::check_all(&history, &model, budget);
        out["verdicts"] = serde_json::to_value(&verdicts).map_err(|e| e.to_string())?;
        out["map"] = serde_json::to_value(hierarchy::map(&verdicts)).map_err(|e| e.to_string())?;
    } else {
        let v = verdict::check_model(&history, &model, consistency, budget);
        out["consistency"] = consistency.into();
        out["result"] = serde_json::to_value(&v).map_err(|e| e.to_string())?;
    }
    out["ms"] = (started.elapsed().as_secs_f64() * 1000.0).into();
    serde_json::to_string_pretty(&out).map_err(|e| e.to_string())
}

/// Times the checker on the reference histories: every etcd log, and the
/// key-value files split by key and (c01, c10) whole.
fn bench_check(data_dir: &str) -> Result<String, String> {
    let dir = std::path::Path::new(data_dir).join("histories");
    let mut files = Vec::new();
    for rel in bench::consistency_files(&dir.join("porcupine-etcd"))
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
    {
        let path = dir.join(&rel);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        files.push((rel, text));
    }
    let origin = Instant::now();
    let clock = move || origin.elapsed().as_secs_f64() * 1000.0;
    let figures = bench::consistency(&clock, &files)?;
    serde_json::to_string_pretty(&figures).map_err(|e| e.to_string())
}

//! `distviz`: replay scenarios headless, and benchmark the engine.

use clap::{Parser, Subcommand};
use distviz_core::{bench, report, scenario::Scenario};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "distviz", version, about = "distviz's headless simulator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replay a scenario file and print its run report as JSON.
    Run {
        /// The scenario file (see docs/scenario-format.md); "-" reads standard input.
        scenario: String,
        /// Stop at this virtual time instead of the scenario's duration_ms.
        #[arg(long)]
        until_ms: Option<u64>,
    },
    /// Print the share-link parameter (`s=`) for a scenario file.
    Link { scenario: String },
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run { scenario, until_ms } => read(&scenario).and_then(|s| {
            let report =
                report::run_scenario(&s, until_ms).map_err(|e| format!("{scenario}: {e}"))?;
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())
        }),
        Command::Link { scenario } => read(&scenario).map(|s| s.to_link_param()),
        Command::Bench { seconds } => {
            let origin = Instant::now();
            let clock = move || origin.elapsed().as_secs_f64() * 1000.0;
            let engine5 = bench::engine(&clock, 5, seconds * 1000);
            let engine9 = bench::engine(&clock, 9, seconds * 1000);
            let seek = bench::seek(&clock, 600_000, 200);
            serde_json::to_string_pretty(&serde_json::json!({
                "engine_5_nodes": engine5, "engine_9_nodes": engine9, "seek_10_minutes": seek,
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

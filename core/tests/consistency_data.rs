//! The checkers on the reference histories in `../shared/data` (skipped,
//! with a message, when that folder is absent) and on our own examples.

use distviz_core::consistency::examples::EXAMPLES;
use distviz_core::consistency::import::{read, Format};
use distviz_core::consistency::model::Model;
use distviz_core::consistency::sketch::Sketch;
use distviz_core::consistency::verdict::{check_model, Status};
use distviz_core::consistency::{hierarchy, linearizable, verdict};
use std::path::PathBuf;

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/histories");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: the reference data {} is absent (it is not part of a clone)",
            dir.display()
        );
        None
    }
}

/// The format and model for a file, by its folder (and, for Knossos, by
/// whether it holds transactions).
fn format_and_model(rel: &str, text: &str) -> (Format, &'static str) {
    match rel.split('/').next() {
        Some("porcupine-etcd") => (Format::Etcd, "cas-register-nil"),
        Some("porcupine-kv") => (Format::PorcupineKv, "kv-string-append"),
        _ if text.contains(":txn") => (Format::Knossos, "multi-register-0"),
        _ => (Format::Knossos, "cas-register-0"),
    }
}

const BUDGET: u64 = 20_000_000;

fn check(dir: &std::path::Path, rel: &str) -> (linearizable::Outcome, Model) {
    let text = std::fs::read_to_string(dir.join(rel)).unwrap();
    let (format, model_name) = format_and_model(rel, &text);
    let history = read(&text, format).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let model = Model::from_name(model_name).unwrap();
    model.validate(&history).unwrap();
    (linearizable::check(&history, &model, BUDGET), model)
}

#[test]
fn every_listed_verdict_comes_out_right() {
    let Some(dir) = data_dir() else { return };
    let csv = std::fs::read_to_string(dir.join("verdicts.csv")).unwrap();
    let mut checked = 0;
    for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split(',').collect();
        let (file, model_name, expected) = (cols[0], cols[1], cols[2]);
        let (outcome, model) = check(&dir, file);
        assert_eq!(model.name(), model_name, "{file}: the model by folder");
        let got = match outcome.verdict {
            linearizable::Verdict::Linearizable => "linearizable",
            linearizable::Verdict::NotLinearizable => "not_linearizable",
            linearizable::Verdict::Unknown => "unknown",
        };
        assert_eq!(got, expected, "{file}: {}", outcome.summary);
        if let Some(failure) = &outcome.failure {
            assert!(!failure.explanation.is_empty());
            assert!(!failure.longest.contains(&failure.blocked));
        }
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} verdicts listed");
}

#[test]
fn every_other_file_is_decided_by_the_checker() {
    let Some(dir) = data_dir() else { return };
    let csv = std::fs::read_to_string(dir.join("verdicts.csv")).unwrap();
    let mut decided = 0;
    for folder in ["porcupine-etcd", "porcupine-kv", "knossos-cas"] {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(folder))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".md"))
            .collect();
        names.sort();
        for name in names {
            let rel = format!("{folder}/{name}");
            if csv.contains(&format!("{rel},")) {
                continue;
            }
            let (outcome, _) = check(&dir, &rel);
            assert_ne!(
                outcome.verdict,
                linearizable::Verdict::Unknown,
                "{rel}: undecided after {} states",
                outcome.states
            );
            decided += 1;
        }
    }
    assert!(decided > 40, "only {decided} unlisted files");
}

#[test]
fn a_linearizable_witness_respects_real_time_and_the_model() {
    let Some(dir) = data_dir() else { return };
    for rel in [
        "porcupine-etcd/etcd_002.log",
        "knossos-cas/multi-register.edn",
    ] {
        let text = std::fs::read_to_string(dir.join(rel)).unwrap();
        let (format, model_name) = format_and_model(rel, &text);
        let history = read(&text, format).unwrap();
        let model = Model::from_name(model_name).unwrap();
        let outcome = linearizable::check(&history, &model, BUDGET);
        assert_eq!(outcome.verdict, linearizable::Verdict::Linearizable);
        let mut state = model.init();
        for placed in &outcome.order {
            let op = &history.ops[placed.op];
            assert!(op.call <= placed.after_event);
            assert!(op.ret.is_none_or(|r| placed.after_event < r), "{rel}");
            state = model.step(&state, op).after(&state).expect("accepted");
        }
        // Every completed operation is placed.
        for op in history.ops.iter().filter(|op| op.ret.is_some()) {
            assert!(outcome.order.iter().any(|p| p.op == op.id), "{rel}: {op:?}");
        }
    }
}

#[test]
fn the_examples_sit_between_their_two_models() {
    let model = Model::from_name("cas-register-nil").unwrap();
    let mut pairs = Vec::new();
    for example in EXAMPLES {
        let history = Sketch::parse(example.text).unwrap().history().unwrap();
        let title = example.title;
        let map = hierarchy::map(&verdict::check_all(&history, &model, 100_000));
        assert!(map.iter().all(|e| !e.conflict), "{title}: {map:?}");
        let Some(satisfies) = example.holds else {
            continue;
        };
        let weak = check_model(&history, &model, satisfies, 100_000);
        assert_eq!(weak.status, Status::Holds, "{title}: {}", weak.explanation);
        let Some(violates) = example.fails else {
            // The one every model accepts.
            assert!(
                map.iter()
                    .all(|e| e.status != Status::Fails || e.model == "strict-serializable"),
                "{title}: {map:?}"
            );
            continue;
        };
        let strong = check_model(&history, &model, violates, 100_000);
        assert_eq!(strong.status, Status::Fails, "{title}");
        assert!(!strong.explanation.is_empty());
        pairs.push((violates.to_string(), satisfies.to_string()));
    }
    // One example per adjacent pair of the map below linearizable.
    for (stronger, weaker) in hierarchy::edges() {
        if stronger == "strict-serializable" {
            continue; // one object: the same as linearizable
        }
        assert!(
            pairs.contains(&(stronger.to_string(), weaker.to_string())),
            "no example for {stronger} → {weaker}"
        );
    }
}

#[test]
fn key_value_histories_checked_whole_agree_with_split() {
    let Some(dir) = data_dir() else { return };
    for file in ["c01-ok", "c01-bad", "c10-ok", "c10-bad"] {
        let rel = format!("porcupine-kv/{file}.txt");
        let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
        let history = read(&text, Format::PorcupineKv).unwrap();
        let model = Model::from_name("kv-string-append").unwrap();
        let split = linearizable::check(&history, &model, BUDGET);
        let mut whole = linearizable::Search::with(
            &history,
            &model,
            linearizable::Options {
                budget: BUDGET,
                split: false,
            },
        );
        let whole = loop {
            if let linearizable::Progress::Done(o) = whole.step(100_000) {
                break o;
            }
        };
        assert_eq!(split.verdict, whole.verdict, "{rel}");
        assert_ne!(split.verdict, linearizable::Verdict::Unknown, "{rel}");
    }
}

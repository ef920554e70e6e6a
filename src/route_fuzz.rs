//! Every URL option fed random and mutated values with proptest (natively,
//! in `cargo test --workspace`): the page address is untrusted input.
//!
//! Properties: parsing never panics; every problem names the option it is
//! about; `t` stays within the longest run, so opening a link is bounded
//! work; a link's scenario either loads (its first slice computed, as the
//! lab starts it) or explains itself with a place; a named shipped run is
//! found and runs to its end, or the problem names `try`. The big run: `DISTVIZ_FUZZ_CASES=100000
//! cargo test --release -p distviz route_fuzz -- --nocapture`.

use crate::controller::Controller;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::scenario::{Scenario, MAX_DURATION_MS};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::time::{Duration, Instant};

/// Cases per property: a CI share unless the environment asks for more.
fn cases() -> u32 {
    std::env::var("DISTVIZ_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000)
}

/// The share links of the shipped scenarios: the seeds of the mutations.
fn shipped_links() -> Vec<String> {
    [
        "raft-election-leader-crash.json",
        "raft-election-partition.json",
    ]
    .iter()
    .map(|name| {
        let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).expect("a shipped scenario");
        Scenario::parse(&text).expect("it parses").to_link_param()
    })
    .collect()
}

/// A share link cut short, with a character changed or one added.
fn mutated_link() -> impl Strategy<Value = String> {
    (
        prop::sample::select(shipped_links()),
        0.0..1.0f64,
        any::<char>(),
        0u8..3,
    )
        .prop_map(|(link, at, c, kind)| {
            let mut chars: Vec<char> = link.chars().collect();
            let i = ((chars.len() as f64) * at) as usize;
            match kind {
                0 => chars.truncate(i),
                1 if i < chars.len() => chars[i] = c,
                _ => chars.insert(i.min(chars.len()), c),
            }
            chars.into_iter().collect()
        })
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "1",
            "0",
            "true",
            "no",
            "maybe",
            "light",
            "dark",
            "auto",
            "purple",
            "figure-8",
            "split-vote",
            "leader-crash",
            "raft-election-split-vote.json",
            "1500",
            "-1",
            "1800000",
            "1800001",
            "18446744073709551615",
            "18446744073709551616",
            "1e9",
            "%",
            "%FF%FE",
            "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
            "=",
            "a=b",
        ])
        .prop_map(String::from),
        any::<u64>().prop_map(|n| n.to_string()),
        "\\PC{0,30}",
        prop::sample::select(shipped_links()),
        mutated_link(),
    ]
}

fn hash() -> impl Strategy<Value = String> {
    let path = prop_oneof![
        prop::sample::select(vec!["", "/", "/raft-election", "/bench", "/raft-election/"])
            .prop_map(String::from),
        "[a-z/-]{0,20}",
    ];
    let key = prop_oneof![
        4 => prop::sample::select(vec!["embed", "controls", "theme", "s", "t", "try"]).prop_map(String::from),
        1 => "[a-zA-Z0-9%]{0,6}",
    ];
    prop_oneof![
        4 => (path, prop::collection::vec((key, value(), any::<bool>()), 0..6)).prop_map(
            |(path, pairs)| {
                let query: Vec<String> = pairs
                    .into_iter()
                    .map(|(k, v, with_eq)| if with_eq { format!("{k}={v}") } else { k })
                    .collect();
                format!("#{path}?{}", query.join("&"))
            }
        ),
        1 => "\\PC{0,120}",
    ]
}

/// The option names in a hash, as the page reads them.
fn keys(hash: &str) -> Vec<&str> {
    let query = hash.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').map_or(p, |(k, _)| k))
        .collect()
}

fn check(hash: &str) {
    let start = Instant::now();
    let route = Route::parse(hash);
    let keys = keys(hash);
    for problem in &route.problems {
        assert!(
            keys.iter().any(|k| problem.starts_with(&format!("{k}: "))
                || problem.starts_with(&format!("\"{k}\" "))),
            "a problem that names no option: {problem} (in {hash:?})"
        );
    }
    assert!(route.at_ms.is_none_or(|t| t <= MAX_DURATION_MS));
    // A named run is found, loads and runs to its end (as the lab computes
    // it, frame by frame), or what is wrong names the option.
    if let Some(name) = &route.try_name {
        match crate::labs::shipped::find(lab::RAFT_ELECTION, name) {
            Ok((file, text)) => {
                let mut ctl =
                    Controller::new(Scenario::new(lab::RAFT_ELECTION, 1, 5), lab::raft_election)
                        .expect("the default scenario runs");
                let loaded = Scenario::parse(text).and_then(|s| ctl.load(s, route.at_ms));
                assert!(loaded.is_ok(), "{file}: {loaded:?}");
                ctl.finish_computing();
                assert!(ctl.problem.is_none(), "{file}: {:?}", ctl.problem);
            }
            Err(problem) => assert!(problem.starts_with("try: "), "{problem}"),
        }
    }
    // What the lab does with a link's scenario: parse it, load it, start computing it.
    if let Some(packed) = &route.scenario {
        let mut ctl = Controller::new(Scenario::new(lab::RAFT_ELECTION, 1, 5), lab::raft_election)
            .expect("the default scenario runs");
        let loaded = Scenario::from_link_param(packed).and_then(|s| ctl.load(s, route.at_ms));
        if let Err(err) = loaded {
            assert!(!err.path.trim().is_empty(), "no place in: {err}");
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{hash:?} took {:?}",
        start.elapsed()
    );
}

#[test]
fn url_options_survive_random_and_mutated_input() {
    let start = Instant::now();
    let cases = cases();
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    if let Err(failure) = TestRunner::new(config).run(&hash(), |h| {
        check(&h);
        Ok(())
    }) {
        panic!("{failure}");
    }
    println!(
        "route_fuzz: {cases} hashes in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

/// The generator reaches every option and the mutated links (so the fuzz is not idle).
#[test]
fn the_generator_covers_the_options() {
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..500 {
        let h = hash().new_tree(&mut runner).expect("a value").current();
        let r = Route::parse(&h);
        seen.extend(keys(&h).into_iter().map(str::to_string));
        if r.scenario.is_some() {
            seen.insert("(a link)".into());
        }
    }
    for k in ["embed", "controls", "theme", "s", "t", "(a link)"] {
        assert!(seen.contains(k), "{k} never generated");
    }
}

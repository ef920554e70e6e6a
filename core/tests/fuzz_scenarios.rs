//! The scenario parsers fed random and mutated input with proptest: the
//! scenario file (`Scenario::parse`) and the share link's packed `s=` value
//! (`Scenario::from_link_param`).
//!
//! Properties, for every input:
//! - no panic (proptest catches one and shrinks the input that caused it);
//! - no hang: a scenario that parses is run for at most `STEP_BUDGET` steps,
//!   travelled back in, and written back out; each input must finish in time;
//! - every error names a place (a non-empty path such as `actions[3].node`);
//! - what parses round-trips: through JSON and through a link, to an equal scenario.
//!
//! `cargo test` runs a share of a few thousand inputs; the big run of
//! 100,000+ is `cargo test --release -p distviz-core --test fuzz_scenarios -- --ignored`.

use distviz_core::lab;
use distviz_core::scenario::{Scenario, ScenarioError};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Steps a parsed scenario is run for: enough to elect, crash and partition.
const STEP_BUDGET: u32 = 3_000;
/// A generous bound per input: far above what one takes (well under 10 ms),
/// far below what a hang would.
const TIME_LIMIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------- the check

/// Parses nothing itself: `parse` is the parser under test.
fn check(parse: impl FnOnce() -> Result<Scenario, ScenarioError>) {
    let start = Instant::now();
    match parse() {
        Err(err) => assert_named(&err),
        Ok(scenario) => exercise(&scenario),
    }
    let took = start.elapsed();
    assert!(took < TIME_LIMIT, "one input took {took:?}");
}

fn assert_named(err: &ScenarioError) {
    assert!(
        !err.path.trim().is_empty(),
        "an error that names no place: {err}"
    );
    assert!(
        !err.message.trim().is_empty(),
        "an empty message at {}",
        err.path
    );
}

/// Runs a scenario that parsed, as the browser and the CLI would.
fn exercise(scenario: &Scenario) {
    let again = Scenario::parse(&scenario.to_json()).expect("its own JSON parses");
    assert_eq!(&again, scenario, "JSON round trip");
    let linked = Scenario::from_link_param(&scenario.to_link_param()).expect("its link parses");
    assert_eq!(&linked, scenario, "link round trip");
    match scenario.lab.as_str() {
        lab::PARTIAL_FAILURE => travel(lab::partial_failure(scenario)),
        lab::PAXOS => travel(lab::paxos(scenario)),
        lab::MULTI_PAXOS => travel(lab::multi_paxos(scenario)),
        _ => travel(lab::raft_election(scenario)),
    }
}

/// Steps a run within the budget, then travels back and forth in it.
fn travel<P: distviz_core::sim::Protocol>(made: Result<distviz_core::sim::Run<P>, ScenarioError>) {
    match made {
        Err(err) => assert_named(&err),
        Ok(mut run) => {
            for _ in 0..STEP_BUDGET {
                if !run.step_forward() {
                    break;
                }
            }
            // Time travel over what was computed: back to the middle, then forward again.
            let end = run.now();
            run.seek_time(end / 2);
            run.seek_time(end);
            assert_eq!(run.now(), end);
        }
    }
}

// ---------------------------------------------------------------- the inputs

/// The shipped scenarios: the seeds of the mutations.
fn shipped() -> Vec<String> {
    let dir = format!("{}/../scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/ is there")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a readable scenario"))
        .collect();
    assert!(texts.len() >= 3, "the shipped scenarios are the seeds");
    texts
}

/// Numbers that sit on or past the limits, and ones no field can take.
fn edge_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(-1)),
        Just(json!(9)),
        Just(json!(10)),
        Just(json!(255)),
        Just(json!(256)),
        Just(json!(60_000)),
        Just(json!(60_001)),
        Just(json!(1_800_000)),
        Just(json!(1_800_001)),
        Just(json!(u32::MAX)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(0.5)),
        Just(json!(1.0000001)),
        Just(json!(f64::MAX)),
        Just(json!(f64::MIN_POSITIVE)),
        Just(json!(-0.0)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        (0.0..=1.0f64).prop_map(|p| json!(p)),
    ]
}

/// Strings a scenario uses, and some it should never trust.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "raft-election",
            "paxos",
            "multi-paxos",
            "S1",
            "S2",
            "S5",
            "S9",
            "S10",
            "S0",
            "s3",
            "S256",
            "S257",
            "crash",
            "restart",
            "partition",
            "heal",
            "link",
            "drop_message",
            "hold_message",
            "release_message",
            "timeout",
            "align_timers",
            "client_request",
            "up",
            "drop",
            "hold",
            "<img src=x onerror=alert(1)>",
            "",
            "\u{0}",
            "\u{202e}",
            "𝕊1",
        ])
        .prop_map(String::from),
        "\\PC{0,12}",
    ]
}

/// Keys of the format, plus unknown ones.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "version", "lab", "seed", "nodes", "duration_ms", "network", "latency_ms", "drop",
            "duplicate", "params", "election_timeout_ms", "heartbeat_ms",
            "break_one_vote_per_term", "actions", "at_ms", "do", "node", "from", "to", "state",
            "groups", "id", "command",
        ])
        .prop_map(String::from),
        1 => "[a-z_]{1,10}",
    ]
}

/// Any JSON value, shallow or nested, built from the format's own words.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        edge_number(),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An action object, valid-looking or nearly.
fn action() -> impl Strategy<Value = Value> {
    (
        edge_number(),
        word(),
        prop::collection::btree_map(key(), json_value(), 0..4),
    )
        .prop_map(|(at, what, extra)| {
            let mut object: serde_json::Map<String, Value> = extra.into_iter().collect();
            object.insert("at_ms".into(), at);
            object.insert("do".into(), Value::String(what));
            Value::Object(object)
        })
}

/// A scenario object with some of its fields, each value drawn at random.
fn scenario_value() -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop_oneof![3 => Just(json!(1)), 1 => edge_number()]),
        prop::option::of(prop_oneof![3 => Just(json!("raft-election")), 1 => json_value()]),
        prop::option::of(edge_number()),
        prop::option::of(prop_oneof![2 => (1u64..=9).prop_map(|n| json!(n)), 1 => edge_number()]),
        prop::option::of(
            prop_oneof![2 => (0u64..20_000).prop_map(|n| json!(n)), 1 => edge_number()],
        ),
        prop::option::of(json_value()),
        prop::option::of(json_value()),
        prop::option::of(prop::collection::vec(action(), 0..8)),
    )
        .prop_map(
            |(version, lab, seed, nodes, duration, network, params, actions)| {
                let mut object = serde_json::Map::new();
                let fields = [
                    ("version", version),
                    ("lab", lab),
                    ("seed", seed),
                    ("nodes", nodes),
                    ("duration_ms", duration),
                    ("network", network),
                    ("params", params),
                    ("actions", actions.map(Value::Array)),
                ];
                for (name, value) in fields {
                    if let Some(value) = value {
                        object.insert(name.into(), value);
                    }
                }
                Value::Object(object)
            },
        )
}

/// One edit of a text.
#[derive(Clone, Debug)]
enum Edit {
    /// Cut the text at this fraction of its length.
    Truncate(f64),
    /// Flip one bit of the byte at this fraction.
    FlipBit(f64, u8),
    /// Put a huge or odd number where a number starts.
    Number(f64, &'static str),
    /// Wrap the whole text in this many arrays.
    Nest(usize),
    /// Insert raw text at this fraction.
    Insert(f64, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64).prop_map(Edit::Truncate),
        (0.0..1.0f64, 0u8..8).prop_map(|(at, bit)| Edit::FlipBit(at, bit)),
        (
            0.0..1.0f64,
            prop::sample::select(vec![
                "18446744073709551616",
                "99999999999999999999999",
                "1e400",
                "-1",
                "1e-400",
                "0.0000001",
                "340282366920938463463374607431768211456",
                "NaN",
                "Infinity",
            ])
        )
            .prop_map(|(at, n)| Edit::Number(at, n)),
        (1usize..300).prop_map(Edit::Nest),
        (
            0.0..1.0f64,
            prop_oneof![
                Just(",".to_string()),
                Just("}".to_string()),
                Just("\"".to_string()),
                "\\PC{0,8}"
            ]
        )
            .prop_map(|(at, s)| Edit::Insert(at, s)),
    ]
}

/// The byte index at a fraction of `text`, moved back to a char boundary.
fn index_at(text: &str, fraction: f64) -> usize {
    let mut i = ((text.len() as f64) * fraction) as usize;
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, edit: &Edit) -> String {
    match edit {
        Edit::Truncate(at) => text[..index_at(text, *at)].to_string(),
        Edit::FlipBit(at, bit) => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let i = (((bytes.len() as f64) * at) as usize).min(bytes.len() - 1);
                bytes[i] ^= 1 << bit;
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Edit::Number(at, number) => {
            // Replace the next number from that point, if any.
            let from = index_at(text, *at);
            match text[from..].find(|c: char| c.is_ascii_digit()) {
                Some(offset) => {
                    let start = from + offset;
                    let end = text[start..]
                        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                        .map_or(text.len(), |n| start + n);
                    format!("{}{number}{}", &text[..start], &text[end..])
                }
                None => text.to_string(),
            }
        }
        Edit::Nest(depth) => format!("{}{text}{}", "[".repeat(*depth), "]".repeat(*depth)),
        Edit::Insert(at, s) => {
            let i = index_at(text, *at);
            format!("{}{s}{}", &text[..i], &text[i..])
        }
    }
}

/// Replaces one node of the JSON tree (chosen by its pre-order index), or
/// adds an unknown field to the object it is in.
fn replace_node(value: &mut Value, mut index: usize, with: Value, unknown_field: bool) {
    fn walk(v: &mut Value, index: &mut usize, with: &mut Option<Value>, unknown: bool) {
        if with.is_none() {
            return;
        }
        if *index == 0 {
            let new = with.take().unwrap_or(Value::Null);
            match (unknown, v.as_object_mut()) {
                (true, Some(object)) => {
                    object.insert("unexpected_field".into(), new);
                }
                _ => *v = new,
            }
            return;
        }
        *index -= 1;
        match v {
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, index, with, unknown)),
            Value::Object(map) => map.values_mut().for_each(|i| walk(i, index, with, unknown)),
            _ => {}
        }
    }
    let count = count_nodes(value);
    index %= count;
    walk(value, &mut index, &mut Some(with), unknown_field);
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// A shipped scenario with 1–4 text edits.
fn edited_text(seeds: Vec<String>) -> impl Strategy<Value = String> {
    (
        prop::sample::select(seeds),
        prop::collection::vec(edit(), 1..5),
    )
        .prop_map(|(seed, edits)| edits.iter().fold(seed, |text, e| apply(&text, e)))
}

/// A shipped scenario with one or two of its values swapped for random
/// ones (huge numbers, deep nesting, wrong types) or an unknown field added.
fn edited_tree(seeds: Vec<String>) -> impl Strategy<Value = String> {
    let values: Vec<Value> = seeds
        .iter()
        .map(|s| serde_json::from_str(s).expect("shipped scenarios are JSON"))
        .collect();
    (
        prop::sample::select(values),
        prop::collection::vec(
            (any::<usize>(), json_value(), prop::bool::weighted(0.2)),
            1..3,
        ),
    )
        .prop_map(|(mut tree, swaps)| {
            for (index, with, unknown) in swaps {
                replace_node(&mut tree, index, with, unknown);
            }
            tree.to_string()
        })
}

/// What a share link carries: an edited scenario packed, or a real link
/// with characters changed, cut short or added.
fn link_param(seeds: Vec<String>) -> impl Strategy<Value = String> {
    let links: Vec<String> = seeds
        .iter()
        .map(|s| {
            Scenario::parse(s)
                .expect("shipped scenarios parse")
                .to_link_param()
        })
        .collect();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$%";
    prop_oneof![
        edited_tree(seeds.clone()).prop_map(|t| lz_str::compress_to_encoded_uri_component(&t)),
        edited_text(seeds).prop_map(|t| lz_str::compress_to_encoded_uri_component(&t)),
        (
            prop::sample::select(links),
            prop::collection::vec((0.0..1.0f64, 0usize..ALPHABET.len(), 0u8..3), 1..4)
        )
            .prop_map(|(link, edits)| {
                let mut chars: Vec<u8> = link.into_bytes();
                for (at, c, kind) in edits {
                    let i = ((chars.len() as f64) * at) as usize;
                    match kind {
                        0 => chars.truncate(i),
                        1 if i < chars.len() => chars[i] = ALPHABET[c],
                        _ => chars.insert(i.min(chars.len()), ALPHABET[c]),
                    }
                }
                String::from_utf8_lossy(&chars).into_owned()
            }),
        "[A-Za-z0-9+$-]{0,200}",
    ]
}

// ---------------------------------------------------------------- the runs

/// Runs `check` on `cases` inputs from `strategy`; returns how many ran.
fn fuzz<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value)) -> u32
where
    S::Value: Clone,
{
    let config = Config {
        cases,
        failure_persistence: None,
        // Rejections are not used; shrinking a failure must not take forever.
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(failure) = runner.run(&strategy, |input| {
        test(input);
        Ok(())
    }) {
        panic!("{failure}");
    }
    cases
}

/// All the parsers, `scale` × a base share of inputs each. Returns the count.
fn fuzz_all(scale: u32) -> u32 {
    let seeds = shipped();
    let mut total = 0;
    total += fuzz(
        scale * 200,
        prop::collection::vec(any::<u8>(), 0..400),
        |bytes| check(|| Scenario::parse(&String::from_utf8_lossy(&bytes))),
    );
    total += fuzz(scale * 400, scenario_value(), |v| {
        check(|| Scenario::parse(&v.to_string()))
    });
    total += fuzz(scale * 400, edited_text(seeds.clone()), |t| {
        check(|| Scenario::parse(&t))
    });
    total += fuzz(scale * 400, edited_tree(seeds.clone()), |t| {
        check(|| Scenario::parse(&t))
    });
    total += fuzz(scale * 400, link_param(seeds), |p| {
        check(|| Scenario::from_link_param(&p))
    });
    total
}

#[test]
fn parsers_survive_random_and_mutated_input() {
    let total = fuzz_all(2);
    assert_eq!(total, 3_600);
}

/// The big run: `cargo test --release -p distviz-core --test fuzz_scenarios -- --ignored --nocapture`
#[test]
#[ignore = "the big run: 100,000+ inputs, a few minutes"]
fn parsers_survive_the_big_run() {
    let start = Instant::now();
    let total = fuzz_all(56);
    println!(
        "fuzz_scenarios: {total} inputs in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert!(total >= 100_000);
}

/// The edits themselves do what they say (so the fuzz really mutates).
#[test]
fn the_edits_change_the_text() {
    let text = r#"{"version":1,"nodes":5}"#;
    assert_eq!(apply(text, &Edit::Truncate(0.5)), &text[..11]);
    assert_ne!(apply(text, &Edit::FlipBit(0.3, 2)), text);
    assert_eq!(
        apply(text, &Edit::Number(0.6, "1e400")),
        r#"{"version":1,"nodes":1e400}"#
    );
    assert_eq!(apply("1", &Edit::Nest(2)), "[[1]]");
    let mut tree = json!({"a": [1, 2]});
    replace_node(&mut tree, 2, json!("x"), false);
    assert_eq!(tree, json!({"a": ["x", 2]}));
    replace_node(&mut tree, 0, json!(3), true);
    assert_eq!(tree, json!({"a": ["x", 2], "unexpected_field": 3}));
}

/// Found by the big run: a number in `params` read back from the scenario's
/// own JSON came back one bit different (serde_json's fast float parsing),
/// so a shared file could give another run. Now the crate reads floats exactly.
#[test]
fn numbers_read_back_exactly() {
    let text = r#"{"version":1,"lab":"raft-election",
        "params":{"election_timeout_ms":[118446744073709551616,300]},
        "network":{"drop":0.30000000000000004}}"#;
    let scenario = Scenario::parse(text).expect("params are the lab's to check");
    assert_eq!(Scenario::parse(&scenario.to_json()).unwrap(), scenario);
    assert_eq!(
        Scenario::from_link_param(&scenario.to_link_param()).unwrap(),
        scenario
    );
    let err = lab::raft_election(&scenario).unwrap_err();
    assert_eq!(err.path, "params.election_timeout_ms[0]");
}

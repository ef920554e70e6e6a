//! Property tests of the consistency checkers: the fast searches agree with
//! brute force on small random histories, executions applied atomically are
//! always linearizable, the map's implications hold, and no input, however
//! mangled, makes an importer or a checker panic.

use distviz_core::consistency::import::{read, Format};
use distviz_core::consistency::model::{Model, Step};
use distviz_core::consistency::verdict::{check_all, check_model, Status};
use distviz_core::consistency::{hierarchy, linearizable, History, Op, OpValue};
use proptest::prelude::*;

/// A random operation: process, function, two small numbers, a result
/// choice, whether it never completed, and two keys that order its events.
type Raw = (u8, u8, i64, i64, i64, bool, u32, u32);

fn history_of(raw: &[Raw], with_cas: bool) -> History {
    // Events: (key, op, is call); a completion after its call.
    let mut events: Vec<(u32, usize, bool)> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let (a, b) = (r.6.min(r.7), r.6.max(r.7));
        events.push((a, i, true));
        if !r.5 {
            events.push((b, i, false));
        }
    }
    events.sort_by_key(|&(k, i, call)| (k, i, !call));
    let mut call = vec![0; raw.len()];
    let mut ret = vec![None; raw.len()];
    for (position, &(_, i, is_call)) in events.iter().enumerate() {
        if is_call {
            call[i] = position;
        } else {
            ret[i] = Some(position);
        }
    }
    let mut ops: Vec<Op> = raw
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let f = match r.1 % if with_cas { 3 } else { 2 } {
                0 => "read",
                1 => "write",
                _ => "cas",
            };
            let value = match f {
                "read" => OpValue::Nil,
                "write" => OpValue::Int(r.2),
                _ => OpValue::List(vec![OpValue::Int(r.2), OpValue::Int(r.3)]),
            };
            let result = match (f, r.5) {
                (_, true) => None,
                ("read", _) => Some(OpValue::Int(r.4)),
                _ => Some(value.clone()),
            };
            Op {
                id: 0,
                process: format!("P{}", r.0),
                f: f.into(),
                key: None,
                value,
                result,
                call: call[i],
                ret: ret[i],
                call_time: None,
                ret_time: None,
                line: i + 1,
            }
        })
        .collect();
    ops.sort_by_key(|op| op.call);
    // A process runs one operation at a time: an operation goes to its
    // wished process if that one is free by then, else to a new one.
    let mut free_at: Vec<Option<usize>> = Vec::new();
    for (i, op) in ops.iter_mut().enumerate() {
        op.id = i;
        let wish: usize = op.process[1..].parse().unwrap_or(0);
        let process = match free_at.get(wish) {
            Some(Some(t)) if *t < op.call => wish,
            None if wish == free_at.len() => wish,
            _ => (0..free_at.len())
                .find(|&p| free_at[p].is_some_and(|t| t < op.call))
                .unwrap_or(free_at.len()),
        };
        if process == free_at.len() {
            free_at.push(None);
        }
        free_at[process] = Some(op.ret.unwrap_or(usize::MAX));
        op.process = format!("P{process}");
    }
    History {
        events: events.len(),
        ops,
        failed: 0,
    }
}

/// Every order that respects real time, tried one by one (no memory).
fn brute_linearizable(model: &Model, ops: &[Op], placed: &mut Vec<bool>, state: &OpValue) -> bool {
    if ops.iter().all(|op| placed[op.id] || op.ret.is_none()) {
        return true;
    }
    for op in ops {
        if placed[op.id] {
            continue;
        }
        let blocked = ops
            .iter()
            .any(|other| !placed[other.id] && other.id != op.id && other.precedes(op));
        if blocked {
            continue;
        }
        if let Some(next) = model.step(state, op).after(state) {
            placed[op.id] = true;
            if brute_linearizable(model, ops, placed, &next) {
                return true;
            }
            placed[op.id] = false;
        }
    }
    false
}

/// Every order that keeps each process's order (an unfinished operation
/// may be left out), tried one by one.
fn brute_sequential(
    model: &Model,
    lanes: &[Vec<&Op>],
    at: &mut Vec<usize>,
    state: &OpValue,
) -> bool {
    if at.iter().zip(lanes).all(|(&p, lane)| p == lane.len()) {
        return true;
    }
    for lane in 0..lanes.len() {
        let Some(op) = lanes[lane].get(at[lane]) else {
            continue;
        };
        at[lane] += 1;
        if let Some(next) = model.step(state, op).after(state) {
            if brute_sequential(model, lanes, at, &next) {
                at[lane] -= 1;
                return true;
            }
        }
        if op.ret.is_none() && brute_sequential(model, lanes, at, state) {
            at[lane] -= 1;
            return true;
        }
        at[lane] -= 1;
    }
    false
}

fn raw_op() -> impl Strategy<Value = Raw> {
    (
        0u8..3,
        any::<u8>(),
        0i64..3,
        0i64..3,
        0i64..3,
        proptest::bool::weighted(0.15),
        0u32..40,
        0u32..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_search_agrees_with_brute_force(raw in proptest::collection::vec(raw_op(), 1..=8)) {
        let history = history_of(&raw, true);
        let model = Model::from_name("cas-register-0").unwrap();
        let fast = linearizable::check(&history, &model, u64::MAX);
        let brute = brute_linearizable(&model, &history.ops, &mut vec![false; history.ops.len()], &model.init());
        prop_assert_eq!(fast.verdict == linearizable::Verdict::Linearizable, brute, "{:?}", history.ops);

        let names = history.processes();
        let lanes: Vec<Vec<&Op>> = names
            .iter()
            .map(|n| history.ops.iter().filter(|op| op.process == *n).collect())
            .collect();
        let sequential = check_model(&history, &model, "sequential", u64::MAX);
        let brute_seq = brute_sequential(&model, &lanes, &mut vec![0; lanes.len()], &model.init());
        prop_assert_eq!(sequential.status == Status::Holds, brute_seq);
        // Linearizable implies sequentially consistent.
        prop_assert!(!brute || brute_seq);
    }

    /// Random read/write histories with unique written values: the
    /// checked verdicts never contradict the map (stronger ⇒ weaker).
    #[test]
    fn verdicts_respect_the_map(raw in proptest::collection::vec(raw_op(), 1..=8)) {
        let mut history = history_of(&raw, false);
        for (i, op) in history.ops.iter_mut().enumerate() {
            if op.f == "write" {
                op.value = OpValue::Int(10 + i as i64);
                op.result = op.ret.map(|_| op.value.clone());
            } else if let Some(OpValue::Int(v)) = op.result {
                // Read the initial value or some write's value.
                op.result = Some(OpValue::Int(if v == 0 { 0 } else { 10 + (v * 3) % 8 }));
            }
        }
        let model = Model::from_name("cas-register-0").unwrap();
        let map = hierarchy::map(&check_all(&history, &model, 1_000_000));
        prop_assert!(map.iter().all(|e| !e.conflict), "{:?}\n{:?}", history.ops, map);
    }
}

/// Runs clients against one atomic register, interleaved by `choices`:
/// each operation takes effect at one instant between its invocation and
/// its completion, so the history is linearizable. A compare-and-set whose
/// compare fails is a `fail` and is left out; some operations never
/// complete (taken effect or not).
fn atomic_run(choices: &[u8], procs: u8, with_cas: bool) -> History {
    #[derive(Clone, PartialEq)]
    enum Client {
        Idle,
        Invoked(usize, bool),
        Gone,
    }
    let mut clients = vec![Client::Idle; procs as usize];
    let mut ops: Vec<Op> = Vec::new();
    let mut dropped = vec![false; 0];
    let mut register = OpValue::Int(0);
    let mut position = 0;
    let mut next_value = 1;
    for (i, &c) in choices.iter().enumerate() {
        let p = (c % procs) as usize;
        let roll = c / procs;
        match clients[p].clone() {
            Client::Gone => {}
            Client::Idle => {
                let f = match roll % if with_cas { 3 } else { 2 } {
                    0 => "read",
                    1 => "write",
                    _ => "cas",
                };
                let value = match f {
                    "read" => OpValue::Nil,
                    "write" => {
                        next_value += 1;
                        OpValue::Int(next_value)
                    }
                    _ => {
                        next_value += 1;
                        let from = if roll.is_multiple_of(2) {
                            register.clone()
                        } else {
                            OpValue::Int(-1)
                        };
                        OpValue::List(vec![from, OpValue::Int(next_value)])
                    }
                };
                clients[p] = Client::Invoked(ops.len(), false);
                ops.push(Op {
                    id: ops.len(),
                    process: format!("P{p}"),
                    f: f.into(),
                    key: None,
                    value,
                    result: None,
                    call: position,
                    ret: None,
                    call_time: None,
                    ret_time: None,
                    line: i + 1,
                });
                dropped.push(false);
                position += 1;
            }
            Client::Invoked(op, false) => {
                let o = &mut ops[op];
                match o.f.as_str() {
                    "read" => o.result = Some(register.clone()),
                    "write" => {
                        register = o.value.clone();
                        o.result = Some(o.value.clone());
                    }
                    _ => {
                        if let OpValue::List(pair) = &o.value {
                            if pair[0] == register {
                                register = pair[1].clone();
                                o.result = Some(o.value.clone());
                            } else {
                                dropped[op] = true;
                            }
                        }
                    }
                }
                clients[p] = Client::Invoked(op, true);
            }
            Client::Invoked(op, true) => {
                if roll.is_multiple_of(7) {
                    // The reply is lost: unknown to the client.
                    ops[op].result = None;
                    clients[p] = Client::Gone;
                } else {
                    ops[op].ret = Some(position);
                    position += 1;
                    clients[p] = Client::Idle;
                }
            }
        }
    }
    // Still open at the end: outcome unknown.
    for op in ops.iter_mut().filter(|op| op.ret.is_none()) {
        op.result = None;
    }
    let failed = dropped.iter().filter(|&&d| d).count();
    let mut ops: Vec<Op> = ops
        .into_iter()
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(o, _)| o)
        .collect();
    for (i, op) in ops.iter_mut().enumerate() {
        op.id = i;
    }
    History {
        events: position,
        ops,
        failed,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn atomic_executions_are_linearizable(choices in proptest::collection::vec(any::<u8>(), 0..120), procs in 1u8..5) {
        let history = atomic_run(&choices, procs, true);
        let model = Model::from_name("cas-register-0").unwrap();
        let outcome = linearizable::check(&history, &model, 5_000_000);
        prop_assert_eq!(outcome.verdict, linearizable::Verdict::Linearizable, "{}", outcome.summary);
        // The witness replays in the model.
        let mut state = model.init();
        for placed in &outcome.order {
            let step = model.step(&state, &history.ops[placed.op]);
            prop_assert!(step != Step::Illegal);
            state = step.after(&state).unwrap();
        }
    }

    #[test]
    fn atomic_read_write_runs_satisfy_every_model(choices in proptest::collection::vec(any::<u8>(), 0..60), procs in 1u8..4) {
        let history = atomic_run(&choices, procs, false);
        let model = Model::from_name("cas-register-0").unwrap();
        for verdict in check_all(&history, &model, 5_000_000) {
            prop_assert_eq!(verdict.status, Status::Holds, "{}: {}", verdict.model, verdict.explanation);
        }
    }
}

const SAMPLES: [(Format, &str); 4] = [
    (
        Format::Etcd,
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:invoke\t:cas\t[0 3]\n\
         INFO  jepsen.util - 0\t:ok\t:read\t3\nINFO  jepsen.util - 1\t:info\t:cas\t:timed-out\n",
    ),
    (
        Format::PorcupineKv,
        "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n\
         {:process 1, :type :invoke, :f :get, :key \"0\", :value nil}\n\
         {:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}\n\
         {:process 1, :type :ok, :f :get, :key \"0\", :value \"x 0 0 y\"}\n",
    ),
    (
        Format::Knossos,
        "; c\n[{:process 0 :type :invoke :f :write :value 1}\n {:process 1, :type :invoke, :f :txn, :value [[:read :x nil]]}\n\
         {:process 0 :type :ok :f :write :value 1} {:process :nemesis :type :info :f :start :value #{:n1}}\n\
         {:process 1, :type :ok, :f :txn, :value [[:read :x 0]]}]",
    ),
    (
        Format::Distviz,
        "{\"index\":0,\"type\":\"invoke\",\"process\":\"C1\",\"op\":1,\"f\":\"write\",\"value\":1,\"time\":0}\n\
         {\"index\":1,\"type\":\"ok\",\"process\":\"C1\",\"op\":1,\"f\":\"write\",\"value\":1,\"time\":5}\n",
    ),
];

const FORMATS: [Format; 4] = [
    Format::Etcd,
    Format::PorcupineKv,
    Format::Knossos,
    Format::Distviz,
];

fn check_anything(text: &str) {
    for format in FORMATS {
        match read(text, format) {
            Ok(history) => {
                for name in Model::NAMES {
                    let model = Model::from_name(name).unwrap();
                    let _ = model.validate(&history);
                    let _ = linearizable::check(&history, &model, 2_000);
                    let _ = check_all(&history, &model, 2_000);
                }
            }
            Err(e) => assert!(e.line >= 1 && !e.message.is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        check_anything(&text);
    }

    #[test]
    fn edn_shaped_text_never_panics(text in "[\\[\\](){}#:;,\" \\nabcinvokeoktypefprocessvalue0-9\\\\]{0,200}") {
        check_anything(&text);
    }

    #[test]
    fn mutated_samples_never_panic(
        which in 0usize..4,
        cuts in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 1..6),
    ) {
        let mut bytes = SAMPLES[which].1.as_bytes().to_vec();
        for (at, byte, how) in cuts {
            if bytes.is_empty() {
                break;
            }
            let at = at % bytes.len();
            match how {
                0 => bytes[at] = byte,
                1 => { bytes.remove(at); }
                2 => bytes.insert(at, byte),
                _ => bytes.truncate(at),
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        check_anything(&text);
    }
}

#[test]
fn the_samples_read() {
    for (format, text) in SAMPLES {
        let history = read(text, format).unwrap();
        assert!(!history.ops.is_empty(), "{format:?}");
    }
}

/// The random histories above are not all of one kind: both verdicts
/// occur often (a seeded sample of 1,000), and brute force agrees on each.
#[test]
fn random_histories_cover_both_verdicts() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let model = Model::from_name("cas-register-0").unwrap();
    let (mut yes, mut no) = (0, 0);
    for _ in 0..1000 {
        let raw: Vec<Raw> = (0..1 + next(8))
            .map(|_| {
                (
                    next(3) as u8,
                    next(256) as u8,
                    next(3) as i64,
                    next(3) as i64,
                    next(3) as i64,
                    next(100) < 15,
                    next(40) as u32,
                    next(40) as u32,
                )
            })
            .collect();
        let history = history_of(&raw, true);
        let fast = linearizable::check(&history, &model, u64::MAX).verdict
            == linearizable::Verdict::Linearizable;
        let brute = brute_linearizable(
            &model,
            &history.ops,
            &mut vec![false; history.ops.len()],
            &model.init(),
        );
        assert_eq!(fast, brute, "{:?}", history.ops);
        if fast {
            yes += 1;
        } else {
            no += 1;
        }
    }
    assert!(yes > 100 && no > 100, "linearizable {yes}, not {no}");
}

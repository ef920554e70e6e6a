//! Causal consistency, PRAM and the session guarantees (read your writes,
//! monotonic reads, monotonic writes, writes follow reads) for histories of
//! one read/write register whose writes are differentiated: each value is
//! written at most once and never equals the initial value, so every read
//! names the write it read from.
//!
//! Definitions, after Terry et al. (1994) read as Brzezinski et al. (2004)
//! and Bailis et al. (HAT, 2014) do: each process has its own view, an
//! order of all writes after the initial value; a read returns the last
//! write, in its process's view, of the writes *visible* to it. Each
//! guarantee makes more writes visible to a read:
//!
//! - monotonic reads: what an earlier read of the same process saw;
//! - read your writes: the process's own earlier writes;
//! - monotonic writes: a visible write's writer's earlier writes, and every
//!   view orders each process's writes in its order;
//! - writes follow reads: for a visible write, what its writer had read
//!   before writing it, and every view puts that before the write.
//!
//! PRAM is monotonic reads + monotonic writes + read your writes; causal is
//! PRAM + writes follow reads (Brzezinski et al.; the Jepsen map follows
//! Bailis). A history satisfies a model when every process's view can be
//! ordered: the constraints "w comes before the write a read returned"
//! have no cycle. A failure's witness is a shortest such cycle, in words.
//! Real time plays no part.

use super::model::Model;
use super::verdict::{ModelVerdict, Status};
use super::{History, Op, OpValue};
use std::collections::{BTreeMap, VecDeque};

#[derive(Clone, Copy, Debug, Default)]
struct Rules {
    mr: bool,
    ryw: bool,
    mw: bool,
    wfr: bool,
}

/// What a model promises, in a sentence.
fn promise(model: &str) -> &'static str {
    match model {
        "monotonic-reads" => "no process's reads go back to an older value than one it has already read.",
        "read-your-writes" => "every process reads its own writes (or later ones) after making them.",
        "monotonic-writes" => "every process sees each writer's writes in the order they were made.",
        "writes-follow-reads" => "a write made after reading a value is never seen before that value.",
        "PRAM" => "every process sees each writer's writes in order, reads its own writes, and never reads back in time.",
        "causal" => "every process sees causes before their effects: writes in each writer's order, and a write after the writes its writer had read.",
        _ => "",
    }
}

fn rules(model: &str) -> Option<Rules> {
    let none = Rules::default();
    Some(match model {
        "monotonic-reads" => Rules { mr: true, ..none },
        "read-your-writes" => Rules { ryw: true, ..none },
        "monotonic-writes" => Rules { mw: true, ..none },
        "writes-follow-reads" => Rules { wfr: true, ..none },
        "PRAM" => Rules {
            mr: true,
            ryw: true,
            mw: true,
            wfr: false,
        },
        "causal" => Rules {
            mr: true,
            ryw: true,
            mw: true,
            wfr: true,
        },
        _ => return None,
    })
}

/// Node 0 is the initial value; node i+1 is `writes[i]`.
const INIT: usize = 0;

/// One process's operations: (is a read, op, node read or written).
type Lane<'h> = (String, Vec<(bool, &'h Op, usize)>);

/// A register history made ready: its writes and, per process, its
/// operations in order (reads as the node they read from).
struct Prepared<'h> {
    writes: Vec<&'h Op>,
    /// Per process: (is a read, op, node read or written).
    lanes: Vec<Lane<'h>>,
}

fn prepare<'h>(history: &'h History, model: &'h Model) -> Result<Prepared<'h>, String> {
    let Model::Register { initial } = model else {
        return Err(format!(
            "not applicable: these models are checked for one read/write register, not {}",
            model.name()
        ));
    };
    let mut writes: Vec<&Op> = Vec::new();
    let mut node_of: BTreeMap<String, usize> = BTreeMap::new();
    for op in &history.ops {
        match op.f.as_str() {
            "read" => {}
            "write" => {
                if op.value == *initial {
                    return Err(format!(
                        "not applicable: {} writes the initial value {}, so a read of it \
                         cannot tell which write it saw (the models assume unique written values)",
                        model.describe(op),
                        initial
                    ));
                }
                let key = op.value.to_string();
                if let Some(&other) = node_of.get(&key) {
                    return Err(format!(
                        "not applicable: {} and {} write the same value, so a read of it \
                         cannot tell which write it saw (the models assume unique written values)",
                        model.describe(writes[other - 1]),
                        model.describe(op)
                    ));
                }
                writes.push(op);
                node_of.insert(key, writes.len());
            }
            other => {
                return Err(format!(
                    "not applicable: these models are checked for reads and writes, and the \
                     history has a {other} ({})",
                    model.describe(op)
                ))
            }
        }
    }
    let mut lanes: Vec<Lane> = history
        .processes()
        .into_iter()
        .map(|p| (p, Vec::new()))
        .collect();
    for op in &history.ops {
        let Some(lane) = lanes.iter_mut().find(|(p, _)| *p == op.process) else {
            continue;
        };
        if op.f == "write" {
            let node = node_of.get(&op.value.to_string()).copied().unwrap_or(INIT);
            lane.1.push((false, op, node));
            continue;
        }
        let Some(v) = op.result.as_ref().filter(|v| !model.unknown_read(v)) else {
            continue; // a read with an unknown value constrains nothing
        };
        let node = if v == initial {
            INIT
        } else if let Some(&n) = node_of.get(&v.to_string()) {
            n
        } else {
            return Err(format!(
                "{} read {v}, which no operation wrote (the register started at {initial})",
                op.process
            ));
        };
        // Reading from one's own later write.
        if node != INIT {
            let w = writes[node - 1];
            if w.process == op.process && w.call > op.call {
                return Err(format!(
                    "{} returned {v}, which its own process only wrote later ({})",
                    model.describe(op),
                    model.describe(w)
                ));
            }
        }
        lane.1.push((true, op, node));
    }
    Ok(Prepared { writes, lanes })
}

/// Checks one of the models after `sequential` in `verdict::CHECKABLE`.
pub fn check(history: &History, model: &Model, name: &str) -> ModelVerdict {
    let verdict = |status, explanation: String| ModelVerdict {
        model: name.to_string(),
        status,
        explanation,
        order: Vec::new(),
    };
    let Some(rules) = rules(name) else {
        return verdict(Status::Unknown, format!("unknown model {name}"));
    };
    let prepared = match prepare(history, model) {
        Ok(p) => p,
        Err(reason) if reason.starts_with("not applicable") => {
            return verdict(Status::Unknown, reason)
        }
        Err(reason) => return verdict(Status::Fails, format!("Fails: {reason}.")),
    };
    for lane in 0..prepared.lanes.len() {
        if let Some(cycle) = view_cycle(&prepared, lane, rules) {
            let (who, _) = &prepared.lanes[lane];
            return verdict(
                Status::Fails,
                format!(
                    "Fails: {who}'s view of the writes would need a cycle: {}.",
                    cycle.join("; ")
                ),
            );
        }
    }
    let writes = match prepared.writes.len() {
        1 => "one write".to_string(),
        n => format!("{n} writes"),
    };
    verdict(
        Status::Holds,
        format!(
            "Holds: {} Every process's view of the {writes} can be ordered so that each read \
             returns the last write visible to it.",
            promise(name)
        ),
    )
}

/// A shortest cycle in `lane`'s view constraints, as sentences.
fn view_cycle(p: &Prepared, lane: usize, rules: Rules) -> Option<Vec<String>> {
    let n = p.writes.len() + 1;
    // edges[a] = (b, reason): a comes before b in the view.
    let mut edges: Vec<Vec<(usize, String)>> = vec![Vec::new(); n];
    for w in 1..n {
        edges[INIT].push((w, "it is where the register starts".into()));
    }
    // Writes of each process, and what it had read before each write.
    let mut before_write: Vec<Vec<(usize, String)>> = vec![Vec::new(); n];
    for (who, ops) in &p.lanes {
        let mut last_write: Option<usize> = None;
        let mut read_sources: Vec<usize> = Vec::new();
        for &(is_read, op, node) in ops {
            if is_read {
                read_sources.push(node);
                continue;
            }
            if op.ret.is_none() {
                continue; // it may never have happened: it orders nothing
            }
            if let Some(prev) = last_write {
                before_write[node].push((
                    prev,
                    format!("{who} wrote {} first (monotonic writes)", short(p, prev)),
                ));
                if rules.mw {
                    edges[prev].push((
                        node,
                        format!(
                            "{who} wrote {} before {} (monotonic writes)",
                            short(p, prev),
                            short(p, node)
                        ),
                    ));
                }
            }
            for &src in &read_sources {
                if src != INIT {
                    let why = format!(
                        "{who} read {} before writing {} (writes follow reads)",
                        short(p, src),
                        short(p, node)
                    );
                    if rules.wfr {
                        edges[src].push((node, why.clone()));
                    }
                    before_write[node].push((src, why));
                }
            }
            last_write = Some(node);
        }
    }
    let (who, ops) = &p.lanes[lane];
    let mut carried: BTreeMap<usize, String> = BTreeMap::new(); // monotonic reads
    let mut own: BTreeMap<usize, String> = BTreeMap::new(); // read your writes
    for &(is_read, op, node) in ops {
        if !is_read {
            if rules.ryw && op.ret.is_some() {
                own.insert(
                    node,
                    format!("{who} wrote {} earlier (read your writes)", short(p, node)),
                );
            }
            continue;
        }
        let mut visible: BTreeMap<usize, String> = carried.clone();
        for (w, why) in &own {
            visible.entry(*w).or_insert_with(|| why.clone());
        }
        visible.entry(node).or_default();
        // Close under monotonic writes and writes follow reads.
        let mut queue: VecDeque<usize> = visible.keys().copied().collect();
        while let Some(w) = queue.pop_front() {
            for (earlier, why) in &before_write[w] {
                let follows = why.ends_with("(writes follow reads)");
                if ((follows && rules.wfr) || (!follows && rules.mw))
                    && !visible.contains_key(earlier)
                {
                    visible.insert(*earlier, why.clone());
                    queue.push_back(*earlier);
                }
            }
        }
        for (w, why) in &visible {
            if *w != node {
                edges[*w].push((
                    node,
                    format!(
                        "{who} read {} while {} was visible to it, since {why}",
                        short(p, node),
                        short(p, *w)
                    ),
                ));
            }
        }
        if rules.mr {
            for (w, _) in visible {
                carried.entry(w).or_insert_with(|| {
                    format!("{who} had already read {} (monotonic reads)", short(p, w))
                });
            }
            carried.insert(
                node,
                format!(
                    "{who} had already read {} (monotonic reads)",
                    short(p, node)
                ),
            );
        }
    }
    shortest_cycle(&edges).map(|cycle| cycle.into_iter().map(|(_, _, why)| why).collect())
}

/// A write by its value ("3"), or "the initial value".
fn short(p: &Prepared, node: usize) -> String {
    if node == INIT {
        "the initial value".into()
    } else {
        match &p.writes[node - 1].value {
            OpValue::Str(s) => format!("{s:?}"),
            v => v.to_string(),
        }
    }
}

/// The shortest cycle (a list of edges with their reasons), if any.
fn shortest_cycle(edges: &[Vec<(usize, String)>]) -> Option<Vec<(usize, usize, String)>> {
    let n = edges.len();
    let mut best: Option<Vec<(usize, usize, String)>> = None;
    for start in 0..n {
        // BFS from start, looking for an edge back to it.
        let mut parent: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        let mut found: Option<(usize, usize)> = None;
        'bfs: while let Some(a) = queue.pop_front() {
            for (i, (b, _)) in edges[a].iter().enumerate() {
                if *b == start {
                    found = Some((a, i));
                    break 'bfs;
                }
                if !seen[*b] {
                    seen[*b] = true;
                    parent[*b] = Some((a, i));
                    queue.push_back(*b);
                }
            }
        }
        let Some((mut a, i)) = found else { continue };
        let mut cycle = vec![(a, start, edges[a][i].1.clone())];
        while a != start {
            let Some((pa, pi)) = parent[a] else { break };
            cycle.push((pa, a, edges[pa][pi].1.clone()));
            a = pa;
        }
        cycle.reverse();
        if best.as_ref().is_none_or(|b| cycle.len() < b.len()) {
            best = Some(cycle);
        }
    }
    best
}

//! Linearizability: Wing & Gong's search with Lowe's memoization, as in
//! Porcupine. The operations' invocations and completions form one list in
//! history order. The search walks it: an invocation whose operation the
//! model accepts in the current state is linearized (taken out of the list
//! with its completion) if that (set of linearized operations, state) was
//! never seen before; reaching a completion whose operation is not yet
//! linearized means the last choice was wrong, so it backtracks. A history
//! is split by key first when the model allows (P-compositionality), and
//! each key is searched alone.
//!
//! [`Search`] runs in chunks (`step(max_steps)`) so a page never blocks;
//! [`check`] runs it to the end.

use super::explain;
use super::fxhash::{FxBuild, KeySet};
use super::model::{Model, State, Step};
use super::{History, Op};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::BuildHasher;

/// The outcome of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Linearizable,
    NotLinearizable,
    /// The budget was spent before the search could decide.
    Unknown,
}

/// Where an operation takes effect in a linearization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Placed {
    /// The operation (`History::ops` index).
    pub op: usize,
    /// Its place in its key's order (0-based).
    pub position: usize,
    /// It takes effect just after this event of the history (an index into
    /// the events, between its invocation and its completion).
    pub after_event: usize,
}

/// Why a history is not linearizable: the longest order found of one key's
/// operations, and the operation that cannot come next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The key whose operations fail (None when there are no keys).
    pub key: Option<String>,
    /// The longest partial linearization found (operation ids, in order).
    pub longest: Vec<usize>,
    /// The operation that could not be placed after it, though it completed.
    pub blocked: usize,
    /// The model's state after `longest`, in words.
    pub state: String,
    /// A sentence a learner can follow.
    pub explanation: String,
}

/// A verdict with its witness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub verdict: Verdict,
    /// New (linearized set, state) pairs visited, over all keys.
    pub states: u64,
    /// For a linearizable history: every operation that takes effect, in
    /// order of its key's linearization (keys one after another).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<Placed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// A sentence: the verdict in words.
    pub summary: String,
}

/// Progress of a chunked search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Not decided yet: states visited so far.
    Running {
        states: u64,
    },
    Done(Outcome),
}

/// Checks a history to the end (or until `budget` states are visited).
pub fn check(history: &History, model: &Model, budget: u64) -> Outcome {
    let mut search = Search::new(history, model, budget);
    loop {
        if let Progress::Done(outcome) = search.step(u64::MAX) {
            return outcome;
        }
    }
}

/// Options for [`Search::with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Most new states to visit before answering `Unknown`.
    pub budget: u64,
    /// Split by key when the model allows (on by default).
    pub split: bool,
}

/// A linearizability search that can run a little at a time.
pub struct Search {
    model: Model,
    ops: Vec<Op>,
    keys: Vec<Option<String>>,
    /// One search per key, run in turns (so a failing key is found early,
    /// as Porcupine's parallel search does); `None` once it linearized.
    parts: Vec<Option<Part>>,
    turn: usize,
    states: u64,
    budget: u64,
    done: Option<Outcome>,
}

/// Steps each key's search gets in its turn.
const TURN: u64 = 2048;

impl Search {
    pub fn new(history: &History, model: &Model, budget: u64) -> Search {
        Search::with(
            history,
            model,
            Options {
                budget,
                split: true,
            },
        )
    }

    pub fn with(history: &History, model: &Model, options: Options) -> Search {
        let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
        if options.split && model.by_key() {
            let mut index: HashMap<Option<String>, usize> = HashMap::new();
            for op in &history.ops {
                let slot = *index.entry(op.key.clone()).or_insert_with(|| {
                    groups.push((op.key.clone(), Vec::new()));
                    groups.len() - 1
                });
                groups[slot].1.push(op.id);
            }
        } else {
            groups.push((None, history.ops.iter().map(|op| op.id).collect()));
        }
        // A key-value history checked whole keeps every key in its state.
        let init = if model.by_key() && !options.split {
            model.init_keyed()
        } else {
            model.init()
        };
        Search {
            model: model.clone(),
            parts: groups
                .iter()
                .map(|(_, ids)| Some(Part::new(&history.ops, ids, model, init.clone())))
                .collect(),
            keys: groups.into_iter().map(|(k, _)| k).collect(),
            ops: history.ops.clone(),
            turn: 0,
            states: 0,
            budget: options.budget,
            done: None,
        }
    }

    /// States visited so far.
    pub fn states(&self) -> u64 {
        self.states
    }

    /// Runs at most `max_steps` steps of the search (a step tries one
    /// operation or takes one back), then reports.
    pub fn step(&mut self, max_steps: u64) -> Progress {
        let mut left = max_steps;
        while self.done.is_none() {
            let active: Vec<usize> = (0..self.parts.len())
                .filter(|&i| self.parts[i].as_ref().is_some_and(|p| !p.finished))
                .collect();
            if active.is_empty() {
                self.finish_ok();
                break;
            }
            if left == 0 {
                return Progress::Running {
                    states: self.states,
                };
            }
            let index = active
                .iter()
                .copied()
                .find(|&i| i >= self.turn)
                .unwrap_or(active[0]);
            self.turn = index + 1;
            let Some(part) = self.parts[index].as_mut() else {
                continue;
            };
            let slice = left.min(TURN);
            let (result, used, new_states) = part.run(
                &self.model,
                &self.ops,
                slice,
                self.budget - self.states.min(self.budget),
            );
            left = left.saturating_sub(used.max(1));
            self.states += new_states;
            match result {
                Run::Paused => {}
                Run::OutOfBudget => {
                    self.done = Some(Outcome {
                        verdict: Verdict::Unknown,
                        states: self.states,
                        order: Vec::new(),
                        failure: None,
                        summary: format!(
                            "Unknown: the budget was spent after {} states without deciding.",
                            self.states
                        ),
                    });
                }
                Run::Linearized => part.finished = true,
                Run::Stuck => {
                    if let Some(part) = self.parts[index].take() {
                        let key = self.keys[index].clone();
                        self.done = Some(self.failure(part, key));
                    }
                }
            }
        }
        match &self.done {
            Some(outcome) => Progress::Done(outcome.clone()),
            None => Progress::Running {
                states: self.states,
            },
        }
    }

    fn finish_ok(&mut self) {
        let order: Vec<Placed> = self
            .parts
            .iter()
            .flatten()
            .flat_map(|part| part.placed(&self.ops))
            .collect();
        self.done = Some(Outcome {
            verdict: Verdict::Linearizable,
            states: self.states,
            summary: format!(
                "Linearizable: each of the {} operations that took effect can be placed at one \
                 instant between its invocation and its completion, in an order the model accepts.",
                order.len()
            ),
            order,
            failure: None,
        });
    }

    fn failure(&self, part: Part, key: Option<String>) -> Outcome {
        let longest: Vec<usize> = part.best.iter().map(|&i| part.ids[i]).collect();
        let blocked = part.blocked.map_or(0, |i| part.ids[i]);
        let state = longest
            .iter()
            .try_fold(part.init.clone(), |s, &id| {
                match self.model.step(&s, &self.ops[id]) {
                    Step::Illegal => None,
                    Step::Same => Some(s),
                    Step::New(n) => Some(n),
                }
            })
            .unwrap_or_else(|| part.init.clone());
        let explanation =
            explain::not_linearizable(&self.model, &self.ops, &longest, blocked, &state);
        Outcome {
            verdict: Verdict::NotLinearizable,
            states: self.states,
            order: Vec::new(),
            summary: format!("Not linearizable. {explanation}"),
            failure: Some(Failure {
                key,
                state: self.model.describe_state(&state),
                longest,
                blocked,
                explanation,
            }),
        }
    }
}

enum Run {
    Paused,
    OutOfBudget,
    Linearized,
    Stuck,
}

const NONE: usize = usize::MAX;

/// The search over one key's operations.
struct Part {
    /// Global op ids; the local index of an operation is its place here.
    ids: Vec<usize>,
    /// Entries: 2 per operation. `op_of[e]` and whether `e` is a call.
    op_of: Vec<usize>,
    is_call: Vec<bool>,
    /// For a call entry, its completion's entry.
    partner: Vec<usize>,
    /// The list, with a head sentinel at index `2n`.
    next: Vec<usize>,
    prev: Vec<usize>,
    head: usize,
    linearized: Vec<u64>,
    /// Seen (linearized set, state): the set's words, then the state's id.
    seen: KeySet,
    key: Vec<u64>,
    states: Vec<State>,
    /// State ids by the state's hash (states with one hash, in a list).
    state_ids: HashMap<u64, Vec<u32>, FxBuild>,
    /// Linearized calls: (entry, state before it).
    stack: Vec<(usize, u32)>,
    state: u32,
    cursor: usize,
    best: Vec<usize>,
    blocked: Option<usize>,
    started: bool,
    finished: bool,
    /// The model's initial state (for the witness).
    init: State,
    /// The search's state is a combination: one value per slot (per key
    /// for a whole key-value history, else one slot), each interned in
    /// `states`; combinations are interned too, and `state` is one's id.
    slot_init: State,
    slot_of: Vec<u32>,
    slots: usize,
    combos: Vec<u32>,
    combo_ids: HashMap<u64, Vec<u32>, FxBuild>,
}

impl Part {
    fn new(ops: &[Op], ids: &[usize], model: &Model, init: State) -> Part {
        let n = ids.len();
        // A whole key-value history: one slot per key, each with its value.
        let keyed = matches!(init, State::List(_)) && model.by_key();
        let mut keys: Vec<Option<&String>> = Vec::new();
        let slot_of: Vec<u32> = ids
            .iter()
            .map(|&id| {
                let key = ops[id].key.as_ref();
                if !keyed {
                    return 0;
                }
                match keys.iter().position(|k| *k == key) {
                    Some(i) => i as u32,
                    None => {
                        keys.push(key);
                        keys.len() as u32 - 1
                    }
                }
            })
            .collect();
        let slots = keys.len().max(1);
        let slot_init = if keyed { model.init() } else { init.clone() };
        // (position, tie-break, entry)
        let mut order: Vec<(usize, usize, usize)> = Vec::with_capacity(2 * n);
        let mut op_of = vec![0; 2 * n];
        let mut is_call = vec![false; 2 * n];
        let mut partner = vec![NONE; 2 * n];
        for (local, &id) in ids.iter().enumerate() {
            let op = &ops[id];
            let (call, ret) = (2 * local, 2 * local + 1);
            op_of[call] = local;
            op_of[ret] = local;
            is_call[call] = true;
            partner[call] = ret;
            order.push((op.call, 0, call));
            order.push((op.ret.unwrap_or(usize::MAX), local, ret));
        }
        order.sort_unstable();
        let head = 2 * n;
        let mut next = vec![NONE; 2 * n + 1];
        let mut prev = vec![NONE; 2 * n + 1];
        let mut last = head;
        for &(_, _, e) in &order {
            next[last] = e;
            prev[e] = last;
            last = e;
        }
        Part {
            ids: ids.to_vec(),
            op_of,
            is_call,
            partner,
            next,
            prev,
            head,
            linearized: vec![0; n.div_ceil(64)],
            seen: KeySet::new(n.div_ceil(64) + 1),
            key: Vec::with_capacity(n.div_ceil(64) + 1),
            states: Vec::new(),
            state_ids: HashMap::default(),
            stack: Vec::new(),
            state: 0,
            cursor: NONE,
            best: Vec::new(),
            blocked: None,
            started: false,
            finished: false,
            init,
            slot_init,
            slot_of,
            slots,
            combos: Vec::new(),
            combo_ids: HashMap::default(),
        }
    }

    fn intern(&mut self, state: State) -> u32 {
        let ids = self
            .state_ids
            .entry(FxBuild::default().hash_one(&state))
            .or_default();
        if let Some(&id) = ids.iter().find(|&&id| self.states[id as usize] == state) {
            return id;
        }
        let id = self.states.len() as u32;
        self.states.push(state);
        ids.push(id);
        id
    }

    fn intern_combo(&mut self, combo: &[u32]) -> u32 {
        let ids = self
            .combo_ids
            .entry(FxBuild::default().hash_one(combo))
            .or_default();
        let k = self.slots;
        if let Some(&id) = ids
            .iter()
            .find(|&&id| self.combos[id as usize * k..(id as usize + 1) * k] == *combo)
        {
            return id;
        }
        let id = (self.combos.len() / k) as u32;
        self.combos.extend_from_slice(combo);
        ids.push(id);
        id
    }

    fn unlink(&mut self, e: usize) {
        let (p, n) = (self.prev[e], self.next[e]);
        self.next[p] = n;
        if n != NONE {
            self.prev[n] = p;
        }
    }

    fn relink(&mut self, e: usize) {
        let (p, n) = (self.prev[e], self.next[e]);
        self.next[p] = e;
        if n != NONE {
            self.prev[n] = e;
        }
    }

    /// Runs up to `max_steps` steps with at most `budget` new states.
    /// Returns how it stopped, steps used and new states.
    fn run(&mut self, model: &Model, ops: &[Op], max_steps: u64, budget: u64) -> (Run, u64, u64) {
        if !self.started {
            self.started = true;
            let value = self.intern(self.slot_init.clone());
            self.state = self.intern_combo(&vec![value; self.slots]);
            self.cursor = self.next[self.head];
        }
        let mut steps = 0;
        let mut new_states = 0;
        loop {
            if self.next[self.head] == NONE {
                self.best = self.stack.iter().map(|&(e, _)| self.op_of[e]).collect();
                return (Run::Linearized, steps, new_states);
            }
            if steps >= max_steps {
                return (Run::Paused, steps, new_states);
            }
            steps += 1;
            let e = self.cursor;
            if e == NONE {
                // Cannot happen: every call is followed by its completion.
                return (Run::Stuck, steps, new_states);
            }
            let local = self.op_of[e];
            if self.is_call[e] {
                let slot = self.slot_of[local] as usize;
                let at = self.state as usize * self.slots + slot;
                let value = self.combos[at];
                let id = match model.step_one(&self.states[value as usize], &ops[self.ids[local]]) {
                    Step::Illegal => None,
                    Step::Same => Some(self.state),
                    Step::New(after) => {
                        let new_value = self.intern(after);
                        if new_value == value {
                            Some(self.state)
                        } else {
                            let start = self.state as usize * self.slots;
                            let mut combo = self.combos[start..start + self.slots].to_vec();
                            combo[slot] = new_value;
                            Some(self.intern_combo(&combo))
                        }
                    }
                };
                if let Some(id) = id {
                    self.linearized[local / 64] |= 1 << (local % 64);
                    self.key.clear();
                    self.key.extend_from_slice(&self.linearized);
                    self.key.push(u64::from(id));
                    if self.seen.insert(&self.key) {
                        if new_states >= budget {
                            return (Run::OutOfBudget, steps, new_states);
                        }
                        new_states += 1;
                        self.stack.push((e, self.state));
                        self.state = id;
                        self.unlink(e);
                        self.unlink(self.partner[e]);
                        self.cursor = self.next[self.head];
                        continue;
                    }
                    self.linearized[local / 64] &= !(1 << (local % 64));
                }
                self.cursor = self.next[e];
            } else {
                // A completion before its operation was placed: back up.
                if self.stack.len() > self.best.len() || self.blocked.is_none() {
                    self.best = self.stack.iter().map(|&(c, _)| self.op_of[c]).collect();
                    self.blocked = Some(local);
                }
                let Some((call, state)) = self.stack.pop() else {
                    return (Run::Stuck, steps, new_states);
                };
                let undone = self.op_of[call];
                self.linearized[undone / 64] &= !(1 << (undone % 64));
                self.state = state;
                self.relink(self.partner[call]);
                self.relink(call);
                self.cursor = self.next[call];
            }
        }
    }

    /// The linearization found, with the event each operation follows.
    fn placed(&self, ops: &[Op]) -> Vec<Placed> {
        let mut point = 0;
        self.best
            .iter()
            .enumerate()
            .map(|(position, &local)| {
                let op = &ops[self.ids[local]];
                point = point.max(op.call);
                Placed {
                    op: op.id,
                    position,
                    after_event: point,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consistency::import::{read, Format};

    fn knossos(text: &str) -> History {
        read(text, Format::Knossos).unwrap()
    }

    #[test]
    fn a_stale_read_is_caught_and_explained() {
        let h = knossos(
            "[{:process 0 :type :invoke :f :write :value 1}
              {:process 0 :type :ok :f :write :value 1}
              {:process 1 :type :invoke :f :write :value 2}
              {:process 1 :type :ok :f :write :value 2}
              {:process 2 :type :invoke :f :read :value nil}
              {:process 2 :type :ok :f :read :value 1}]",
        );
        let model = Model::from_name("cas-register-0").unwrap();
        let out = check(&h, &model, 10_000);
        assert_eq!(out.verdict, Verdict::NotLinearizable);
        let failure = out.failure.unwrap();
        assert_eq!(failure.longest, vec![0, 1]);
        assert_eq!(failure.blocked, 2);
        assert!(
            failure.explanation.contains("P2's read"),
            "{}",
            failure.explanation
        );
    }

    #[test]
    fn concurrent_ops_linearize_with_points() {
        let h = knossos(
            "[{:process 0 :type :invoke :f :write :value 1}
              {:process 1 :type :invoke :f :read :value nil}
              {:process 1 :type :ok :f :read :value 1}
              {:process 0 :type :ok :f :write :value 1}]",
        );
        let model = Model::from_name("cas-register-0").unwrap();
        let out = check(&h, &model, 10_000);
        assert_eq!(out.verdict, Verdict::Linearizable);
        assert_eq!(
            out.order.iter().map(|p| p.op).collect::<Vec<_>>(),
            vec![0, 1]
        );
        assert_eq!(out.order[1].after_event, 1);
    }

    #[test]
    fn a_small_budget_says_unknown_and_chunks_resume() {
        let mut text = String::from("[");
        for p in 0..12 {
            text += &format!("{{:process {p} :type :invoke :f :write :value {p}}}\n");
        }
        for p in 0..12 {
            text += &format!("{{:process {p} :type :ok :f :write :value {p}}}\n");
        }
        text += "{:process 99 :type :invoke :f :read :value nil}{:process 99 :type :ok :f :read :value 77}]";
        let h = knossos(&text);
        let model = Model::from_name("cas-register-0").unwrap();
        let out = check(&h, &model, 50);
        assert_eq!(out.verdict, Verdict::Unknown);
        let mut search = Search::new(&h, &model, u64::MAX);
        let mut chunks = 0;
        let out = loop {
            chunks += 1;
            if let Progress::Done(out) = search.step(100) {
                break out;
            }
        };
        assert!(chunks > 10);
        assert_eq!(out.verdict, Verdict::NotLinearizable);
        assert_eq!(out, check(&h, &model, u64::MAX));
    }
}

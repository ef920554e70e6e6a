//! Sequential consistency: one order of all the operations that the model
//! accepts and that keeps each process's own order, whatever real time
//! says. A depth-first search over which process goes next, memoized on
//! (how far each process has got, state). An operation whose outcome is
//! unknown may also never take effect.

use super::fxhash::{FxBuild, KeySet};
use super::model::{Model, State, Step};
use super::verdict::{ModelVerdict, Status};
use super::{History, Op};
use std::collections::HashMap;

/// A search frame: the next choice to try (2 per lane: take, skip) and
/// the move that led here: (lane, the op placed or None if skipped, the
/// state before it).
type Frame = (usize, Option<(usize, Option<usize>, u32)>);

pub fn check(history: &History, model: &Model, budget: u64) -> ModelVerdict {
    let names = history.processes();
    let mut lanes: Vec<Vec<&Op>> = vec![Vec::new(); names.len()];
    for op in &history.ops {
        if let Some(p) = names.iter().position(|n| *n == op.process) {
            lanes[p].push(op);
        }
    }
    let width = lanes.len();
    let mut states: Vec<State> = vec![model.init()];
    let mut ids: HashMap<State, u32, FxBuild> = HashMap::default();
    ids.insert(model.init(), 0);
    // Seen (positions, state), end to end in one arena.
    let mut seen = KeySet::new(width + 1);
    let mut key: Vec<u64> = Vec::with_capacity(width + 1);
    let mut positions: Vec<u32> = vec![0; width];
    let mut state: u32 = 0;
    let mut stack: Vec<Frame> = vec![(0, None)];
    let mut best: (Vec<usize>, Vec<u32>, u32) = (Vec::new(), positions.clone(), 0);
    let mut visited = 0u64;
    let mut placed_count = 0;
    let placed = |stack: &[Frame]| -> Vec<usize> {
        stack
            .iter()
            .filter_map(|(_, m)| m.and_then(|(_, op, _)| op))
            .collect()
    };
    while let Some(&(choice, _)) = stack.last() {
        if positions
            .iter()
            .zip(&lanes)
            .all(|(&p, lane)| p as usize == lane.len())
        {
            let order = placed(&stack);
            return ModelVerdict {
                model: "sequential".into(),
                status: Status::Holds,
                explanation: format!(
                    "Sequentially consistent: the {} operations that took effect fit one order \
                     that keeps each process's own order.",
                    order.len()
                ),
                order,
            };
        }
        if choice >= 2 * width {
            // Every choice from here failed: undo the move that led here.
            if let Some((_, Some((lane, op, before)))) = stack.pop() {
                positions[lane] -= 1;
                state = before;
                placed_count -= usize::from(op.is_some());
            }
            continue;
        }
        if let Some(top) = stack.last_mut() {
            top.0 += 1;
        }
        let lane = choice / 2;
        let Some(op) = lanes[lane].get(positions[lane] as usize) else {
            continue;
        };
        let skip = choice % 2 == 1;
        if skip && op.ret.is_some() {
            continue;
        }
        let next_state = if skip {
            state
        } else {
            let current = &states[state as usize];
            match model.step(current, op) {
                Step::Illegal => continue,
                Step::Same => state,
                Step::New(s) => match ids.get(&s) {
                    Some(&id) => id,
                    None => {
                        let id = states.len() as u32;
                        ids.insert(s.clone(), id);
                        states.push(s);
                        id
                    }
                },
            }
        };
        positions[lane] += 1;
        key.clear();
        key.extend(positions.iter().map(|&p| u64::from(p)));
        key.push(u64::from(next_state));
        if !seen.insert(&key) {
            positions[lane] -= 1;
            continue;
        }
        visited += 1;
        if visited > budget {
            return ModelVerdict {
                model: "sequential".into(),
                status: Status::Unknown,
                explanation: format!(
                    "Unknown: the budget was spent after {visited} states without deciding."
                ),
                order: Vec::new(),
            };
        }
        stack.push((0, Some((lane, (!skip).then_some(op.id), state))));
        state = next_state;
        placed_count += usize::from(!skip);
        if placed_count > best.0.len() {
            best = (placed(&stack), positions.clone(), state);
        }
    }
    let (order, positions, state) = best;
    let state = &states[state as usize];
    let stuck: Vec<String> = lanes
        .iter()
        .zip(&positions)
        .filter_map(|(lane, &p)| lane.get(p as usize))
        .filter(|op| op.ret.is_some())
        .map(|op| model.describe(op))
        .collect();
    ModelVerdict {
        model: "sequential".into(),
        status: Status::Fails,
        explanation: format!(
            "Not sequentially consistent: the longest order that keeps each process's own order \
             places {} and leaves the state at {}; then no process can go on: {} \
             cannot take effect in that state, and no other order gets further.",
            match order.len() {
                1 => "one operation".to_string(),
                n => format!("{n} operations"),
            },
            model.describe_state(state),
            stuck.join(", ")
        ),
        order,
    }
}

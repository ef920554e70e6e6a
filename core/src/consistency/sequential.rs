//! Sequential consistency: one order of all the operations that the model
//! accepts and that keeps each process's own order, whatever real time
//! says. A depth-first search over which process goes next, memoized on
//! (how far each process has got, state). An operation whose outcome is
//! unknown may also never take effect.

use super::model::{Model, State};
use super::verdict::{ModelVerdict, Status};
use super::{History, Op};
use std::collections::{HashMap, HashSet};

pub fn check(history: &History, model: &Model, budget: u64) -> ModelVerdict {
    let names = history.processes();
    let mut lanes: Vec<Vec<&Op>> = vec![Vec::new(); names.len()];
    for op in &history.ops {
        if let Some(p) = names.iter().position(|n| *n == op.process) {
            lanes[p].push(op);
        }
    }
    let mut states: Vec<State> = vec![model.init()];
    let mut ids: HashMap<State, u32> = HashMap::from([(model.init(), 0)]);
    let mut seen: HashSet<(Vec<u32>, u32)> = HashSet::new();
    // A frame: positions, state, the next choice to try (2 per lane: take, skip).
    let mut stack: Vec<(Vec<u32>, u32, usize)> = vec![(vec![0; lanes.len()], 0, 0)];
    let mut path: Vec<Option<usize>> = Vec::new();
    let mut best: (usize, Vec<usize>, Vec<u32>, u32) = (0, Vec::new(), vec![0; lanes.len()], 0);
    let mut visited = 0u64;
    while let Some(frame) = stack.last_mut() {
        let (positions, state, choice) = (frame.0.clone(), frame.1, frame.2);
        if positions
            .iter()
            .zip(&lanes)
            .all(|(&p, lane)| p as usize == lane.len())
        {
            let order: Vec<usize> = path.iter().flatten().copied().collect();
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
        if choice >= 2 * lanes.len() {
            stack.pop();
            path.pop();
            continue;
        }
        frame.2 += 1;
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
            match model
                .step(&states[state as usize], op)
                .after(&states[state as usize])
            {
                Some(s) => match ids.get(&s) {
                    Some(&id) => id,
                    None => {
                        ids.insert(s.clone(), states.len() as u32);
                        states.push(s);
                        states.len() as u32 - 1
                    }
                },
                None => continue,
            }
        };
        let mut moved = positions;
        moved[lane] += 1;
        if !seen.insert((moved.clone(), next_state)) {
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
        path.push((!skip).then_some(op.id));
        let placed: Vec<usize> = path.iter().flatten().copied().collect();
        if placed.len() > best.0 {
            best = (placed.len(), placed, moved.clone(), next_state);
        }
        stack.push((moved, next_state, 0));
    }
    let (_, order, positions, state) = best;
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
             places {} operations and leaves the state at {}; then no process can go on: {} \
             cannot take effect in that state, and no other order gets further.",
            order.len(),
            model.describe_state(state),
            stuck.join(", ")
        ),
        order,
    }
}

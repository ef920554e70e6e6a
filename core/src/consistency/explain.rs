//! Plain-English witnesses for learners.

use super::model::{Model, State};
use super::{Op, OpValue};

/// Why `blocked` cannot be placed after the longest partial linearization.
pub fn not_linearizable(
    model: &Model,
    ops: &[Op],
    longest: &[usize],
    blocked: usize,
    state: &State,
) -> String {
    let Some(b) = ops.get(blocked) else {
        return "No order of the operations respects both real time and the model.".into();
    };
    let who = model.describe(b);
    let ret = match (b.ret, b.ret_time) {
        (None, _) => String::new(),
        (Some(_), Some(t)) => format!(" (at {t})"),
        (Some(_), None) => String::new(),
    };
    let read = matches!(b.f.as_str(), "read" | "get");
    if let Some(v) = b.result.as_ref().filter(|v| read && !model.unknown_read(v)) {
        if matches!(model, Model::Register { .. }) {
            let writers: Vec<&Op> = ops.iter().filter(|o| writes(o, v)).collect();
            if writers.is_empty() && *v != model.init() {
                return format!(
                    "Look at {who}: no operation ever wrote {v}, and the register started at {}.",
                    model.describe_state(&model.init())
                );
            }
            // A stale read: some write finished before the read began, and
            // after every write of the value read had finished.
            let stale = ops.iter().find(|x| {
                x.id != b.id
                    && x.is_ok()
                    && changes(x)
                    && x.precedes(b)
                    && !writes(x, v)
                    && writers.iter().all(|w| w.precedes(x))
            });
            if let Some(x) = stale {
                let origin = if writers.is_empty() {
                    format!("{v} was only the initial value")
                } else {
                    format!(
                        "every write of {v} ({}) had finished before it began",
                        list(model, &writers)
                    )
                };
                let after = if writers.is_empty() {
                    "before the read".to_string()
                } else {
                    format!("after the last write of {v}")
                };
                return format!(
                    "Look at {who}: {} finished before that read began, and {origin}. Every \
                     order that respects real time places {} {after}, so the read should have \
                     seen {} or a later value.",
                    model.describe(x),
                    x.process.clone() + "'s " + &x.f,
                    x.value_written().map_or("it".into(), |w| w.to_string()),
                );
            }
        }
    }
    let last = longest
        .last()
        .and_then(|&id| ops.get(id))
        .map(|op| format!(", the last being {}", model.describe(op)))
        .unwrap_or_default();
    let placed = match longest.len() {
        1 => "one operation".to_string(),
        n => format!("{n} operations"),
    };
    format!(
        "{who} cannot be placed: it must take effect before it completed{ret}, but the longest \
         valid order of the operations that can come first places {placed}{last} and leaves the \
         state at {}, and in no such order can it take effect.",
        model.describe_state(state)
    )
}

fn list(model: &Model, ops: &[&Op]) -> String {
    let names: Vec<String> = ops.iter().take(3).map(|o| model.describe(o)).collect();
    let more = if ops.len() > 3 {
        format!(" and {} more", ops.len() - 3)
    } else {
        String::new()
    };
    names.join(", ") + &more
}

/// Does `op` set the register to `v` (when it takes effect)?
fn writes(op: &Op, v: &OpValue) -> bool {
    op.value_written().as_ref() == Some(v)
}

/// Does `op` change the register when it succeeds?
fn changes(op: &Op) -> bool {
    op.value_written().is_some()
}

impl Op {
    /// The value a write, put or (successful) cas leaves in a register.
    pub fn value_written(&self) -> Option<OpValue> {
        match (self.f.as_str(), &self.value) {
            ("write" | "put", v) => Some(v.clone()),
            ("cas", OpValue::List(p)) if p.len() == 2 => Some(p[1].clone()),
            _ => None,
        }
    }
}

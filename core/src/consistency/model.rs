//! The sequential specifications a history is checked against, by the names
//! of /work/shared/data's `verdicts.csv`: a register with compare-and-set
//! (initially nil or 0), a key-value store of strings with append, and
//! registers updated by transactions.

use super::{History, Op, OpValue};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Model {
    /// One register: `read` (its value), `write v`, `cas [from to]`
    /// (succeeds iff the register holds `from`).
    Register { initial: OpValue },
    /// String keys, initially `""`: `get` returns the value, `put` sets it,
    /// `append` appends. Keys are independent.
    KvAppend,
    /// Registers (initially 0) changed by `txn` operations: a list of
    /// `[read k v]` / `[write k v]` applied atomically.
    MultiRegister,
}

/// A model's state: a register's value, a key's string, or the registers of
/// a `MultiRegister` as a list of `[name value]` pairs.
pub type State = OpValue;

/// What an operation does to a state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// It could not have returned what it did in this state.
    Illegal,
    /// It is accepted and leaves the state as it was.
    Same,
    /// It is accepted and makes this the state.
    New(State),
}

impl Step {
    /// The state after the step from `state`, if legal.
    pub fn after(self, state: &State) -> Option<State> {
        match self {
            Step::Illegal => None,
            Step::Same => Some(state.clone()),
            Step::New(s) => Some(s),
        }
    }
}

impl Model {
    pub const NAMES: [&'static str; 4] = [
        "cas-register-nil",
        "cas-register-0",
        "kv-string-append",
        "multi-register-0",
    ];

    pub fn from_name(name: &str) -> Option<Model> {
        Some(match name {
            "cas-register-nil" | "register" => Model::Register {
                initial: OpValue::Nil,
            },
            "cas-register-0" => Model::Register {
                initial: OpValue::Int(0),
            },
            "kv-string-append" => Model::KvAppend,
            "multi-register-0" => Model::MultiRegister,
            _ => return None,
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Model::Register {
                initial: OpValue::Nil,
            } => "cas-register-nil",
            Model::Register { .. } => "cas-register-0",
            Model::KvAppend => "kv-string-append",
            Model::MultiRegister => "multi-register-0",
        }
    }

    pub fn init(&self) -> State {
        match self {
            Model::Register { initial } => initial.clone(),
            Model::KvAppend => OpValue::Str(String::new()),
            Model::MultiRegister => OpValue::List(Vec::new()),
        }
    }

    /// May the history be split by key and each key checked alone?
    pub fn by_key(&self) -> bool {
        matches!(self, Model::KvAppend)
    }

    /// The operations this model knows.
    pub fn functions(&self) -> &'static [&'static str] {
        match self {
            Model::Register { .. } => &["read", "write", "cas"],
            Model::KvAppend => &["get", "put", "append"],
            Model::MultiRegister => &["txn"],
        }
    }

    /// Refuses a history with an operation the model does not know, or an
    /// argument of the wrong shape, naming it and its line.
    pub fn validate(&self, history: &History) -> Result<(), String> {
        for op in &history.ops {
            if !self.functions().contains(&op.f.as_str()) {
                return Err(format!(
                    "line {}: unknown operation type `{}` for the {} model (it knows {})",
                    op.line,
                    op.f,
                    self.name(),
                    self.functions().join(", ")
                ));
            }
            let shape_ok = match op.f.as_str() {
                "cas" => matches!(&op.value, OpValue::List(v) if v.len() == 2),
                "txn" => micro_ops(op.result.as_ref().unwrap_or(&op.value)).is_some(),
                _ => true,
            };
            if !shape_ok {
                return Err(format!(
                    "line {}: {} has an argument of the wrong shape: {}",
                    op.line, op.f, op.value
                ));
            }
        }
        Ok(())
    }

    /// The state of a key-value history checked whole (not split by key):
    /// a list of `[key value]` pairs, keys absent until first written.
    pub fn init_keyed(&self) -> State {
        OpValue::List(Vec::new())
    }

    /// Applies `op` to `state`.
    pub fn step(&self, state: &State, op: &Op) -> Step {
        if let (Model::KvAppend, OpValue::List(pairs)) = (self, state) {
            return self.step_keyed(pairs, op);
        }
        self.step_one(state, op)
    }

    /// A key-value step on the whole store: the op's key's own step.
    fn step_keyed(&self, pairs: &[OpValue], op: &Op) -> Step {
        let key = OpValue::Str(op.key.clone().unwrap_or_default());
        let at = pairs.iter().position(|p| first(p) == Some(&key));
        let current = at
            .and_then(|i| second(&pairs[i]))
            .cloned()
            .unwrap_or_else(|| self.init());
        match self.step_one(&current, op) {
            Step::New(value) => {
                let mut pairs = pairs.to_vec();
                let pair = OpValue::List(vec![key, value]);
                match at {
                    Some(i) => pairs[i] = pair,
                    None => pairs.push(pair),
                }
                Step::New(OpValue::List(pairs))
            }
            other => other,
        }
    }

    /// Applies `op` to one key's (or the register's) state.
    pub fn step_one(&self, state: &State, op: &Op) -> Step {
        let result = op.result.as_ref();
        match op.f.as_str() {
            "read" | "get" => match result {
                Some(v) if v != state && !self.unknown_read(v) => Step::Illegal,
                _ => Step::Same,
            },
            _ => match self.apply(state, op) {
                Some(s) if s == *state => Step::Same,
                Some(s) => Step::New(s),
                None => Step::Illegal,
            },
        }
    }

    /// Knossos's registers start at 0 and a read that returns nil there
    /// returned nothing known (as Knossos's model reads it).
    pub fn unknown_read(&self, value: &OpValue) -> bool {
        *value == OpValue::Nil
            && matches!(self, Model::Register { initial } if *initial != OpValue::Nil)
    }

    fn apply(&self, state: &State, op: &Op) -> Option<State> {
        let result = op.result.as_ref();
        match op.f.as_str() {
            "read" | "get" => match result {
                Some(v) if v != state => None,
                _ => Some(state.clone()),
            },
            "write" | "put" => Some(op.value.clone()),
            "append" => match (state, &op.value) {
                (OpValue::Str(s), OpValue::Str(tail)) => {
                    let mut joined = String::with_capacity(s.len() + tail.len());
                    joined.push_str(s);
                    joined.push_str(tail);
                    Some(OpValue::Str(joined))
                }
                (OpValue::Str(s), other) => Some(OpValue::Str(format!("{s}{other}"))),
                _ => None,
            },
            "cas" => {
                let OpValue::List(pair) = &op.value else {
                    return None;
                };
                let [from, to] = pair.as_slice() else {
                    return None;
                };
                match (state == from, result.is_some()) {
                    (true, _) => Some(to.clone()),
                    // An operation whose outcome is unknown may have failed its compare.
                    (false, false) => Some(state.clone()),
                    (false, true) => None,
                }
            }
            "txn" => {
                let micro = micro_ops(result.unwrap_or(&op.value))?;
                let OpValue::List(mut regs) = state.clone() else {
                    return None;
                };
                for (write, reg, value) in micro {
                    let at = regs.iter().position(|p| first(p) == Some(reg));
                    if write {
                        let pair = OpValue::List(vec![reg.clone(), value.clone()]);
                        match at {
                            Some(i) => regs[i] = pair,
                            None => {
                                regs.push(pair);
                                regs.sort_by_key(|p| format!("{p}"));
                            }
                        }
                    } else if result.is_some() {
                        let current = at
                            .and_then(|i| second(&regs[i]))
                            .cloned()
                            .unwrap_or(OpValue::Int(0));
                        if &current != value {
                            return None;
                        }
                    }
                }
                Some(OpValue::List(regs))
            }
            _ => None,
        }
    }

    /// An operation in words: "P2's read of 3", "P1's write of 4",
    /// "P3's cas from 1 to 2".
    pub fn describe(&self, op: &Op) -> String {
        let who = &op.process;
        let key = op
            .key
            .as_ref()
            .map(|k| format!(" on key {k:?}"))
            .unwrap_or_default();
        let pending = if op.ret.is_none() {
            " (never completed)"
        } else {
            ""
        };
        let body = match (op.f.as_str(), &op.result) {
            ("read" | "get", Some(v)) => format!("{} returning {}", op.f, v),
            ("read" | "get", None) => format!("{} (value unknown)", op.f),
            ("cas", _) => match &op.value {
                OpValue::List(p) if p.len() == 2 => format!("cas from {} to {}", p[0], p[1]),
                v => format!("cas {v}"),
            },
            ("txn", r) => format!("txn {}", r.as_ref().unwrap_or(&op.value)),
            (f, _) => format!("{f} of {}", op.value),
        };
        format!("{who}'s {body}{key}{pending}")
    }

    /// A state in words: "3", "nil", "\"x 0 0 y\"", "x=1 y=2".
    pub fn describe_state(&self, state: &State) -> String {
        match (self, state) {
            (Model::MultiRegister | Model::KvAppend, OpValue::List(regs)) => {
                if regs.is_empty() {
                    return match self {
                        Model::KvAppend => "every key empty".into(),
                        _ => "every register 0".into(),
                    };
                }
                regs.iter()
                    .map(|p| match (first(p), second(p)) {
                        (Some(OpValue::Str(k)), Some(v)) => format!("{k}={v}"),
                        _ => p.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            _ => state.to_string(),
        }
    }
}

fn first(pair: &OpValue) -> Option<&OpValue> {
    match pair {
        OpValue::List(v) => v.first(),
        _ => None,
    }
}

fn second(pair: &OpValue) -> Option<&OpValue> {
    match pair {
        OpValue::List(v) => v.get(1),
        _ => None,
    }
}

/// A transaction's micro-operations: (is a write, register, value).
fn micro_ops(value: &OpValue) -> Option<Vec<(bool, &OpValue, &OpValue)>> {
    let OpValue::List(items) = value else {
        return None;
    };
    items
        .iter()
        .map(|item| match item {
            OpValue::List(v) if v.len() == 3 => match &v[0] {
                OpValue::Str(f) if f == "read" => Some((false, &v[1], &v[2])),
                OpValue::Str(f) if f == "write" => Some((true, &v[1], &v[2])),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

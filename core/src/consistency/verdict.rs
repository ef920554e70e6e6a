//! One verdict per consistency model, and checking them all.

use super::model::Model;
use super::{linearizable, sequential, weak, History};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Holds,
    Fails,
    /// Not decided: the budget was spent, or the model does not apply to
    /// this history (the explanation says which).
    Unknown,
}

/// A model's verdict on a history, with its witness in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelVerdict {
    /// The model, by the consistency map's name ("linearizable", "PRAM").
    pub model: String,
    pub status: Status,
    pub explanation: String,
    /// For linearizable and sequential histories: an order of the
    /// operations that took effect (operation ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<usize>,
}

/// The models that can be checked, strongest first.
pub const CHECKABLE: [&str; 8] = [
    "linearizable",
    "sequential",
    "causal",
    "PRAM",
    "monotonic-reads",
    "monotonic-writes",
    "read-your-writes",
    "writes-follow-reads",
];

/// Checks one model by name; `budget` bounds the searches (states).
pub fn check_model(history: &History, model: &Model, name: &str, budget: u64) -> ModelVerdict {
    match name {
        "linearizable" => {
            let out = linearizable::check(history, model, budget);
            ModelVerdict {
                model: name.into(),
                status: match out.verdict {
                    linearizable::Verdict::Linearizable => Status::Holds,
                    linearizable::Verdict::NotLinearizable => Status::Fails,
                    linearizable::Verdict::Unknown => Status::Unknown,
                },
                explanation: out.summary,
                order: out.order.iter().map(|p| p.op).collect(),
            }
        }
        "sequential" => sequential::check(history, model, budget),
        _ => weak::check(history, model, name),
    }
}

/// Every checkable model's verdict. When the history is linearizable,
/// its linearization is also the sequential witness (no second search).
pub fn check_all(history: &History, model: &Model, budget: u64) -> Vec<ModelVerdict> {
    let linearizable = check_model(history, model, "linearizable", budget);
    let mut verdicts = vec![linearizable.clone()];
    for name in &CHECKABLE[1..] {
        if *name == "sequential" && linearizable.status == Status::Holds {
            verdicts.push(ModelVerdict {
                model: "sequential".into(),
                status: Status::Holds,
                explanation: "Sequentially consistent: the linearization keeps each process's \
                              own order too."
                    .into(),
                order: linearizable.order.clone(),
            });
            continue;
        }
        verdicts.push(check_model(history, model, name, budget));
    }
    verdicts
}

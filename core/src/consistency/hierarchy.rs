//! The map of consistency models (Jepsen's, from Elle): edges stronger →
//! weaker, read from `core/data/consistency_hierarchy.csv` (a copy of the
//! reference data, with its model names). Given verdicts per model, says
//! which models a history satisfies: a model holds if it was checked and
//! holds or a stronger one holds; it fails if it was checked and fails or
//! a weaker one fails.

use super::verdict::{ModelVerdict, Status};
use serde::Serialize;

const CSV: &str = include_str!("../../data/consistency_hierarchy.csv");

/// The edges (stronger, weaker) of the map.
pub fn edges() -> Vec<(&'static str, &'static str)> {
    CSV.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("stronger,"))
        .filter_map(|l| {
            let mut cols = l.split(',');
            Some((cols.next()?.trim(), cols.next()?.trim()))
        })
        .collect()
}

/// Every model of the map, strongest first (in the CSV's order).
pub fn models() -> Vec<&'static str> {
    let mut names: Vec<&str> = Vec::new();
    for (a, b) in edges() {
        for name in [a, b] {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Models implied by `model` (everything below it), not itself.
pub fn weaker(model: &str) -> Vec<&'static str> {
    reach(model, |(a, b)| (a, b))
}

/// Models that imply `model` (everything above it), not itself.
pub fn stronger(model: &str) -> Vec<&'static str> {
    reach(model, |(a, b)| (b, a))
}

fn reach(
    model: &str,
    dir: impl Fn((&'static str, &'static str)) -> (&'static str, &'static str),
) -> Vec<&'static str> {
    let edges: Vec<(&str, &str)> = edges().into_iter().map(dir).collect();
    let mut found: Vec<&'static str> = Vec::new();
    let mut frontier = vec![model.to_string()];
    while let Some(m) = frontier.pop() {
        for &(from, to) in &edges {
            if from == m && !found.contains(&to) {
                found.push(to);
                frontier.push(to.to_string());
            }
        }
    }
    found
}

/// A model's place on the map for one history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MapEntry {
    pub model: String,
    pub status: Status,
    /// Why: "checked", "implied by sequential", "since PRAM fails", or
    /// why it is unknown.
    pub because: String,
    /// True when the checked verdicts disagree with the map here (a
    /// checker's bug, or a model whose assumptions do not hold).
    pub conflict: bool,
}

/// Which models the history satisfies, given the verdicts checked.
pub fn map(verdicts: &[ModelVerdict]) -> Vec<MapEntry> {
    let checked = |name: &str| verdicts.iter().find(|v| v.model == name);
    models()
        .into_iter()
        .map(|name| {
            let holds_above = stronger(name)
                .into_iter()
                .find(|s| checked(s).is_some_and(|v| v.status == Status::Holds));
            let fails_below = weaker(name)
                .into_iter()
                .find(|w| checked(w).is_some_and(|v| v.status == Status::Fails));
            let own = checked(name);
            let conflict = holds_above.is_some() && fails_below.is_some()
                || own.is_some_and(|v| {
                    (v.status == Status::Fails && holds_above.is_some())
                        || (v.status == Status::Holds && fails_below.is_some())
                });
            let (status, because) = match (own.map(|v| v.status), holds_above, fails_below) {
                (Some(Status::Holds), _, _) => (Status::Holds, "checked".to_string()),
                (Some(Status::Fails), _, _) => (Status::Fails, "checked".to_string()),
                (_, Some(s), _) => (Status::Holds, format!("implied by {s}")),
                (_, None, Some(w)) => (Status::Fails, format!("since {w} fails")),
                (Some(Status::Unknown), None, None) => (
                    Status::Unknown,
                    own.map(|v| v.explanation.clone()).unwrap_or_default(),
                ),
                (None, None, None) => (Status::Unknown, "not checked".to_string()),
            };
            MapEntry {
                model: name.to_string(),
                status,
                because,
                conflict,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_has_the_csv_models() {
        let names = models();
        assert_eq!(names[0], "strict-serializable");
        for m in crate::consistency::verdict::CHECKABLE {
            assert!(names.contains(&m), "{m}");
        }
        assert!(weaker("sequential").contains(&"monotonic-writes"));
        assert!(stronger("PRAM").contains(&"strict-serializable"));
    }

    #[test]
    fn verdicts_propagate() {
        let v = |model: &str, status| ModelVerdict {
            model: model.into(),
            status,
            explanation: String::new(),
            order: Vec::new(),
        };
        let map = map(&[
            v("sequential", Status::Holds),
            v("linearizable", Status::Fails),
        ]);
        let get = |m: &str| map.iter().find(|e| e.model == m).unwrap();
        assert_eq!(get("PRAM").status, Status::Holds);
        assert_eq!(get("PRAM").because, "implied by sequential");
        assert_eq!(get("strict-serializable").status, Status::Fails);
        assert!(map.iter().all(|e| !e.conflict));
    }
}

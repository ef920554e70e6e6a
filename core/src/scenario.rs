//! The scenario file: everything needed to reproduce a run, byte for byte.
//! See docs/scenario-format.md.

use crate::lab::{self, LabInfo};
use crate::sim::{NetworkConfig, NodeId, Roster, Time, TimedAction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The version this build writes. It reads version 1 too: a version 1
/// file is a version 2 file without node kinds, `start_down` or inputs.
pub const VERSION: u32 = 2;
/// The most nodes of one kind.
pub const MAX_NODES: usize = 9;
/// The longest run a scenario may describe: a virtual day. This only bounds
/// the numbers; what a run may hold is bounded by memory (a lab page's
/// budget, `budget::MAX_EVENTS` for a file), which most runs reach first.
pub const MAX_DURATION_MS: Time = 24 * 3_600_000;
/// `MAX_DURATION_MS` in words, for messages.
pub const LONGEST_RUN: &str = "24 hours";

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub version: u32,
    pub lab: String,
    pub seed: u64,
    /// How many nodes of the lab's first kind (servers, for Raft).
    pub nodes: usize,
    /// Counts of the lab's other kinds, by kind ("client": 1); written
    /// inside `nodes` as `{"server": 3, "client": 1}`.
    pub other_nodes: BTreeMap<String, usize>,
    /// Nodes that start down, with nothing on disk.
    pub start_down: Vec<NodeId>,
    /// How long the recorded run lasts; the CLI replays this far.
    pub duration_ms: Time,
    /// Where the learner was when the file was saved: the UI reopens there.
    /// It does not change the run (nor its trace hash).
    pub at_ms: Option<Time>,
    pub network: NetworkConfig,
    /// The lab's own settings; each lab reads and checks its part.
    pub params: Value,
    pub actions: Vec<TimedAction>,
}

/// The place named by an error about the file as a whole (say, a missing field).
pub const TOP_LEVEL: &str = "top level";

/// A scenario problem, with where it is ("actions[3].node") and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub message: String,
}

impl ScenarioError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// The fields of the file as written; `Scenario::parse` checks the rest.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    /// Checked before decoding; a file is read as the current version.
    #[serde(rename = "version")]
    _version: u32,
    lab: String,
    #[serde(default)]
    seed: u64,
    /// A number (the lab's first kind) or counts by kind.
    #[serde(default)]
    nodes: Option<Value>,
    #[serde(default)]
    start_down: Vec<Value>,
    #[serde(default = "default_duration")]
    duration_ms: Time,
    #[serde(default)]
    at_ms: Option<Time>,
    #[serde(default)]
    network: NetworkConfig,
    #[serde(default)]
    params: Value,
    #[serde(default)]
    actions: Vec<Value>,
}

fn default_duration() -> Time {
    10_000
}

/// Deserializes `value`, turning serde's error into one with a path.
fn decode<T: for<'de> Deserialize<'de>>(value: Value, prefix: &str) -> Result<T, ScenarioError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let inner = err.path().to_string();
        let path = match (prefix, inner.as_str()) {
            ("", ".") => TOP_LEVEL.to_string(),
            (p, ".") => p.to_string(),
            ("", i) => i.to_string(),
            (p, i) if i.starts_with('[') => format!("{p}{i}"),
            (p, i) => format!("{p}.{i}"),
        };
        ScenarioError::new(path, plain(&err.into_inner().to_string()))
    })
}

/// serde's messages with the Rust-isms taken out.
fn plain(message: &str) -> String {
    message
        .replace('`', "\"")
        .replace("u64", "a whole number ≥ 0")
        .replace("usize", "a whole number ≥ 0")
        .replace("u32", "a whole number ≥ 0")
}

impl Scenario {
    /// A fresh scenario with the defaults and `nodes` of the lab's first kind.
    pub fn new(lab: &str, seed: u64, nodes: usize) -> Self {
        let other_nodes = lab::info(lab)
            .map(|info| {
                info.kinds
                    .iter()
                    .zip(info.default_nodes)
                    .skip(1)
                    .map(|(kind, n)| (kind.word.to_string(), *n))
                    .collect()
            })
            .unwrap_or_default();
        Scenario {
            version: VERSION,
            lab: lab.to_string(),
            seed,
            nodes,
            other_nodes,
            start_down: Vec::new(),
            duration_ms: default_duration(),
            at_ms: None,
            network: NetworkConfig::default(),
            params: Value::Object(Default::default()),
            actions: Vec::new(),
        }
    }

    /// Reads and checks a scenario file's text. Lab parameters are checked
    /// by the lab (see `lab::Lab::from_scenario`).
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let value: Value = serde_json::from_str(text).map_err(|err| {
            // The place is the line and column; serde's message repeats them.
            let message = err.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            ScenarioError::new(
                format!("line {}, column {}", err.line(), err.column()),
                format!("not valid JSON: {}", plain(message)),
            )
        })?;
        if !value.is_object() {
            return Err(ScenarioError::new(
                TOP_LEVEL,
                "a scenario is a JSON object { … }",
            ));
        }
        for (i, action) in value
            .get("actions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(at) = action
                .get("at_ms")
                .and_then(Value::as_u64)
                .filter(|&at| at > MAX_DURATION_MS)
            {
                return Err(ScenarioError::new(
                    format!("actions[{i}].at_ms"),
                    format!("{at} ms is after the end of the longest run ({MAX_DURATION_MS} ms)"),
                ));
            }
        }
        if let Some(version) = value.get("version").and_then(Value::as_u64) {
            if !(1..=VERSION as u64).contains(&version) {
                return Err(ScenarioError::new(
                    "version",
                    format!(
                        "this file is version {version}; this distviz reads versions 1 to {VERSION}"
                    ),
                ));
            }
        }
        let raw: RawScenario = decode(value, "")?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawScenario) -> Result<Scenario, ScenarioError> {
        let Some(info) = lab::info(&raw.lab) else {
            return Err(ScenarioError::new(
                "lab",
                format!(
                    "unknown lab \"{}\"; {}this distviz has {}",
                    raw.lab,
                    lab::nearest(&raw.lab)
                        .map(|l| format!("did you mean \"{}\"? ", l.id))
                        .unwrap_or_default(),
                    lab::ids().collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        if info.kinds.is_empty() {
            return Err(ScenarioError::new(
                "lab",
                format!(
                    "the {} lab reads histories, not scenarios: check one with `distviz check`",
                    info.id
                ),
            ));
        }
        let (nodes, other_nodes) = read_nodes(raw.nodes, info)?;
        if raw.duration_ms > MAX_DURATION_MS {
            return Err(ScenarioError::new(
                "duration_ms",
                format!(
                    "{} ms is longer than a run may last ({MAX_DURATION_MS} ms, {LONGEST_RUN})",
                    raw.duration_ms
                ),
            ));
        }
        if let Some(at) = raw.at_ms.filter(|&at| at > raw.duration_ms) {
            return Err(ScenarioError::new(
                "at_ms",
                format!(
                    "{at} ms is after the end of the run ({} ms, its duration_ms)",
                    raw.duration_ms
                ),
            ));
        }
        check_network(&raw.network)?;
        let mut scenario = Scenario {
            version: VERSION,
            lab: raw.lab,
            seed: raw.seed,
            nodes,
            other_nodes,
            start_down: Vec::new(),
            duration_ms: raw.duration_ms,
            at_ms: raw.at_ms,
            network: raw.network,
            params: raw.params,
            actions: Vec::with_capacity(raw.actions.len()),
        };
        let roster = scenario.roster();
        for (i, value) in raw.start_down.into_iter().enumerate() {
            let path = format!("start_down[{i}]");
            let id = value.as_str().and_then(NodeId::parse).ok_or_else(|| {
                ScenarioError::new(&path, format!("{value} is not a node name like \"S1\""))
            })?;
            roster
                .check(id)
                .map_err(|why| ScenarioError::new(&path, why))?;
            scenario.start_down.push(id);
        }
        for (i, value) in raw.actions.into_iter().enumerate() {
            scenario.actions.push(parse_action(value, i, &roster)?);
        }
        // Stable: actions at the same time keep the order they were written in.
        scenario.actions.sort_by_key(|a: &TimedAction| a.at_ms);
        Ok(scenario)
    }

    /// The nodes of this scenario's world, kind by kind.
    pub fn roster(&self) -> Roster {
        let Some(info) = lab::info(&self.lab) else {
            return Roster::servers(self.nodes);
        };
        Roster::new(info.kinds.iter().enumerate().map(|(i, kind)| {
            let count = if i == 0 {
                self.nodes
            } else {
                self.other_nodes.get(kind.word).copied().unwrap_or(0)
            };
            (*kind, count)
        }))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The scenario packed for a URL (lz-string, URI-safe alphabet).
    pub fn to_link_param(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        lz_str::compress_to_encoded_uri_component(&json)
    }

    /// Reads a scenario from a share link's parameter.
    pub fn from_link_param(param: &str) -> Result<Scenario, ScenarioError> {
        if param.trim().is_empty() {
            return Err(ScenarioError::new(
                "link",
                "this link's s= is empty: it carries no scenario (it may have been cut short when copied)",
            ));
        }
        let words = lz_str::decompress_from_encoded_uri_component(param).ok_or_else(|| {
            ScenarioError::new(
                "link",
                "the scenario in this link is damaged (it may have been cut short when copied)",
            )
        })?;
        let text = String::from_utf16(&words).map_err(|_| {
            ScenarioError::new("link", "the scenario in this link is not readable text")
        })?;
        Self::parse(&text).map_err(|err| ScenarioError {
            path: format!("link scenario {}", err.path).trim_end().to_string(),
            message: err.message,
        })
    }
}

/// `nodes`: a number (the lab's first kind) or counts by kind word.
fn read_nodes(
    value: Option<Value>,
    info: &LabInfo,
) -> Result<(usize, BTreeMap<String, usize>), ScenarioError> {
    let mut counts: Vec<usize> = info.default_nodes.to_vec();
    match value {
        None => {}
        Some(Value::Object(map)) => {
            for (word, count) in map {
                let path = format!("nodes.{word}");
                let Some(i) = info.kinds.iter().position(|k| k.word == word) else {
                    let words: Vec<&str> = info.kinds.iter().map(|k| k.word).collect();
                    return Err(ScenarioError::new(
                        path,
                        format!(
                            "this lab has no \"{word}\" nodes; its kinds are {}",
                            words.join(", ")
                        ),
                    ));
                };
                counts[i] = count_of(&count, &path)?;
            }
        }
        Some(other) => counts[0] = count_of(&other, "nodes")?,
    }
    let first = info.kinds[0];
    if counts[0] == 0 {
        return Err(ScenarioError::new(
            "nodes",
            format!(
                "a run needs at least one {}: choose 1 to {MAX_NODES}",
                first.word
            ),
        ));
    }
    let others = info
        .kinds
        .iter()
        .zip(&counts)
        .skip(1)
        .map(|(kind, n)| (kind.word.to_string(), *n))
        .collect();
    Ok((counts[0], others))
}

fn count_of(value: &Value, path: &str) -> Result<usize, ScenarioError> {
    match value.as_u64() {
        Some(n) if n as usize <= MAX_NODES => Ok(n as usize),
        _ => Err(ScenarioError::new(
            path,
            format!("{value} nodes is out of range: choose 1 to {MAX_NODES}"),
        )),
    }
}

/// The file as written: `nodes` is a number when the lab has one kind of
/// node, and counts by kind when it has more.
impl Serialize for Scenario {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Written<'a> {
            version: u32,
            lab: &'a str,
            seed: u64,
            nodes: Value,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            start_down: &'a [NodeId],
            duration_ms: Time,
            #[serde(skip_serializing_if = "Option::is_none")]
            at_ms: Option<Time>,
            network: &'a NetworkConfig,
            params: &'a Value,
            actions: &'a [TimedAction],
        }
        let nodes = if self.other_nodes.is_empty() {
            Value::from(self.nodes)
        } else {
            let first = lab::info(&self.lab).map_or("server", |info| info.kinds[0].word);
            let mut counts = serde_json::Map::new();
            counts.insert(first.to_string(), Value::from(self.nodes));
            for (word, n) in &self.other_nodes {
                counts.insert(word.clone(), Value::from(*n));
            }
            Value::Object(counts)
        };
        Written {
            version: self.version,
            lab: &self.lab,
            seed: self.seed,
            nodes,
            start_down: &self.start_down,
            duration_ms: self.duration_ms,
            at_ms: self.at_ms,
            network: &self.network,
            params: &self.params,
            actions: &self.actions,
        }
        .serialize(s)
    }
}

fn check_network(net: &NetworkConfig) -> Result<(), ScenarioError> {
    check_latency(net.latency_ms, "network.latency_ms")?;
    check_probability(net.drop, "network.drop")?;
    check_probability(net.duplicate, "network.duplicate")
}

fn check_latency([lo, hi]: [u64; 2], path: &str) -> Result<(), ScenarioError> {
    if lo > hi {
        return Err(ScenarioError::new(
            path,
            format!("the smallest latency ({lo}) is larger than the largest ({hi})"),
        ));
    }
    if hi > 60_000 {
        return Err(ScenarioError::new(
            path,
            format!("{hi} ms is more than the 60000 ms this lab allows"),
        ));
    }
    Ok(())
}

fn check_probability(p: f64, path: &str) -> Result<(), ScenarioError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(ScenarioError::new(
            path,
            format!("{p} is not a probability between 0 and 1"),
        ))
    }
}

fn parse_action(mut value: Value, i: usize, roster: &Roster) -> Result<TimedAction, ScenarioError> {
    let path = format!("actions[{i}]");
    let Some(object) = value.as_object_mut() else {
        return Err(ScenarioError::new(
            path,
            "an action is an object like {\"at_ms\": 100, \"do\": \"crash\", \"node\": \"S1\"}",
        ));
    };
    let at = object
        .remove("at_ms")
        .ok_or_else(|| ScenarioError::new(&path, "missing \"at_ms\", the time of the action"))?;
    let at_ms = at.as_u64().ok_or_else(|| {
        ScenarioError::new(
            format!("{path}.at_ms"),
            format!("{at} is not a time in whole milliseconds ≥ 0"),
        )
    })?;
    if !object.contains_key("do") {
        return Err(ScenarioError::new(
            &path,
            "missing \"do\", what the action does (crash, restart, partition, …)",
        ));
    }
    // Node names are checked here: serde loses the field's path inside a tagged enum.
    for field in ["node", "from", "to"] {
        if let Some(name) = object.get(field) {
            if name.as_str().and_then(NodeId::parse).is_none() {
                return Err(ScenarioError::new(
                    format!("{path}.{field}"),
                    format!("{name} is not a node name like \"S1\""),
                ));
            }
        }
    }
    let action: crate::sim::Action = decode(value, &path)?;
    action
        .check_nodes(roster)
        .map_err(|(field, why)| ScenarioError::new(format!("{path}.{field}"), why))?;
    check_settings(&action, &path)?;
    Ok(TimedAction { at_ms, action })
}

/// A link action's own latency and fault settings must make sense.
fn check_settings(action: &crate::sim::Action, path: &str) -> Result<(), ScenarioError> {
    if let crate::sim::Action::Link {
        latency_ms,
        drop,
        duplicate,
        ..
    } = action
    {
        if let Some(range) = latency_ms {
            check_latency(*range, &format!("{path}.latency_ms"))?;
        }
        for (name, p) in [("drop", drop), ("duplicate", duplicate)] {
            if let Some(p) = p {
                check_probability(*p, &format!("{path}.{name}"))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Action;

    fn error_of(text: &str) -> String {
        Scenario::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn a_full_scenario_round_trips_through_json_and_links() {
        let text = r#"{"version":1,"lab":"raft-election","seed":7,"nodes":3,"duration_ms":5000,
            "network":{"latency_ms":[10,20],"drop":0.1,"duplicate":0.0},
            "actions":[{"at_ms":900,"do":"heal"},
                       {"at_ms":100,"do":"crash","node":"S2"},
                       {"at_ms":300,"do":"partition","groups":[["S1"],["S2","S3"]]},
                       {"at_ms":400,"do":"link","from":"S1","to":"S3","state":"hold"}]}"#;
        let scenario = Scenario::parse(text).unwrap();
        assert_eq!(scenario.actions[0].at_ms, 100, "actions are sorted by time");
        assert_eq!(
            scenario.actions[0].action,
            Action::Crash {
                node: NodeId::server(1)
            }
        );
        assert_eq!(Scenario::parse(&scenario.to_json()).unwrap(), scenario);
        assert_eq!(
            Scenario::from_link_param(&scenario.to_link_param()).unwrap(),
            scenario
        );
    }

    #[test]
    fn bad_input_names_the_place() {
        let base = r#""version":1,"lab":"raft-election","nodes":5"#;
        assert_eq!(
            error_of(&format!(
                r#"{{{base},"actions":[{{"at_ms":1,"do":"heal"}},{{"at_ms":2,"do":"heal"}},{{"at_ms":3,"do":"heal"}},{{"at_ms":4,"do":"crash","node":"S7"}}]}}"#
            )),
            "actions[3].node: node S7 does not exist in a 5-node cluster (S1…S5)"
        );
        assert!(error_of(&format!(
            r#"{{{base},"actions":[{{"at_ms":1,"do":"crsh","node":"S1"}}]}}"#
        ))
        .starts_with("actions[0].do: unknown variant \"crsh\""));
        assert!(error_of(&format!(
            r#"{{{base},"actions":[{{"at_ms":-5,"do":"heal"}}]}}"#
        ))
        .starts_with("actions[0].at_ms: -5 is not a time"));
        assert!(error_of(&format!(
            r#"{{{base},"actions":[{{"at_ms":1,"do":"crash","node":"banana"}}]}}"#
        ))
        .starts_with("actions[0].node: \"banana\" is not a node name"));
        assert!(error_of(&format!(r#"{{{base},"network":{{"drop":2}}}}"#))
            .starts_with("network.drop: 2 is not a probability"));
        assert!(error_of(r#"{"version":3,"lab":"raft-election"}"#)
            .starts_with("version: this file is version 3"));
        assert!(error_of(r#"{"version":1,"lab":"pax"}"#).starts_with("lab: unknown lab \"pax\""));
        assert!(
            error_of(r#"{"version":1,"lab":"raft-election","nodes":12}"#)
                .starts_with("nodes: 12 nodes is out of range")
        );
        assert!(
            error_of(r#"{"version":1,"lab":"raft-election","colour":1}"#)
                .contains("unknown field \"colour\"")
        );
        assert_eq!(
            error_of("{\"version\":1,"),
            "line 1, column 13: not valid JSON: EOF while parsing a value"
        );
        assert!(error_of("[1,2]").starts_with("top level: a scenario is a JSON object"));
        assert_eq!(
            error_of(r#"{"lab":"raft-election"}"#),
            "top level: missing field \"version\""
        );
        assert!(
            error_of(r#"{"version":1,"lab":"raft-election","duration_ms":500,"at_ms":900}"#)
                .starts_with("at_ms: 900 ms is after the end of the run (500 ms")
        );
        assert!(
            error_of(r#"{"version":1,"lab":"raft-election","duration_ms":99999999}"#)
                .starts_with("duration_ms: 99999999 ms is longer than a run may last")
        );
        assert!(error_of(&format!(r#"{{{base},"actions":[{{"at_ms":1,"do":"link","from":"S1","to":"S2","state":"up","drop":1.5}}]}}"#))
            .starts_with("actions[0].drop: 1.5 is not a probability"));
        assert!(error_of(&format!(r#"{{{base},"actions":[{{"at_ms":1,"do":"link","from":"S1","to":"S2","state":"up","latency_ms":[9,3]}}]}}"#))
            .starts_with("actions[0].latency_ms: the smallest latency (9)"));
        assert!(error_of(&format!(
            r#"{{{base},"actions":[{{"at_ms":1,"do":"partition","groups":[["S1"],["S1","S2"]]}}]}}"#
        ))
        .starts_with("actions[0].groups[1][0]: S1 is in two groups"));
    }

    #[test]
    fn a_damaged_link_says_so() {
        let err = Scenario::from_link_param("%%%not-a-link").unwrap_err();
        assert_eq!(err.path, "link");
        // An empty s= says it is empty, not what a parser met at its end.
        let err = Scenario::from_link_param("").unwrap_err();
        assert_eq!(err.path, "link");
        assert!(err.message.contains("empty"), "{}", err.message);
    }
}

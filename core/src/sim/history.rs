//! Client operations and the history read from a trace. See
//! docs/history-format.md: the register lab and the consistency checkers
//! share this format.

use super::{NodeId, Time, TraceEvent, TraceRecord};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An operation's argument or result: nothing, a number, a string, or a
/// list of these (a compare-and-set's `[old, new]`, a list read).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(untagged)]
pub enum OpValue {
    #[default]
    Nil,
    Int(i64),
    Str(String),
    List(Vec<OpValue>),
}

impl fmt::Display for OpValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpValue::Nil => write!(f, "nil"),
            OpValue::Int(n) => write!(f, "{n}"),
            OpValue::Str(s) => write!(f, "{s:?}"),
            OpValue::List(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{item}")?;
                }
                write!(f, "]")
            }
        }
    }
}

/// How an operation ended (Jepsen's vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpResult {
    /// It happened, with this result.
    Ok,
    /// It certainly did not happen.
    Fail,
    /// Unknown: it may or may not have happened (a timeout).
    Info,
}

/// One line of a history: an invocation or a completion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// Its position in the history (0-based).
    pub index: usize,
    /// "invoke", "ok", "fail" or "info".
    #[serde(rename = "type")]
    pub kind: HistoryKind,
    /// The client that ran it ("C1").
    pub process: NodeId,
    /// The operation's id, shared by its invoke and its completion.
    pub op: u64,
    /// The function: "read", "write", "increment", …
    pub f: String,
    pub value: OpValue,
    /// Virtual time in ms.
    pub time: Time,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    Invoke,
    Ok,
    Fail,
    Info,
}

impl From<OpResult> for HistoryKind {
    fn from(result: OpResult) -> Self {
        match result {
            OpResult::Ok => HistoryKind::Ok,
            OpResult::Fail => HistoryKind::Fail,
            OpResult::Info => HistoryKind::Info,
        }
    }
}

/// The client operations of a trace, in order. A completion carries its
/// invocation's `f`; an operation never completed stays open (as Jepsen
/// treats an invoke without a completion).
pub fn history<M, T, I, N, S>(records: &[TraceRecord<M, T, I, N, S>]) -> Vec<HistoryEvent> {
    let mut events: Vec<HistoryEvent> = Vec::new();
    for record in records {
        match &record.event {
            TraceEvent::Invoke {
                process,
                op,
                f,
                value,
            } => events.push(HistoryEvent {
                index: events.len(),
                kind: HistoryKind::Invoke,
                process: *process,
                op: *op,
                f: f.clone(),
                value: value.clone(),
                time: record.at,
            }),
            TraceEvent::Complete {
                process,
                op,
                result,
                value,
            } => {
                let f = events
                    .iter()
                    .rev()
                    .find(|e| e.op == *op && e.kind == HistoryKind::Invoke)
                    .map(|e| e.f.clone())
                    .unwrap_or_default();
                events.push(HistoryEvent {
                    index: events.len(),
                    kind: (*result).into(),
                    process: *process,
                    op: *op,
                    f,
                    value: value.clone(),
                    time: record.at,
                });
            }
            _ => {}
        }
    }
    events
}

/// A history as JSON lines, one event a line (docs/history-format.md).
pub fn to_json_lines(events: &[HistoryEvent]) -> String {
    events
        .iter()
        .filter_map(|e| serde_json::to_string(e).ok())
        .map(|line| line + "\n")
        .collect()
}

/// Reads JSON lines back; an error names the line (1-based).
pub fn from_json_lines(text: &str) -> Result<Vec<HistoryEvent>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| serde_json::from_str(line).map_err(|err| format!("line {}: {err}", i + 1)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Record = TraceRecord<(), (), (), (), ()>;

    #[test]
    fn a_trace_gives_its_operations_in_order() {
        let c1 = NodeId::client(0);
        let records: Vec<Record> = vec![
            TraceRecord {
                at: 5,
                event: TraceEvent::Invoke {
                    process: c1,
                    op: 0,
                    f: "write".into(),
                    value: OpValue::Int(3),
                },
            },
            TraceRecord {
                at: 9,
                event: TraceEvent::Heal,
            },
            TraceRecord {
                at: 40,
                event: TraceEvent::Complete {
                    process: c1,
                    op: 0,
                    result: OpResult::Info,
                    value: OpValue::Nil,
                },
            },
        ];
        let events = history(&records);
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].kind, HistoryKind::Info);
        assert_eq!(events[1].f, "write");
        assert_eq!(events[1].time, 40);
        let text = to_json_lines(&events);
        assert_eq!(
            text.lines().next().unwrap(),
            r#"{"index":0,"type":"invoke","process":"C1","op":0,"f":"write","value":3,"time":5}"#
        );
        assert_eq!(from_json_lines(&text).unwrap(), events);
        assert!(from_json_lines("{\"index\":0}\nnot json")
            .unwrap_err()
            .starts_with("line 1:"));
    }
}

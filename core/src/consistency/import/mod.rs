//! Reading histories: Jepsen's etcd logs, Porcupine's key-value files (one
//! EDN map a line), Knossos's EDN histories, and ours (JSON lines,
//! docs/history-format.md). An error names the line and never panics.

pub mod distviz;
pub mod edn;
pub mod etcd;
pub mod knossos;
pub mod porcupine_kv;

pub use super::History;
use super::{Op, OpValue};
use std::collections::HashMap;
use std::fmt;

/// The formats `read` understands, by their CLI names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Etcd,
    PorcupineKv,
    Knossos,
    Distviz,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["etcd", "porcupine-kv", "knossos", "distviz"];

    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "etcd" => Format::Etcd,
            "porcupine-kv" => Format::PorcupineKv,
            "knossos" => Format::Knossos,
            "distviz" => Format::Distviz,
            _ => return None,
        })
    }

    /// The model a history of this format is usually checked against.
    pub fn default_model(self) -> &'static str {
        match self {
            Format::Etcd => "cas-register-nil",
            Format::PorcupineKv => "kv-string-append",
            Format::Knossos => "cas-register-0",
            Format::Distviz => "cas-register-nil",
        }
    }
}

/// Why a history could not be read: the line and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ImportError {}

pub(crate) fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ImportError> {
    Err(ImportError {
        line,
        message: message.into(),
    })
}

/// Reads a history in the given format.
pub fn read(text: &str, format: Format) -> Result<History, ImportError> {
    match format {
        Format::Etcd => etcd::read(text),
        Format::PorcupineKv => porcupine_kv::read(text),
        Format::Knossos => knossos::read(text),
        Format::Distviz => distviz::read(text),
    }
}

/// How an event ends its operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    Ok,
    Fail,
    Info,
}

/// One event as an importer reads it.
pub(crate) struct Event {
    pub line: usize,
    pub process: String,
    /// `None` for an invocation.
    pub end: Option<End>,
    pub f: String,
    pub key: Option<String>,
    pub value: OpValue,
    pub time: Option<u64>,
}

/// Pairs invocations with completions, process by process (a process runs
/// one operation at a time, as in Jepsen). `fail_keeps` says which failed
/// operations are kept as completed with an unknown result instead of
/// being left out (the etcd logs' timed-out reads).
pub(crate) fn build(
    events: impl IntoIterator<Item = Event>,
    fail_keeps: impl Fn(&str) -> bool,
) -> Result<History, ImportError> {
    let mut history = History::default();
    let mut open: HashMap<String, usize> = HashMap::new();
    let mut slots: Vec<Option<Op>> = Vec::new();
    for event in events {
        let position = history.events;
        history.events += 1;
        match event.end {
            None => {
                if let Some(&slot) = open.get(&event.process) {
                    let earlier = slots[slot].as_ref().map_or(0, |op| op.line);
                    return err(
                        event.line,
                        format!(
                            "{} invokes an operation while its operation from line {earlier} is still open",
                            event.process
                        ),
                    );
                }
                open.insert(event.process.clone(), slots.len());
                slots.push(Some(Op {
                    id: 0,
                    process: event.process,
                    f: event.f,
                    key: event.key,
                    value: event.value,
                    result: None,
                    call: position,
                    ret: None,
                    call_time: event.time,
                    ret_time: None,
                    line: event.line,
                }));
            }
            Some(end) => {
                let Some(slot) = open.remove(&event.process) else {
                    return err(
                        event.line,
                        format!("{} completes an operation it never invoked", event.process),
                    );
                };
                let Some(op) = slots[slot].as_mut() else {
                    continue;
                };
                if op.f != event.f {
                    return err(
                        event.line,
                        format!(
                            "{} completes :{} but invoked :{} (line {})",
                            event.process, event.f, op.f, op.line
                        ),
                    );
                }
                match end {
                    End::Ok => {
                        op.ret = Some(position);
                        op.ret_time = event.time;
                        op.result = Some(event.value);
                    }
                    End::Fail if fail_keeps(&op.f) => {
                        op.ret = Some(position);
                        op.ret_time = event.time;
                    }
                    End::Fail => {
                        slots[slot] = None;
                        history.failed += 1;
                    }
                    End::Info => {}
                }
            }
        }
    }
    history.ops = slots.into_iter().flatten().collect();
    for (i, op) in history.ops.iter_mut().enumerate() {
        op.id = i;
    }
    Ok(history)
}

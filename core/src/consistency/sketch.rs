//! A register history as the learner edits it: operations of processes
//! P1…P9 with start and end times, written one a line
//! (`P1 write 1 0-10`, `P2 read 1 5-15`, `P3 cas 1 2 12-?`). The same text
//! is the share link's `h=` (with `;` between operations and `_` for
//! spaces), so a history travels in a URL and reads back the same.
//! It becomes a checker's `History` through our history format. The
//! consistency lab edits histories in this form, and the examples are
//! written in it.

use super::import::distviz::from_events;
use super::{History, OpValue};
use crate::sim::history::{HistoryEvent, HistoryKind};
use crate::sim::NodeId;

/// The most processes and operations a sketch may have (a link is
/// untrusted; bigger histories are imported, drawn and checked, not edited).
pub const MAX_PROCESSES: u8 = 9;
pub const MAX_OPS: usize = 60;
/// Times are whole milliseconds up to this.
pub const MAX_TIME: u64 = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// Reads the register: the value it returned.
    Read(Value),
    Write(Value),
    /// Compare-and-set: if the register holds the first, make it the second.
    Cas(Value, Value),
}

/// A register value: a whole number, or nothing (`nil`, the initial value
/// of a register that starts empty).
pub type Value = Option<i64>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SketchOp {
    /// 1-based: P1 is 1.
    pub process: u8,
    pub func: Func,
    pub start: u64,
    /// `None`: it never returned (a timeout): it may have taken effect at
    /// any time after its start, or never.
    pub end: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sketch {
    pub ops: Vec<SketchOp>,
}

/// A value as the text form writes it: a number or `nil`.
pub fn value_text(v: Value) -> String {
    v.map_or_else(|| "nil".to_string(), |n| n.to_string())
}

impl SketchOp {
    /// "P1 write 1 0-10"
    pub fn line(&self) -> String {
        let what = match self.func {
            Func::Read(v) => format!("read {}", value_text(v)),
            Func::Write(v) => format!("write {}", value_text(v)),
            Func::Cas(a, b) => format!("cas {} {}", value_text(a), value_text(b)),
        };
        let end = self.end.map_or_else(|| "?".to_string(), |e| e.to_string());
        format!("P{} {what} {}-{end}", self.process, self.start)
    }

    /// Short words for its bar: "w 1", "r 1", "cas 1→2".
    pub fn label(&self) -> String {
        match self.func {
            // A read that never returned tells nothing of what it read.
            Func::Read(_) if self.end.is_none() => "r ?".to_string(),
            Func::Read(v) => format!("r {}", value_text(v)),
            Func::Write(v) => format!("w {}", value_text(v)),
            Func::Cas(a, b) => format!("cas {}→{}", value_text(a), value_text(b)),
        }
    }

    /// Words for a screen reader and the inspector.
    pub fn words(&self) -> String {
        let what = match self.func {
            Func::Read(_) if self.end.is_none() => "reads".to_string(),
            Func::Read(v) => format!("reads {}", value_text(v)),
            Func::Write(v) => format!("writes {}", value_text(v)),
            Func::Cas(a, b) => format!("compare-and-sets {} to {}", value_text(a), value_text(b)),
        };
        match self.end {
            Some(end) => format!("P{} {what}, from {} to {end} ms", self.process, self.start),
            None => format!(
                "P{} {what}, from {} ms, and never returns",
                self.process, self.start
            ),
        }
    }
}

impl Sketch {
    pub fn to_text(&self) -> String {
        self.ops
            .iter()
            .map(SketchOp::line)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The share link's form: `;` between operations, `_` for spaces.
    pub fn to_link(&self) -> String {
        self.ops
            .iter()
            .map(|op| op.line().replace(' ', "_"))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Reads the text or link form. An error names the operation (from 1)
    /// and what is wrong with it.
    pub fn parse(text: &str) -> Result<Sketch, String> {
        let lines: Vec<&str> = text
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        if lines.len() > MAX_OPS {
            return Err(format!(
                "{} operations is more than a sketch may have ({MAX_OPS}); import a bigger history as a file",
                lines.len()
            ));
        }
        let ops = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                parse_op(line).map_err(|e| format!("operation {} (“{line}”): {e}", i + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Sketch { ops })
    }

    /// The processes drawn: P1 up to the highest used (at least 2).
    pub fn process_count(&self) -> u8 {
        self.ops
            .iter()
            .map(|op| op.process)
            .max()
            .unwrap_or(0)
            .max(2)
    }

    /// The latest start or end.
    pub fn last_time(&self) -> u64 {
        self.ops
            .iter()
            .map(|op| op.end.unwrap_or(op.start))
            .max()
            .unwrap_or(0)
    }

    /// Whether a process has two operations at once (a process runs one
    /// at a time): the first such pair, as operation indices.
    pub fn overlap(&self) -> Option<(usize, usize)> {
        for (i, a) in self.ops.iter().enumerate() {
            for (j, b) in self.ops.iter().enumerate().skip(i + 1) {
                if a.process != b.process {
                    continue;
                }
                // Touching is one after the other (see `events`), not at once.
                let a_end = a.end.unwrap_or(u64::MAX);
                let b_end = b.end.unwrap_or(u64::MAX);
                if a.start < b_end && b.start < a_end {
                    return Some((i, j));
                }
            }
        }
        None
    }

    /// The events in time order, as our history format has them: a
    /// completion at the same moment as an invocation comes first (the
    /// two operations touch, one after the other). Each event keeps its
    /// operation's index.
    pub fn events(&self) -> Vec<(usize, HistoryEvent)> {
        let mut events: Vec<(u64, u8, usize, HistoryEvent)> = Vec::new();
        for (i, op) in self.ops.iter().enumerate() {
            let process = NodeId::new(b'P', op.process.saturating_sub(1));
            let (f, arg, result) = match op.func {
                Func::Read(v) => ("read", OpValue::Nil, register(v)),
                Func::Write(v) => ("write", register(v), register(v)),
                Func::Cas(a, b) => {
                    let pair = OpValue::List(vec![register(a), register(b)]);
                    ("cas", pair.clone(), pair)
                }
            };
            let event = |kind, value, time| HistoryEvent {
                index: 0,
                kind,
                process,
                op: i as u64 + 1,
                f: f.to_string(),
                value,
                time,
            };
            events.push((op.start, 1, i, event(HistoryKind::Invoke, arg, op.start)));
            if let Some(end) = op.end {
                events.push((end, 0, i, event(HistoryKind::Ok, result, end)));
            }
        }
        events.sort_by_key(|(time, order, i, _)| (*time, *order, *i));
        events
            .into_iter()
            .enumerate()
            .map(|(index, (_, _, i, mut e))| {
                e.index = index;
                (i, e)
            })
            .collect()
    }

    /// The history the checkers read; operation `i` of the sketch is
    /// operation `i` of the history.
    pub fn history(&self) -> Result<History, String> {
        // Lines name operations from 1, as `parse` does.
        let events: Vec<(usize, HistoryEvent)> =
            self.events().into_iter().map(|(i, e)| (i + 1, e)).collect();
        let mut history = from_events(&events).map_err(|e| e.to_string())?;
        // Ours come back in order of invocation; put them in sketch order.
        history.ops.sort_by_key(|op| op.line);
        for (i, op) in history.ops.iter_mut().enumerate() {
            op.id = i;
        }
        Ok(history)
    }

    /// A sketch of a register history, if it is one that fits: reads,
    /// writes and compare-and-sets of whole numbers, at most nine processes
    /// and `MAX_OPS` operations. Without times, event positions stand in.
    pub fn from_history(history: &History) -> Option<Sketch> {
        if history.ops.len() > MAX_OPS {
            return None;
        }
        let names = history.processes();
        if names.len() > MAX_PROCESSES as usize {
            return None;
        }
        let value = |v: &OpValue| match v {
            OpValue::Nil => Some(None),
            OpValue::Int(n) => Some(Some(*n)),
            _ => None,
        };
        // Our own P1…P9 keep their numbers; other names are numbered in order.
        let numbered = |name: &str| {
            name.strip_prefix('P')
                .and_then(|n| n.parse::<u8>().ok())
                .filter(|n| (1..=MAX_PROCESSES).contains(n))
        };
        let keep = names.iter().all(|n| numbered(n).is_some());
        let ops = history
            .ops
            .iter()
            .map(|op| {
                let process = match numbered(&op.process).filter(|_| keep) {
                    Some(n) => n,
                    None => names.iter().position(|n| *n == op.process)? as u8 + 1,
                };
                let func = match (op.f.as_str(), &op.value) {
                    ("read", _) => Func::Read(value(op.result.as_ref()?)?),
                    ("write", v) => Func::Write(value(v)?),
                    ("cas", OpValue::List(pair)) if pair.len() == 2 => {
                        Func::Cas(value(&pair[0])?, value(&pair[1])?)
                    }
                    _ => return None,
                };
                let (start, end) = match (op.call_time, op.ret_time) {
                    (Some(start), end) if op.ret.is_none() || end.is_some() => (start, end),
                    _ => (op.call as u64 * 10, op.ret.map(|r| r as u64 * 10)),
                };
                // Times a sketch cannot write (a long run's) leave it drawn, not edited.
                if end.unwrap_or(start) > MAX_TIME {
                    return None;
                }
                Some(SketchOp {
                    process,
                    func,
                    start,
                    end,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Sketch { ops })
    }
}

fn register(v: Value) -> OpValue {
    v.map_or(OpValue::Nil, OpValue::Int)
}

/// A value from the text form: a whole number or `nil`.
pub fn parse_value(word: &str) -> Result<Value, String> {
    match word {
        "nil" => Ok(None),
        _ => word
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("“{word}” is not a value: use a whole number or nil")),
    }
}

/// A time from the text form: whole milliseconds up to `MAX_TIME`.
pub fn parse_time(word: &str) -> Result<u64, String> {
    match word.parse::<u64>() {
        Ok(t) if t <= MAX_TIME => Ok(t),
        Ok(t) => Err(format!(
            "{t} ms is later than a sketch may go ({MAX_TIME} ms)"
        )),
        Err(_) => Err(format!("“{word}” is not a time in whole milliseconds")),
    }
}

fn parse_op(line: &str) -> Result<SketchOp, String> {
    let words: Vec<&str> = line
        .split([' ', '_', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    let [process, f, .., span] = words.as_slice() else {
        return Err("write it as “P1 write 1 0-10”: process, operation, value, start-end".into());
    };
    let process = process
        .strip_prefix(['P', 'p'])
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=MAX_PROCESSES).contains(n))
        .ok_or_else(|| format!("“{process}” is not a process: use P1 to P{MAX_PROCESSES}"))?;
    let args = &words[2..words.len() - 1];
    let func = match (*f, args) {
        ("read" | "r", [v]) => Func::Read(parse_value(v)?),
        ("write" | "w", [v]) => Func::Write(parse_value(v)?),
        ("cas", [a, b]) => Func::Cas(parse_value(a)?, parse_value(b)?),
        ("read" | "r" | "write" | "w", _) => return Err(format!("{f} takes one value")),
        ("cas", _) => return Err("cas takes two values: the expected one and the new one".into()),
        _ => return Err(format!("“{f}” is not an operation: use read, write or cas")),
    };
    let (start, end) = span.split_once('-').ok_or_else(|| {
        format!("“{span}” is not a start-end span, like 0-10 (or 0-? if it never returns)")
    })?;
    let start = parse_time(start)?;
    let end = match end {
        "?" => None,
        end => Some(parse_time(end)?),
    };
    if end.is_some_and(|e| e < start) {
        return Err(format!(
            "it ends ({} ms) before it starts ({start} ms)",
            end.unwrap_or(0)
        ));
    }
    Ok(SketchOp {
        process,
        func,
        start,
        end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consistency::linearizable::{check, Verdict};
    use crate::consistency::model::Model;

    fn register_nil() -> Model {
        Model::from_name("cas-register-nil").unwrap()
    }

    #[test]
    fn text_and_link_read_back_the_same() {
        let text = "P1 write 1 0-10\nP2 read 1 5-15\nP3 cas 1 2 12-?\nP2 read nil 20-25";
        let sketch = Sketch::parse(text).unwrap();
        assert_eq!(sketch.to_text(), text);
        assert_eq!(Sketch::parse(&sketch.to_link()).unwrap(), sketch);
        assert_eq!(sketch.process_count(), 3);
    }

    #[test]
    fn a_bad_operation_is_named_with_what_is_wrong() {
        let err = Sketch::parse("P1 write 1 0-10\nP2 rad 1 5-15").unwrap_err();
        assert!(
            err.starts_with("operation 2 (“P2 rad 1 5-15”): “rad” is not an operation"),
            "{err}"
        );
        let err = Sketch::parse("P0 write 1 0-10").unwrap_err();
        assert!(err.contains("use P1 to P9"), "{err}");
        let err = Sketch::parse("P1 write 1 10-5").unwrap_err();
        assert!(err.contains("ends (5 ms) before it starts"), "{err}");
        for short in ["P1 write", "P1", "P1_write", "write 0-10"] {
            assert!(Sketch::parse(short).is_err(), "{short}");
        }
        let err = Sketch::parse("P1 write x 1-5").unwrap_err();
        assert!(err.contains("not a value"), "{err}");
        assert!(Sketch::parse(&"P1 write 1 0-1;".repeat(61)).is_err());
    }

    #[test]
    fn a_stale_read_after_a_write_finished_is_not_linearizable() {
        let stale = Sketch::parse("P1 write 1 0-10\nP2 read nil 20-30").unwrap();
        let out = check(&stale.history().unwrap(), &register_nil(), 100_000);
        assert_eq!(out.verdict, Verdict::NotLinearizable);
        // Overlapping, the read may come first.
        let overlapping = Sketch::parse("P1 write 1 0-10\nP2 read nil 5-30").unwrap();
        let out = check(&overlapping.history().unwrap(), &register_nil(), 100_000);
        assert_eq!(out.verdict, Verdict::Linearizable);
    }

    #[test]
    fn touching_operations_are_one_after_the_other() {
        // The write ends at 10 as the read starts: the read must see it.
        let touching = Sketch::parse("P1 write 1 0-10\nP2 read nil 10-20").unwrap();
        let out = check(&touching.history().unwrap(), &register_nil(), 100_000);
        assert_eq!(out.verdict, Verdict::NotLinearizable);
    }

    #[test]
    fn the_history_keeps_the_sketch_order_and_a_sketch_comes_back_from_it() {
        let sketch = Sketch::parse("P2 read 1 5-15\nP1 write 1 0-10\nP3 write 2 1-?").unwrap();
        let history = sketch.history().unwrap();
        assert_eq!(history.ops[0].f, "read");
        assert_eq!(history.ops[1].f, "write");
        assert_eq!(history.ops[2].ret, None);
        let back = Sketch::from_history(&history).unwrap();
        // P1…P9 keep their numbers through the history format.
        assert_eq!(back, sketch);
        assert_eq!(back.ops.len(), 3);
        assert_eq!(back.ops[0].start, 5);
        assert_eq!(back.ops[2].end, None);
    }

    #[test]
    fn a_process_with_two_operations_at_once_is_found() {
        let sketch = Sketch::parse("P1 write 1 0-10\nP1 read 1 5-15").unwrap();
        assert_eq!(sketch.overlap(), Some((0, 1)));
        let sketch = Sketch::parse("P1 write 1 0-10\nP1 read 1 10-15").unwrap();
        assert_eq!(sketch.overlap(), None, "touching is one after the other");
    }
}

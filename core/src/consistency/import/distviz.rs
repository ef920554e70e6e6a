//! Our own format: JSON lines of `sim::history::HistoryEvent`
//! (docs/history-format.md). Invocations and completions pair by `op`.

use super::{err, ImportError};
use crate::consistency::{History, Op};
use crate::sim::history::{HistoryEvent, HistoryKind};
use std::collections::HashMap;

pub fn read(text: &str) -> Result<History, ImportError> {
    let mut events = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let event: HistoryEvent = serde_json::from_str(raw).map_err(|e| ImportError {
            line: i + 1,
            message: e.to_string(),
        })?;
        events.push((i + 1, event));
    }
    from_events(&events)
}

/// A history from a run's events (`sim::history::history`), as the lab has
/// them; "lines" are the events' positions from 1.
pub fn from_history(events: &[HistoryEvent]) -> Result<History, ImportError> {
    let numbered: Vec<(usize, HistoryEvent)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (i + 1, e.clone()))
        .collect();
    from_events(&numbered)
}

/// A history from our events (each with its source line).
pub fn from_events(events: &[(usize, HistoryEvent)]) -> Result<History, ImportError> {
    let mut history = History::default();
    let mut slots: Vec<Option<Op>> = Vec::new();
    let mut by_op: HashMap<u64, usize> = HashMap::new();
    let mut completed: std::collections::HashSet<u64> = std::collections::HashSet::new();
    for (position, (line, e)) in events.iter().enumerate() {
        history.events += 1;
        if e.kind == HistoryKind::Invoke {
            if by_op.contains_key(&e.op) {
                return err(*line, format!("operation {} is invoked twice", e.op));
            }
            by_op.insert(e.op, slots.len());
            slots.push(Some(Op {
                id: 0,
                process: e.process.to_string(),
                f: e.f.clone(),
                key: None,
                value: e.value.clone(),
                result: None,
                call: position,
                ret: None,
                call_time: Some(e.time),
                ret_time: None,
                line: *line,
            }));
            continue;
        }
        let Some(&slot) = by_op.get(&e.op) else {
            return err(
                *line,
                format!("operation {} completes but was never invoked", e.op),
            );
        };
        if !completed.insert(e.op) {
            return err(*line, format!("operation {} completes twice", e.op));
        }
        let Some(op) = slots[slot].as_mut() else {
            continue;
        };
        match e.kind {
            HistoryKind::Ok => {
                op.ret = Some(position);
                op.ret_time = Some(e.time);
                op.result = Some(e.value.clone());
            }
            HistoryKind::Fail => {
                slots[slot] = None;
                history.failed += 1;
            }
            _ => {}
        }
    }
    history.ops = slots.into_iter().flatten().collect();
    for (i, op) in history.ops.iter_mut().enumerate() {
        op.id = i;
    }
    Ok(history)
}

//! Knossos's histories: an EDN list or vector of operation maps, with `;`
//! comments. Operations of the `:nemesis` (fault injection) are skipped.

use super::edn::{Edn, Reader};
use super::etcd::value_of;
use super::{build, err, End, Event, ImportError};
use crate::consistency::History;

pub fn read(text: &str) -> Result<History, ImportError> {
    let mut reader = Reader::new(text);
    let close = reader.open_seq();
    let mut events = Vec::new();
    loop {
        if let Some(close) = close {
            if reader.close(close) {
                break;
            }
        }
        if reader.at_end() {
            if close.is_some() {
                return err(reader.line(), "the history's list is not closed");
            }
            break;
        }
        reader.skip_space();
        let line = reader.line();
        let form = reader.read().map_err(|e| ImportError {
            line: e.line,
            message: e.message,
        })?;
        if let Some(event) = event_of(&form, line)? {
            events.push(event);
        }
    }
    if !reader.at_end() {
        return err(reader.line(), "text after the end of the history");
    }
    build(events, |_| false)
}

/// One Jepsen operation map as an event; `None` for the nemesis's.
pub(crate) fn event_of(form: &Edn, line: usize) -> Result<Option<Event>, ImportError> {
    if !matches!(form, Edn::Map(_)) {
        return err(line, format!("expected an operation map, found `{form}`"));
    }
    let process = match form.get("process") {
        Some(Edn::Int(n)) => format!("P{n}"),
        Some(Edn::Keyword(k)) if k == "nemesis" => return Ok(None),
        Some(other) => return err(line, format!("the process `{other}` is not a number")),
        None => return err(line, "the operation has no :process"),
    };
    let end = match form.get("type").and_then(Edn::keyword) {
        Some("invoke") => None,
        Some("ok") => Some(End::Ok),
        Some("fail") => Some(End::Fail),
        Some("info") => Some(End::Info),
        Some(other) => return err(line, format!("unknown event type `:{other}`")),
        None => return err(line, "the operation has no :type keyword"),
    };
    let Some(f) = form.get("f").and_then(Edn::keyword) else {
        return err(line, "the operation has no :f keyword");
    };
    let key = form.get("key").map(|k| match value_of(k) {
        Some(crate::consistency::OpValue::Str(s)) => s,
        _ => k.to_string(),
    });
    let value = match form.get("value") {
        None => crate::consistency::OpValue::Nil,
        Some(v) => value_of(v).ok_or_else(|| ImportError {
            line,
            message: format!("unexpected value `{v}`"),
        })?,
    };
    let time = match form.get("time") {
        Some(Edn::Int(t)) => u64::try_from(*t).ok(),
        _ => None,
    };
    Ok(Some(Event {
        line,
        process,
        end,
        f: f.to_string(),
        key,
        value,
        time,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_history() {
        let h = read(
            "; comment\n[{:process 4, :type :invoke, :f :write, :value 2}\n \
             {:process :nemesis, :type :info, :f :start, :value nil}\n \
             {:process 4, :type :ok, :f :write, :value 2}\n \
             {:process 5, :type :invoke, :f :write, :value 3}\n \
             {:process 5, :type :fail, :f :write, :value 3}]",
        )
        .unwrap();
        assert_eq!(h.ops.len(), 1);
        assert_eq!(h.failed, 1);
        let e = read("[{:process 4, :type :invoke, :f :write, :value 2}\n {:process 4, :type :ok, :f :read}]")
            .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(read("[{:process 4, :type :invoke, :f :write, :value 2}").is_err());
    }
}

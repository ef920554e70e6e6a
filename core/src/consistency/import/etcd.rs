//! Jepsen's etcd logs, as shipped with Porcupine: one event a line,
//! `INFO  jepsen.util - P\t:TYPE\t:F\tVALUE` (tabs or spaces).
//!
//! A read that ends `:fail :timed-out` completed with an unknown value; a
//! write or cas that ends `:info :timed-out` may take effect at any time
//! after its invocation, or never; a `:fail` of a write or cas did not
//! take effect and is left out.

use super::edn::{Edn, Reader};
use super::{build, err, End, Event, ImportError};
use crate::consistency::{History, OpValue};

const PREFIX: &str = "jepsen.util - ";

pub fn read(text: &str) -> Result<History, ImportError> {
    let mut events = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Some((_, rest)) = trimmed.split_once(PREFIX) else {
            return err(
                line,
                "not a Jepsen log line (expected `INFO  jepsen.util - PROCESS :TYPE :F VALUE`)",
            );
        };
        let mut fields = rest.split_whitespace();
        let (Some(process), Some(kind), Some(f)) = (fields.next(), fields.next(), fields.next())
        else {
            return err(line, "expected a process, a :type and an :f");
        };
        let value_text = fields.collect::<Vec<_>>().join(" ");
        let Ok(process) = process.parse::<u64>() else {
            return err(line, format!("the process `{process}` is not a number"));
        };
        let end = match kind {
            ":invoke" => None,
            ":ok" => Some(End::Ok),
            ":fail" => Some(End::Fail),
            ":info" => Some(End::Info),
            other => return err(line, format!("unknown event type `{other}`")),
        };
        let f = match f {
            ":read" | ":write" | ":cas" => &f[1..],
            other => return err(line, format!("unknown operation type `{other}`")),
        };
        let value = if value_text.is_empty() {
            OpValue::Nil
        } else {
            let mut reader = Reader::new(&value_text);
            let edn = reader.read().map_err(|e| ImportError {
                line,
                message: format!("unreadable value `{value_text}`: {}", e.message),
            })?;
            match edn {
                Edn::Keyword(_) => OpValue::Nil, // :timed-out
                other => value_of(&other).ok_or_else(|| ImportError {
                    line,
                    message: format!("unexpected value `{value_text}`"),
                })?,
            }
        };
        events.push(Event {
            line,
            process: format!("P{process}"),
            end,
            f: f.to_string(),
            key: None,
            value,
            time: None,
        });
    }
    build(events, |f| f == "read")
}

/// An EDN value as an operation value: nil, a whole number, a string, a
/// keyword (as its name) or a sequence of these.
pub(crate) fn value_of(edn: &Edn) -> Option<OpValue> {
    Some(match edn {
        Edn::Nil => OpValue::Nil,
        Edn::Int(n) => OpValue::Int(*n),
        Edn::Bool(b) => OpValue::Str(b.to_string()),
        Edn::Str(s) | Edn::Num(s) | Edn::Symbol(s) => OpValue::Str(s.clone()),
        Edn::Keyword(k) => OpValue::Str(k.clone()),
        Edn::Seq(items) => OpValue::List(items.iter().map(value_of).collect::<Option<_>>()?),
        Edn::Map(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_log() {
        let text = "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n\
                    INFO  jepsen.util - 1   :invoke :cas    [0 3]\n\
                    INFO  jepsen.util - 0\t:fail\t:read\t:timed-out\n\
                    INFO  jepsen.util - 1\t:info\t:cas\t:timed-out\n";
        let h = read(text).unwrap();
        assert_eq!(h.ops.len(), 2);
        assert_eq!(h.ops[0].ret, Some(2));
        assert_eq!(h.ops[0].result, None);
        assert_eq!(
            h.ops[1].value,
            OpValue::List(vec![OpValue::Int(0), OpValue::Int(3)])
        );
        assert_eq!(h.ops[1].ret, None);
        let e = read("INFO  jepsen.util - 0\t:invoke\t:frob\tnil").unwrap_err();
        assert_eq!(e.to_string(), "line 1: unknown operation type `:frob`");
        let e = read("\n\nINFO  jepsen.util - 0\t:ok\t:read\t3").unwrap_err();
        assert_eq!(e.line, 3);
    }
}

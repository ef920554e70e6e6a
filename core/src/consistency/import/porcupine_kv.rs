//! Porcupine's key-value histories: one EDN map a line,
//! `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`.

use super::edn::Reader;
use super::knossos::event_of;
use super::{build, err, ImportError};
use crate::consistency::History;

pub fn read(text: &str) -> Result<History, ImportError> {
    let mut events = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let mut reader = Reader::new(raw);
        if reader.at_end() {
            continue;
        }
        let form = reader.read().map_err(|e| ImportError {
            line,
            message: e.message,
        })?;
        if !reader.at_end() {
            return err(line, "more than one map on the line");
        }
        if let Some(event) = event_of(&form, line)? {
            events.push(event);
        }
    }
    build(events, |_| false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines() {
        let h = read(
            "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x\"}\n\
             {:process 0, :type :ok, :f :append, :key \"0\", :value \"x\"}\n",
        )
        .unwrap();
        assert_eq!(h.ops.len(), 1);
        assert_eq!(h.ops[0].key.as_deref(), Some("0"));
        let e = read("{:process 0, :type :invoke}\n{:process 0 :type").unwrap_err();
        assert_eq!(e.line, 1);
        let e = read("{:process 0, :type :invoke, :f :get, :key \"0\"}\n{:process 0 :type")
            .unwrap_err();
        assert_eq!(e.line, 2);
    }
}

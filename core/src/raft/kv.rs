//! The replicated state machine: a small key-value store, with a session
//! per client so a retried request is applied once (dissertation §6.3).

use super::{Command, LogEntry};
use crate::sim::NodeId;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct KvStore {
    pub data: BTreeMap<String, i64>,
    /// Each client's last applied request and what it returned.
    pub sessions: BTreeMap<NodeId, (u64, Option<i64>)>,
}

/// What applying one entry did.
#[derive(Clone, Debug, PartialEq)]
pub enum Applied {
    /// A command ran; a `get` returns the value it read.
    Ran(Option<i64>),
    /// A retry of a request already applied: not run again; its first
    /// result.
    Repeat(Option<i64>),
    /// A no-op.
    Nothing,
}

impl KvStore {
    pub fn apply(&mut self, entry: &LogEntry) -> Applied {
        if let Some((client, req)) = entry.client {
            if let Some(&(last, value)) = self.sessions.get(&client) {
                if req <= last {
                    return Applied::Repeat(if req == last { value } else { None });
                }
            }
            let value = self.run(&entry.command);
            self.sessions.insert(client, (req, value));
            return Applied::Ran(value);
        }
        match entry.command {
            Command::Noop | Command::Config(_) => Applied::Nothing,
            ref command => Applied::Ran(self.run(command)),
        }
    }

    fn run(&mut self, command: &Command) -> Option<i64> {
        match command {
            Command::Set { key, value } => {
                self.data.insert(key.to_string(), *value);
                None
            }
            Command::Del { key } => {
                self.data.remove(&**key);
                None
            }
            Command::Get { key } => self.data.get(&**key).copied(),
            Command::Noop | Command::Config(_) => None,
        }
    }

    /// The store's contents in a few words: "x=3 y=1".
    pub fn describe(&self) -> String {
        if self.data.is_empty() {
            return "empty".into();
        }
        self.data
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(command: Command, client: Option<(NodeId, u64)>) -> LogEntry {
        LogEntry {
            term: 1,
            command,
            client,
        }
    }

    #[test]
    fn a_retried_request_is_applied_once() {
        let c1 = NodeId::client(0);
        let set = |v| Command::Set {
            key: "x".into(),
            value: v,
        };
        let mut kv = KvStore::default();
        assert_eq!(kv.apply(&entry(set(1), Some((c1, 1)))), Applied::Ran(None));
        assert_eq!(kv.apply(&entry(set(2), Some((c1, 2)))), Applied::Ran(None));
        // The first try of #2 was applied; its retry is not applied again.
        assert_eq!(
            kv.apply(&entry(set(2), Some((c1, 2)))),
            Applied::Repeat(None)
        );
        let get = Command::Get { key: "x".into() };
        assert_eq!(
            kv.apply(&entry(get.clone(), Some((c1, 3)))),
            Applied::Ran(Some(2))
        );
        assert_eq!(
            kv.apply(&entry(get, Some((c1, 3)))),
            Applied::Repeat(Some(2))
        );
        assert_eq!(kv.describe(), "x=2");
        kv.apply(&entry(Command::Del { key: "x".into() }, None));
        assert_eq!(kv.describe(), "empty");
    }
}

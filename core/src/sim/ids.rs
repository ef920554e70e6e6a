use serde::{Deserialize, Serialize};
use std::fmt;

/// Virtual time in milliseconds since the start of the run.
pub type Time = u64;

/// The letter of a node kind: `S` server, `C` client, `P` process or
/// proposer, `A` acceptor… Each lab says which kinds it has and what it
/// calls them (see `sim::Kind`); the letter alone makes a name readable.
pub type KindLetter = u8;

pub const SERVER: KindLetter = b'S';
pub const CLIENT: KindLetter = b'C';

/// A node: its kind's letter and its number within the kind (0-based).
/// Shown to people as `S1`, `C2`, `P3`, …, so names need no context.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct NodeId {
    pub kind: KindLetter,
    pub n: u8,
}

impl NodeId {
    pub const fn new(kind: KindLetter, n: u8) -> NodeId {
        NodeId { kind, n }
    }

    /// The `n`-th server (0-based): `S{n+1}`.
    pub const fn server(n: u8) -> NodeId {
        NodeId::new(SERVER, n)
    }

    /// The `n`-th client (0-based): `C{n+1}`.
    pub const fn client(n: u8) -> NodeId {
        NodeId::new(CLIENT, n)
    }

    /// Its number within its kind (0-based).
    pub fn index(self) -> usize {
        self.n as usize
    }

    /// Parses `S3` (or `s3`) into the third server, `C1` into the first client.
    pub fn parse(name: &str) -> Option<NodeId> {
        let mut chars = name.chars();
        let letter = chars.next()?.to_ascii_uppercase();
        if !letter.is_ascii_uppercase() {
            return None;
        }
        let digits = chars.as_str();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number: u16 = digits.parse().ok()?;
        (1..=256)
            .contains(&number)
            .then(|| NodeId::new(letter as u8, (number - 1) as u8))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.kind as char, self.n as u16 + 1)
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Default for NodeId {
    fn default() -> Self {
        NodeId::server(0)
    }
}

impl From<NodeId> for String {
    fn from(id: NodeId) -> String {
        id.to_string()
    }
}

impl TryFrom<String> for NodeId {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        NodeId::parse(&name).ok_or_else(|| format!("\"{name}\" is not a node name like \"S1\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(NodeId::server(0).to_string(), "S1");
        assert_eq!(NodeId::client(1).to_string(), "C2");
        assert_eq!(NodeId::parse("S9"), Some(NodeId::server(8)));
        assert_eq!(NodeId::parse("c3"), Some(NodeId::client(2)));
        assert_eq!(NodeId::parse("S0"), None);
        assert_eq!(NodeId::parse("S"), None);
        assert_eq!(NodeId::parse("S+1"), None);
        assert_eq!(NodeId::parse("91"), None);
        assert_eq!(NodeId::parse("é1"), None);
        assert_eq!(NodeId::parse("S257"), None);
    }
}

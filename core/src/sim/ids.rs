use serde::{Deserialize, Serialize};
use std::fmt;

/// Virtual time in milliseconds since the start of the run.
pub type Time = u64;

/// A node's index (0-based). It is shown to people as `S1`, `S2`, ….
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize, Default,
)]
#[serde(into = "String", try_from = "String")]
pub struct NodeId(pub u8);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Parses `S3` (or `s3`) into the node with index 2.
    pub fn parse(name: &str) -> Option<NodeId> {
        let digits = name.strip_prefix('S').or_else(|| name.strip_prefix('s'))?;
        let number: u16 = digits.parse().ok()?;
        (1..=256)
            .contains(&number)
            .then(|| NodeId((number - 1) as u8))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.0 as u16 + 1)
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
        assert_eq!(NodeId(0).to_string(), "S1");
        assert_eq!(NodeId::parse("S9"), Some(NodeId(8)));
        assert_eq!(NodeId::parse("S0"), None);
        assert_eq!(NodeId::parse("X1"), None);
    }
}

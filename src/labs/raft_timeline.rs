//! The Raft lab's timeline bands, from the core's Raft landmarks.

use super::common::{key_colour, marks};
use crate::components::timeline::{Band, Mark};
use crate::controller::Controller;
use distviz_core::raft::Raft;

/// The Raft lab's timeline: a band per leadership, a hatched band per term
/// that got no leader, and the marks; from the core's landmarks, so it
/// covers the whole run however little of the trace is kept.
pub fn raft_timeline(ctl: &Controller<Raft>) -> (Vec<Band>, Vec<Mark>) {
    let end = ctl.run.horizon();
    let landmarks = ctl.run.lab_landmarks();
    let mut bands: Vec<Band> = landmarks
        .leaders
        .iter()
        .map(|lead| Band {
            start_ms: lead.at_ms,
            end_ms: lead.until_ms.unwrap_or(end),
            open: lead.until_ms.is_none(),
            label: format!("{} · term {}", lead.node, lead.term),
            short: lead.node.to_string(),
            colour: key_colour(lead.term),
            kind: "leader",
        })
        .collect();
    // Terms that never got a leader: a split vote, or a side too small to win.
    bands.extend(landmarks.terms.iter().filter(|t| !t.led()).map(|t| {
        let what = match (t.end_ms, t.candidates()) {
            (None, _) => "no leader yet",
            (Some(_), n) if n >= 2 => "split vote",
            _ => "no leader",
        };
        Band {
            start_ms: t.start_ms,
            end_ms: t.end_ms.unwrap_or(end),
            open: t.end_ms.is_none(),
            label: format!("term {}: {what}", t.term),
            short: format!("t{}", t.term),
            colour: key_colour(t.term),
            kind: "leaderless",
        }
    }));
    bands.sort_by_key(|b| b.start_ms);
    (bands, marks(ctl))
}

//! What every lab derives the same way from its controller: the log in
//! words, the invariants' status, the timeline's marks, the colour of a
//! summary's colour key.

use crate::components::cluster_view::MessageVisual;
use crate::components::event_log::{LogLine, LOG_LINES, PLAYING_LOG_LINES};
use crate::components::invariants::InvariantStatus;
use crate::components::timeline::{Band, Mark};
use crate::controller::Controller;
use distviz_core::sim::words::{level, sentence, Level};
use distviz_core::sim::{Action, InFlight, Protocol};

/// How far back the log looks for lines to show (it shows `LOG_LINES`,
/// or `PLAYING_LOG_LINES`).
/// Looking back is cheap (a record's level needs no sentence), so a long
/// quiet stretch of heartbeats does not leave the log empty.
const LOG_LOOKBACK: usize = crate::controller::TRACE_WINDOW;
/// Log keys for the controller's notes, apart from trace record indices.
const NOTE_KEYS: usize = 1 << 30;

/// A colour per colour key (Raft's term), far apart for neighbouring keys
/// (0: grey).
pub fn key_colour(key: u64) -> String {
    match key_hue(key) {
        // Light enough that dark label text passes WCAG AA on every hue.
        Some(hue) => format!("hsl({hue} 70% 70%)"),
        None => "hsl(210 10% 70%)".into(),
    }
}

/// The hue of a colour key, in steps of `HUE_STEP` degrees (None: key 0,
/// grey): neighbouring keys a golden angle apart.
fn key_hue(key: u64) -> Option<u16> {
    (key > 0).then(|| {
        let hue = (200.0 + key as f64 * 137.508) % 360.0;
        ((hue / f64::from(HUE_STEP)).round() as u16 % HUE_CLASSES) * HUE_STEP
    })
}

const HUE_STEP: u16 = 10;
const HUE_CLASSES: u16 = 360 / HUE_STEP;

/// The stylesheet's class for a colour key's colour (`.hue-0` … `.hue-350`
/// set `--hue`; `hue-none`: grey), for HTML that a strict CSP keeps from
/// taking a colour in a style attribute.
pub fn key_hue_class(key: u64) -> &'static str {
    const NAMES: [&str; HUE_CLASSES as usize] = [
        "hue-0", "hue-10", "hue-20", "hue-30", "hue-40", "hue-50", "hue-60", "hue-70", "hue-80",
        "hue-90", "hue-100", "hue-110", "hue-120", "hue-130", "hue-140", "hue-150", "hue-160",
        "hue-170", "hue-180", "hue-190", "hue-200", "hue-210", "hue-220", "hue-230", "hue-240",
        "hue-250", "hue-260", "hue-270", "hue-280", "hue-290", "hue-300", "hue-310", "hue-320",
        "hue-330", "hue-340", "hue-350",
    ];
    key_hue(key).map_or("hue-none", |hue| NAMES[usize::from(hue / HUE_STEP)])
}

/// How a message on the wire looks: where it is between its ends, its
/// class (the lab's colour for its kind) and its words.
pub fn message_visual<P: Protocol>(
    proto: &P,
    m: &InFlight<P::Msg>,
    now: f64,
    held: bool,
    class: &'static str,
) -> MessageVisual {
    let span = (m.arrives - m.sent).max(1) as f64;
    MessageVisual {
        id: m.id,
        from: m.from,
        to: m.to,
        progress: if held {
            0.5
        } else {
            (now - m.sent as f64) / span
        },
        class,
        label: format!(
            "Message #{}: {} from {} to {}{}",
            m.id,
            proto.describe(&m.msg),
            m.from,
            m.to,
            if held { " (held)" } else { "" }
        ),
        held,
        tag: String::new(),
    }
}

pub fn log_lines<P: Protocol>(ctl: &Controller<P>) -> Vec<LogLine> {
    let records = ctl.run.records_so_far();
    // With a trace window, `records[0]` is record `first` of the run.
    let first = ctl.run.records_first() as usize;
    let proto = ctl.run.world().protocol();
    let start = records.len().saturating_sub(LOG_LOOKBACK);
    let most = if ctl.playing {
        PLAYING_LOG_LINES
    } else {
        LOG_LINES
    };
    let mut lines = Vec::new();
    let notes_after = |count: usize| {
        ctl.notes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.after_record == count)
    };
    for (offset, record) in records.iter().enumerate().skip(start).rev() {
        let index = first + offset;
        // Notes made after this record are newer than it.
        for (k, note) in notes_after(index + 1) {
            lines.push(LogLine {
                index: NOTE_KEYS + k,
                at_ms: note.at_ms,
                text: note.text.clone().into(),
                key: true,
                stepped: false,
            });
        }
        let how = level(proto, record);
        if ctl.shows_record(index, how) {
            let (_, text) = sentence(proto, record);
            lines.push(LogLine {
                index,
                at_ms: record.at,
                text: text.into(),
                key: how == Level::Key,
                stepped: ctl
                    .stepped
                    .is_some_and(|(from, to)| (from..to).contains(&index)),
            });
            if lines.len() == most {
                break;
            }
        }
    }
    lines
}

pub fn invariant_statuses<P: Protocol>(ctl: &Controller<P>) -> Vec<InvariantStatus> {
    let world = ctl.run.world();
    // Breaches past the cursor, in the part of the run already computed
    // (a violation clicked travels back, and the later ones stay in reach).
    let later = |name: &str| -> Vec<u64> {
        ctl.run
            .landmarks()
            .breaches
            .iter()
            .filter(|b| b.invariant == name && b.at_ms > world.now())
            .map(|b| b.at_ms)
            .collect()
    };
    world
        .protocol()
        .invariants()
        .iter()
        .map(|inv| InvariantStatus {
            name: inv.name,
            description: inv.description,
            broken: world
                .violations()
                .iter()
                .filter(|v| v.invariant == inv.name)
                .map(|v| (v.at_ms, v.detail.clone()))
                .collect(),
            later: later(inv.name),
        })
        .collect()
}

/// The learner's actions and the broken invariants, as timeline marks.
pub fn marks<P: Protocol>(ctl: &Controller<P>) -> Vec<Mark> {
    let mut marks: Vec<Mark> = ctl
        .run
        .actions()
        .iter()
        .map(|a| Mark {
            at_ms: a.at_ms,
            label: format!("{} ms: {}", a.at_ms, action_words(&a.action)),
            kind: "action",
        })
        .collect();
    marks.extend(
        ctl.run
            .landmarks()
            .breaches
            .iter()
            .map(|b| b.at_ms)
            .map(|at| Mark {
                at_ms: at,
                label: format!("{at} ms: an invariant broke"),
                kind: "violation",
            }),
    );
    marks
}

/// The timeline any lab gets from the core's landmarks: a band for each
/// stretch its summaries ask for, and the marks.
pub fn landmark_timeline<P: Protocol>(ctl: &Controller<P>) -> (Vec<Band>, Vec<Mark>) {
    let end = ctl.run.horizon();
    let landmarks = ctl.run.landmarks();
    let bands = landmarks
        .stretches
        .iter()
        .map(|stretch| Band {
            start_ms: stretch.at_ms,
            end_ms: stretch.until_ms.unwrap_or(end),
            open: stretch.until_ms.is_none(),
            label: format!("{} · {}", stretch.node, stretch.label),
            short: stretch.node.to_string(),
            colour: stretch
                .colour
                .map_or_else(|| "hsl(280 40% 70%)".into(), key_colour),
            kind: "stretch",
        })
        .collect();
    (bands, marks(ctl))
}

/// An action in a few words, for the timeline's tooltips.
fn action_words(action: &Action) -> String {
    match action {
        Action::Crash { node } => format!("crash {node}"),
        Action::Restart { node } => format!("restart {node}"),
        Action::Partition { .. } => "partition".into(),
        Action::Heal => "heal".into(),
        Action::DropMessage { id } => format!("drop message #{id}"),
        Action::HoldMessage { id } => format!("hold message #{id}"),
        Action::ReleaseMessage { id } => format!("release message #{id}"),
        Action::DuplicateMessage { id } => format!("duplicate message #{id}"),
        Action::Link {
            from, to, state, ..
        } => format!(
            "link {from}→{to} {}",
            match state {
                distviz_core::sim::LinkState::Up => "works",
                distviz_core::sim::LinkState::Drop => "drops",
                distviz_core::sim::LinkState::Hold => "holds",
            }
        ),
        Action::Pause { node } => format!("pause {node}"),
        Action::Resume { node } => format!("resume {node}"),
        Action::Input { node, .. } => format!("input to {node}"),
        Action::Timeout { node } => format!("time out {node}"),
        Action::AlignTimers => "align timers".into(),
    }
}

/// Rows a long list shows (a log strip's entries, the slot table's slots);
/// older ones are counted, not shown.
pub const SHOWN_ROWS: u64 = 12;
/// How far the first drawn row of such a list moves at a time.
const WINDOW_STEP: u64 = 8;
/// Rows a narrow log strip shows (a phone's; style.css's container query).
pub const PHONE_ROWS: u64 = 8;

/// A drawn row's class by how far from the newest it is (`from_end`: 0 for
/// the newest): shown, shown only in wider strips, or drawn but hidden
/// (see `sticky_first` and `drawn_window`; the slot table has no narrow rule, so there only
/// `beyond` hides). A class set here, not `:nth-last-child` in the style
/// sheet: with that rule, every row added restyles all its siblings.
pub fn depth_class(from_end: u64, shown: u64) -> Option<&'static str> {
    if from_end >= shown {
        Some("beyond")
    } else if from_end >= PHONE_ROWS {
        Some("wide-only")
    } else {
        None
    }
}

/// Which of `held` rows a list draws, when it shows the last `shown`:
/// (how many at the start it skips, how many earlier ones it hides). Up to
/// WINDOW_STEP - 1 rows before the shown ones are drawn and hidden by the
/// style sheet (by `depth_class`), so that the first drawn row moves
/// WINDOW_STEP at a time and most changes only add at the end: dropping a
/// row at the front while adding one at the end makes Yew move every row.
pub fn drawn_window(held: u64, shown: u64) -> (u64, u64) {
    let earlier = held.saturating_sub(shown);
    (earlier / WINDOW_STEP * WINDOW_STEP, earlier)
}

/// Hidden rows a log strip may keep drawn while every render adds rows.
const MAX_HIDDEN: usize = 16;

/// The first entry a log strip draws, for a log holding entries
/// `start..len` whose first shown entry is `newest_first` (the strips'
/// shared window, `start..=len`), given what it drew at its last render
/// (`last`: its first drawn entry and the log's `len` then).
/// A render that adds entries keeps the first drawn one, so entries are
/// only added at the end: dropping one at the front while adding one at the
/// end makes Yew move every entry. The entries pushed out of view stay
/// drawn, hidden (`depth_class`), until a render that adds none (the commit
/// point moved, usually a frame or two later) drops them all, at the front
/// only, which is cheap. So no frame removes a window's worth of entries
/// from every strip at once, unless entries were added at every render
/// `MAX_HIDDEN` times in a row.
pub fn sticky_first(
    last: Option<(usize, usize)>,
    start: usize,
    len: usize,
    newest_first: usize,
) -> usize {
    match last {
        Some((first, last_len))
            if len > last_len
                && (start..=newest_first).contains(&first)
                && newest_first - first <= MAX_HIDDEN =>
        {
            first
        }
        _ => newest_first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first of the last twelve of `start..len`.
    fn last_twelve(start: usize, len: usize) -> usize {
        len.saturating_sub(12).max(start)
    }

    #[test]
    fn a_keys_class_names_the_hue_of_its_colour_and_neighbouring_keys_differ() {
        assert_eq!(key_hue_class(0), "hue-none");
        for key in 1..200 {
            let class = key_hue_class(key);
            let hue = class.strip_prefix("hue-").unwrap();
            assert_eq!(key_colour(key), format!("hsl({hue} 70% 70%)"), "key {key}");
            let next: i32 = key_hue_class(key + 1)[4..].parse().unwrap();
            let apart = (next - hue.parse::<i32>().unwrap()).rem_euclid(360);
            assert!(
                apart.min(360 - apart) >= 90,
                "keys {key} and {} are {apart}° apart",
                key + 1
            );
        }
    }

    #[test]
    fn a_strip_keeps_its_first_entry_while_entries_are_added_and_drops_the_hidden_ones_after() {
        // First render: the last twelve of twenty.
        assert_eq!(sticky_first(None, 0, 20, last_twelve(0, 20)), 8);
        // One entry added: nothing is dropped at the front.
        assert_eq!(sticky_first(Some((8, 20)), 0, 21, last_twelve(0, 21)), 8);
        assert_eq!(sticky_first(Some((8, 21)), 0, 23, last_twelve(0, 23)), 8);
        // The commit point moved, no entry added: the hidden ones go.
        assert_eq!(sticky_first(Some((8, 23)), 0, 23, last_twelve(0, 23)), 11);
        // Added at every render: at most MAX_HIDDEN hidden, then they go.
        assert_eq!(sticky_first(Some((8, 36)), 0, 36, last_twelve(0, 36)), 24);
        assert_eq!(
            sticky_first(Some((8, 35)), 0, 36, last_twelve(0, 36)),
            8,
            "sixteen hidden"
        );
        assert_eq!(
            sticky_first(Some((8, 36)), 0, 37, last_twelve(0, 37)),
            25,
            "seventeen would be"
        );
        // A short log draws all; a log cut back or compacted starts afresh.
        assert_eq!(sticky_first(Some((0, 5)), 0, 6, last_twelve(0, 6)), 0);
        assert_eq!(
            sticky_first(Some((8, 23)), 0, 15, last_twelve(0, 15)),
            3,
            "truncated"
        );
        assert_eq!(
            sticky_first(Some((8, 23)), 10, 24, last_twelve(10, 24)),
            12,
            "compacted past the first drawn"
        );
    }

    #[test]
    fn the_newest_rows_show_everywhere_the_next_on_wide_screens_and_the_rest_are_hidden() {
        assert_eq!(depth_class(0, 12), None);
        assert_eq!(depth_class(7, 12), None);
        assert_eq!(depth_class(8, 12), Some("wide-only"));
        assert_eq!(depth_class(11, 12), Some("wide-only"));
        assert_eq!(depth_class(12, 12), Some("beyond"));
        assert_eq!(
            depth_class(11, 11),
            Some("beyond"),
            "a snapshot takes a place"
        );
    }

    #[test]
    fn a_long_list_skips_rows_eight_at_a_time_and_counts_what_it_hides() {
        assert_eq!(drawn_window(5, 12), (0, 0));
        assert_eq!(
            drawn_window(19, 12),
            (0, 7),
            "seven hidden, none skipped yet"
        );
        assert_eq!(drawn_window(20, 12), (8, 8));
        assert_eq!(drawn_window(27, 12), (8, 15));
        assert_eq!(drawn_window(28, 11), (16, 17));
    }
}

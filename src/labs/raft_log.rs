//! Each server's log as a strip of entries: index, term colour, committed
//! (solid) or not (dashed), applied; the commit marker; a leader's
//! nextIndex and matchIndex for each follower; the store's contents.
//! Long logs show one window of indices in every strip, the newest of the
//! longest log (so an index keeps its column, and a leader ahead shows its
//! newest entries alone), with how many came before; a snapshot stands
//! first, for the entries it replaced.

use super::common::{depth_class, key_hue_class, sticky_first, PHONE_ROWS, SHOWN_ROWS};
use distviz_core::raft::{
    why_not_committed, Command, LogEntry, Peer, PeerSaved, Raft, RaftNode, Role, Snapshot,
};
use distviz_core::sim::{NodeId, NodeSlot, RecordOf, SharedLog, World};
use std::rc::Rc;
use yew::prelude::*;

/// An entry the learner picked, to ask why it is (not) committed: its
/// server, index and term (a later leader may replace it at that index).
pub type Picked = Option<(NodeId, u64, u64)>;

/// One entry of a strip. Its own component, compared by value, so that
/// when a strip changes only the entries that changed are drawn again.
/// How far back it is (a class on its list item) is the strip's to say:
/// it changes with every entry added, and then costs no drawing here.
#[derive(Properties, PartialEq)]
struct EntryProps {
    id: NodeId,
    index: u64,
    entry: LogEntry,
    committed: bool,
    applied: bool,
    picked: bool,
    /// The strip's one place in the Tab order (`tab_stop`): the others
    /// are reached with the arrow keys (`move_along_strips`).
    tab_stop: bool,
}

#[component]
fn Entry(props: &EntryProps) -> Html {
    let EntryProps {
        id,
        index,
        entry,
        committed,
        applied,
        picked,
        tab_stop,
    } = props;
    let (term, command) = (entry.term, &entry.command);
    // A configuration entry is what membership changes are about: marked.
    let config = matches!(command, Command::Config(_));
    let mark = if config {
        format!("t{term} cfg")
    } else {
        format!("t{term}")
    };
    let status = match (committed, applied) {
        (true, true) => "committed and applied",
        (true, false) => "committed, not yet applied",
        _ => "not committed",
    };
    // A button with its text alone, coloured by a class (a strict CSP
    // allows no style attribute), its applied dot a background: nine
    // strips gain entries many times a second, and every box counts.
    // No click handler of its own: the strip reads `data-index` (one
    // handler per strip, not a closure per entry per render).
    html! {
        <button class={classes!("entry", key_hue_class(term), config.then_some("config"), committed.then_some("committed"), applied.then_some("applied"), picked.then_some("picked"))}
            data-index={index.to_string()} tabindex={if *tab_stop { "0" } else { "-1" }}
            // The label starts with the visible text (WCAG 2.5.3, label in name).
            aria-label={format!("{index} {mark}: {id}'s entry {index}, term {term}, “{command}”, {status}. Activate to ask why.")}
            aria-pressed={picked.to_string()}
            title={format!("{index}: {command} (term {term}), {status}")}>
            // Two lines, the index bold (style.css: `::first-line`).
            {format!("{index}\n{mark}")}
        </button>
    }
}

/// Arrow keys on an entry: ← → along its strip, Home and End to its ends,
/// ↑ ↓ to the same index in the strip above or below (or its nearest).
/// Each strip is one Tab stop (`EntryProps::tab_stop`): a long run would
/// otherwise put a hundred entries between the cluster and what follows.
/// An entry just clicked leaves these keys to the lab (step, seek).
fn move_along_strips(e: KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let key = e.key();
    if !matches!(
        key.as_str(),
        "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End"
    ) || e.alt_key()
        || e.ctrl_key()
        || e.meta_key()
        || crate::hooks::focus_from_pointer()
    {
        return;
    }
    let Some(from) = e
        .target_dyn_into::<web_sys::Element>()
        .and_then(|t| t.closest("button.entry").ok().flatten())
    else {
        return;
    };
    // Hidden entries (drawn, out of the window) have no layout box.
    let shown_in = |strip: &web_sys::Element| -> Vec<web_sys::HtmlElement> {
        let Ok(list) = strip.query_selector_all("button.entry") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|b| b.offset_parent().is_some())
            .collect()
    };
    let index_of =
        |b: &web_sys::Element| -> Option<u64> { b.get_attribute("data-index")?.parse().ok() };
    let Some(strip) = from.closest("ol.entries").ok().flatten() else {
        return;
    };
    let here = shown_in(&strip);
    let at = here.iter().position(|b| **b == from).unwrap_or(0);
    let to = match key.as_str() {
        "ArrowLeft" => at.checked_sub(1).and_then(|i| here.get(i)).cloned(),
        "ArrowRight" => here.get(at + 1).cloned(),
        "Home" => here.first().cloned(),
        "End" => here.last().cloned(),
        _ => {
            let row = from.closest(".log-row").ok().flatten();
            let next_row = row.and_then(|r| {
                if key == "ArrowUp" {
                    r.previous_element_sibling()
                } else {
                    r.next_element_sibling()
                }
            });
            let there = next_row
                .and_then(|r| r.query_selector("ol.entries").ok().flatten())
                .map(|s| shown_in(&s))
                .unwrap_or_default();
            let want = index_of(&from).unwrap_or(0);
            there
                .iter()
                .min_by_key(|b| index_of(b).map_or(u64::MAX, |i| i.abs_diff(want)))
                .cloned()
        }
    };
    // Handled even at an end: the lab's keys (step, seek) must not act.
    e.prevent_default();
    if let Some(to) = to {
        let _ = to.focus();
    }
}

/// The entry a click in a strip landed on, from its button's `data-index`.
fn clicked_index(e: &MouseEvent) -> Option<u64> {
    e.target_dyn_into::<web_sys::Element>()?
        .closest("button.entry")
        .ok()??
        .get_attribute("data-index")?
        .parse()
        .ok()
}

/// A snapshot, first in its strip: the entries it stands for, and what
/// the store held after them.
fn snapshot_box(id: NodeId, s: &Snapshot) -> Html {
    let words = format!(
        "entries 1–{} (the last of term {}), store {}, config {}",
        s.last_index,
        s.last_term,
        s.kv.describe(),
        s.config
    );
    html! {
        <li class="snapshot" key="snapshot" title={format!("{id}'s snapshot: {words}")}>
            <span class="visually-hidden">{format!("{id}'s snapshot: {words}")}</span>
            <span aria-hidden="true"><span class="index">{format!("≤{}", s.last_index)}</span>{" snap"}</span>
        </li>
    }
}

/// One server's strip. Its own component, compared cheaply, so that
/// while the run plays only the strips whose log or commit point moved
/// are drawn again (nine strips of twelve entries each frame cost more
/// than the rest of the page).
#[derive(Properties, Clone)]
struct StripProps {
    id: NodeId,
    log: SharedLog<LogEntry>,
    snapshot: Option<Rc<Snapshot>>,
    commit: u64,
    applied: u64,
    /// The entry of this log that is picked, if any.
    picked: Option<u64>,
    on_pick: Callback<(NodeId, u64, u64)>,
    /// The longest log's length: every strip shows the same window of
    /// indices, its newest, so an index stands in one column in every row.
    window_end: usize,
    /// Some strip starts with a snapshot: each keeps that place.
    snapshots: bool,
}

impl PartialEq for StripProps {
    fn eq(&self, other: &Self) -> bool {
        // A log copy shares its chunks: a change copies the one it touches,
        // so same bounds and the same last chunk mean the same entries.
        // `on_pick` is made anew each render but always does the same.
        (
            self.id,
            self.commit,
            self.applied,
            self.picked,
            self.window_end,
            self.snapshots,
        ) == (
            other.id,
            other.commit,
            other.applied,
            other.picked,
            other.window_end,
            other.snapshots,
        ) && self.log.unchanged_since(&other.log)
            && match (&self.snapshot, &other.snapshot) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

#[component]
fn Strip(props: &StripProps) -> Html {
    let StripProps {
        id,
        log,
        snapshot,
        commit,
        applied,
        picked,
        on_pick,
        window_end,
        snapshots,
    } = props;
    let (id, commit, applied) = (*id, *commit, *applied);
    // A snapshot box takes one entry's place (in every strip, to keep the columns).
    let shown = SHOWN_ROWS - u64::from(*snapshots);
    // A log that ends before the shared window (a follower far behind)
    // shows its own newest entries instead of none, out of the columns.
    let shared_first = window_end.saturating_sub(shown as usize);
    let behind = shared_first > 0 && log.len() <= shared_first;
    let window_end = if behind { log.len() } else { *window_end };
    // The window's first entry, as a position in the log (index - 1); this
    // log's own shown entries start there, or where it starts.
    let window_first = window_end.saturating_sub(shown as usize);
    let newest_first = window_first.clamp(log.start(), log.len());
    let earlier = newest_first - log.start();
    // A narrow strip shows fewer (style.css's container query): its count
    // starts from its own first column, or indices would seem skipped.
    let narrow_first = window_end.saturating_sub(PHONE_ROWS as usize);
    let narrow_earlier = narrow_first.clamp(log.start(), log.len()) - log.start();
    let drawn = use_mut_ref(|| None);
    let first = sticky_first(*drawn.borrow(), log.start(), log.len(), newest_first);
    *drawn.borrow_mut() = Some((first, log.len()));
    let onclick = {
        let (on_pick, log) = (on_pick.clone(), log.clone());
        move |e: MouseEvent| {
            let term = |index: u64| log.get(index as usize - 1).map(|e| e.term);
            if let Some((index, term)) = clicked_index(&e).and_then(|i| Some((i, term(i)?))) {
                on_pick.emit((id, index, term));
            }
        }
    };
    // One Tab stop per strip: the picked entry, else the newest.
    let tab_stop = picked
        .filter(|&p| (newest_first as u64) < p && p <= log.len() as u64)
        .unwrap_or(log.len() as u64);
    // The list sits in a block of its own with a fixed height (style.css):
    // then a new entry lays out only its strip, not the page.
    html! {
        <div class={classes!("strip", behind.then_some("behind"))}>
            <ol class="entries" {onclick} onkeydown={move_along_strips}
                aria-label={format!("{id}'s log: {} entries, commitIndex {commit}", log.len())}>
                if let Some(s) = snapshot {
                    {snapshot_box(id, s)}
                } else if *snapshots {
                    <li class="snapshot none" key="snapshot" aria-hidden="true"></li>
                }
                // One width in every strip, empty if this log has none before
                // the window; a count for wide strips and one for narrow.
                if narrow_first > 0 {
                    <li class="earlier" aria-hidden="true">
                        <span class="wide-count" title={entries_before(earlier)}>{ellipsis_count(earlier)}</span>
                        <span class="narrow-count" title={entries_before(narrow_earlier)}>{ellipsis_count(narrow_earlier)}</span>
                    </li>
                }
                // A list of its own: next to other children, `for` items join
                // one unkeyed list, matched from its end, and an entry added at
                // the end would make every entry drawn anew.
                <>{for (first..log.len()).filter_map(|i| log.get(i).map(|e| (i as u64 + 1, e))).map(|(index, e)| html! {
                    <li key={index} class={classes!("e", depth_class(window_end as u64 - index, shown))}>
                        <Entry {id} {index} entry={e.clone()} committed={index <= commit}
                            applied={index <= applied} picked={*picked == Some(index)}
                            tab_stop={index == tab_stop} />
                    </li>
                })}</>
            </ol>
        </div>
    }
}

/// "…47": how many entries come before a strip's first shown one.
fn ellipsis_count(n: usize) -> String {
    if n > 0 {
        format!("…{n}")
    } else {
        String::new()
    }
}

/// "47 earlier entries", said on hover.
fn entries_before(n: usize) -> String {
    format!("{n} earlier {}", if n == 1 { "entry" } else { "entries" })
}

/// The leader's view of a follower: "leader's next 7 · match 6".
fn leader_view(leader: Option<&RaftNode>, id: NodeId) -> String {
    match leader {
        Some(l) if l.id != id && l.replicates_to(id) => format!(
            "{}leader's next {} · match {}",
            if l.config.contains(id) {
                ""
            } else {
                "catching up: "
            },
            l.next_index.get(id.n as usize).copied().unwrap_or(0),
            l.match_index.get(id.n as usize).copied().unwrap_or(0)
        ),
        Some(l) if l.id != id => "the leader sends it nothing".into(),
        Some(_) => "leader".into(),
        None => String::new(),
    }
}

/// The configuration a server uses, or why it has none. A server the
/// leader removed may not know yet: the leader sends it nothing more.
fn config_words(n: &RaftNode, leader: Option<&RaftNode>) -> String {
    let led_to = leader.is_some_and(|l| l.replicates_to(n.id));
    if n.config.is_empty() && led_to {
        "outside: catching up, to be added".into()
    } else if n.config.is_empty() {
        "outside the cluster: waits to be added".into()
    } else if n.knows_removed() {
        format!("removed (the cluster is {})", n.config)
    } else if !n.config.contains(n.id) {
        format!(
            "leaving: its config {} leaves it out, once committed",
            n.config
        )
    } else if leader.is_some() && !led_to {
        format!(
            "removed, and does not know it: its own config is {}",
            n.config
        )
    } else {
        format!("config {}", n.config)
    }
}

/// A row's server and role ("★ term 3"): a component compared by value,
/// drawn again only when they change.
#[derive(Properties, PartialEq)]
struct WhoProps {
    id: NodeId,
    role: String,
}

#[component]
fn Who(props: &WhoProps) -> Html {
    html! {
        <div class="who"><strong>{props.id.to_string()}</strong>{" "}<span class="role">{props.role.clone()}</span></div>
    }
}

/// A row's words beside its strip: commit point, the leader's view, the
/// store and the configuration (compared by value, as `Who`).
#[derive(Properties, PartialEq)]
struct SideProps {
    commit: String,
    leader_view: String,
    store: String,
    config: Option<String>,
}

#[component]
fn Side(props: &SideProps) -> Html {
    let SideProps {
        commit,
        leader_view,
        store,
        config,
    } = props;
    html! {
        // Two lines of one height each, whatever they say (style.css): they
        // change with every entry, and then only they are laid out again.
        <div class="side">
            <span class="side-line">
                <span class="commit" title="commitIndex · lastApplied">{commit.clone()}</span>
                <span class="leader-view" title="the leader's nextIndex and matchIndex for this server">{leader_view.clone()}</span>
            </span>
            <span class="side-line">
                <span class="store" title="the state machine: what the applied entries made">{store.clone()}</span>
                if let Some(config) = config {
                    <span class="config" title="the configuration this server uses: the latest in its log">{config.clone()}</span>
                }
            </span>
        </div>
    }
}

/// A server's log and snapshot (live, or as saved while it is down), and
/// the server if it is up; None for a client.
type LogOf<'a> = (
    (&'a SharedLog<LogEntry>, &'a Option<Rc<Snapshot>>),
    Option<&'a RaftNode>,
);

fn logs(slot: &NodeSlot<Raft>) -> Option<LogOf<'_>> {
    match (&slot.live, &slot.saved) {
        (Some(Peer::Server(n)), _) => Some(((&n.log, &n.snapshot), Some(n))),
        (None, Some(PeerSaved::Server(s))) => Some(((&s.log, &s.snapshot), None)),
        _ => None,
    }
}

/// The logs panel: a row per server.
pub fn log_strips(
    world: &World<Raft>,
    picked: Picked,
    on_pick: &Callback<(NodeId, u64, u64)>,
) -> Html {
    let leader = super::raft_membership::leader(world);
    let window_end = world
        .nodes()
        .iter()
        .filter_map(logs)
        .map(|((log, _), _)| log.len())
        .max()
        .unwrap_or(0);
    let snapshots = world
        .nodes()
        .iter()
        .filter_map(logs)
        .any(|((_, snapshot), _)| snapshot.is_some());
    let rows = world.nodes().iter().filter_map(|slot| {
        let ((log, snapshot), live) = logs(slot)?;
        let id = slot.id;
        let role = match live {
            Some(n) if n.role == Role::Leader => format!("★ term {}", n.current_term),
            Some(n) if n.role == Role::PreCandidate => format!("pre-candidate, term {}", n.current_term),
            Some(n) => format!("term {}", n.current_term),
            None => "down".into(),
        };
        let store = live.map_or("(down: rebuilt on restart)".to_string(), |n| n.kv.describe());
        let config = live.map(|n| config_words(n, leader));
        let commit = live.map_or(String::new(), |n| {
            format!("commit {} · applied {}", n.commit_index, n.last_applied)
        });
        Some(html! {
            <div class={classes!("log-row", live.is_none().then_some("down"))} key={id.to_string()}>
                <Who {id} {role} />
                <Strip id={id} log={log.clone()} snapshot={snapshot.clone()}
                    commit={live.map_or(0, |n| n.commit_index)} applied={live.map_or(0, |n| n.last_applied)}
                    picked={picked.filter(|p| p.0 == id).map(|p| p.1)} on_pick={on_pick.clone()}
                    {window_end} {snapshots} />
                <Side {commit} leader_view={leader_view(leader, id)} {store} {config} />
            </div>
        })
    });
    html! {
        <section class="panel logs" aria-labelledby="logs-title">
            <header class="stacked"><h2 id="logs-title">{"Logs"}</h2>
                <p class="note">{"Solid: committed, as far as this server knows (its commitIndex). Dashed: not known committed yet. A dot: applied to its store. Colour: the entry's term. “≤n snap”: a snapshot of the store that replaced entries 1–n. Pick an entry to ask why it is (not) committed. A dotted edge: a log far behind, showing its own newest entries. Keyboard: Tab reaches each strip once; ← → move along it, ↑ ↓ between servers."}</p>
            </header>
            <div class="log-rows">{for rows}</div>
        </section>
    }
}

/// The log strips with picking, and under them the answer to "committed?
/// why (not)?" for the entry picked (`records`: the run's so far).
pub fn logs_with_why(
    world: &World<Raft>,
    records: &[RecordOf<Raft>],
    picked: &UseStateHandle<Picked>,
) -> Html {
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |entry: (NodeId, u64, u64)| {
            picked.set(if *picked == Some(entry) {
                None
            } else {
                Some(entry)
            })
        })
    };
    let why = picked.and_then(|(node, index, term)| {
        world.get(node).map(|_| {
            let why = why_not_committed(world, records, node, index);
            // The pick names an index: say so when another entry stands
            // there now (a leader replaced it, or time travelled to before
            // it). An entry a snapshot now covers is still the same.
            let there = logs(world.node(node)).and_then(|((log, _), _)| {
                (index as usize > log.start()).then(|| (log.get(index as usize - 1).map(|e| e.term), log.len()))
            });
            match there {
                Some((Some(now), _)) if now != term => format!("The entry you picked, {node}'s entry {index} of term {term}, is not in its log at this moment: an entry of term {now} stands there. Now: {why}"),
                Some((None, len)) => format!("The entry you picked, {node}'s entry {index} of term {term}, is not in its log at this moment: its log ends at {len}. {why}"),
                _ => why,
            }
        })
    });
    let close = {
        let picked = picked.clone();
        Callback::from(move |_: MouseEvent| picked.set(None))
    };
    // Esc in the strips or the answer closes the answer.
    let onkeydown = {
        let picked = picked.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && picked.is_some() {
                e.prevent_default();
                picked.set(None);
            }
        })
    };
    html! {
        // `display: contents` (style.css): the panels stay the page's items.
        <div class="logs-and-why" {onkeydown}>
            {log_strips(world, **picked, &on_pick)}
            if let (Some(why), Some((node, index, _))) = (why, **picked) {
                <WhyAnswer {why} entry={(node, index)} {close} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct WhyAnswerProps {
    why: String,
    /// The entry asked about: a new one brings the answer into view.
    entry: (NodeId, u64),
    close: Callback<MouseEvent>,
}

/// The answer to "committed? why (not)?", under the strips: brought into
/// view when it opens or another entry is picked (it may open below the
/// fold; not as its words change while playing), the focus left on the
/// entry picked.
#[component]
fn WhyAnswer(props: &WhyAnswerProps) -> Html {
    let panel = use_node_ref();
    {
        let panel = panel.clone();
        use_effect_with(props.entry, move |_| {
            if let Some(panel) = panel.cast::<web_sys::Element>() {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                panel.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    }
    html! {
        <section class="panel why" aria-labelledby="why-title" ref={panel}>
            <header><h2 id="why-title">{"Committed? Why (not)?"}</h2>
                <button onclick={props.close.clone()} aria-label="Close the answer">{"✕"}</button></header>
            <p role="status" data-testid="why">{props.why.clone()}</p>
        </section>
    }
}

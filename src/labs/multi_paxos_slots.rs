//! The Multi-Paxos lab's tables: one server's slots (what its acceptor
//! accepted, what the cluster chose, who knows it, what it applied), every
//! server's key-value store, and the message counters against
//! single-decree Paxos.

use super::common::{depth_class, drawn_window, SHOWN_ROWS};
use super::multi_paxos_view::knowing;
use distviz_core::multipaxos::{Accepted, Costs, MultiPaxos, Peer, Role, Saved};
use distviz_core::sim::{NodeId, World, SERVER};
use yew::prelude::*;

/// The server whose slots the table shows: the selected one if it is a
/// server, else the leader, else S1.
pub fn shown_server(world: &World<MultiPaxos>, selected: Option<NodeId>) -> NodeId {
    selected
        .filter(|id| id.kind == SERVER && world.get(*id).is_some())
        .or_else(|| {
            world.nodes().iter().find_map(|n| match &n.live {
                Some(Peer::Server(s)) if matches!(s.role, Role::Leader { .. }) => Some(n.id),
                _ => None,
            })
        })
        .unwrap_or(NodeId::server(0))
}

/// What one server holds: accepted slots and applied count (live or on disk).
fn holdings(world: &World<MultiPaxos>, id: NodeId) -> Option<(&Accepted, u64, bool)> {
    let slot = world.get(id)?;
    match (&slot.live, &slot.saved) {
        (Some(Peer::Server(s)), _) => Some((&s.acceptor.accepted, s.learner.applied(), true)),
        (None, Some(Saved::Server(s))) => Some((&s.accepted, s.log.len() as u64, false)),
        _ => None,
    }
}

/// The highest slot anyone has accepted or the cluster has chosen.
fn highest_slot(world: &World<MultiPaxos>) -> u64 {
    let chosen = world.monitor().chosen().map(|(s, _)| s).last().unwrap_or(0);
    world
        .nodes()
        .iter()
        .filter_map(|n| holdings(world, n.id))
        .map(|(accepted, applied, _)| accepted.last().map_or(0, |(s, _)| *s).max(applied))
        .fold(chosen, u64::max)
}

/// One slot's row: a component compared by value, so that while the run
/// plays only the rows that changed are drawn again.
#[derive(Properties, PartialEq)]
struct SlotRowProps {
    slot: u64,
    ballot: String,
    value: String,
    /// The cluster's view of the slot, in words, and as a class.
    chosen: String,
    state: &'static str,
    done: bool,
    /// How far back it is, as a class (`depth_class`): older than the rows
    /// shown, it is drawn but hidden.
    depth: Option<&'static str>,
}

#[component]
fn SlotRow(props: &SlotRowProps) -> Html {
    let SlotRowProps {
        slot,
        ballot,
        value,
        chosen,
        state,
        done,
        depth,
    } = props;
    html! {
        <tr class={*depth} data-testid="slot-row" data-slot={slot.to_string()} data-chosen={*state}
            data-applied={done.to_string()}>
            <th scope="row">{slot}</th>
            <td>{ballot}</td>
            <td class="value">{value}</td>
            <td class={classes!("chosen", *state)}>{chosen}</td>
            <td>{if *done { "✓" } else { "" }}</td>
        </tr>
    }
}

/// The slot table for one server, with the cluster's view of each slot.
pub fn slot_table(world: &World<MultiPaxos>, id: NodeId) -> Html {
    let Some((accepted, applied, up)) = holdings(world, id) else {
        return html! {};
    };
    let monitor = world.monitor();
    let high = highest_slot(world);
    let (skipped, earlier) = drawn_window(high, SHOWN_ROWS);
    let first = 1 + skipped;
    let rows = (first..=high).map(|slot| {
        let mine = accepted.get(&slot);
        let choice = monitor.chosen_at(slot);
        let who = knowing(world, slot);
        let (chosen, state) = match choice {
            Some(c) if who.is_empty() => (
                format!(
                    "✓ {} at {} ms — not yet known to any learner",
                    c.ballot, c.at_ms
                ),
                "unknown",
            ),
            Some(c) => (
                format!(
                    "✓ {} at {} ms · known to {}",
                    c.ballot,
                    c.at_ms,
                    who.join(", ")
                ),
                "known",
            ),
            None => ("not chosen".into(), "no"),
        };
        html! {
            <SlotRow key={slot} {slot} ballot={mine.map_or("–".into(), |(b, _)| b.to_string())}
                value={mine.map_or("–".into(), |(_, e)| e.to_string())} {chosen} {state}
                done={slot <= applied} depth={depth_class(high - slot, SHOWN_ROWS)} />
        }
    });
    html! {
        <section class="panel slots" aria-labelledby="slots-title" data-testid="slot-table" data-server={id.to_string()}>
            <header><h2 id="slots-title">{format!("Slots on {id}")}</h2></header>
                <p class="note">{format!(
                    "What {id}'s acceptor accepted in each slot{}, what the cluster chose (a majority accepted one ballot's entry: the monitor sees it at once, before any learner does), and what {id} applied. Select another server to see its slots.",
                    if up { "" } else { " (down: as on its disk)" })}</p>
            if high == 0 {
                <p class="note">{"No slot used yet: press C to send a request."}</p>
            } else {
                <div class="table-scroll">
                    <table>
                        if earlier > 0 {
                            <caption>{format!("The last {SHOWN_ROWS} slots; {earlier} earlier.")}</caption>
                        }
                        <thead><tr><th scope="col">{"slot"}</th><th scope="col">{"ballot"}</th>
                            <th scope="col">{"value"}</th><th scope="col">{"chosen (cluster)"}</th>
                            <th scope="col">{"applied"}</th></tr></thead>
                        <tbody>{for rows}</tbody>
                    </table>
                </div>
            }
        </section>
    }
}

/// Every server's store, as its applied slots made it.
pub fn stores(world: &World<MultiPaxos>) -> Html {
    let rows = world
        .nodes()
        .iter()
        .filter(|n| n.id.kind == SERVER)
        .map(|n| {
            let (applied, store) = match (&n.live, &n.saved) {
                (Some(Peer::Server(s)), _) => (s.learner.applied(), s.learner.kv.describe()),
                (None, Some(Saved::Server(s))) => (
                    s.log.len() as u64,
                    "(down: rebuilt from its log on restart)".into(),
                ),
                _ => (0, "(down)".into()),
            };
            html! {
                <li key={n.id.to_string()} data-testid="store" data-server={n.id.to_string()}>
                    <strong>{n.id.to_string()}</strong>{format!(" applied 1–{applied}: ")}
                    <span class="store">{store}</span>
                </li>
            }
        });
    html! {
        <section class="panel stores" aria-labelledby="stores-title">
            <header><h2 id="stores-title">{"Key-value stores"}</h2></header>
            <ul>{for rows}</ul>
        </section>
    }
}

fn per(value: Option<f64>) -> String {
    value.map_or("–".into(), |v| format!("{v}"))
}

/// The message counters: Multi-Paxos per chosen command, against what
/// single-decree Paxos would have needed.
pub fn counters(world: &World<MultiPaxos>) -> Html {
    let servers = world.roster().count(SERVER);
    let costs = Costs::of(world.monitor(), servers);
    let kinds: Vec<String> = costs
        .by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    html! {
        <section class="panel counters" aria-labelledby="counters-title" data-testid="counters">
            <header><h2 id="counters-title">{"Messages per chosen command"}</h2></header>
            <dl>
                <dt>{"commands chosen"}</dt>
                <dd data-testid="commands-chosen">{format!("{} (and {} no-ops)", costs.commands_chosen, costs.noops_chosen)}</dd>
                <dt>{"Multi-Paxos, all consensus messages"}</dt>
                <dd data-testid="per-command">{format!("{} per command ({} in all)", per(costs.per_command), costs.consensus_messages)}</dd>
                <dt>{"Multi-Paxos, steady state (phase 2 and learning)"}</dt>
                <dd data-testid="phase2-per-command">{format!("{} per command", per(costs.phase2_per_command))}</dd>
                <dt>{"single-decree Paxos (both phases per command)"}</dt>
                <dd data-testid="single-decree-per-command">{format!("{} per command", per(costs.single_decree_per_command))}</dd>
            </dl>
            <p class="note">{format!("Sent so far, by kind: {}. Heartbeats and client messages are not counted as consensus.", kinds.join(", "))}</p>
        </section>
    }
}

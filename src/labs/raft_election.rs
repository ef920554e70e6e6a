//! The Raft leader-election lab: wires the core's Raft model to the shared
//! components.

use super::common::{invariant_statuses, timeline_parts};
use super::raft_experiments::RaftExperiments;
use super::raft_settings::{RaftSettings, BREAK_VOTES};
use super::raft_view::{message_fields, message_visual, node_fields, node_visual};
use super::shell::{faulty_links, link_states, use_lab, Banners, LabHandle, LogCache};
use crate::components::cluster_view::ClusterView;
use crate::components::controls::{format_time, Controls};
use crate::components::event_log::EventLog;
use crate::components::in_flight::{InFlightItem, InFlightList};
use crate::components::inspector::Inspector;
use crate::components::invariants::Invariants;
use crate::components::link_grid::LinkGrid;
use crate::components::message_panel::MessagePanel;
use crate::components::share::Share;
use crate::components::timeline::{Band, Mark, Timeline};
use crate::controller::{Command, Controller, Tool};
use crate::keys::command_for_key;
use crate::milestones::Milestones;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::raft::{Raft, RaftParams};
use distviz_core::scenario::Scenario;
use distviz_core::sim::NodeId;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

type Ctl = Controller<Raft>;

#[derive(Properties, PartialEq)]
pub struct RaftElectionProps {
    pub route: Route,
}

/// What is derived from the trace and settings, kept between frames: it is
/// rebuilt only when what it reads has changed, not on every frame.
#[derive(Default)]
struct Derived {
    log: LogCache,
    timeline_key: Option<(u64, usize, u64)>,
    bands: Rc<Vec<Band>>,
    marks: Rc<Vec<Mark>>,
    params_key: Option<u64>,
    params: RaftParams,
}

impl Derived {
    fn refresh(&mut self, c: &Ctl, milestones: &RefCell<Milestones>) {
        self.log.refresh(c);
        let timeline_key = (c.revision, c.run.trace().len(), c.run.horizon());
        if self.timeline_key != Some(timeline_key) {
            milestones
                .borrow_mut()
                .update(c.run.trace().records(), c.revision);
            let (bands, marks) = timeline_parts(c, &milestones.borrow());
            self.bands = Rc::new(bands);
            self.marks = Rc::new(marks);
            self.timeline_key = Some(timeline_key);
        }
        if self.params_key != Some(c.revision) {
            self.params = lab::raft_params(&c.scenario).unwrap_or_default();
            self.params_key = Some(c.revision);
        }
    }
}

#[component]
pub fn RaftElectionLab(props: &RaftElectionProps) -> Html {
    let LabHandle { ctl, send } = use_lab(
        &props.route,
        Scenario::new(lab::RAFT_ELECTION, 1, 5),
        lab::raft_election,
        command_for_key,
    );
    let milestones = use_mut_ref(Milestones::default);
    let derived = use_mut_ref(Derived::default);

    let c = ctl.borrow();
    derived.borrow_mut().refresh(&c, &milestones);
    let d = derived.borrow();
    let world = c.run.world();
    let now = c.display_time();
    let now_ms = c.run.now();
    let nodes = world
        .nodes()
        .iter()
        .map(|slot| node_visual(world, slot, now))
        .collect::<Vec<_>>();
    let mut messages: Vec<_> = world
        .in_flight()
        .map(|m| message_visual(m, now, false))
        .collect();
    messages.extend(world.held().map(|m| message_visual(m, now, true)));
    messages.sort_by_key(|m| m.id);
    let names: Vec<NodeId> = world.nodes().iter().map(|s| s.id).collect();
    let on_the_wire: Vec<InFlightItem> = if c.playing {
        Vec::new()
    } else {
        messages
            .iter()
            .map(|m| InFlightItem {
                id: m.id,
                label: m.label.clone(),
            })
            .collect()
    };

    let (inspector_title, inspector_note, fields) = match c.selected {
        Some(id) => {
            let slot = world.node(id);
            let note = if slot.is_up() {
                "Everything this server knows right now. X (or the Crash button) crashes it."
                    .to_string()
            } else {
                format!("{id} is down: only what it saved to disk remains. X (or the Restart button) restarts it from its disk.")
            };
            (format!("Inspecting {id}"), note, node_fields(slot, now_ms))
        }
        None => (
            "Inspector".into(),
            "Click a node, Tab to it, or pick one here to see its whole state.".into(),
            Vec::new(),
        ),
    };

    let message_panel = c.selected_message.and_then(|id| {
        let held = world.held().any(|m| m.id == id);
        let m = world.in_flight().chain(world.held()).find(|m| m.id == id)?;
        Some(html! {
            <MessagePanel title={format!("Message #{id}")} fields={Rc::new(message_fields(m, held))} {held}
                send={send.clone()} />
        })
    });

    let params = &d.params;
    let picking = c.tool == Tool::PickGroup;
    let hint = if picking {
        "Click nodes to pick one side of the cut, then press “Cut off the picked nodes”. Esc cancels."
    } else if c.click_crashes {
        "Click a node to crash it; again to restart it. Click a message to inspect, drop or hold it."
    } else {
        "Click a node to select and inspect it; X crashes or restarts it. Click a message, or near one while it flies, to inspect, drop or hold it."
    };
    let show_controls = props.route.controls;
    let trace_hash = world.trace_hash();
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let crash_label = match c.selected {
        Some(id) if world.node(id).is_up() => format!("✕ Crash {id} (X)"),
        Some(id) => format!("⟳ Restart {id} (X)"),
        None => "✕ Crash… (X)".to_string(),
    };

    html! {
        <div class="lab raft-election" data-trace-hash={trace_hash.clone()} data-now={now_ms.to_string()}
             data-leader={c.leader().map(|l| l.to_string()).unwrap_or_default()}
             data-playing={c.playing.to_string()} data-selected={c.selected.map(|s| s.to_string()).unwrap_or_default()}>
            <Banners problem={c.problem.clone()} notice={c.notice.clone()} can_undo={c.can_undo()} send={send.clone()} />
            if show_controls {
                <Controls playing={c.playing} speed={c.speed} now_ms={now_ms} horizon_ms={c.run.horizon()}
                    seed={c.scenario.seed} can_undo={c.can_undo()} send={send.clone()} />
                <Timeline now_ms={now_ms} end_ms={c.run.horizon().max(now_ms)} bands={d.bands.clone()}
                    marks={d.marks.clone()} on_seek={send.reform(Command::Seek)} />
            } else {
                <div class="controls minimal">
                    <button class="play" onclick={command(Command::TogglePlay)}>
                        {if c.playing { "❚❚ Pause" } else { "▶ Play" }}</button>
                    <output>{format_time(now_ms)}</output>
                </div>
            }
            <div class="lab-body">
                <div class="stage">
                    if params.break_one_vote_per_term {
                        <div class="break-badge" role="status" data-testid="break-badge">
                            <strong>{"⚠ Broken on purpose:"}</strong>{" a server may vote twice in one term."}
                            <button onclick={send.reform(|_| Command::SetParam { name: BREAK_VOTES, value: serde_json::Value::Bool(false) })}>
                                {"Fix it"}</button>
                        </div>
                    }
                    <div class="tools" role="toolbar" aria-label="Faults and actions">
                        if picking {
                            <button class="primary" disabled={c.picked.is_empty()} onclick={command(Command::CutPicked)}>
                                {format!("✂ Cut off the picked nodes ({})", c.picked.len())}</button>
                            <button onclick={command(Command::CancelPicking)}>{"Cancel"}</button>
                        } else {
                            <button onclick={command(Command::StartPicking)}
                                title="Pick the nodes on one side, then cut">{"✂ Partition…"}</button>
                        }
                        <button disabled={!world.network().is_partitioned()} onclick={command(Command::Heal)}
                            aria-label="Heal the network" title="Heal the network: everyone can reach everyone again">{"Heal"}</button>
                        <button class="crash" onclick={command(Command::CrashOrRestartSelected)} title="X: crash the selected server, or restart it">
                            {crash_label}</button>
                        <button onclick={command(Command::TimeoutSelected)} title="T">
                            {match c.selected { Some(id) => format!("Time out {id} (T)"), None => "Time out… (T)".to_string() }}</button>
                        <button onclick={command(Command::RestartLeader)} title="R">{"Restart leader (R)"}</button>
                        <button onclick={command(Command::AlignTimers)} title="A">{"Align timers (A)"}</button>
                    </div>
                    <ClusterView nodes={Rc::new(nodes)} messages={Rc::new(messages)} selected={c.selected}
                        faulty_links={Rc::new(faulty_links(world.network()))}
                        picked={Rc::new(c.picked.clone())} selected_message={c.selected_message} hint={hint}
                        playing={c.playing}
                        on_activate={send.reform(Command::ActivateNode)} on_select={send.reform(Command::Select)}
                        on_message={send.reform(Command::CatchMessage)} on_catch={send.reform(Command::CatchMessage)} />
                    <Legend />
                    if !props.route.embed {
                        <RaftExperiments />
                    }
                </div>
                <div class="side">
                    <Invariants items={Rc::new(invariant_statuses(&c))} send={send.clone()} />
                    {for message_panel}
                    <Inspector title={inspector_title} note={inspector_note} fields={Rc::new(fields)}
                        choices={Rc::new(names)} chosen={c.selected} send={send.clone()} />
                    <InFlightList items={Rc::new(on_the_wire)} playing={c.playing} send={send.clone()} />
                    <EventLog lines={d.log.lines.clone()} show_messages={c.show_routine} send={send.clone()} />
                    if show_controls {
                        <RaftSettings nodes={c.scenario.nodes} latency_ms={c.scenario.network.latency_ms}
                            loss_percent={(c.scenario.network.drop * 100.0).round()} fifo={c.scenario.network.fifo}
                            break_it={params.break_one_vote_per_term} send={send.clone()} />
                        <LinkGrid ids={Rc::new(world.roster().ids().collect::<Vec<_>>())} states={Rc::new(link_states(world.network()))}
                            send={send.clone()} />
                        <Share seed={c.scenario.seed} events={world.records()} trace_hash={trace_hash}
                            link={c.share_link.clone().map(AttrValue::from)} send={send.clone()} />
                    }
                </div>
            </div>
        </div>
    }
}

#[component]
fn Legend() -> Html {
    let swatch = |class: &'static str, words: &'static str| {
        html! { <li><span class={classes!("key-swatch", class)} aria-hidden="true"></span>{words}</li> }
    };
    html! {
        <div class="legend-row">
            <ul class="legend-list" aria-label="Legend: messages by colour">
                {swatch("vote-request", "vote request")}
                {swatch("vote-granted", "vote granted")}
                {swatch("vote-refused", "vote refused")}
                {swatch("append", "heartbeat")}
            </ul>
            <p class="key-text">{"Ring around a node: time left before its election timeout. Colour: its term. Dots on its rim: votes it got."}</p>
            <p class="keys">{"Keys: Space play/pause · ←/→ step · X crash/restart the selected node · T time it out · R restart the leader · A align timers (split vote) · Ctrl+Z undo · Home/End"}</p>
        </div>
    }
}

//! The Raft leader-election lab: wires the core's Raft model to the shared
//! components.

use super::common::{invariant_statuses, log_lines, timeline_parts};
use super::raft_experiments::RaftExperiments;
use super::raft_handlers::{Binder, Ctl, Handlers};
use super::raft_settings::RaftSettings;
use super::raft_view::{message_fields, message_visual, node_fields, node_visual};
use crate::browser;
use crate::components::cluster_view::ClusterView;
use crate::components::controls::{format_time, Controls};
use crate::components::event_log::EventLog;
use crate::components::in_flight::{InFlightItem, InFlightList};
use crate::components::inspector::Inspector;
use crate::components::invariants::Invariants;
use crate::components::link_grid::LinkGrid;
use crate::components::message_panel::MessagePanel;
use crate::components::share::Share;
use crate::components::timeline::Timeline;
use crate::controller::{Controller, Tool};
use crate::hooks::{use_animation_frames, use_window_keys};
use crate::milestones::Milestones;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, LinkState, Network, NodeId};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RaftElectionProps {
    pub route: Route,
}

fn initial(route: &Route) -> Ctl {
    let default = Scenario::new(lab::RAFT_ELECTION, 1, 5);
    let mut ctl = match Controller::new(default, lab::raft_election) {
        Ok(ctl) => ctl,
        Err(err) => panic!("the built-in default scenario is invalid: {err}"),
    };
    let mut problems = route.problems.clone();
    if let Some(packed) = &route.scenario {
        let loaded = Scenario::from_link_param(packed).and_then(|s| ctl.load(s, route.at_ms));
        if let Err(err) = loaded {
            problems.push(format!(
                "This link's scenario could not be used ({err}). Showing a fresh run instead."
            ));
        }
    } else if let Some(at) = route.at_ms {
        ctl.run.advance_to(at);
        ctl.playing = false;
    }
    if browser::prefers_reduced_motion() {
        // Nothing moves until the learner presses play or steps.
        ctl.playing = false;
    }
    if !problems.is_empty() {
        ctl.problem = Some(problems.join(" "));
    }
    ctl
}

fn handle_key(ctl: &mut Ctl, e: &KeyboardEvent) -> bool {
    match e.key().as_str() {
        " " => ctl.toggle_play(),
        "ArrowRight" => ctl.step_forward(),
        "ArrowLeft" => ctl.step_back(),
        "t" | "T" => ctl.timeout_selected(),
        "r" | "R" => ctl.restart_leader(),
        "a" | "A" => ctl.act(Action::AlignTimers),
        "x" | "X" => match ctl.selected {
            Some(id) => ctl.toggle_crash(id),
            None => {
                ctl.problem =
                    Some("Select a node first (click it or Tab to it), then press X.".into())
            }
        },
        "Home" => ctl.seek(0),
        "End" => ctl.seek(ctl.run.horizon()),
        "Escape" => {
            ctl.tool = Tool::CrashRestart;
            ctl.picked.clear();
            ctl.selected_message = None;
            ctl.problem = None;
        }
        _ => return false,
    }
    true
}

/// Every directed link's state, row-major.
fn link_states(network: &Network, size: usize) -> Vec<LinkState> {
    let ids = || (0..size as u8).map(NodeId::server);
    ids()
        .flat_map(|from| ids().map(move |to| network.link(from, to).state))
        .collect()
}

/// The directed links that drop or hold, for the cluster view.
fn faulty_links(network: &Network, size: usize) -> Vec<(NodeId, NodeId, LinkState)> {
    let ids = || (0..size as u8).map(NodeId::server);
    ids()
        .flat_map(|from| ids().map(move |to| (from, to)))
        .filter(|&(from, to)| from != to)
        .map(|(from, to)| (from, to, network.link(from, to).state))
        .filter(|&(_, _, state)| state != LinkState::Up)
        .collect()
}

fn report_height(last: &RefCell<f64>) {
    let Some(root) = browser::document().and_then(|d| d.document_element()) else {
        return;
    };
    let height = root.scroll_height() as f64;
    if (height - *last.borrow()).abs() >= 1.0 {
        *last.borrow_mut() = height;
        browser::post_height_to_parent(height);
    }
}

#[component]
pub fn RaftElectionLab(props: &RaftElectionProps) -> Html {
    let route = props.route.clone();
    let ctl = use_mut_ref(|| initial(&route));
    let update = use_force_update();
    let handlers = {
        let binder = Binder {
            ctl: ctl.clone(),
            update: update.clone(),
        };
        use_memo((), move |_| Handlers::new(&binder))
    };
    let frame_started: Rc<Cell<Option<f64>>> = use_memo((), |_| Cell::new(None));
    let last_height = use_mut_ref(|| 0.0f64);
    let milestones = use_mut_ref(Milestones::default);

    {
        let (ctl, update, frame_started) = (ctl.clone(), update.clone(), frame_started.clone());
        use_animation_frames(move |elapsed| {
            let playing = ctl.borrow().playing;
            if playing {
                frame_started.set(Some(browser::now_ms()));
                ctl.borrow_mut().frame(elapsed);
                update.force_update();
            }
        });
    }
    {
        let (ctl, update) = (ctl.clone(), update.clone());
        use_window_keys(move |e| {
            if handle_key(&mut ctl.borrow_mut(), e) {
                e.prevent_default();
                update.force_update();
            }
        });
    }
    {
        // Script time per animated frame (simulation + render), for the
        // benchmark; and our height, for a page that embeds us.
        let (frame_started, last_height) = (frame_started.clone(), last_height.clone());
        let embed = props.route.embed;
        use_effect(move || {
            if let Some(start) = frame_started.take() {
                browser::push_global_sample("distvizFrameMs", browser::now_ms() - start);
            }
            if embed {
                report_height(&last_height);
            }
        });
    }

    let c = ctl.borrow();
    let h = &*handlers;
    milestones
        .borrow_mut()
        .update(c.run.trace().records(), c.revision);
    let (bands, marks) = timeline_parts(&c, &milestones.borrow());
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
    let names: Vec<String> = world.nodes().iter().map(|s| s.id.to_string()).collect();
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
                "Everything this server knows right now.".to_string()
            } else {
                format!("{id} is down: only what it saved to disk remains. Activate it to restart it from its disk.")
            };
            (format!("Inspecting {id}"), note, node_fields(slot, now_ms))
        }
        None => (
            "Inspector".into(),
            "Tab to a node or pick one here to see its whole state.".into(),
            Vec::new(),
        ),
    };

    let message_panel = c.selected_message.and_then(|id| {
        let held = world.held().any(|m| m.id == id);
        let m = world.in_flight().chain(world.held()).find(|m| m.id == id)?;
        Some(html! {
            <MessagePanel title={format!("Message #{id}")} fields={Rc::new(message_fields(m))} {held}
                on_drop={h.drop_message.clone()} on_hold={h.hold_message.clone()}
                on_release={h.release_message.clone()} on_close={h.close_message.clone()} />
        })
    });

    let params = lab::raft_params(&c.scenario).unwrap_or_default();
    let picking = c.tool == Tool::PickGroup;
    let hint = if picking {
        "Click nodes to pick one side of the cut, then press “Cut off the picked nodes”. Esc cancels."
    } else {
        "Click a node (or Tab to it and press Enter) to crash it; again to restart it. Click a message to inspect, drop or hold it."
    };
    let show_controls = props.route.controls;
    let trace_hash = world.trace_hash();

    html! {
        <div class="lab raft-election" data-trace-hash={trace_hash.clone()} data-now={now_ms.to_string()}
             data-leader={c.leader().map(|l| l.to_string()).unwrap_or_default()}
             data-playing={c.playing.to_string()}>
            if let Some(problem) = &c.problem {
                <div class="problem" role="alert" data-testid="problem">
                    <span>{problem}</span>
                    <button aria-label="Dismiss" onclick={h.dismiss.reform(|_| ())}>{"✕"}</button>
                </div>
            }
            if show_controls {
                <Controls playing={c.playing} speed={c.speed} now_ms={now_ms} horizon_ms={c.run.horizon()}
                    on_toggle={h.toggle.clone()} on_step_back={h.step_back.clone()}
                    on_step_forward={h.step_forward.clone()} on_speed={h.speed.clone()}
                    on_seek={h.seek.clone()} on_reset={h.reset.clone()}
                    seed={c.scenario.seed} on_seed={h.seed.clone()} on_new_seed={h.new_seed.clone()} />
                <Timeline now_ms={now_ms} end_ms={c.run.horizon().max(now_ms)} bands={Rc::new(bands)}
                    marks={Rc::new(marks)} on_seek={h.seek.clone()} />
            } else {
                <div class="controls minimal">
                    <button class="play" onclick={h.toggle.reform(|_| ())}>
                        {if c.playing { "❚❚ Pause" } else { "▶ Play" }}</button>
                    <output>{format_time(now_ms)}</output>
                </div>
            }
            <div class="lab-body">
                <div class="stage">
                    <div class="tools" role="toolbar" aria-label="Faults and actions">
                        if picking {
                            <button class="primary" disabled={c.picked.is_empty()} onclick={h.cut.reform(|_| ())}>
                                {format!("✂ Cut off the picked nodes ({})", c.picked.len())}</button>
                            <button onclick={h.cancel_picking.reform(|_| ())}>{"Cancel"}</button>
                        } else {
                            <button onclick={h.start_picking.reform(|_| ())}
                                title="Pick the nodes on one side, then cut">{"✂ Partition…"}</button>
                        }
                        <button disabled={!world.network().is_partitioned()} onclick={h.heal.reform(|_| ())}>{"Heal the network"}</button>
                        <button onclick={h.timeout.reform(|_| ())} title="T">
                            {match c.selected { Some(id) => format!("Time out {id} (T)"), None => "Time out… (T)".to_string() }}</button>
                        <button onclick={h.restart_leader.reform(|_| ())} title="R">{"Restart leader (R)"}</button>
                        <button onclick={h.align.reform(|_| ())} title="A">{"Align timers (A)"}</button>
                    </div>
                    <ClusterView nodes={Rc::new(nodes)} messages={Rc::new(messages)} selected={c.selected}
                        faulty_links={Rc::new(faulty_links(world.network(), c.scenario.nodes))}
                        picked={Rc::new(c.picked.clone())} selected_message={c.selected_message} hint={hint}
                        on_activate={h.activate.clone()} on_select={h.select.clone()} on_message={h.select_message.clone()} />
                    <Legend />
                    if !props.route.embed {
                        <RaftExperiments />
                    }
                </div>
                <div class="side">
                    {for message_panel}
                    if !c.playing {
                        <InFlightList items={Rc::new(on_the_wire)} on_open={h.select_message.clone()} />
                    }
                    <Inspector title={inspector_title} note={inspector_note} fields={Rc::new(fields)}
                        choices={Rc::new(names)} chosen={c.selected.map(|id| id.index())} on_choose={h.inspect.clone()} />
                    <Invariants items={Rc::new(invariant_statuses(&c))} on_seek={h.seek.clone()} />
                    <EventLog lines={Rc::new(log_lines(&c))} show_messages={c.show_routine}
                        on_show_messages={h.show_routine.clone()} />
                    if show_controls {
                        <RaftSettings nodes={c.scenario.nodes} latency_ms={c.scenario.network.latency_ms}
                            loss_percent={(c.scenario.network.drop * 100.0).round()}
                            break_it={params.break_one_vote_per_term}
                            on_nodes={h.nodes.clone()} on_latency={h.latency.clone()} on_loss={h.loss.clone()}
                            on_break={h.break_it.clone()} />
                        <LinkGrid size={c.scenario.nodes} states={Rc::new(link_states(world.network(), c.scenario.nodes))}
                            on_cycle={h.cycle_link.clone()} />
                        <Share seed={c.scenario.seed} events={world.records()} trace_hash={trace_hash}
                            link={c.share_link.clone().map(AttrValue::from)}
                            on_copy_link={h.copy_link.clone()} on_export={h.export.clone()} on_import={h.import.clone()} />
                    }
                </div>
            </div>
        </div>
    }
}

#[component]
fn Legend() -> Html {
    html! {
        <div class="legend-row" aria-label="Legend">
            <span class="key-swatch vote-request"></span>{"vote request "}
            <span class="key-swatch vote-granted"></span>{"vote granted "}
            <span class="key-swatch vote-refused"></span>{"vote refused "}
            <span class="key-swatch append"></span>{"heartbeat "}
            <span class="key-text">{"Ring around a node: time left before its election timeout. Colour: its term."}</span>
            <p class="keys">{"Keys: Space play/pause · ←/→ step · T time out the selected node · R restart the leader · A align timers (split vote) · X crash/restart selected · Home/End"}</p>
        </div>
    }
}

//! The Raft leader-election lab: wires the core's Raft model to the shared
//! components.

use super::common::{invariant_statuses, log_lines, timeline_parts};
use super::raft_experiments::RaftExperiments;
use super::raft_settings::{RaftSettings, BREAK_VOTES};
use super::raft_view::{message_fields, message_visual, node_fields, node_visual};
use crate::browser;
use crate::components::cluster_view::ClusterView;
use crate::components::controls::{format_time, Controls};
use crate::components::event_log::{EventLog, LogLine};
use crate::components::in_flight::{InFlightItem, InFlightList};
use crate::components::inspector::Inspector;
use crate::components::invariants::Invariants;
use crate::components::link_grid::LinkGrid;
use crate::components::message_panel::MessagePanel;
use crate::components::share::Share;
use crate::components::timeline::{Band, Mark, Timeline};
use crate::controller::{Command, Controller, Outcome, Tool};
use crate::hooks::{use_animation_frames, use_window_keys};
use crate::keys::command_for_key;
use crate::milestones::Milestones;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::raft::{Raft, RaftParams};
use distviz_core::scenario::Scenario;
use distviz_core::sim::words::level;
use distviz_core::sim::{LinkState, Network, NodeId};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

type Ctl = Controller<Raft>;

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
    ctl.click_crashes = route.click_crashes;
    if let Some(packed) = &route.scenario {
        let loaded = Scenario::from_link_param(packed).and_then(|s| {
            let at = route.at_ms.or(s.at_ms);
            ctl.load(s, at)
        });
        if let Err(err) = loaded {
            problems.push(format!(
                "This link's scenario could not be used ({err}). Showing a fresh run instead."
            ));
        }
    } else if let Some(at) = route.at_ms {
        ctl.advance_within_budget(at);
        ctl.playing = false;
    }
    if browser::prefers_reduced_motion() {
        // Nothing moves until the learner presses play or steps.
        ctl.playing = false;
    }
    if !problems.is_empty() {
        let budget = ctl.problem.take();
        problems.extend(budget);
        ctl.problem = Some(problems.join(" "));
    }
    ctl
}

/// Carries out a command, and what the browser has to do after it.
fn perform(ctl: &RefCell<Ctl>, command: Command) {
    let outcome = ctl.borrow_mut().apply(command);
    match outcome {
        Outcome::Done => {}
        Outcome::Download { name, text } => browser::download(&name, &text),
        Outcome::ShareHash(hash) => {
            let link = browser::url_with_hash(&hash);
            browser::copy_to_clipboard(&link);
            ctl.borrow_mut().share_link = Some(link);
        }
    }
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

/// What is derived from the trace and settings, kept between frames: it is
/// rebuilt only when what it reads has changed, not on every frame.
/// What the log lines depend on: revision, records so far, routine shown,
/// last step, notes.
type LogKey = (u64, usize, bool, Option<(usize, usize)>, usize);

#[derive(Default)]
struct Derived {
    log_key: Option<LogKey>,
    log: Rc<Vec<LogLine>>,
    timeline_key: Option<(u64, usize, u64)>,
    bands: Rc<Vec<Band>>,
    marks: Rc<Vec<Mark>>,
    params_key: Option<u64>,
    params: RaftParams,
}

impl Derived {
    fn refresh(&mut self, c: &Ctl, milestones: &RefCell<Milestones>) {
        let records = c.run.records_so_far();
        let log_key = (
            c.revision,
            records.len(),
            c.show_routine,
            c.stepped,
            c.notes.len(),
        );
        if self.log_key != Some(log_key) {
            // While playing, usually only heartbeats were added: then the lines stand.
            let proto = c.run.world().protocol();
            let only_hidden_added =
                self.log_key
                    .is_some_and(|(rev, len, routine, stepped, notes)| {
                        (rev, routine, stepped, notes)
                            == (c.revision, c.show_routine, c.stepped, c.notes.len())
                            && len <= records.len()
                            && records[len..]
                                .iter()
                                .enumerate()
                                .all(|(i, r)| !c.shows_record(len + i, level(proto, r)))
                    });
            if !only_hidden_added {
                self.log = Rc::new(log_lines(c));
            }
            self.log_key = Some(log_key);
        }
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
    let route = props.route.clone();
    let ctl = use_mut_ref(|| initial(&route));
    let update = use_force_update();
    // The one callback every control uses: commands as data.
    let send: Callback<Command> = {
        let (ctl, update) = (ctl.clone(), update.clone());
        (*use_memo((), move |_| {
            Callback::from(move |command: Command| {
                perform(&ctl, command);
                update.force_update();
            })
        }))
        .clone()
    };
    let frame_started: Rc<Cell<Option<f64>>> = use_memo((), |_| Cell::new(None));
    let last_height = use_mut_ref(|| 0.0f64);
    let milestones = use_mut_ref(Milestones::default);
    let derived = use_mut_ref(Derived::default);

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
        let send = send.clone();
        use_window_keys(move |e| {
            match command_for_key(&e.key(), e.ctrl_key() || e.meta_key(), e.shift_key()) {
                Some(command) => {
                    send.emit(command);
                    true
                }
                None => false,
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
            if let Some(problem) = &c.problem {
                <div class="problem" role="alert" data-testid="problem">
                    <span>{problem}</span>
                    <button aria-label="Dismiss" onclick={command(Command::Dismiss)}>{"✕"}</button>
                </div>
            }
            if let Some(notice) = &c.notice {
                <div class="notice" role="status" data-testid="notice">
                    <span>{notice}</span>
                    if c.can_undo() {
                        <button onclick={command(Command::Undo)}>{"↶ Undo"}</button>
                    }
                    <button aria-label="Dismiss the notice" onclick={command(Command::Dismiss)}>{"✕"}</button>
                </div>
            }
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
                        faulty_links={Rc::new(faulty_links(world.network(), c.scenario.nodes))}
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
                        choices={Rc::new(names)} chosen={c.selected.map(|id| id.index())} send={send.clone()} />
                    <InFlightList items={Rc::new(on_the_wire)} playing={c.playing} send={send.clone()} />
                    <EventLog lines={d.log.clone()} show_messages={c.show_routine} send={send.clone()} />
                    if show_controls {
                        <RaftSettings nodes={c.scenario.nodes} latency_ms={c.scenario.network.latency_ms}
                            loss_percent={(c.scenario.network.drop * 100.0).round()}
                            break_it={params.break_one_vote_per_term} send={send.clone()} />
                        <LinkGrid size={c.scenario.nodes} states={Rc::new(link_states(world.network(), c.scenario.nodes))}
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

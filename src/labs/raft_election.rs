//! The Raft leader-election lab.

use super::raft_view::{message_fields, message_visual, node_fields, node_visual, term_colour};
use crate::browser;
use crate::components::cluster_view::ClusterView;
use crate::components::controls::{format_time, Controls};
use crate::components::event_log::{EventLog, LogLine};
use crate::components::inspector::Inspector;
use crate::components::invariants::{InvariantStatus, Invariants};
use crate::components::message_panel::MessagePanel;
use crate::components::share::Share;
use crate::components::timeline::{Band, Mark, Timeline};
use crate::controller::{Controller, Tool};
use crate::hooks::{use_animation_frames, use_window_keys};
use crate::milestones::Milestones;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::raft::{Raft, RaftParams};
use distviz_core::scenario::{Scenario, MAX_NODES};
use distviz_core::sim::words::{sentence, Level};
use distviz_core::sim::{Action, NodeId, Protocol};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

type Ctl = Controller<Raft>;

/// How far back the log looks for lines to show, and how many it shows.
const LOG_LOOKBACK: usize = 600;
const LOG_LINES: usize = 60;

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

fn log_lines(ctl: &Ctl) -> Vec<LogLine> {
    let records = ctl.run.records_so_far();
    let proto = ctl.run.world().protocol();
    let start = records.len().saturating_sub(LOG_LOOKBACK);
    let mut lines = Vec::new();
    for (index, record) in records.iter().enumerate().skip(start).rev() {
        let (level, text) = sentence(proto, record);
        let shown = match level {
            Level::Key | Level::Message => true,
            Level::Routine => ctl.show_routine,
        };
        if shown {
            lines.push(LogLine {
                index,
                at_ms: record.at,
                text,
                key: level == Level::Key,
            });
            if lines.len() == LOG_LINES {
                break;
            }
        }
    }
    lines
}

fn invariant_statuses(ctl: &Ctl) -> Vec<InvariantStatus> {
    let world = ctl.run.world();
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
        })
        .collect()
}

/// Leader bands and action/violation marks over the whole computed run.
fn timeline_parts(ctl: &Ctl, milestones: &Milestones) -> (Vec<Band>, Vec<Mark>) {
    let end = ctl.run.horizon();
    let bands = milestones
        .leaders
        .iter()
        .map(|lead| Band {
            start_ms: lead.at_ms,
            end_ms: lead.until_ms.unwrap_or(end),
            label: format!("{} · term {}", lead.node, lead.term),
            colour: term_colour(lead.term),
        })
        .collect();
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
    marks.extend(milestones.violations.iter().map(|&at| Mark {
        at_ms: at,
        label: format!("{at} ms: an invariant broke"),
        kind: "violation",
    }));
    (bands, marks)
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
        Action::Link {
            from, to, state, ..
        } => format!("link {from}→{to} {state:?}").to_lowercase(),
        Action::ClientRequest { node, command } => format!("request \"{command}\" to {node}"),
        Action::Timeout { node } => format!("time out {node}"),
        Action::AlignTimers => "align timers".into(),
    }
}

fn file_name(scenario: &Scenario) -> String {
    format!("distviz-{}-seed{}.json", scenario.lab, scenario.seed)
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

#[component]
pub fn RaftElectionLab(props: &RaftElectionProps) -> Html {
    let route = props.route.clone();
    let ctl = use_mut_ref(|| initial(&route));
    let update = use_force_update();
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
        // Measure script time per animated frame (sim + render), and tell
        // an embedding page our height.
        let frame_started = frame_started.clone();
        let embed = props.route.embed;
        let last_height = last_height.clone();
        use_effect(move || {
            if let Some(start) = frame_started.take() {
                browser::push_global_sample("distvizFrameMs", browser::now_ms() - start);
            }
            if embed {
                report_height(&last_height);
            }
        });
    }

    let on = Binder {
        ctl: ctl.clone(),
        update: update.clone(),
    };

    let c = ctl.borrow();
    milestones
        .borrow_mut()
        .update(c.run.trace().records(), c.revision);
    let (bands, marks) = timeline_parts(&c, &milestones.borrow());
    let world = c.run.world();
    let now = c.display_time();
    let now_ms = c.run.now();
    let nodes = Rc::new(
        world
            .nodes()
            .iter()
            .map(|slot| node_visual(world, slot, now))
            .collect::<Vec<_>>(),
    );
    let mut messages: Vec<_> = world
        .in_flight()
        .map(|m| message_visual(m, now, false))
        .collect();
    messages.extend(world.held().map(|m| message_visual(m, now, true)));
    messages.sort_by_key(|m| m.id);
    let messages = Rc::new(messages);
    let names: Rc<Vec<String>> = Rc::new(world.nodes().iter().map(|s| s.id.to_string()).collect());

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
        let act = |make: fn(u64) -> Action| {
            on.bind(move |ctl: &mut Ctl, _: ()| {
                ctl.act(make(id));
                if matches!(make(id), Action::DropMessage { .. }) {
                    ctl.selected_message = None;
                }
            })
        };
        Some(html! {
            <MessagePanel title={format!("Message #{id}")} fields={Rc::new(message_fields(m))} {held}
                on_drop={act(|id| Action::DropMessage { id })}
                on_hold={act(|id| Action::HoldMessage { id })}
                on_release={act(|id| Action::ReleaseMessage { id })}
                on_close={on.bind(|ctl: &mut Ctl, _: ()| ctl.selected_message = None)} />
        })
    });

    let leader = c.leader();
    let params: RaftParams = lab::raft_params(&c.scenario).unwrap_or_default();
    let partitioned = world.network().is_partitioned();
    let picking = c.tool == Tool::PickGroup;
    let hint = if picking {
        "Click nodes to pick one side of the cut, then press “Cut off the picked nodes”. Esc cancels."
    } else {
        "Click a node (or Tab to it and press Enter) to crash it; again to restart it. Click a message to inspect, drop or hold it."
    };
    let show_controls = props.route.controls;
    let scenario_for_share = c.current_scenario();

    let on_copy_link = on.bind(move |ctl: &mut Ctl, _: ()| {
        let scenario = ctl.current_scenario();
        let hash = Route::share_hash(&scenario.lab, &scenario.to_link_param(), ctl.run.now());
        let link = browser::url_with_hash(&hash);
        browser::copy_to_clipboard(&link);
        ctl.share_link = Some(link);
    });
    let on_export = on.bind(move |ctl: &mut Ctl, _: ()| {
        let scenario = ctl.current_scenario();
        browser::download(&file_name(&scenario), &scenario.to_json());
    });
    let on_import = on.bind(|ctl: &mut Ctl, (name, text): (String, String)| {
        let outcome = Scenario::parse(&text).and_then(|s| ctl.load(s, None));
        if let Err(err) = outcome {
            ctl.problem = Some(format!(
                "{name} was not loaded: {err}. The current run is unchanged."
            ));
        }
    });

    let settings = settings_panel(&c.scenario, &params, &on);

    html! {
        <div class="lab raft-election" data-trace-hash={world.trace_hash()} data-now={now_ms.to_string()}
             data-leader={leader.map(|l| l.to_string()).unwrap_or_default()}
             data-playing={c.playing.to_string()}>
            if let Some(problem) = &c.problem {
                <div class="problem" role="alert" data-testid="problem">
                    <span>{problem}</span>
                    <button aria-label="Dismiss" onclick={on.bind(|ctl: &mut Ctl, _: MouseEvent| ctl.problem = None)}>{"✕"}</button>
                </div>
            }
            if show_controls {
                <Controls playing={c.playing} speed={c.speed} now_ms={now_ms} horizon_ms={c.run.horizon()}
                    on_toggle={on.bind(|c: &mut Ctl, _: ()| c.toggle_play())}
                    on_step_back={on.bind(|c: &mut Ctl, _: ()| c.step_back())}
                    on_step_forward={on.bind(|c: &mut Ctl, _: ()| c.step_forward())}
                    on_speed={on.bind(|ctl: &mut Ctl, s: f64| ctl.set_speed(s))}
                    on_seek={on.bind(|ctl: &mut Ctl, t: u64| { ctl.playing = false; ctl.seek(t) })}
                    on_reset={on.bind(|c: &mut Ctl, _: ()| c.reset())}
                    seed={c.scenario.seed}
                    on_seed={on.bind(|ctl: &mut Ctl, text: String| match text.trim().parse::<u64>() {
                        Ok(seed) => ctl.reconfigure(|s| s.seed = seed),
                        Err(_) => ctl.problem = Some(format!("“{text}” is not a seed: use a whole number, 0 or more.")),
                    })}
                    on_new_seed={on.bind(|ctl: &mut Ctl, _: ()| {
                        let seed = (js_sys::Math::random() * 1_000_000.0) as u64;
                        ctl.reconfigure(|s| s.seed = seed);
                    })} />
                <Timeline now_ms={now_ms} end_ms={c.run.horizon().max(now_ms)} bands={Rc::new(bands)} marks={Rc::new(marks)}
                    on_seek={on.bind(|ctl: &mut Ctl, t: u64| { ctl.playing = false; ctl.seek(t) })} />
            } else {
                <div class="controls minimal">
                    <button class="play" onclick={on.bind(|c: &mut Ctl, _: ()| c.toggle_play()).reform(|_| ())}>
                        {if c.playing { "❚❚ Pause" } else { "▶ Play" }}</button>
                    <output>{format_time(now_ms)}</output>
                </div>
            }
            <div class="lab-body">
                <div class="stage">
                    <div class="tools" role="toolbar" aria-label="Faults and actions">
                        if picking {
                            <button class="primary" disabled={c.picked.is_empty()} onclick={on.bind(|c: &mut Ctl, _: ()| c.partition_picked()).reform(|_| ())}>
                                {format!("✂ Cut off the picked nodes ({})", c.picked.len())}</button>
                            <button onclick={on.bind(|ctl: &mut Ctl, _: MouseEvent| { ctl.tool = Tool::CrashRestart; ctl.picked.clear(); })}>{"Cancel"}</button>
                        } else {
                            <button onclick={on.bind(|ctl: &mut Ctl, _: MouseEvent| ctl.tool = Tool::PickGroup)}
                                title="Pick the nodes on one side, then cut">{"✂ Partition…"}</button>
                        }
                        <button disabled={!partitioned} onclick={on.bind(|c: &mut Ctl, _: ()| c.heal()).reform(|_| ())}>{"Heal the network"}</button>
                        <button onclick={on.bind(|c: &mut Ctl, _: ()| c.timeout_selected()).reform(|_| ())} title="T">
                            {match c.selected { Some(id) => format!("Time out {id} (T)"), None => "Time out… (T)".to_string() }}</button>
                        <button onclick={on.bind(|c: &mut Ctl, _: ()| c.restart_leader()).reform(|_| ())} title="R">{"Restart leader (R)"}</button>
                        <button onclick={on.bind(|ctl: &mut Ctl, _: MouseEvent| ctl.act(Action::AlignTimers))} title="A">{"Align timers (A)"}</button>
                    </div>
                    <ClusterView nodes={nodes} messages={messages} selected={c.selected}
                        picked={Rc::new(c.picked.clone())} selected_message={c.selected_message} hint={hint}
                        on_activate={on.bind(|ctl: &mut Ctl, id: NodeId| ctl.activate_node(id))}
                        on_select={on.bind(|ctl: &mut Ctl, id: NodeId| ctl.selected = Some(id))}
                        on_message={on.bind(|ctl: &mut Ctl, id: u64| ctl.selected_message = Some(id))} />
                    <Legend />
                </div>
                <div class="side">
                    {for message_panel}
                    <Inspector title={inspector_title} note={inspector_note} fields={Rc::new(fields)}
                        choices={names} chosen={c.selected.map(|id| id.index())}
                        on_choose={on.bind(|ctl: &mut Ctl, i: usize| ctl.selected = Some(NodeId(i as u8)))} />
                    <Invariants items={Rc::new(invariant_statuses(&c))}
                        on_seek={on.bind(|ctl: &mut Ctl, t: u64| { ctl.playing = false; ctl.seek(t) })} />
                    <EventLog lines={Rc::new(log_lines(&c))} show_messages={c.show_routine}
                        on_show_messages={on.bind(|ctl: &mut Ctl, on: bool| ctl.show_routine = on)} />
                    if show_controls {
                        {settings}
                        <Share seed={scenario_for_share.seed} events={world.records()} trace_hash={world.trace_hash()}
                            link={c.share_link.clone().map(AttrValue::from)}
                            {on_copy_link} {on_export} {on_import} />
                    }
                </div>
            </div>
        </div>
    }
}

fn report_height(last: &Rc<RefCell<f64>>) {
    let Some(root) = browser::document().and_then(|d| d.document_element()) else {
        return;
    };
    let height = root.scroll_height() as f64;
    if (height - *last.borrow()).abs() >= 1.0 {
        *last.borrow_mut() = height;
        browser::post_height_to_parent(height);
    }
}

/// Makes callbacks that change the controller and then re-render.
#[derive(Clone)]
struct Binder {
    ctl: Rc<RefCell<Ctl>>,
    update: UseForceUpdateHandle,
}

impl Binder {
    fn bind<T: 'static>(&self, change: impl Fn(&mut Ctl, T) + 'static) -> Callback<T> {
        let Binder { ctl, update } = self.clone();
        Callback::from(move |value: T| {
            change(&mut ctl.borrow_mut(), value);
            update.force_update();
        })
    }
}

/// Cluster size, network and the "break it" toggle.
fn settings_panel(scenario: &Scenario, params: &RaftParams, on: &Binder) -> Html {
    let number = |e: &Event| -> Option<f64> {
        let input: web_sys::HtmlInputElement = e.target_dyn_into()?;
        input.value().trim().parse().ok()
    };
    let on_nodes = on.bind(move |ctl: &mut Ctl, e: Event| {
        let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
            return;
        };
        if let Ok(n) = select.value().parse::<usize>() {
            ctl.reconfigure(|s| s.nodes = n);
            ctl.selected = None;
        }
    });
    let on_break = on.bind(|ctl: &mut Ctl, e: Event| {
        let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
            return;
        };
        let on = input.checked();
        ctl.reconfigure(|s| {
            let mut params = lab::raft_params(s).unwrap_or_default();
            params.break_one_vote_per_term = on;
            s.params = serde_json::to_value(params).unwrap_or_default();
        });
    });
    let on_drop = on.bind(move |ctl: &mut Ctl, e: Event| match number(&e) {
        Some(percent) if (0.0..=100.0).contains(&percent) => {
            ctl.reconfigure(|s| s.network.drop = percent / 100.0)
        }
        _ => ctl.problem = Some("Message loss is a percentage from 0 to 100.".into()),
    });
    let latency = |which: usize| {
        on.bind(move |ctl: &mut Ctl, e: Event| match number(&e) {
            Some(ms) if (0.0..=60_000.0).contains(&ms) && ms.fract() == 0.0 => {
                let mut range = ctl.scenario.network.latency_ms;
                range[which] = ms as u64;
                if range[0] > range[1] {
                    ctl.problem = Some("The smallest latency cannot be above the largest.".into());
                } else {
                    ctl.reconfigure(|s| s.network.latency_ms = range);
                }
            }
            _ => {
                ctl.problem = Some("Latency is a whole number of milliseconds, 0 to 60000.".into())
            }
        })
    };
    let [lo, hi] = scenario.network.latency_ms;
    html! {
        <details class="panel settings">
            <summary><h2>{"Settings"}</h2></summary>
            <p class="note">{"Changing a setting starts the run again from time 0."}</p>
            <label>{"Servers "}
                <select onchange={on_nodes} aria-label="Number of servers">
                    {for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == scenario.nodes}>{n}</option> })}
                </select>
            </label>
            <label>{"Latency "}
                <input type="number" min="0" max="60000" value={lo.to_string()} onchange={latency(0)} aria-label="Smallest latency (ms)" />
                {" – "}
                <input type="number" min="0" max="60000" value={hi.to_string()} onchange={latency(1)} aria-label="Largest latency (ms)" />
                {" ms"}</label>
            <label>{"Message loss "}<input type="number" min="0" max="100" step="1" value={(scenario.network.drop * 100.0).round().to_string()} onchange={on_drop} />{" %"}</label>
            <label class="break-it">
                <input type="checkbox" checked={params.break_one_vote_per_term} onchange={on_break} />
                {" Break it: let a server vote twice in one term"}
            </label>
        </details>
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

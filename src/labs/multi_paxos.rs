//! The Multi-Paxos lab: a leader runs phase 1 once for every slot, then
//! one round of Accept and Accepted per command. Wires the core's model to
//! the shared components; the slot table and the chosen marker show a slot
//! chosen before any learner knows it.

use super::break_badge::BreakBadge;
use super::common::landmark_timeline;
use super::counterexample::FindCounterexample;
use super::multi_paxos_experiments::MultiPaxosExperiments;
use super::multi_paxos_settings::{MultiPaxosSettings, BREAK};
use super::multi_paxos_slots::{counters, shown_server, slot_table, stores};
use super::multi_paxos_view::{
    chosen_status, message_fields, message_visual, node_fields, node_visual,
};
use super::shell::{
    self, inspected, lab_frame, message_panel, messages, partition_tools, use_lab, FrameParts,
    LabHandle,
};
use crate::controller::{Command, Controller, Tool};
use crate::keys::command_for_key;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::multipaxos::{random_request, MultiPaxos, MultiPaxosParams};
use distviz_core::raft::ClientInput;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId};
use serde_json::Value;
use yew::prelude::*;

type Ctl = Controller<MultiPaxos>;

/// The client the C key and the button send from.
const CLIENT: NodeId = NodeId::client(0);

/// C1 sends the next request a workload would make.
fn send_request() -> Command {
    Command::Act(Action::input(CLIENT, &ClientInput::Any))
}

/// The Raft labs' keys (T, R, A and the shared ones), and C to send a
/// request.
pub fn keys(key: &str, command: bool, shift: bool) -> Option<Command> {
    match key {
        "c" | "C" if !command => Some(send_request()),
        _ => command_for_key(key, command, shift),
    }
}

#[derive(Properties, PartialEq)]
pub struct MultiPaxosProps {
    pub route: Route,
}

type Derived = shell::Derived<MultiPaxosParams>;

fn refresh(derived: &mut Derived, c: &Ctl) {
    derived.refresh(c, c.run.landmarks().revision, landmark_timeline, |s| {
        lab::multi_paxos_params(s).unwrap_or_default()
    });
}

/// A new lab: three servers and one client.
fn default_scenario() -> Scenario {
    let mut s = Scenario::new(lab::MULTI_PAXOS, 1, 3);
    s.other_nodes.insert("client".into(), 1);
    s
}

#[component]
pub fn MultiPaxosLab(props: &MultiPaxosProps) -> Html {
    let LabHandle { ctl, send } = use_lab(&props.route, default_scenario(), lab::multi_paxos, keys);
    let derived = use_mut_ref(Derived::default);

    let c = ctl.borrow();
    refresh(&mut derived.borrow_mut(), &c);
    let d = derived.borrow();
    let world = c.run.world();
    let now = c.display_time();
    let nodes: Vec<_> = world
        .nodes()
        .iter()
        .map(|slot| node_visual(world, slot, now))
        .collect();
    let hint = if c.tool == Tool::PickGroup {
        "Click nodes to pick one side of the cut, then press “Cut off the picked nodes”. Esc cancels."
    } else {
        "Press C to send a request. Click a server to select it and see its slots; X crashes or restarts it. Click a message to inspect, drop or hold it."
    };
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let crash_label = match c.selected {
        Some(id) if world.node(id).is_up() => format!("✕ Crash {id} (X)"),
        Some(id) => format!("⟳ Restart {id} (X)"),
        None => "✕ Crash… (X)".to_string(),
    };
    let params = &d.params;
    let fix = send.reform(|()| Command::SetLayout {
        counts: Vec::new(),
        params: vec![(BREAK.0, Value::Bool(false))],
    });
    let above = html! {
        <>
            if params.broken() {
                <BreakBadge words={format!("{}.", BREAK.1)} {fix} />
            }
            {match chosen_status(world) {
                Some((words, state)) => html! {
                    <p class={classes!("chosen-marker", state)} role="status" data-testid="chosen" data-state={state}>
                        <span class="chosen-dot" aria-hidden="true">{"★"}</span>{words}</p>
                },
                None => html! {
                    <p class="chosen-marker none" role="status" data-testid="chosen" data-state="none">
                        {"No slot is chosen yet: no entry has been accepted by a majority of the servers in one ballot."}</p>
                },
            }}
            <div class="tools" role="toolbar" aria-label="Requests and faults">
                <button class="primary" onclick={command(send_request())} title="C: C1 sends the next request">{"Send request (C)"}</button>
                <button class="crash" onclick={command(Command::CrashOrRestartSelected)} title="X: crash the selected node, or restart it">
                    {crash_label}</button>
                <button onclick={command(Command::TimeoutSelected)} title="T: the selected server runs phase 1 now">
                    {match c.selected { Some(id) => format!("Time out {id} (T)"), None => "Time out… (T)".to_string() }}</button>
                <button onclick={command(Command::RestartRole("leader"))} title="R: crash the leader and start it again">{"Restart leader (R)"}</button>
                {partition_tools(&c, &send)}
            </div>
        </>
    };
    let below = html! {
        <>
            {slot_table(world, shown_server(world, c.selected))}
            <div class="mp-tables">
                {stores(world)}
                {counters(world)}
            </div>
            <Legend />
            if !props.route.embed {
                <FindCounterexample<MultiPaxos> base={c.search_base()} make={lab::multi_paxos as fn(&Scenario) -> _}
                    inputs={Some(random_request as distviz_core::search::InputDraw)} send={send.clone()} />
                <MultiPaxosExperiments send={send.clone()} />
            }
        </>
    };
    let clients = c.scenario.other_nodes.get("client").copied().unwrap_or(0);
    let settings = html! {
        <MultiPaxosSettings servers={c.scenario.nodes} {clients} params={params.clone()} send={send.clone()} />
    };
    lab_frame(
        &c,
        &send,
        FrameParts {
            class: "multi-paxos",
            leader: Some(c.in_role("leader").map(|l| l.to_string()).unwrap_or_default()),
            show_controls: props.route.controls,
            bands: d.bands.clone(),
            timeline_caption: "Timeline: each leader and its ballot, your actions (ticks) and broken safety checks (red).",
            marks: d.marks.clone(),
            above,
            nodes,
            messages: messages(world, now, |m, now, held| {
                message_visual(world, m, now, held)
            }),
            hint,
            below,
            inspector: inspected(&c, node_fields, "node"),
            message_panel: message_panel(&c, &send, |m, held| message_fields(world, m, held)),
            log: d.log.lines.clone(),
            settings,
        },
    )
}

#[component]
fn Legend() -> Html {
    let swatch = |class: &'static str, words: &'static str| {
        html! { <li><span class={classes!("key-swatch", class)} aria-hidden="true"></span>{words}</li> }
    };
    html! {
        <div class="legend-row">
            <ul class="legend-list" aria-label="Legend: messages by colour">
                {swatch("prepare", "Prepare")}
                {swatch("promise", "Promise")}
                {swatch("accept", "Accept")}
                {swatch("accepted", "Accepted")}
                {swatch("nack", "Nack")}
                {swatch("learn", "Chosen / catch-up")}
                {swatch("append", "heartbeat")}
                {swatch("client-request", "client request")}
                {swatch("client-reply", "client reply")}
            </ul>
            <p class="key-text">{"Each message carries its ballot (round.server) and slot (#3). A server shows its ballot (a follower: the one it promised) and how many slots it applied. Ring around a follower: time left before it runs phase 1 itself; dots on a preparing server: promises. Colour: the ballot's round."}</p>
            <p class="keys">{"Keys: Space play/pause · ←/→ step · C send a request · X crash/restart the selected node · P pause/resume it · T time it out · R restart the leader · A align the timers · Ctrl+Z undo · Home/End"}</p>
        </div>
    }
}

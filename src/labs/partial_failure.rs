//! "Why it is hard: partial failure": a client, one or three servers, and
//! every way a request can go unanswered. Wires the core's model to the
//! shared components.

use super::common::landmark_timeline;
use super::pf_experiments::PfExperiments;
use super::pf_settings::PfSettings;
use super::pf_view::{message_fields, message_visual, node_fields, node_visual};
use super::shell::{
    self, inspected, lab_frame, message_panel, messages, partition_tools, use_lab, FrameParts,
    LabHandle,
};
use crate::controller::{Command, Controller, Tool};
use crate::keys::shared_command_for_key;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::partial_failure::{Op, PartialFailure, PartialFailureParams, Request};
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId};
use yew::prelude::*;

type Ctl = Controller<PartialFailure>;

/// The client the lab's buttons and the C key send from.
const CLIENT: NodeId = NodeId::client(0);

fn send_op(op: Op) -> Command {
    Command::Act(Action::input(CLIENT, &Request { op }))
}

/// The shared keys, and C to send an increment (RaftScope's "client request").
fn keys(key: &str, command: bool, shift: bool) -> Option<Command> {
    match key {
        "c" | "C" if !command => Some(send_op(Op::Increment)),
        _ => shared_command_for_key(key, command, shift),
    }
}

#[derive(Properties, PartialEq)]
pub struct PartialFailureProps {
    pub route: Route,
}

type Derived = shell::Derived<PartialFailureParams>;

fn refresh(derived: &mut Derived, c: &Ctl) {
    derived.refresh(c, c.run.landmarks().revision, landmark_timeline, |s| {
        lab::partial_failure_params(s).unwrap_or_default()
    });
}

/// One sentence on what the client cannot know, while it waits or after.
fn client_says(c: &Ctl) -> String {
    use distviz_core::partial_failure::Node;
    let world = c.run.world();
    match world.get(CLIENT).and_then(|slot| slot.live.as_ref()) {
        Some(Node::Client(client)) => match &client.waiting {
            Some(w) => format!(
                "C1 has sent request #{} to {} and waits. It cannot see the network or the server: until a reply comes, all it knows is that none has come yet.",
                w.req, w.server
            ),
            None if client.unknown > 0 => format!(
                "C1 gave up on {} without an answer: it cannot know whether {} happened (the outcome is unknown). A lost request, a lost reply, a slow network, a crashed or a paused server all look the same from here.",
                if client.unknown == 1 { "1 request".to_string() } else { format!("{} requests", client.unknown) },
                if client.unknown == 1 { "it" } else { "they" }
            ),
            None => "C1 is idle. Send it an increment (C), then get in the way.".into(),
        },
        _ => "C1 is down.".into(),
    }
}

#[component]
pub fn PartialFailureLab(props: &PartialFailureProps) -> Html {
    let LabHandle { ctl, send } = use_lab(
        &props.route,
        Scenario::new(lab::PARTIAL_FAILURE, 1, 1),
        lab::partial_failure,
        keys,
    );
    let derived = use_mut_ref(Derived::default);

    let c = ctl.borrow();
    refresh(&mut derived.borrow_mut(), &c);
    let d = derived.borrow();
    let world = c.run.world();
    let now = c.display_time();
    let now_ms = c.run.now();
    let nodes: Vec<_> = world
        .nodes()
        .iter()
        .map(|slot| node_visual(world, slot, now))
        .collect();
    let hint = if c.tool == Tool::PickGroup {
        "Click nodes to pick one side of the cut, then press “Cut off the picked nodes”. Esc cancels."
    } else {
        "Click a node to select and inspect it; X crashes or restarts it, P pauses or resumes it. Click a message, or near one while it flies, to drop, hold or duplicate it."
    };
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let selected_slot = c.selected.and_then(|id| world.get(id));
    let crash_label = match selected_slot {
        Some(slot) if slot.is_up() => format!("✕ Crash {} (X)", slot.id),
        Some(slot) => format!("⟳ Restart {} (X)", slot.id),
        None => "✕ Crash… (X)".to_string(),
    };
    let pause_label = match selected_slot {
        Some(slot) if slot.is_paused() => format!("▶ Resume {} (P)", slot.id),
        Some(slot) => format!("❚❚ Pause {} (P)", slot.id),
        None => "❚❚ Pause… (P)".to_string(),
    };
    let params = &d.params;
    let above = html! {
        <>
            <p class="client-says" role="status" data-testid="client-says">{client_says(&c)}</p>
            <div class="tools" role="toolbar" aria-label="Requests and faults">
                <button class="primary" onclick={command(send_op(Op::Increment))} title="C">{"Send increment (C)"}</button>
                <button onclick={command(send_op(Op::Read))}>{"Send read"}</button>
                <button class="crash" onclick={command(Command::CrashOrRestartSelected)} title="X: crash the selected node, or restart it">
                    {crash_label}</button>
                <button onclick={command(Command::PauseOrResumeSelected)} title="P: pause the selected node, or resume it">
                    {pause_label}</button>
                {partition_tools(&c, &send)}
            </div>
        </>
    };
    let below = html! {
        <>
            <Legend retries={params.retries} remember={params.remember_requests} />
            if !props.route.embed {
                <PfExperiments />
            }
        </>
    };
    let settings = html! {
        <PfSettings servers={c.scenario.nodes} fifo={c.scenario.network.fifo} params={params.clone()} send={send.clone()} />
    };
    lab_frame(
        &c,
        &send,
        FrameParts {
            class: "partial-failure",
            leader: None,
            show_controls: props.route.controls,
            bands: d.bands.clone(),
            timeline_caption: "Timeline: how long the client waited for each request, your actions (ticks) and broken checks (red).",
            marks: d.marks.clone(),
            above,
            nodes,
            messages: messages(world, now, |m, now, held| {
                message_visual(world, m, now, held)
            }),
            hint,
            below,
            inspector: inspected(&c, |slot| node_fields(slot, now_ms), "node"),
            message_panel: message_panel(&c, &send, |m, held| message_fields(world, m, held)),
            log: d.log.lines.clone(),
            settings,
        },
    )
}

#[derive(Properties, PartialEq)]
struct LegendProps {
    retries: bool,
    remember: bool,
}

#[component]
fn Legend(props: &LegendProps) -> Html {
    let swatch = |class: &'static str, words: &'static str| {
        html! { <li><span class={classes!("key-swatch", class)} aria-hidden="true"></span>{words}</li> }
    };
    let mode = match (props.retries, props.remember) {
        (false, _) => "Retries are off: a client that hears nothing gives up.",
        (true, false) => "Retries are on, and servers do not remember requests.",
        (true, true) => "Retries are on, and servers remember request ids (the fix).",
    };
    html! {
        <div class="legend-row">
            <ul class="legend-list" aria-label="Legend: messages by colour">
                {swatch("request", "request")}
                {swatch("reply", "reply")}
                {swatch("reply-memory", "reply from memory")}
            </ul>
            <p class="key-text">{"Ring around the client: how long it will still wait for a reply. "}{mode}</p>
            <p class="keys">{"Keys: Space play/pause · ←/→ step · C send an increment · X crash/restart the selected node · P pause/resume it · Ctrl+Z undo · Home/End"}</p>
        </div>
    }
}

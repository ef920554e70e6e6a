//! The Raft leader-election lab: wires the core's Raft model to the shared
//! components.

use super::break_badge::BreakBadge;
use super::raft_experiments::RaftExperiments;
use super::raft_settings::{RaftSettings, BREAK_VOTES};
use super::raft_timeline::raft_timeline;
use super::raft_view::{message_fields, message_visual, node_fields, node_visual};
use super::shell::{
    self, inspected, lab_frame, message_panel, messages, partition_tools, use_lab, FrameParts,
    LabHandle,
};
use crate::controller::{Command, Controller, Tool};
use crate::keys::command_for_key;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::raft::{Raft, RaftParams};
use distviz_core::scenario::Scenario;
use yew::prelude::*;

type Ctl = Controller<Raft>;

#[derive(Properties, PartialEq)]
pub struct RaftElectionProps {
    pub route: Route,
}

type Derived = shell::Derived<RaftParams>;

fn refresh(derived: &mut Derived, c: &Ctl) {
    let landmarks = c.run.lab_landmarks().revision + c.run.landmarks().revision;
    derived.refresh(c, landmarks, raft_timeline, |s| {
        lab::raft_params(s).unwrap_or_default()
    });
}

#[component]
pub fn RaftElectionLab(props: &RaftElectionProps) -> Html {
    let LabHandle { ctl, send } = use_lab(
        &props.route,
        Scenario::new(lab::RAFT_ELECTION, 1, 5),
        lab::raft_election,
        command_for_key,
    );
    let derived = use_mut_ref(Derived::default);

    let c = ctl.borrow();
    refresh(&mut derived.borrow_mut(), &c);
    let d = derived.borrow();
    let world = c.run.world();
    let now = c.display_time();
    let nodes = world
        .nodes()
        .iter()
        .map(|slot| node_visual(world, slot, now, false))
        .collect::<Vec<_>>();
    let params = &d.params;
    let hint = if c.tool == Tool::PickGroup {
        "Click nodes to pick one side of the cut, then press “Cut off the picked nodes”. Esc cancels."
    } else if c.click_crashes {
        "Click a node to crash it; again to restart it. Click a message to inspect, drop or hold it."
    } else {
        "Click a node to select and inspect it; X crashes or restarts it. Click a message, or near one while it flies, to inspect, drop or hold it."
    };
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let crash_label = match c.selected {
        Some(id) if world.node(id).is_up() => format!("✕ Crash {id} (X)"),
        Some(id) => format!("⟳ Restart {id} (X)"),
        None => "✕ Crash… (X)".to_string(),
    };
    let now_ms = c.run.now();
    let above = html! {
        <>
            if params.break_one_vote_per_term {
                <BreakBadge words="a server may vote twice in one term."
                    fix={send.reform(|()| Command::SetParam { name: BREAK_VOTES, value: serde_json::Value::Bool(false) })} />
            }
            <div class="tools" role="toolbar" aria-label="Faults and actions">
                {partition_tools(&c, &send)}
                <button class="crash" onclick={command(Command::CrashOrRestartSelected)} title="X: crash the selected server, or restart it">
                    {crash_label}</button>
                <button onclick={command(Command::TimeoutSelected)} title="T">
                    {match c.selected { Some(id) => format!("Time out {id} (T)"), None => "Time out… (T)".to_string() }}</button>
                <button onclick={command(Command::RestartRole("leader"))} title="R">{"Restart leader (R)"}</button>
                <button onclick={command(Command::AlignTimers)} title="A">{"Align timers (A)"}</button>
            </div>
        </>
    };
    let below = html! {
        <>
            <Legend />
            if !props.route.embed {
                <RaftExperiments />
            }
        </>
    };
    let settings = html! {
        <RaftSettings nodes={c.scenario.nodes} latency_ms={c.scenario.network.latency_ms}
            loss_percent={(c.scenario.network.drop * 100.0).round()} fifo={c.scenario.network.fifo}
            break_it={params.break_one_vote_per_term} send={send.clone()} />
    };
    lab_frame(
        &c,
        &send,
        FrameParts {
            class: "raft-election",
            leader: Some(c.in_role("leader").map(|l| l.to_string()).unwrap_or_default()),
            show_controls: props.route.controls,
            bands: d.bands.clone(),
            timeline_caption: "Timeline: who led each term (hatched: a term with no leader), your actions (ticks) and broken safety checks (red).",
            marks: d.marks.clone(),
            above,
            nodes,
            messages: messages(world, now, |m, now, held| {
                message_visual(world, m, now, held)
            }),
            hint,
            below,
            inspector: inspected(&c, |slot| node_fields(slot, now_ms), "server"),
            message_panel: message_panel(&c, &send, message_fields),
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
                {swatch("vote-request", "vote request")}
                {swatch("vote-granted", "vote granted")}
                {swatch("vote-refused", "vote refused")}
                {swatch("append", "heartbeat")}
                {swatch("append-reply", "heartbeat reply")}
            </ul>
            <p class="key-text">{"Ring around a node: time left before its election timeout. Colour: its term. Dots on a candidate's rim: one per other node, filled once that node granted its vote."}</p>
            <p class="keys">{"Keys: Space play/pause · ←/→ step · X crash/restart the selected node · P pause/resume it · T time it out · R restart the leader · A align timers (split vote) · Ctrl+Z undo · Home/End"}</p>
        </div>
    }
}

//! Single-decree Paxos: proposers, acceptors and learners agree on one
//! value. Wires the core's model to the shared components; the chosen
//! marker shows a value chosen before any learner knows it.

use super::break_badge::BreakBadge;
use super::common::landmark_timeline;
use super::paxos_experiments::PaxosExperiments;
use super::paxos_settings::{PaxosSettings, BREAK_TOGGLES};
use super::paxos_view::{chosen_status, message_fields, message_visual, node_fields, node_visual};
use super::shell::{
    self, inspected, lab_frame, message_panel, messages, partition_tools, use_lab, FrameParts,
    LabHandle,
};
use crate::controller::{Command, Controller, Tool};
use crate::keys::shared_command_for_key;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::paxos::{Paxos, PaxosParams, ACCEPTOR};
use distviz_core::scenario::Scenario;
use serde_json::Value;
use yew::prelude::*;

type Ctl = Controller<Paxos>;

/// The selected proposer proposes its own value (RaftScope's C).
fn propose() -> Command {
    Command::InputSelected {
        input: Value::Object(Default::default()),
        key: "P",
    }
}

/// The shared keys, with P to propose and U to pause or resume (P is
/// taken), and T to time the selected proposer out.
pub fn keys(key: &str, command: bool, shift: bool) -> Option<Command> {
    if command {
        return shared_command_for_key(key, command, shift);
    }
    match key {
        "p" | "P" => Some(propose()),
        "u" | "U" => Some(Command::PauseOrResumeSelected),
        "t" | "T" => Some(Command::TimeoutSelected),
        _ => shared_command_for_key(key, command, shift),
    }
}

#[derive(Properties, PartialEq)]
pub struct PaxosProps {
    pub route: Route,
}

type Derived = shell::Derived<PaxosParams>;

fn refresh(derived: &mut Derived, c: &Ctl) {
    derived.refresh(c, c.run.landmarks().revision, landmark_timeline, |s| {
        lab::paxos_params(s).unwrap_or_default()
    });
}

#[component]
pub fn PaxosLab(props: &PaxosProps) -> Html {
    let LabHandle { ctl, send } = use_lab(
        &props.route,
        Scenario::new(lab::PAXOS, 1, 2),
        lab::paxos,
        keys,
    );
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
        "Click a node to select and inspect it; P makes a selected proposer propose, X crashes or restarts it. Click a message to drop, hold or duplicate it."
    };
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let selected_slot = c.selected.and_then(|id| world.get(id));
    let crash_label = match selected_slot {
        Some(slot) if slot.is_up() => format!("✕ Crash {} (X)", slot.id),
        Some(slot) => format!("⟳ Restart {} (X)", slot.id),
        None => "✕ Crash… (X)".to_string(),
    };
    let propose_label = match c.selected {
        Some(id) if id.kind != ACCEPTOR => format!("Propose from {id} (P)"),
        _ => "Propose… (P)".to_string(),
    };
    let params = &d.params;
    let broken: Vec<&str> = BREAK_TOGGLES
        .iter()
        .filter(|(name, _)| match *name {
            "break_ignore_promised_values" => params.break_ignore_promised_values,
            "break_forget_promise" => params.break_forget_promise,
            _ => params.break_small_quorums,
        })
        .map(|(_, words)| *words)
        .collect();
    let fix = send.reform(|()| Command::SetLayout {
        counts: Vec::new(),
        params: BREAK_TOGGLES
            .iter()
            .map(|(name, _)| (*name, Value::Bool(false)))
            .collect(),
    });
    let chosen = chosen_status(world);
    let above = html! {
        <>
            if !broken.is_empty() {
                <BreakBadge words={format!("{}.", broken.join("; "))} {fix} />
            }
            {match &chosen {
                Some((words, state)) => html! {
                    <p class={classes!("chosen-marker", *state)} role="status" data-testid="chosen" data-state={*state}>
                        <span class="chosen-dot" aria-hidden="true">{"★"}</span>{words}</p>
                },
                None => html! {
                    <p class="chosen-marker none" role="status" data-testid="chosen" data-state="none">
                        {"Nothing is chosen yet: no ballot has been accepted by a majority of the acceptors."}</p>
                },
            }}
            <div class="tools" role="toolbar" aria-label="Proposals and faults">
                <button class="primary" onclick={command(propose())} title="P: the selected proposer proposes its value">
                    {propose_label}</button>
                <button class="crash" onclick={command(Command::CrashOrRestartSelected)} title="X: crash the selected node, or restart it">
                    {crash_label}</button>
                <button onclick={command(Command::TimeoutSelected)} title="T: the selected proposer gives up on its ballot now">
                    {match c.selected { Some(id) => format!("Time out {id} (T)"), None => "Time out… (T)".to_string() }}</button>
                <button onclick={command(Command::PauseOrResumeSelected)} title="U: pause the selected node, or resume it">
                    {"❚❚ Pause / resume (U)"}</button>
                {partition_tools(&c, &send)}
            </div>
        </>
    };
    let below = html! {
        <>
            <Legend />
            if !props.route.embed {
                <PaxosExperiments send={send.clone()} />
            }
        </>
    };
    let acceptors = c.scenario.other_nodes.get("acceptor").copied().unwrap_or(0);
    let settings = html! {
        <PaxosSettings proposers={c.scenario.nodes} {acceptors} fifo={c.scenario.network.fifo}
            params={params.clone()} send={send.clone()} />
    };
    lab_frame(
        &c,
        &send,
        FrameParts {
            class: "paxos",
            leader: None,
            show_controls: props.route.controls,
            bands: d.bands.clone(),
            timeline_caption: "Timeline: each ballot a proposer worked on, your actions (ticks) and broken safety checks (red).",
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
            </ul>
            <p class="key-text">{"Each message carries its ballot (round.proposer). A node's colour is the value it accepted or learned. Acceptors show the ballot they promised (prom) and the proposal they accepted (ballot=value); both are on disk. “✓ chosen”: the acceptor is in the majority that chose a value. Ring around a proposer: patience left for its ballot. Dots on its rim: promises (phase 1) or Accepted heard (phase 2)."}</p>
            <p class="keys">{"Keys: Space play/pause · ←/→ step · P propose from the selected proposer · X crash/restart the selected node · T time it out · U pause/resume it · Ctrl+Z undo · Home/End"}</p>
        </div>
    }
}

//! The Raft log replication lab: clients' requests become entries that
//! travel, commit and apply; logs strips show it, and "why isn't this
//! committed?" answers from the live state.

use super::break_badge::BreakBadge;
use super::counterexample::FindCounterexample;
use super::raft_log::{logs_with_why, Picked};
use super::raft_membership::{MembershipProps, MembershipTools};
use super::raft_replication_experiments::ReplicationExperiments;
use super::raft_replication_settings::{is_broken, ReplicationSettings, BREAKS};
use super::raft_timeline::raft_timeline;
use super::raft_view::{message_fields, message_visual, node_fields, node_visual};
use super::shell::{
    self, inspected, lab_frame, message_panel, messages, partition_tools, use_lab, FrameParts,
    LabHandle,
};
use crate::components::out_of_sight::use_sight;
use crate::controller::{Command, Controller, Tool};
use crate::keys::command_for_key;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::raft::{ClientInput, Raft, RaftParams};
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId};
use yew::prelude::*;

type Ctl = Controller<Raft>;

/// The client the C key and the buttons send from.
const CLIENT: NodeId = NodeId::client(0);

fn send_request(input: ClientInput) -> Command {
    Command::Act(Action::input(CLIENT, &input))
}

/// The Raft keys, and C to send a request (RaftScope's "client request").
fn keys(key: &str, command: bool, shift: bool) -> Option<Command> {
    match key {
        "c" | "C" if !command => Some(send_request(ClientInput::Any)),
        _ => command_for_key(key, command, shift),
    }
}

/// A new lab: five servers and one client.
fn default_scenario() -> Scenario {
    let mut s = Scenario::new(lab::RAFT_REPLICATION, 1, 5);
    s.other_nodes.insert("client".into(), 1);
    s
}

#[derive(Properties, PartialEq)]
pub struct RaftReplicationProps {
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
pub fn RaftReplicationLab(props: &RaftReplicationProps) -> Html {
    let LabHandle { ctl, send } = use_lab(
        &props.route,
        default_scenario(),
        lab::raft_replication,
        keys,
    );
    let derived = use_mut_ref(Derived::default);
    let picked = use_state(|| None as Picked);
    let below_sight = use_sight();

    let c = ctl.borrow();
    refresh(&mut derived.borrow_mut(), &c);
    let d = derived.borrow();
    let world = c.run.world();
    let now = c.display_time();
    let now_ms = c.run.now();
    let nodes: Vec<_> = world
        .nodes()
        .iter()
        .map(|slot| node_visual(world, slot, now, true))
        .collect();
    let params = &d.params;
    let hint = if c.tool == Tool::PickGroup {
        "Click nodes to pick one side of the cut, then press “Cut off the picked nodes”. Esc cancels."
    } else {
        "Press C to send a request. Click a node to select and inspect it; X crashes or restarts it. Click a message, or near one while it flies, to inspect, drop or hold it."
    };
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let crash_label = match c.selected {
        Some(id) if world.node(id).is_up() => format!("✕ Crash {id} (X)"),
        Some(id) => format!("⟳ Restart {id} (X)"),
        None => "✕ Crash… (X)".to_string(),
    };
    let broken: Vec<_> = BREAKS
        .iter()
        .filter(|(f, _)| is_broken(params, f))
        .collect();
    let above = html! {
        <>
            if !broken.is_empty() {
                <BreakBadge words={format!("a server may {}.", broken.iter().map(|(_, w)| *w).collect::<Vec<_>>().join("; and "))}
                    fix={send.reform({
                        let fields: Vec<&'static str> = broken.iter().map(|(f, _)| *f).collect();
                        move |_| Command::SetLayout { counts: Vec::new(), params: fields.iter().map(|f| (*f, serde_json::Value::Bool(false))).collect() }
                    })} />
            }
            <div class="tools" role="toolbar" aria-label="Requests and faults">
                <button class="primary" onclick={command(send_request(ClientInput::Any))} title="C">{"Send request (C)"}</button>
                <button class="crash" onclick={command(Command::CrashOrRestartSelected)} title="X: crash the selected server, or restart it">
                    {crash_label}</button>
                <button onclick={command(Command::TimeoutSelected)} title="T">
                    {match c.selected { Some(id) => format!("Time out {id} (T)"), None => "Time out… (T)".to_string() }}</button>
                <button onclick={command(Command::RestartRole("leader"))} title="R">{"Restart leader (R)"}</button>
                {partition_tools(&c, &send)}
            </div>
            <MembershipTools ..MembershipProps::of(world, c.selected, &send) />
        </>
    };
    let below = below_sight.hold(c.playing, || {
        html! {
            <>
                {logs_with_why(world, c.run.records_so_far(), &picked)}
                <Legend />
                if !props.route.embed {
                    <FindCounterexample<Raft> base={c.search_base()} make={lab::raft_replication as fn(&Scenario) -> _} inputs={Some(distviz_core::raft::random_membership_change as distviz_core::search::InputDraw)} send={send.clone()} />
                    <ReplicationExperiments send={send.clone()} />
                }
            </>
        }
    });
    let settings = html! {
        <ReplicationSettings servers={c.scenario.nodes} params={params.clone()} send={send.clone()} />
    };
    lab_frame(
        &c,
        &send,
        FrameParts {
            class: "raft-replication",
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
            inspector: inspected(&c, |slot| node_fields(slot, now_ms), "node"),
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
                {swatch("append-entries", "AppendEntries with entries")}
                {swatch("append", "heartbeat")}
                {swatch("append-reply", "AppendEntries accepted")}
                {swatch("append-refused", "AppendEntries refused")}
                {swatch("install-snapshot", "InstallSnapshot")}
                {swatch("client-request", "client request")}
                {swatch("client-reply", "client reply")}
                {swatch("vote-request", "vote request")}
                {swatch("pre-vote", "pre-vote request")}
                {swatch("vote-granted", "vote granted")}
                {swatch("vote-refused", "vote refused")}
            </ul>
            <p class="key-text">{"Ring around a server: time left before its election timeout; around the client: before it gives up waiting. Colour: the term. Inside: its term, then “log 12 ✓10”: the entries its log holds and how far it knows them committed (its commitIndex). Dots on a candidate's rim: one per other server, filled once that server granted its vote."}</p>
            <p class="keys">{"Keys: Space play/pause · ←/→ step · C send a request · X crash/restart the selected node · P pause/resume it · T time it out · R restart the leader · Ctrl+Z undo · Home/End"}</p>
        </div>
    }
}

//! Raft vs Paxos: one scenario, two worlds. The Raft replication run and
//! the Multi-Paxos run of a `raft-vs-paxos` scenario side by side, driven
//! by one scrubber and one set of controls (the pair controller), with
//! each world's timeline, safety checks and event log, their counters as
//! of the scrubber's moment and over the whole run, the differences the
//! guide draws (each with a button to the moment of the run that shows
//! it), who uses which, and the pair's scenario as a link and a file.

use super::common::{invariant_statuses, landmark_timeline};
use super::multi_paxos_slots::{shown_server, slot_table};
use super::multi_paxos_view;
use super::raft_log::{logs_with_why, Picked};
use super::raft_timeline::raft_timeline;
use super::raft_view;
use super::raft_vs_paxos_experiments::{RaftVsPaxosExperiments, LEADER_CRASH};
use super::shell::{
    self, faulty_links, hold_still, link_states, open_linked, partition_tools, use_driven, Banners,
    LabHandle,
};
use crate::components::cluster_view::ClusterView;
use crate::components::controls::Controls;
use crate::components::event_log::EventLog;
use crate::components::invariants::Invariants;
use crate::components::link_grid::LinkGrid;
use crate::components::share::Share;
use crate::components::timeline::Timeline;
use crate::controller::pair::PairController;
use crate::controller::{Command, Controller};
use crate::keys::command_for_key;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::raft::ClientInput;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId, Protocol, Time};
use distviz_core::versus::{first_hole_filled, paxos_history, raft_history, Counters, History};
use std::rc::Rc;
use yew::prelude::*;

fn send_request() -> Command {
    Command::Act(Action::input(NodeId::client(0), &ClientInput::Any))
}

fn keys(key: &str, command: bool, shift: bool) -> Option<Command> {
    match key {
        "c" | "C" if !command => Some(send_request()),
        _ => command_for_key(key, command, shift),
    }
}

/// The pair the URL names (at its moment), or the shipped leader-crash
/// run; a bad link is said, never fatal.
fn initial(route: &Route) -> PairController {
    let mut problems = route.problems.clone();
    let mut pair = Scenario::parse(LEADER_CRASH)
        .and_then(|mut s| {
            s.seed = route.seed.unwrap_or(s.seed);
            PairController::new(&s)
        })
        .unwrap_or_else(|err| panic!("the shipped raft-vs-paxos scenario is invalid: {err}"));
    pair.raft.click_crashes = route.click_crashes;
    pair.paxos.click_crashes = route.click_crashes;
    let instead = "the leader-crash run";
    open_linked(&mut pair, route, lab::RAFT_VS_PAXOS, instead, &mut problems);
    hold_still(&mut pair.raft);
    hold_still(&mut pair.paxos);
    if !problems.is_empty() {
        pair.problem = Some(problems.join(" "));
    }
    pair
}

/// Both sides' counters through the whole run (to the scenario's end, or
/// further if the learner has played further), and that end.
struct Tallies {
    raft: History,
    paxos: History,
    end: Time,
    /// When Multi-Paxos's new leader's no-op filled a hole, if it did.
    hole_filled: Option<Time>,
}

/// Where the counters' "whole run" ends: the scenario's end, or further if
/// the learner has played further.
fn whole_run_end(p: &PairController) -> Time {
    p.raft.scenario.duration_ms.max(p.horizon())
}

fn tallies(p: &PairController) -> Tallies {
    let end = whole_run_end(p);
    let raft_scenario = p.raft.current_scenario();
    // Played to the end (past the scenario's), the runs on screen hold the
    // whole run: they are read, not run again from the start.
    let whole = |first: u64, now: Time| first == 0 && now >= end;
    if whole(p.raft.run.records_first(), p.raft.run.now())
        && whole(p.paxos.run.records_first(), p.paxos.run.now())
    {
        return read_from_screen(p, &raft_scenario);
    }
    let raft = lab::raft_replication(&raft_scenario).map(|mut run| {
        run.advance_to(end);
        raft_history(&run, &raft_scenario)
    });
    let paxos = lab::multi_paxos(&p.paxos.current_scenario()).map(|mut run| {
        run.advance_to(end);
        (paxos_history(&run), first_hole_filled(&run).map(|h| h.0))
    });
    match (raft, paxos) {
        (Ok(raft), Ok((paxos, hole_filled))) => Tallies {
            raft,
            paxos,
            end,
            hole_filled,
        },
        // Both scenarios made the runs on screen: they cannot fail here.
        _ => read_from_screen(p, &raft_scenario),
    }
}

/// The counters of the runs on screen, as far as they are.
fn read_from_screen(p: &PairController, raft_scenario: &Scenario) -> Tallies {
    Tallies {
        raft: raft_history(&p.raft.run, raft_scenario),
        paxos: paxos_history(&p.paxos.run),
        end: p.horizon(),
        hole_filled: first_hole_filled(&p.paxos.run).map(|h| h.0),
    }
}

/// What the page derives from the pair, kept between frames: each world's
/// log and timeline, and the counters' histories (made again only when a
/// run changed or its end moved on by a second).
#[derive(Default)]
struct Derived {
    raft: shell::Derived<()>,
    paxos: shell::Derived<()>,
    tallies: Option<((u64, u64, u64), Rc<Tallies>)>,
}

impl Derived {
    fn refresh(&mut self, p: &PairController) {
        let (rc, pc) = (&p.raft, &p.paxos);
        let raft_marks = rc.run.lab_landmarks().revision + rc.run.landmarks().revision;
        self.raft
            .refresh_all_but_log(rc, raft_marks, raft_timeline, |_| ());
        self.paxos
            .refresh_all_but_log(pc, pc.run.landmarks().revision, landmark_timeline, |_| ());
        // Two logs of every message sent, redrawn each frame, were most of
        // the page's work while playing: like the log strips and the slot
        // table, they wait for a pause.
        if !p.playing() {
            self.raft.log.refresh(rc, 0.0);
            self.paxos.log.refresh(pc, 0.0);
        }
        // While the run plays inside the scenario's end, the whole run does
        // not change; past it, it is read again once a second.
        let key = (rc.revision, pc.revision, whole_run_end(p) / 1000);
        if self.tallies.as_ref().is_none_or(|(k, _)| *k != key) {
            self.tallies = Some((key, Rc::new(tallies(p))));
        }
    }
}

/// A moment of the run that shows a difference (None: this run has none).
fn first_leader<P: Protocol>(c: &Controller<P>) -> Option<Time> {
    c.run.landmarks().stretches.iter().map(|s| s.at_ms).min()
}

/// One side's counters as of the scrubber's moment and over the whole run.
fn counter_table(now: &Counters, run: &Counters, now_ms: Time, end_ms: Time, side: &str) -> Html {
    let ms = |t: Option<Time>| t.map_or("–".to_string(), |t| format!("{t} ms"));
    let per = |c: &Counters| c.messages_per_command.map_or("–".into(), |v| v.to_string());
    let failover = |c: &Counters| match c.failovers.first() {
        Some(f) if f.next_commit_ms.is_some() => {
            format!(
                "{} ({} crashed at {} ms)",
                ms(f.crash_to_commit_ms),
                f.crashed,
                f.at_ms
            )
        }
        Some(f) => format!("no commit yet ({} crashed at {} ms)", f.crashed, f.at_ms),
        None => "no leader crashed".into(),
    };
    let recovered = |c: &Counters| match c.failovers.first() {
        Some(f) if f.leader_at_ms.is_some() => f.recovered.to_string(),
        _ => "–".into(),
    };
    let rows: [(&str, &str, String, String); 4] = [
        (
            "commands committed",
            "committed",
            now.commands_committed.to_string(),
            run.commands_committed.to_string(),
        ),
        (
            "server messages per command",
            "per-command",
            per(now),
            per(run),
        ),
        (
            "leader crash → next commit",
            "crash-to-commit",
            failover(now),
            failover(run),
        ),
        (
            "entries the new leader recovered",
            "recovered",
            recovered(now),
            recovered(run),
        ),
    ];
    html! {
        <table class="versus-counters" data-testid={format!("counters-{side}")}>
            <thead><tr><td></td>
                <th scope="col">{format!("now ({now_ms} ms)")}</th>
                <th scope="col">{format!("whole run (to {end_ms} ms)")}</th></tr></thead>
            <tbody>
                {for rows.into_iter().map(|(what, id, at_now, whole)| html! {
                    <tr key={id}><th scope="row">{what}</th>
                        <td data-testid={id}>{at_now}</td>
                        <td data-testid={format!("{id}-run")}>{whole}</td></tr>
                })}
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
pub struct RaftVsPaxosProps {
    pub route: Route,
}

#[component]
pub fn RaftVsPaxosLab(props: &RaftVsPaxosProps) -> Html {
    let LabHandle { ctl: pair, send } = {
        let route = props.route.clone();
        use_driven(&props.route, move || initial(&route), keys)
    };
    let derived = use_mut_ref(Derived::default);
    let picked = use_state(|| None as Picked);
    let p = pair.borrow();
    derived.borrow_mut().refresh(&p);
    let d = derived.borrow();
    let Some((_, tallies)) = &d.tallies else {
        return html! {};
    };
    let (rc, pc) = (&p.raft, &p.paxos);
    let now = rc.display_time();
    let now_ms = rc.run.now();
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let raft_world = rc.run.world();
    let paxos_world = pc.run.world();
    let raft_nodes: Vec<_> = raft_world
        .nodes()
        .iter()
        .map(|s| raft_view::node_visual(raft_world, s, now, true))
        .collect();
    let paxos_nodes: Vec<_> = paxos_world
        .nodes()
        .iter()
        .map(|s| multi_paxos_view::node_visual(paxos_world, s, now))
        .collect();
    let raft_messages = shell::messages(raft_world, now, |m, now, held| {
        raft_view::message_visual(raft_world, m, now, held)
    });
    let paxos_messages = shell::messages(paxos_world, now, |m, now, held| {
        multi_paxos_view::message_visual(paxos_world, m, now, held)
    });
    let crash_label = match rc.selected {
        Some(id) if raft_world.node(id).is_up() => format!("✕ Crash {id} in both (X)"),
        Some(id) => format!("⟳ Restart {id} in both (X)"),
        None => "✕ Crash… (X)".to_string(),
    };
    let cluster = |nodes: Vec<_>, messages: Vec<_>, faulty, hint: &'static str| {
        html! {
            <ClusterView nodes={Rc::new(nodes)} messages={Rc::new(messages)} selected={rc.selected}
                faulty_links={Rc::new(faulty)} picked={Rc::new(rc.picked.clone())} selected_message={None::<u64>}
                hint={hint} playing={p.playing()}
                on_activate={send.reform(Command::ActivateNode)} on_select={send.reform(Command::Select)}
                on_message={Callback::noop()} on_catch={Callback::noop()} />
        }
    };
    let end = tallies.end;
    let raft_now = tallies.raft.at(now_ms);
    let paxos_now = tallies.paxos.at(now_ms);
    let raft_run = tallies.raft.at(end);
    let paxos_run = tallies.paxos.at(end);
    let failover_at = paxos_run
        .failovers
        .first()
        .and_then(|f| f.leader_at_ms)
        .or_else(|| raft_run.failovers.first().and_then(|f| f.leader_at_ms));
    let first = first_leader(rc);
    let ids: Rc<Vec<NodeId>> = Rc::new(raft_world.roster().ids().collect());
    let computing = rc
        .computing_progress()
        .zip(rc.computing.as_ref().map(|job| job.until))
        .or_else(|| {
            pc.computing_progress()
                .zip(pc.computing.as_ref().map(|job| job.until))
        });
    let problem = p
        .problem
        .clone()
        .or_else(|| rc.problem.clone())
        .or_else(|| pc.problem.clone());
    let controls = props.route.controls;
    let facts = format!(
        "Raft {} · Multi-Paxos {}",
        raft_world.trace_hash(),
        paxos_world.trace_hash()
    );
    html! {
        <div class="lab versus" data-now={rc.run.now().to_string()} data-now-paxos={pc.run.now().to_string()}
            data-playing={p.playing().to_string()} data-selected={rc.selected.map(|s| s.to_string()).unwrap_or_default()}
            data-raft-partitioned={raft_world.network().is_partitioned().to_string()}
            data-paxos-partitioned={paxos_world.network().is_partitioned().to_string()}
            data-trace-hash={raft_world.trace_hash()} data-trace-hash-paxos={paxos_world.trace_hash()}>
            <Banners computing={computing} problem={problem} notice={rc.notice.clone()} can_undo={rc.can_undo()} send={send.clone()} />
            if controls {
                <Controls playing={p.playing()} speed={rc.speed} now_ms={now_ms} horizon_ms={p.horizon()}
                    seed={rc.scenario.seed} can_undo={rc.can_undo()} send={send.clone()} />
                <div class="versus-timelines" data-testid="timelines">
                    <Timeline now_ms={now_ms} end_ms={p.horizon().max(now_ms)} bands={d.raft.bands.clone()} marks={d.raft.marks.clone()}
                        caption="Raft: who led each term (hatched: a term with no leader), your actions (ticks) and broken safety checks (red)."
                        on_seek={send.reform(Command::Seek)} />
                    <Timeline now_ms={now_ms} end_ms={p.horizon().max(now_ms)} bands={d.paxos.bands.clone()} marks={d.paxos.marks.clone()}
                        caption="Multi-Paxos: each leader and its ballot, your actions (ticks) and broken safety checks (red)."
                        on_seek={send.reform(Command::Seek)} />
                </div>
            }
            <div class="tools" role="toolbar" aria-label="Requests and faults, in both worlds">
                <button class="primary" onclick={command(send_request())} title="C: C1 sends the next request, in both">{"Send request (C)"}</button>
                <button class="crash" onclick={command(Command::CrashOrRestartSelected)}>{crash_label}</button>
                <button onclick={command(Command::RestartRole("leader"))} title="R: restart the leader of each">{"Restart leaders (R)"}</button>
                {partition_tools(rc, &send)}
            </div>
            <div class="versus-panels">
                <section class="panel versus-side" aria-labelledby="raft-title" data-testid="panel-raft"
                    data-leader={rc.in_role("leader").map(|l| l.to_string()).unwrap_or_default()}>
                    <header><h2 id="raft-title">{"Raft"}</h2></header>
                    {cluster(raft_nodes, raft_messages, faulty_links(raft_world.network()), "Raft: click a server to select it in both worlds.")}
                    {counter_table(&raft_now, &raft_run, now_ms, end, "raft")}
                    if p.playing() {
                        <p class="note paused-only" data-testid="logs-paused">{"Pause (Space) to read every server's log here."}</p>
                    } else {
                        {logs_with_why(raft_world, rc.run.records_so_far(), &picked)}
                    }
                    <Invariants items={Rc::new(invariant_statuses(rc))} send={send.clone()}
                        title="Raft's safety checks" title_id="inv-title-raft" />
                    <EventLog lines={d.raft.log.lines.clone()} show_messages={rc.show_routine} send={send.clone()}
                        waiting={p.playing().then_some(AttrValue::Static("Pause (Space) to read what happened in Raft."))}
                        title="What happened in Raft" title_id="log-title-raft"
                        routine={rc.run.world().protocol().routine_words()} />
                </section>
                <section class="panel versus-side" aria-labelledby="paxos-title" data-testid="panel-paxos"
                    data-leader={pc.in_role("leader").map(|l| l.to_string()).unwrap_or_default()}>
                    <header><h2 id="paxos-title">{"Multi-Paxos"}</h2></header>
                    {cluster(paxos_nodes, paxos_messages, faulty_links(paxos_world.network()), "Multi-Paxos: the same servers, the same faults.")}
                    {counter_table(&paxos_now, &paxos_run, now_ms, end, "paxos")}
                    if p.playing() {
                        <p class="note paused-only" data-testid="slots-paused">{"Pause (Space) to read the leader's slot table here."}</p>
                    } else {
                        {slot_table(paxos_world, shown_server(paxos_world, rc.selected))}
                    }
                    <Invariants items={Rc::new(invariant_statuses(pc))} send={send.clone()}
                        title="Multi-Paxos's safety checks" title_id="inv-title-paxos" />
                    <EventLog lines={d.paxos.log.lines.clone()} show_messages={pc.show_routine} send={send.clone()}
                        waiting={p.playing().then_some(AttrValue::Static("Pause (Space) to read what happened in Multi-Paxos."))}
                        title="What happened in Multi-Paxos" title_id="log-title-paxos"
                        routine={pc.run.world().protocol().routine_words()} />
                </section>
            </div>
            <p class="note">{"One scenario drives both: the same client workload, the same faults, the same seed. The network draws the same latency for the k-th message in each world; the servers' own timers draw their own. A step is one event of the Raft run; the Multi-Paxos run follows to the same moment. The counters count messages between servers, heartbeats included: “now” up to the scrubber's moment, “whole run” to the run's end; the buttons below travel to its moments."}</p>
            <Differences first={first} hole_filled={tallies.hole_filled} failover={failover_at} send={send.clone()} />
            if !props.route.embed {
                <RaftVsPaxosExperiments send={send.clone()} />
            }
            <RealWorld />
            if controls {
                <LinkGrid ids={ids} states={Rc::new(link_states(raft_world.network()))} send={send.clone()} />
                <Share seed={rc.scenario.seed} events={raft_world.records() + paxos_world.records()} trace_hash={facts}
                    link={p.share_link.clone().map(AttrValue::from)} send={send.clone()} />
            }
            <p class="keys">{"Keys: Space play/pause · ←/→ step · C send a request · X crash/restart the selected server in both · P pause/resume it · T time it out · R restart the leaders · A align the timers · Ctrl+Z undo · Home/End"}</p>
        </div>
    }
}

/// "What differs": the guide's table, each row with a button to the moment
/// of this run that shows it. A component, so it is drawn again only when
/// those moments change, not every frame.
#[derive(Properties, PartialEq)]
struct DifferencesProps {
    first: Option<Time>,
    hole_filled: Option<Time>,
    failover: Option<Time>,
    send: Callback<Command>,
}

#[component]
fn Differences(props: &DifferencesProps) -> Html {
    let DifferencesProps {
        first,
        hole_filled,
        failover,
        send,
    } = props;
    let (first, hole_filled, failover) = (*first, *hole_filled, *failover);
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let differences: [(&str, &str, &str, Option<Time>); 4] = [
        ("Leader election", "Built in: a server times out, asks for votes in a new term, and leads with a majority.",
            "Not part of the algorithm: here a server that hears no leader runs phase 1 with a higher ballot, and leads once a majority promises.", first),
        ("Holes in the log", "None: a follower takes an entry only after the one before it matches (the consistency check).",
            "Allowed: slots are chosen one by one, out of order if need be; a new leader fills the slots nobody reported with no-ops (“A hole in the log” below shows one).", hole_filled),
        ("Term vs ballot", "A term number: each server votes once per term, so a term has at most one leader.",
            "A ballot round.server, unique by its server: a higher ballot pre-empts a lower one.", first),
        ("How a new leader learns what is committed", "It already has every committed entry (only an up-to-date log wins a vote); committing an entry of its own term (its no-op) commits the rest.",
            "Its promises report what each acceptor accepted; it proposes the highest-ballot entry of each slot again before anything new.", failover),
    ];
    let rows = differences.iter().enumerate().map(|(i, (what, raft, paxos, at))| {
        html! {
            <tr key={i}>
                <th scope="row">{*what}</th><td data-label="Raft">{*raft}</td><td data-label="Multi-Paxos">{*paxos}</td>
                <td data-label="In this run">
                    if let Some(t) = at {
                        <button data-testid={format!("seek-diff-{i}")} data-at={t.to_string()}
                            onclick={command(Command::Seek(*t))}
                            aria-label={format!("Show {what} at {t} ms in both runs")}>{format!("Show ({t} ms)")}</button>
                    } else {
                        <span class="note" data-testid={format!("seek-diff-{i}")}>{"not in this run"}</span>
                    }
                </td>
            </tr>
        }
    });
    html! {
        <section class="panel differences" aria-labelledby="diff-title">
            <header><h2 id="diff-title">{"What differs"}</h2></header>
            <div class="table-scroll"><table>
                <thead><tr><th scope="col"><span class="visually-hidden">{"difference"}</span></th><th scope="col">{"Raft"}</th><th scope="col">{"Multi-Paxos"}</th><th scope="col">{"In this run"}</th></tr></thead>
                <tbody>{for rows}</tbody>
            </table></div>
        </section>
    }
}

/// Which systems use which (static).
#[component]
fn RealWorld() -> Html {
    html! {
        <section class="panel real-world" aria-labelledby="real-title">
            <header><h2 id="real-title">{"Who uses which"}</h2></header>
            <div class="table-scroll"><table>
                <thead><tr><th scope="col">{"system"}</th><th scope="col">{"consensus"}</th><th scope="col">{"what for"}</th></tr></thead>
                <tbody>
                    <tr><th scope="row">{"etcd"}</th><td>{"Raft"}</td><td>{"Kubernetes' store of cluster state"}</td></tr>
                    <tr><th scope="row">{"Consul"}</th><td>{"Raft"}</td><td>{"service discovery and configuration"}</td></tr>
                    <tr><th scope="row">{"ZooKeeper"}</th><td>{"ZAB (a leader-based atomic broadcast, close to Multi-Paxos)"}</td><td>{"coordination: locks, leader election, configuration"}</td></tr>
                    <tr><th scope="row">{"Chubby"}</th><td>{"Multi-Paxos"}</td><td>{"Google's lock service"}</td></tr>
                    <tr><th scope="row">{"Spanner"}</th><td>{"Paxos, one group per shard"}</td><td>{"Google's globally replicated database"}</td></tr>
                </tbody>
            </table></div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> PairController {
        Scenario::parse(LEADER_CRASH)
            .and_then(|s| PairController::new(&s))
            .expect("the shipped pair loads")
    }

    fn played_to(t: Time) -> PairController {
        let mut p = shipped();
        p.raft.seek(t);
        p.paxos.seek(t);
        // Seeking past the horizon computes in slices, as frames would.
        while p.raft.computing.is_some() || p.paxos.computing.is_some() {
            p.frame(16.0);
        }
        p
    }

    #[test]
    fn played_past_its_end_the_whole_run_is_read_from_the_runs_on_screen_and_counts_the_same() {
        let end = shipped().raft.scenario.duration_ms + 1_700;
        let p = played_to(end);
        assert_eq!((p.raft.run.now(), p.paxos.run.now()), (end, end));
        let raft_scenario = p.raft.current_scenario();
        let read = read_from_screen(&p, &raft_scenario);
        assert_eq!(tallies(&p).raft, read.raft, "what the page uses");
        let mut raft = lab::raft_replication(&raft_scenario).expect("raft run");
        raft.advance_to(end);
        let mut paxos = lab::multi_paxos(&p.paxos.current_scenario()).expect("paxos run");
        paxos.advance_to(end);
        assert_eq!(read.end, end);
        assert_eq!(read.raft, raft_history(&raft, &raft_scenario));
        assert_eq!(read.paxos, paxos_history(&paxos));
        assert!(
            read.raft.at(end).commands_committed > 0,
            "it counts something"
        );
    }

    #[test]
    fn inside_the_scenarios_end_the_whole_run_is_its_end() {
        let p = played_to(1_000);
        let whole = tallies(&p);
        assert_eq!(whole.end, p.raft.scenario.duration_ms);
        assert_eq!(
            whole.raft,
            tallies(&played_to(p.raft.scenario.duration_ms)).raft
        );
    }
}

//! Raft vs Paxos: one scenario, two worlds. The Raft replication run and
//! the Multi-Paxos run of a `raft-vs-paxos` scenario side by side, driven
//! by one scrubber and one set of controls (the pair controller), with
//! their counters, the differences the guide draws (each with a button to
//! the moment of the run that shows it) and who uses which.

use super::multi_paxos_view;
use super::raft_view;
use super::shell::{faulty_links, link_states, partition_tools};
use crate::components::cluster_view::ClusterView;
use crate::components::controls::Controls;
use crate::components::link_grid::LinkGrid;
use crate::controller::pair::PairController;
use crate::controller::{Command, Controller};
use crate::hooks::{use_animation_frames, use_window_keys};
use crate::keys::command_for_key;
use crate::route::Route;
use distviz_core::lab;
use distviz_core::raft::ClientInput;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId, Protocol, Time};
use distviz_core::versus::{paxos_counters, raft_counters, Counters};
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

const SHIPPED: &str = include_str!("../../scenarios/raft-vs-paxos-leader-crash.json");

fn send_request() -> Command {
    Command::Act(Action::input(NodeId::client(0), &ClientInput::Any))
}

fn keys(key: &str, command: bool, shift: bool) -> Option<Command> {
    match key {
        "c" | "C" if !command => Some(send_request()),
        _ => command_for_key(key, command, shift),
    }
}

/// The pair the URL names, or the shipped leader-crash run; a bad link is
/// said, never fatal.
fn initial(route: &Route) -> PairController {
    let shipped = || {
        Scenario::parse(SHIPPED)
            .and_then(|s| PairController::new(&s))
            .unwrap_or_else(|err| panic!("the shipped raft-vs-paxos scenario is invalid: {err}"))
    };
    let Some(packed) = &route.scenario else {
        return shipped();
    };
    match Scenario::from_link_param(packed).and_then(|s| PairController::new(&s)) {
        Ok(pair) => pair,
        Err(err) => {
            let mut pair = shipped();
            pair.problem = Some(format!(
                "This link's scenario could not be used: {err}. Showing the shipped run instead."
            ));
            pair
        }
    }
}

/// Both sides' counters over the whole run: to the scenario's end, or
/// further if the learner has played further.
type Both = (Counters, Counters);

fn counters(p: &PairController) -> Both {
    let end = p.raft.scenario.duration_ms.max(p.horizon());
    let raft_scenario = p.raft.current_scenario();
    let raft = lab::raft_replication(&raft_scenario).map(|mut run| {
        run.advance_to(end);
        raft_counters(&run, &raft_scenario)
    });
    let paxos = lab::multi_paxos(&p.paxos.current_scenario()).map(|mut run| {
        run.advance_to(end);
        paxos_counters(&run)
    });
    match (raft, paxos) {
        (Ok(raft), Ok(paxos)) => (raft, paxos),
        // Both scenarios made the runs on screen: they cannot fail here.
        _ => (
            raft_counters(&p.raft.run, &raft_scenario),
            paxos_counters(&p.paxos.run),
        ),
    }
}

/// A moment of the run that shows a difference (None: this run has none).
fn first_leader<P: Protocol>(c: &Controller<P>) -> Option<Time> {
    c.run.landmarks().stretches.iter().map(|s| s.at_ms).min()
}

fn counter_list(c: &Counters, side: &str) -> Html {
    let failover = c.failovers.first();
    let ms = |t: Option<Time>| t.map_or("–".to_string(), |t| format!("{t} ms"));
    html! {
        <dl class="versus-counters" data-testid={format!("counters-{side}")}>
            <dt>{"commands committed"}</dt><dd data-testid="committed">{c.commands_committed}</dd>
            <dt>{"server messages per command"}</dt>
            <dd data-testid="per-command">{c.messages_per_command.map_or("–".into(), |v| v.to_string())}</dd>
            <dt>{"leader crash → next commit"}</dt>
            <dd data-testid="crash-to-commit">{match failover {
                Some(f) => format!("{} ({} crashed at {} ms)", ms(f.crash_to_commit_ms), f.crashed, f.at_ms),
                None => "no leader crashed yet".into(),
            }}</dd>
            <dt>{"entries the new leader recovered"}</dt>
            <dd data-testid="recovered">{failover.map_or("–".into(), |f| f.recovered.to_string())}</dd>
        </dl>
    }
}

#[derive(Properties, PartialEq)]
pub struct RaftVsPaxosProps {
    pub route: Route,
}

#[component]
pub fn RaftVsPaxosLab(props: &RaftVsPaxosProps) -> Html {
    let pair = {
        let route = props.route.clone();
        use_mut_ref(move || initial(&route))
    };
    let update = use_force_update();
    let send: Callback<Command> = {
        let (pair, update) = (pair.clone(), update.clone());
        (*use_memo((), move |_| {
            Callback::from(move |command: Command| {
                pair.borrow_mut().apply(command);
                update.force_update();
            })
        }))
        .clone()
    };
    // Script time per animated frame (both simulations and the render),
    // for the benchmark.
    let frame_started: Rc<Cell<Option<f64>>> = use_memo((), |_| Cell::new(None));
    {
        let (pair, update, started) = (pair.clone(), update.clone(), frame_started.clone());
        use_animation_frames(move |elapsed| {
            let busy = pair.borrow().playing()
                || pair.borrow().raft.computing.is_some()
                || pair.borrow().paxos.computing.is_some();
            if busy {
                started.set(Some(crate::browser::now_ms()));
                pair.borrow_mut().frame(elapsed);
                update.force_update();
            }
        });
    }
    use_effect(move || {
        if let Some(start) = frame_started.take() {
            crate::browser::push_global_sample("distvizFrameMs", crate::browser::now_ms() - start);
        }
    });
    {
        let send = send.clone();
        use_window_keys(move |e| {
            match keys(&e.key(), e.ctrl_key() || e.meta_key(), e.shift_key()) {
                Some(command) => {
                    send.emit(command);
                    true
                }
                None => false,
            }
        });
    }
    // The counters read the whole trace so far: made again only when a
    // run changed or moved on by a second, not every frame.
    let cache = use_mut_ref(|| None::<((u64, u64, u64), Rc<Both>)>);
    let p = pair.borrow();
    let key = (
        p.raft.revision,
        p.paxos.revision,
        p.raft.run.horizon() / 1000,
    );
    let both = {
        let mut cache = cache.borrow_mut();
        match &*cache {
            Some((k, both)) if *k == key => both.clone(),
            _ => {
                let both = Rc::new(counters(&p));
                *cache = Some((key, both.clone()));
                both
            }
        }
    };
    let (rc, pc) = (&p.raft, &p.paxos);
    let now = rc.display_time();
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
    let raft_messages = super::shell::messages(raft_world, now, |m, now, held| {
        raft_view::message_visual(raft_world, m, now, held)
    });
    let paxos_messages = super::shell::messages(paxos_world, now, |m, now, held| {
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
    let failover_at = both
        .1
        .failovers
        .first()
        .and_then(|f| f.leader_at_ms)
        .or_else(|| both.0.failovers.first().and_then(|f| f.leader_at_ms));
    let first = first_leader(rc);
    let differences: [(&str, &str, &str, Option<Time>); 4] = [
        ("Leader election", "Built in: a server times out, asks for votes in a new term, and leads with a majority.",
            "Not part of the algorithm: here a server that hears no leader runs phase 1 with a higher ballot, and leads once a majority promises.", first),
        ("Holes in the log", "None: a follower takes an entry only after the one before it matches (the consistency check).",
            "Allowed: slots are chosen one by one, out of order if need be; a new leader fills the slots nobody reported with no-ops (the Multi-Paxos lab's leader-change run shows one).", None),
        ("Term vs ballot", "A term number: each server votes once per term, so a term has at most one leader.",
            "A ballot round.server, unique by its server: a higher ballot pre-empts a lower one.", first),
        ("How a new leader learns what is committed", "It already has every committed entry (only an up-to-date log wins a vote); committing an entry of its own term (its no-op) commits the rest.",
            "Its promises report what each acceptor accepted; it proposes the highest-ballot entry of each slot again before anything new.", failover_at),
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
                        <span class="note">{"not in this run"}</span>
                    }
                </td>
            </tr>
        }
    });
    let ids: Rc<Vec<NodeId>> = Rc::new(raft_world.roster().ids().collect());
    html! {
        <div class="lab versus" data-now={rc.run.now().to_string()} data-now-paxos={pc.run.now().to_string()}
            data-playing={p.playing().to_string()} data-selected={rc.selected.map(|s| s.to_string()).unwrap_or_default()}
            data-raft-partitioned={raft_world.network().is_partitioned().to_string()}
            data-paxos-partitioned={paxos_world.network().is_partitioned().to_string()}>
            if let Some(problem) = p.problem.clone().or_else(|| rc.problem.clone()) {
                <div class="problem" role="alert" data-testid="problem">
                    <span>{problem}</span>
                    <button aria-label="Dismiss" onclick={command(Command::Dismiss)}>{"✕"}</button>
                </div>
            }
            if props.route.controls {
                <Controls playing={p.playing()} speed={rc.speed} now_ms={rc.run.now()} horizon_ms={p.horizon()}
                    seed={rc.scenario.seed} can_undo={rc.can_undo()} send={send.clone()} />
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
                    {counter_list(&both.0, "raft")}
                </section>
                <section class="panel versus-side" aria-labelledby="paxos-title" data-testid="panel-paxos"
                    data-leader={pc.in_role("leader").map(|l| l.to_string()).unwrap_or_default()}>
                    <header><h2 id="paxos-title">{"Multi-Paxos"}</h2></header>
                    {cluster(paxos_nodes, paxos_messages, faulty_links(paxos_world.network()), "Multi-Paxos: the same servers, the same faults.")}
                    {counter_list(&both.1, "paxos")}
                </section>
            </div>
            <p class="note">{"One scenario drives both: the same client workload, the same faults, the same seed. The network draws the same latency for the k-th message in each world; the servers' own timers draw their own. A step is one event of the Raft run; the Multi-Paxos run follows to the same moment. The counters are the whole run's, to its end (messages between servers, heartbeats included); the buttons below travel to its moments."}</p>
            <section class="panel differences" aria-labelledby="diff-title">
                <header><h2 id="diff-title">{"What differs"}</h2></header>
                <div class="table-scroll"><table>
                    <thead><tr><th scope="col">{""}</th><th scope="col">{"Raft"}</th><th scope="col">{"Multi-Paxos"}</th><th scope="col">{"In this run"}</th></tr></thead>
                    <tbody>{for rows}</tbody>
                </table></div>
            </section>
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
            <LinkGrid ids={ids} states={Rc::new(link_states(raft_world.network()))} send={send.clone()} />
            <p class="keys">{"Keys: Space play/pause · ←/→ step · C send a request · X crash/restart the selected server in both · P pause/resume it · T time it out · R restart the leaders · A align the timers · Ctrl+Z undo · Home/End"}</p>
        </div>
    }
}

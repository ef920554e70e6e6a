//! What every lab page does the same way: its controller made from the URL,
//! the one command callback, animation frames, keys, the embed height, the
//! problem and notice banners, the log kept between frames, and the links.

use super::common::{invariant_statuses, log_lines};
use super::run_name::{shows_shipped, RunName};
use super::shipped;
use crate::browser;
use crate::components::cluster_view::{ClusterView, MessageVisual, NodeVisual};
use crate::components::controls::{format_time, Controls};
use crate::components::event_log::{EventLog, LogLine};
use crate::components::in_flight::{InFlightItem, InFlightList};
use crate::components::inspector::{Field, Inspector};
use crate::components::invariants::Invariants;
use crate::components::link_grid::LinkGrid;
use crate::components::message_panel::MessagePanel;
use crate::components::share::Share;
use crate::components::timeline::{Band, Mark, Timeline};
use crate::controller::pair::PairController;
use crate::controller::{clock_words, Command, Controller, MakeRun, Outcome, Tool};
use crate::hooks::{use_animation_frames, use_window_keys};
use crate::route::Route;
use distviz_core::scenario::{Scenario, ScenarioError};
use distviz_core::sim::words::level;
use distviz_core::sim::{InFlight, LinkState, Network, NodeId, NodeSlot, Protocol, Time, World};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// A lab's keys: the key, Ctrl/Cmd, Shift → a command, if it is one.
pub type KeyMap = fn(&str, bool, bool) -> Option<Command>;

/// What a link's scenario problem says: the error, and what the page
/// shows `instead` ("a fresh run").
pub(crate) fn link_problem(err: &ScenarioError, instead: &str) -> String {
    format!(
        "This link's scenario could not be used: {}. Showing {instead} instead.",
        // A damaged link's error is about the link as a whole: no place to name.
        if err.path == "link" {
            err.message.clone()
        } else {
            err.to_string()
        }
    )
}

/// The run a link names: its shared scenario (`s`), or a shipped one of
/// `lab` by name (`try`); None for neither, or if it cannot be read, which
/// is said in `problems` with what the page shows `instead`.
fn linked_scenario(
    route: &Route,
    lab: &str,
    instead: &str,
    problems: &mut Vec<String>,
) -> Option<Scenario> {
    if let Some(packed) = &route.scenario {
        return Scenario::from_link_param(packed)
            .map_err(|err| problems.push(link_problem(&err, instead)))
            .ok();
    }
    let name = route.try_name.as_deref()?;
    let found = shipped::find(lab, name).and_then(|(file, text)| {
        Scenario::parse(text).map_err(|err| format!("try: {file} could not be read: {err}"))
    });
    match found {
        Ok(scenario) => {
            if route.seed.is_some() {
                problems.push(
                    "seed: a shipped run (try) carries its own seed, so the seed given is not used."
                        .into(),
                );
            }
            Some(scenario)
        }
        Err(problem) => {
            problems.push(format!("{problem}. Showing {instead} instead."));
            None
        }
    }
}

/// Opens the run a link names on a new page (see `linked_scenario`), at its
/// moment; or, with none, the page's own run at the link's moment.
pub(crate) fn open_linked<D: Driven>(
    driven: &mut D,
    route: &Route,
    lab: &str,
    instead: &str,
    problems: &mut Vec<String>,
) {
    match linked_scenario(route, lab, instead, problems) {
        Some(scenario) => {
            let at = route.at_ms.or(scenario.at_ms);
            if let Err(err) = driven.load(scenario, at) {
                problems.push(link_problem(&err, instead));
            }
        }
        None => {
            if let Some(at) = route.at_ms {
                driven.show_from_start(at);
            }
        }
    }
}

/// With `prefers-reduced-motion`, nothing moves until the learner presses
/// play or steps.
pub(crate) fn hold_still<P: Protocol>(ctl: &mut Controller<P>) {
    if browser::prefers_reduced_motion() {
        ctl.playing = false;
        if let Some(job) = &mut ctl.computing {
            job.play = false;
        }
    }
}

/// The controller a lab page starts with: the URL's scenario and time, or
/// the lab's default; problems with the URL are said, never fatal.
/// (Held still with reduced motion by `use_lab`.)
fn initial<P: Protocol>(route: &Route, mut default: Scenario, make: MakeRun<P>) -> Controller<P> {
    let mut problems = route.problems.clone();
    default.seed = route.seed.unwrap_or(default.seed);
    let lab = default.lab.clone();
    let mut ctl = match Controller::new(default, make) {
        Ok(ctl) => ctl,
        Err(err) => panic!("the built-in default scenario is invalid: {err}"),
    };
    ctl.click_crashes = route.click_crashes;
    open_linked(&mut ctl, route, &lab, "a fresh run", &mut problems);
    if !problems.is_empty() {
        let budget = ctl.problem.take();
        problems.extend(budget);
        ctl.problem = Some(problems.join(" "));
    }
    ctl
}

/// What a lab page drives with its commands and frames: one controller,
/// or the side-by-side page's pair.
pub trait Driven: 'static {
    fn apply(&mut self, command: Command) -> Outcome;
    fn frame(&mut self, real_ms: f64);
    /// Playing, or computing ahead: frames have work.
    fn busy(&self) -> bool;
    /// Where the last share link made is kept, to be shown.
    fn share_link(&mut self) -> &mut Option<String>;
    /// Replaces the run, shown at `at` paused (or at 0 playing).
    fn load(&mut self, scenario: Scenario, at: Option<Time>) -> Result<(), ScenarioError>;
    /// Computes the run from its start to `at`, and shows it there paused.
    fn show_from_start(&mut self, at: Time);
    /// The run as it stands: settings and every action so far.
    fn current_scenario(&self) -> Scenario;
}

impl<P: Protocol> Driven for Controller<P> {
    fn apply(&mut self, command: Command) -> Outcome {
        Controller::apply(self, command)
    }
    fn frame(&mut self, real_ms: f64) {
        Controller::frame(self, real_ms)
    }
    fn busy(&self) -> bool {
        self.playing || self.computing.is_some()
    }
    fn share_link(&mut self) -> &mut Option<String> {
        &mut self.share_link
    }
    fn load(&mut self, scenario: Scenario, at: Option<Time>) -> Result<(), ScenarioError> {
        Controller::load(self, scenario, at)
    }
    fn show_from_start(&mut self, at: Time) {
        self.compute_to(at, at, false);
    }
    fn current_scenario(&self) -> Scenario {
        Controller::current_scenario(self)
    }
}

impl Driven for PairController {
    fn apply(&mut self, command: Command) -> Outcome {
        PairController::apply(self, command)
    }
    fn frame(&mut self, real_ms: f64) {
        PairController::frame(self, real_ms)
    }
    fn busy(&self) -> bool {
        self.playing() || self.raft.computing.is_some() || self.paxos.computing.is_some()
    }
    fn share_link(&mut self) -> &mut Option<String> {
        &mut self.share_link
    }
    fn load(&mut self, scenario: Scenario, at: Option<Time>) -> Result<(), ScenarioError> {
        PairController::load(self, scenario, at)
    }
    fn show_from_start(&mut self, at: Time) {
        self.raft.compute_to(at, at, false);
        self.paxos.compute_to(at, at, false);
    }
    fn current_scenario(&self) -> Scenario {
        PairController::current_scenario(self)
    }
}

/// Carries out a command, and what the browser has to do after it.
fn perform<D: Driven>(ctl: &RefCell<D>, names: &RefCell<RunName>, command: Command) {
    let outcome = ctl.borrow_mut().apply(command);
    let route = Route::parse_with_search(&browser::hash(), &browser::search());
    let rename = names.borrow_mut().after_command(
        route.try_name.as_deref(),
        route.scenario.is_some(),
        |name| shows_shipped(&ctl.borrow().current_scenario(), name),
    );
    if let Some(name) = rename {
        browser::name_run(name.as_deref());
    }
    match outcome {
        Outcome::Done => {}
        Outcome::Download { name, text } => browser::download(&name, &text),
        Outcome::ShareHash(hash) => {
            let link = browser::url_with_hash(&hash);
            browser::copy_to_clipboard(&link);
            *ctl.borrow_mut().share_link() = Some(link);
        }
    }
}

pub(crate) fn report_height(last: &RefCell<f64>) {
    let Some(root) = browser::document().and_then(|d| d.document_element()) else {
        return;
    };
    let height = root.scroll_height() as f64;
    if (height - *last.borrow()).abs() >= 1.0 {
        *last.borrow_mut() = height;
        browser::post_height_to_parent(height);
    }
}

/// A lab page's controller (or pair) and the one callback every control uses.
pub struct LabHandle<D> {
    pub ctl: Rc<RefCell<D>>,
    pub send: Callback<Command>,
}

/// Wires a lab page: its controller, commands as data, animation frames
/// while playing, its keys, and (embedded) its height for the host page.
#[hook]
pub fn use_lab<P: Protocol>(
    route: &Route,
    default: Scenario,
    make: MakeRun<P>,
    keys: KeyMap,
) -> LabHandle<Controller<P>> {
    let start = {
        let route = route.clone();
        move || {
            let mut ctl = initial(&route, default, make);
            hold_still(&mut ctl);
            ctl
        }
    };
    use_driven(route, start, keys)
}

/// `use_lab` for whatever the page drives, made by `start` on the first
/// render.
#[hook]
pub fn use_driven<D: Driven>(
    route: &Route,
    start: impl FnOnce() -> D + 'static,
    keys: KeyMap,
) -> LabHandle<D> {
    let ctl = use_mut_ref(start);
    let names = use_mut_ref(RunName::default);
    let update = use_force_update();
    let send: Callback<Command> = {
        let (ctl, update) = (ctl.clone(), update.clone());
        (*use_memo((), move |_| {
            Callback::from(move |command: Command| {
                perform(&ctl, &names, command);
                update.force_update();
            })
        }))
        .clone()
    };
    let frame_started: Rc<Cell<Option<f64>>> = use_memo((), |_| Cell::new(None));
    let last_height = use_mut_ref(|| 0.0f64);
    {
        let (ctl, update, frame_started) = (ctl.clone(), update.clone(), frame_started.clone());
        use_animation_frames(move |elapsed| {
            let busy = ctl.borrow().busy();
            if busy {
                frame_started.set(Some(browser::now_ms()));
                ctl.borrow_mut().frame(elapsed);
                update.force_update();
            }
        });
    }
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
    {
        // Script time per animated frame (simulation + render), for the
        // benchmark; and our height, for a page that embeds us.
        let embed = route.embed;
        use_effect(move || {
            if let Some(start) = frame_started.take() {
                browser::push_global_sample("distvizFrameMs", browser::now_ms() - start);
            }
            if embed {
                report_height(&last_height);
            }
        });
    }
    LabHandle { ctl, send }
}

/// What the log lines depend on: revision, records so far, routine shown,
/// last step, notes, playing (it shows fewer lines).
type LogKey = (u64, usize, bool, Option<(usize, usize)>, usize, bool);

/// While playing, the log is redrawn at most this often (real ms). Lines
/// come faster than anyone reads them (a split vote at 0.1× is about 50 in
/// half a second; the replication lab at 1× makes three a frame), and each
/// redraw draws its lines anew (all of them, under load), re-lays out the
/// list and is spoken by screen readers. A line after a quiet spell still
/// shows at once.
pub const PLAYING_REDRAW_MS: f64 = 1000.0;

/// The event log's lines, kept between frames and rebuilt only when what
/// they read has changed.
#[derive(Default)]
pub struct LogCache {
    key: Option<LogKey>,
    /// When the lines last changed (real ms), while playing.
    drawn_at_ms: Option<f64>,
    pub lines: Rc<Vec<LogLine>>,
}

impl LogCache {
    /// `now_ms`: real time, for `PLAYING_REDRAW_MS`.
    pub fn refresh<P: Protocol>(&mut self, c: &Controller<P>, now_ms: f64) {
        let records = c.run.records_so_far();
        // Indices are the run's: with a trace window, `records[0]` is record `first`.
        let first = c.run.records_first() as usize;
        let end = first + records.len();
        let key = (
            c.revision,
            end,
            c.show_routine,
            c.stepped,
            c.notes.len(),
            c.playing,
        );
        if self.key == Some(key) {
            return;
        }
        // While playing, usually only records were added since the last
        // frame: the lines stand when those are hidden (heartbeats), or
        // when the lines were redrawn a moment ago (they catch up within
        // `PLAYING_REDRAW_MS`; a pause shows them at once).
        let only_added = self.key.is_some_and(|last| {
            (last.0, last.2, last.3, last.4, last.5) == (key.0, key.2, key.3, key.4, key.5)
                && (first..=end).contains(&last.1)
        });
        let drawn_lately = self
            .drawn_at_ms
            .is_some_and(|at| now_ms - at < PLAYING_REDRAW_MS);
        if c.playing && only_added && drawn_lately {
            return;
        }
        let proto = c.run.world().protocol();
        let only_hidden_added = only_added
            && self.key.is_some_and(|(_, len, ..)| {
                records[len - first..]
                    .iter()
                    .enumerate()
                    .all(|(i, r)| !c.shows_record(len + i, level(proto, r)))
            });
        if !only_hidden_added {
            self.lines = Rc::new(log_lines(c));
            self.drawn_at_ms = c.playing.then_some(now_ms);
        }
        self.key = Some(key);
    }
}

/// How a lab reads its timeline from its controller.
pub type TimelineOf<P> = fn(&Controller<P>) -> (Vec<Band>, Vec<Mark>);

/// What a lab page derives from its controller, kept between frames and
/// rebuilt only when what it reads has changed: the log, the timeline (when
/// the run or its landmarks changed) and the lab's params.
#[derive(Default)]
pub struct Derived<T> {
    pub log: LogCache,
    timeline_key: Option<(u64, u64)>,
    pub bands: Rc<Vec<Band>>,
    pub marks: Rc<Vec<Mark>>,
    params_key: Option<u64>,
    pub params: T,
}

impl<T: Default> Derived<T> {
    /// `landmarks`: a number that changes whenever the timeline's facts do.
    pub fn refresh<P: Protocol>(
        &mut self,
        c: &Controller<P>,
        landmarks: u64,
        timeline: TimelineOf<P>,
        params: fn(&Scenario) -> T,
    ) {
        self.log.refresh(c, browser::now_ms());
        self.refresh_all_but_log(c, landmarks, timeline, params);
    }

    /// `refresh`, leaving the log as it was (a page that shows it only
    /// while paused).
    pub fn refresh_all_but_log<P: Protocol>(
        &mut self,
        c: &Controller<P>,
        landmarks: u64,
        timeline: TimelineOf<P>,
        params: fn(&Scenario) -> T,
    ) {
        // Not the horizon: open bands run to the strip's end by themselves.
        let key = (c.revision, landmarks);
        if self.timeline_key != Some(key) {
            let (bands, marks) = timeline(c);
            self.bands = Rc::new(bands);
            self.marks = Rc::new(marks);
            self.timeline_key = Some(key);
        }
        if self.params_key != Some(c.revision) {
            self.params = params(&c.scenario);
            self.params_key = Some(c.revision);
        }
    }
}

/// Every directed link's state, row-major over the network's nodes.
pub fn link_states(network: &Network) -> Vec<LinkState> {
    let ids: Vec<NodeId> = network.roster().ids().collect();
    ids.iter()
        .flat_map(|&from| ids.iter().map(move |&to| network.link(from, to).state))
        .collect()
}

/// The directed links that drop or hold, for the cluster view.
pub fn faulty_links(network: &Network) -> Vec<(NodeId, NodeId, LinkState)> {
    let ids: Vec<NodeId> = network.roster().ids().collect();
    ids.iter()
        .flat_map(|&from| ids.iter().map(move |&to| (from, to)))
        .filter(|&(from, to)| from != to)
        .map(|(from, to)| (from, to, network.link(from, to).state))
        .filter(|&(_, _, state)| state != LinkState::Up)
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct BannersProps {
    /// How far a computation has got (0 to 1) and where it goes.
    pub computing: Option<(f64, Time)>,
    pub problem: Option<String>,
    pub notice: Option<String>,
    pub can_undo: bool,
    pub send: Callback<Command>,
}

/// A problem to act on (role alert) and a notice of what an action did.
#[component]
pub fn Banners(props: &BannersProps) -> Html {
    let command = |command: Command| props.send.reform(move |_: MouseEvent| command.clone());
    html! {
        <>
            if let Some((done, until)) = props.computing {
                <div class="notice" role="status" data-testid="computing">
                    <span>{format!("Computing the run up to {}… {:.0}%", clock_words(until), done * 100.0)}</span>
                    <button onclick={command(Command::StopComputing)}>{"Stop here"}</button>
                </div>
            }
            if let Some(problem) = &props.problem {
                <div class="problem" role="alert" data-testid="problem">
                    <span>{problem}</span>
                    <button aria-label="Dismiss" onclick={command(Command::Dismiss)}>{"✕"}</button>
                </div>
            }
            if let Some(notice) = &props.notice {
                <div class="notice" role="status" data-testid="notice">
                    <span>{notice}</span>
                    if props.can_undo {
                        <button onclick={command(Command::Undo)}>{"↶ Undo"}</button>
                    }
                    <button aria-label="Dismiss the notice" onclick={command(Command::Dismiss)}>{"✕"}</button>
                </div>
            }
        </>
    }
}

/// What a lab page puts into the frame every lab shares.
pub struct FrameParts {
    /// The lab's CSS class: "raft-election".
    pub class: &'static str,
    /// `data-leader` for labs that have one (tests read it).
    pub leader: Option<String>,
    pub show_controls: bool,
    pub bands: Rc<Vec<Band>>,
    pub marks: Rc<Vec<Mark>>,
    /// What the timeline's bands and marks are, in words.
    pub timeline_caption: &'static str,
    /// Above the cluster: badges, sentences, the lab's tool bar.
    pub above: Html,
    pub nodes: Vec<NodeVisual>,
    pub messages: Vec<MessageVisual>,
    pub hint: &'static str,
    /// Below the cluster: the legend, things to try.
    pub below: Html,
    pub inspector: (String, String, Vec<Field>),
    pub message_panel: Option<Html>,
    pub log: Rc<Vec<LogLine>>,
    /// The lab's settings panel (shown with the controls).
    pub settings: Html,
}

/// The page every lab shares: banners, controls and timeline, the cluster
/// between the lab's own parts, and the side panels.
pub fn lab_frame<P: Protocol>(
    c: &Controller<P>,
    send: &Callback<Command>,
    parts: FrameParts,
) -> Html {
    let world = c.run.world();
    let now_ms = c.run.now();
    let trace_hash = world.trace_hash();
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    let on_the_wire: Vec<InFlightItem> = if c.playing {
        Vec::new()
    } else {
        parts
            .messages
            .iter()
            .map(|m| InFlightItem {
                id: m.id,
                label: m.label.clone(),
            })
            .collect()
    };
    let ids: Rc<Vec<NodeId>> = Rc::new(world.roster().ids().collect());
    let (title, note, fields) = parts.inspector;
    html! {
        <div class={classes!("lab", parts.class)} data-trace-hash={trace_hash.clone()} data-now={now_ms.to_string()}
             data-leader={parts.leader}
             data-playing={c.playing.to_string()} data-selected={c.selected.map(|s| s.to_string()).unwrap_or_default()}>
            <Banners computing={c.computing_progress().zip(c.computing.as_ref().map(|job| job.until))} problem={c.problem.clone()} notice={c.notice.clone()} can_undo={c.can_undo()} send={send.clone()} />
            if parts.show_controls {
                <Controls playing={c.playing} speed={c.speed} now_ms={now_ms} horizon_ms={c.run.horizon()}
                    seed={c.scenario.seed} can_undo={c.can_undo()} send={send.clone()} />
                <Timeline now_ms={now_ms} end_ms={c.run.horizon().max(now_ms)} bands={parts.bands}
                    marks={parts.marks} caption={parts.timeline_caption} on_seek={send.reform(Command::Seek)} />
            } else {
                <div class="controls minimal">
                    <button class="play" onclick={command(Command::TogglePlay)}>
                        {if c.playing { "❚❚ Pause" } else { "▶ Play" }}</button>
                    <output>{format_time(now_ms)}</output>
                </div>
            }
            <div class="lab-body">
                <div class="stage">
                    {parts.above}
                    <ClusterView nodes={Rc::new(parts.nodes)} messages={Rc::new(parts.messages)} selected={c.selected}
                        faulty_links={Rc::new(faulty_links(world.network()))}
                        picked={Rc::new(c.picked.clone())} selected_message={c.selected_message} hint={parts.hint}
                        playing={c.playing}
                        on_activate={send.reform(Command::ActivateNode)} on_select={send.reform(Command::Select)}
                        on_message={send.reform(Command::CatchMessage)} on_catch={send.reform(Command::CatchMessage)} />
                    {parts.below}
                </div>
                <div class="side">
                    <Invariants items={Rc::new(invariant_statuses(c))} send={send.clone()} />
                    {for parts.message_panel}
                    <Inspector title={title} note={note} fields={Rc::new(fields)}
                        choices={ids.clone()} chosen={c.selected} send={send.clone()} />
                    <InFlightList items={Rc::new(on_the_wire)} playing={c.playing} send={send.clone()} />
                    <EventLog lines={parts.log} show_messages={c.show_routine} send={send.clone()}
                        routine={world.protocol().routine_words()} />
                    if parts.show_controls {
                        {parts.settings}
                        <LinkGrid ids={ids} states={Rc::new(link_states(world.network()))} send={send.clone()} />
                        <Share seed={c.scenario.seed} events={world.records()} trace_hash={trace_hash}
                            link={c.share_link.clone().map(AttrValue::from)} send={send.clone()} />
                    }
                </div>
            </div>
        </div>
    }
}

/// The partition tools every lab's tool bar starts with: pick and cut, or
/// heal.
pub fn partition_tools<P: Protocol>(c: &Controller<P>, send: &Callback<Command>) -> Html {
    let command = |command: Command| send.reform(move |_: MouseEvent| command.clone());
    html! {
        <>
            if c.tool == Tool::PickGroup {
                <button class="primary" disabled={c.picked.is_empty()} onclick={command(Command::CutPicked)}>
                    {format!("✂ Cut off the picked nodes ({})", c.picked.len())}</button>
                <button onclick={command(Command::CancelPicking)}>{"Cancel"}</button>
            } else {
                <button onclick={command(Command::StartPicking)}
                    title="Pick the nodes on one side, then cut">{"✂ Partition…"}</button>
            }
            <button disabled={!c.run.world().network().is_partitioned()} onclick={command(Command::Heal)}
                aria-label="Heal the network" title="Heal the network: everyone can reach everyone again">{"Heal"}</button>
        </>
    }
}

/// The inspector's title, note and fields for the selected node.
pub fn inspected<P: Protocol>(
    c: &Controller<P>,
    fields: impl Fn(&NodeSlot<P>) -> Vec<Field>,
    what: &str,
) -> (String, String, Vec<Field>) {
    match c.selected.and_then(|id| c.run.world().get(id)) {
        Some(slot) => {
            let id = slot.id;
            let note = if !slot.is_up() {
                format!("{id} is down: only what it saved to disk remains. X (or the Restart button) restarts it from its disk.")
            } else if slot.is_paused() {
                format!(
                    "{id} is paused: it keeps all of this, but handles nothing until P resumes it."
                )
            } else {
                format!("Everything this {what} knows right now. X (or the Crash button) crashes it; P pauses it.")
            };
            (format!("Inspecting {id}"), note, fields(slot))
        }
        None => (
            "Inspector".into(),
            "Click a node, Tab to it, or pick one here to see its whole state.".into(),
            Vec::new(),
        ),
    }
}

/// The panel of the message the learner opened, if it is still on the wire.
pub fn message_panel<P: Protocol>(
    c: &Controller<P>,
    send: &Callback<Command>,
    fields: impl Fn(&InFlight<P::Msg>, bool) -> Vec<Field>,
) -> Option<Html> {
    let world = c.run.world();
    let id = c.selected_message?;
    let held = world.held().any(|m| m.id == id);
    let m = world.in_flight().chain(world.held()).find(|m| m.id == id)?;
    Some(html! {
        <MessagePanel title={format!("Message #{id}")} fields={Rc::new(fields(m, held))} {held}
            send={send.clone()} />
    })
}

/// Every message on the wire and held, drawn, in id order.
pub fn messages<P: Protocol>(
    world: &World<P>,
    now: f64,
    visual: impl Fn(&InFlight<P::Msg>, f64, bool) -> MessageVisual,
) -> Vec<MessageVisual> {
    let mut messages: Vec<_> = world.in_flight().map(|m| visual(m, now, false)).collect();
    messages.extend(world.held().map(|m| visual(m, now, true)));
    messages.sort_by_key(|m| m.id);
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::event_log::{LOG_LINES, PLAYING_LOG_LINES};
    use distviz_core::lab;
    use distviz_core::raft::Raft;

    /// A run whose log has long passed `LOG_LINES` lines, playing.
    fn playing() -> Controller<Raft> {
        let mut c = Controller::new(Scenario::new(lab::RAFT_ELECTION, 1, 5), lab::raft_election)
            .expect("the election lab's scenario");
        c.show_routine = true;
        c.run.advance_to(3_000);
        c.playing = true;
        c
    }

    #[test]
    fn a_named_run_keeps_its_seed_and_a_wrong_name_keeps_the_seed_given() {
        let open = |hash: &str| {
            let default = Scenario::new(lab::RAFT_REPLICATION, 1, 5);
            initial(&Route::parse(hash), default, lab::raft_replication)
        };
        let (_, text) = shipped::find(lab::RAFT_REPLICATION, "figure-8").expect("shipped");
        let shipped = Scenario::parse(text).expect("parses");
        assert_ne!(shipped.seed, 4);
        let c = open("#/raft-replication?try=figure-8&seed=4");
        assert_eq!(c.scenario.seed, shipped.seed);
        let problem = c.problem.unwrap_or_default();
        assert!(
            problem.starts_with("seed: a shipped run (try) carries its own seed"),
            "{problem}"
        );
        // Not found: the fresh run, with the seed given.
        let c = open("#/raft-replication?try=figure-9&seed=4");
        assert_eq!(c.scenario.seed, 4);
        let problem = c.problem.unwrap_or_default();
        assert!(
            problem.starts_with("try: no shipped run of this page is called “figure-9”")
                && problem.ends_with("Showing a fresh run instead."),
            "{problem}"
        );
    }

    #[test]
    fn the_timeline_is_made_again_when_its_facts_change_not_as_the_run_grows() {
        let mut c = Controller::new(Scenario::new(lab::RAFT_ELECTION, 1, 5), lab::raft_election)
            .expect("the election lab's scenario");
        c.run.advance_to(3_000);
        let landmarks =
            |c: &Controller<Raft>| c.run.lab_landmarks().revision + c.run.landmarks().revision;
        let mut d: Derived<()> = Derived::default();
        let refresh = |d: &mut Derived<()>, c: &Controller<Raft>| {
            d.refresh_all_but_log(
                c,
                landmarks(c),
                crate::labs::raft_timeline::raft_timeline,
                |_| (),
            )
        };
        refresh(&mut d, &c);
        let leader = d.bands.last().expect("a leader's band").clone();
        assert!(
            leader.open && leader.kind == "leader",
            "the leader still leads: {leader:?}"
        );
        assert!(
            d.bands.iter().rev().skip(1).all(|b| !b.open),
            "only the last band is still going"
        );
        // A little further, the same leader: the strip's end moves, the bands stay.
        let before = d.bands.clone();
        let at = c.run.now() + 20;
        c.run.advance_to(at);
        refresh(&mut d, &c);
        assert!(
            Rc::ptr_eq(&before, &d.bands),
            "not made again while the leader leads"
        );
        // Its leader crashes: a new term starts and the band closes.
        let node = c.in_role("leader").expect("a leader");
        c.act(distviz_core::sim::Action::Crash { node });
        c.run.advance_to(at + 2_000);
        refresh(&mut d, &c);
        let closed = d
            .bands
            .iter()
            .find(|b| b.start_ms == leader.start_ms)
            .expect("kept");
        assert!(
            !closed.open && closed.end_ms > closed.start_ms,
            "{closed:?}"
        );
        assert!(d.bands.last().is_some_and(|b| b.open), "{:?}", d.bands);
    }

    #[test]
    fn while_playing_the_log_is_redrawn_at_most_once_a_second_and_at_once_on_a_pause() {
        let mut c = playing();
        let mut log = LogCache::default();
        log.refresh(&c, 1_000.0);
        assert_eq!(
            log.lines.len(),
            PLAYING_LOG_LINES,
            "fewer lines while playing"
        );
        let newest = log.lines[0].index;
        c.run.advance_to(3_200);
        log.refresh(&c, 1_100.0);
        assert_eq!(log.lines[0].index, newest, "drawn 100 ms ago: it waits");
        log.refresh(&c, 1_000.0 + PLAYING_REDRAW_MS);
        assert!(log.lines[0].index > newest, "it catches up");
        let caught_up = log.lines[0].index;
        c.run.advance_to(3_400);
        log.refresh(&c, 1_100.0 + PLAYING_REDRAW_MS);
        assert_eq!(log.lines[0].index, caught_up);
        c.playing = false;
        log.refresh(&c, 1_100.0 + PLAYING_REDRAW_MS);
        assert!(log.lines[0].index > caught_up, "a pause shows all at once");
        assert_eq!(log.lines.len(), LOG_LINES);
    }

    #[test]
    fn after_a_quiet_spell_a_line_shows_at_once() {
        let mut c = playing();
        let mut log = LogCache::default();
        log.refresh(&c, 0.0);
        let newest = log.lines[0].index;
        c.run.advance_to(3_200);
        log.refresh(&c, 2_000.0 + PLAYING_REDRAW_MS);
        assert!(log.lines[0].index > newest);
    }
}

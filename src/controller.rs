//! A lab's state between the learner and the core: the run, play/pause,
//! speed, what is selected, the pending partition group, and what Undo
//! brings back. No web code, so it tests natively.
//!
//! Everything the learner does arrives as a [`Command`]: keys, buttons,
//! clicks on the cluster, tours and tests all issue the same data, and
//! [`Controller::apply`] is the one place it takes effect. Commands know
//! no protocol: a lab's own settings travel as `SetParam`.

use distviz_core::scenario::{Scenario, ScenarioError, LONGEST_RUN, MAX_DURATION_MS};
use distviz_core::sim::words::Level;
use distviz_core::sim::{Action, LinkState, NodeId, Protocol, Run, Summary, Time, TraceEvent};

/// What clicking (or pressing Enter on) a node does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Select the node and inspect it (the default).
    Select,
    /// Add it to (or take it out of) one side of a partition.
    PickGroup,
}

/// Something the learner asks for, as data.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    TogglePlay,
    StepForward,
    StepBack,
    SetSpeed(f64),
    Seek(Time),
    SeekStart,
    SeekEnd,
    Reset,
    Undo,
    /// The seed field's text.
    SetSeed(String),
    NewSeed(u64),
    /// Closes the problem and the notice.
    Dismiss,
    /// Stop a computation going on (a far seek, a long link) where it is.
    StopComputing,
    /// Esc: cancel picking, close the message, dismiss notices.
    Escape,
    /// A click (or Enter) on a node: what it does depends on the tool.
    ActivateNode(NodeId),
    Select(NodeId),
    /// Crash the selected node, or restart it if it is down.
    CrashOrRestartSelected,
    /// Pause the selected node, or resume it if it is paused.
    PauseOrResumeSelected,
    /// Any action on the world, as a lab's own button makes it (a lab's
    /// input to a node, say). Recorded for Undo like the others.
    Act(Action),
    TimeoutSelected,
    /// The lab's input to the selected node (Paxos's P: propose). `key`
    /// names what the learner pressed, for the message when nothing is
    /// selected; a refusal is said as a problem.
    InputSelected {
        input: serde_json::Value,
        key: &'static str,
    },
    /// Crash and at once restart the node in this role (by its summary)
    /// with the highest colour key: RaftScope's R restarts the leader.
    RestartRole(&'static str),
    AlignTimers,
    StartPicking,
    CancelPicking,
    CutPicked,
    Heal,
    CycleLink(NodeId, NodeId),
    OpenMessage(u64),
    /// A click near a flying message: pause and open it.
    CatchMessage(u64),
    CloseMessage,
    DropMessage,
    HoldMessage,
    ReleaseMessage,
    DuplicateMessage,
    ShowRoutine(bool),
    SetNodes(usize),
    /// Counts by kind word ("acceptor": 3) and lab settings, changed
    /// together as one step (a lab's choice of layout).
    SetLayout {
        counts: Vec<(&'static str, usize)>,
        params: Vec<(&'static str, serde_json::Value)>,
    },
    /// The latency range as a pair, from both fields' text.
    SetLatency {
        min: String,
        max: String,
    },
    SetLoss(String),
    /// Every link first in, first out (no message overtakes an earlier one).
    SetFifo(bool),
    /// One of the lab's own settings (a field of the scenario's `params`).
    SetParam {
        name: &'static str,
        value: serde_json::Value,
    },
    CopyLink,
    Export,
    Import {
        name: String,
        text: String,
    },
}

/// What the browser still has to do after a command (the controller has no browser).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done,
    /// Offer this file for download.
    Download {
        name: String,
        text: String,
    },
    /// Copy a link to this page with this `#hash`.
    ShareHash(String),
}

impl Outcome {
    /// The link that reopens `scenario` (with its lab) at `at`.
    pub fn share(scenario: &Scenario, at: Time) -> Outcome {
        Outcome::ShareHash(crate::route::Route::share_hash(
            &scenario.lab,
            &scenario.to_link_param(),
            at,
        ))
    }

    /// The scenario file, to download.
    pub fn export(scenario: &Scenario) -> Outcome {
        Outcome::Download {
            name: format!("distviz-{}-seed{}.json", scenario.lab, scenario.seed),
            text: scenario.to_json(),
        }
    }
}

/// What the learner reads when a file could not be loaded.
pub fn not_loaded(name: &str, err: &ScenarioError) -> String {
    format!("{name} was not loaded: {err}. The current run is unchanged.")
}

pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 10.0;
pub const DEFAULT_SPEED: f64 = 0.1;
/// A frame longer than this (a background tab) is not caught up on.
const MAX_FRAME_MS: f64 = 100.0;
/// What a run in a lab page may hold for time travel, by
/// `Run::held_bytes` (checkpoints, the trace window and what its records
/// and the monitors hold): a run lasts as long as this allows. The
/// estimate is within about 10% of what the allocator counts (`distviz
/// bench`), so this is issue 5's budget itself: nine nodes under faults
/// for two hours fit (about 61 MB natively, less in WebAssembly's 32-bit
/// memory); a flood of messages reaches it sooner, and stops with a notice
/// instead of filling the tab's memory.
pub const MEMORY_BUDGET: usize = 64 << 20;
/// Events computed in one go before the page gets a frame back (about
/// 35 ms in Chromium): a long seek or a long link computes in slices.
pub const SLICE_EVENTS: u64 = 80_000;
/// A moment of a run in words: "12.3 s", "4 min 5 s", "2 h 14 min".
pub fn clock_words(ms: Time) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{:.1} s", ms as f64 / 1000.0),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s / 60 % 60),
    }
}

/// How many earlier states Undo remembers.
const UNDO_DEPTH: usize = 50;

pub type MakeRun<P> = fn(&Scenario) -> Result<Run<P>, ScenarioError>;

/// How many trace records a lab keeps (the log looks back this far); older
/// ones are re-derived from a checkpoint when the learner travels back, so
/// a long run holds its checkpoints, not its whole trace.
pub const TRACE_WINDOW: usize = 50_000;

/// A run of the scenario as a lab page keeps it: with a trace window.
fn windowed<P: Protocol>(make: MakeRun<P>, scenario: &Scenario) -> Result<Run<P>, ScenarioError> {
    let mut run = make(scenario)?;
    run.keep_window(TRACE_WINDOW);
    Ok(run)
}

/// A line the controller adds to the event log, after trace record
/// `after_record - 1`: what a command did that the trace does not say.
#[derive(Clone, Debug, PartialEq)]
pub struct LogNote {
    pub after_record: usize,
    pub at_ms: Time,
    pub text: String,
}

/// A state Undo can return to: the scenario as it stood (every action, and
/// how far it had been computed) and the moment shown.
#[derive(Clone, Debug)]
struct Snapshot {
    scenario: Scenario,
    at: Time,
}

pub struct Controller<P: Protocol> {
    /// The scenario's settings; its actions live in the run.
    pub scenario: Scenario,
    pub run: Run<P>,
    make: MakeRun<P>,
    pub playing: bool,
    pub speed: f64,
    /// Virtual milliseconds owed to the simulation (below 1).
    carry: f64,
    pub selected: Option<NodeId>,
    pub selected_message: Option<u64>,
    pub tool: Tool,
    pub picked: Vec<NodeId>,
    /// Whether a click on a node crashes it (an embed option), not selects it.
    pub click_crashes: bool,
    /// A problem to show the learner (bad file, bad link, refused input).
    pub problem: Option<String>,
    /// What an action did that the learner may not expect (a fork, a wait).
    pub notice: Option<String>,
    /// Show heartbeats, timers and losses in the log too.
    pub show_routine: bool,
    /// The trace records made by the last single step (shown in the log even when routine).
    pub stepped: Option<(usize, usize)>,
    /// The last share link made.
    pub share_link: Option<String>,
    /// Lines for the log that the trace does not hold (what A waited for).
    pub notes: Vec<LogNote>,
    /// Counts forks and new runs: views that cache the trace re-read it when it changes.
    pub revision: u64,
    /// A computation going on across frames (a far seek, a long link).
    pub computing: Option<Computing>,
    /// `MEMORY_BUDGET`, or less in tests.
    pub memory_budget: usize,
    undo: Vec<Snapshot>,
}

/// Computing ahead to `until`, a slice a frame, then showing `show`.
#[derive(Clone, Debug, PartialEq)]
pub struct Computing {
    pub until: Time,
    pub show: Time,
    /// Play once there (a link without a time starts playing).
    pub play: bool,
}

/// How far a slice of computing got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reached {
    /// All the way.
    Target,
    /// Its slice of work is spent: more next frame.
    Slice,
    /// The run holds all the memory it may: it ends here.
    Budget,
}

impl<P: Protocol> Controller<P> {
    pub fn new(scenario: Scenario, make: MakeRun<P>) -> Result<Self, ScenarioError> {
        let run = windowed(make, &scenario)?;
        Ok(Controller {
            scenario,
            run,
            make,
            playing: true,
            speed: DEFAULT_SPEED,
            carry: 0.0,
            selected: None,
            selected_message: None,
            tool: Tool::Select,
            picked: Vec::new(),
            click_crashes: false,
            problem: None,
            notice: None,
            show_routine: false,
            stepped: None,
            share_link: None,
            notes: Vec::new(),
            revision: 0,
            computing: None,
            memory_budget: MEMORY_BUDGET,
            undo: Vec::new(),
        })
    }

    /// Carries out one command.
    pub fn apply(&mut self, command: Command) -> Outcome {
        use Command::*;
        // Any command but a dismissal stops a computation where it got to.
        if !matches!(command, Dismiss) {
            self.computing = None;
        }
        match command {
            TogglePlay => {
                self.playing = !self.playing;
                self.stepped = None;
            }
            StepForward => self.step_forward(),
            StepBack => self.step_back(),
            SetSpeed(speed) => self.set_speed(speed),
            Seek(t) => {
                self.playing = false;
                self.seek(t);
            }
            SeekStart => self.seek(0),
            SeekEnd => self.seek(self.run.horizon()),
            Reset => {
                self.remember();
                self.reset();
            }
            Undo => self.undo(),
            SetSeed(text) => match text.trim().parse::<u64>() {
                Ok(seed) => self.reconfigure(|s| s.seed = seed),
                Err(_) => {
                    self.problem = Some(format!(
                        "“{}” is not a seed: use a whole number from 0 to {}. The seed is unchanged.",
                        text.trim(),
                        u64::MAX
                    ))
                }
            },
            NewSeed(seed) => self.reconfigure(|s| s.seed = seed),
            // Stopped above, like any command: the run stays where it got to.
            StopComputing => {}
            Dismiss => {
                self.problem = None;
                self.notice = None;
            }
            Escape => {
                self.tool = Tool::Select;
                self.picked.clear();
                self.selected_message = None;
                self.problem = None;
                self.notice = None;
            }
            ActivateNode(id) => self.activate_node(id),
            Select(id) => self.selected = Some(id),
            CrashOrRestartSelected => match self.selected {
                Some(id) => self.toggle_crash(id),
                None => {
                    self.problem = Some(
                        "Select a node first (click it or Tab to it), then press X.".into(),
                    )
                }
            },
            PauseOrResumeSelected => match self.selected {
                Some(id) if self.run.world().node(id).is_paused() => {
                    self.intervene(Action::Resume { node: id })
                }
                Some(id) => self.intervene(Action::Pause { node: id }),
                None => {
                    self.problem = Some(
                        "Select a node first (click it or Tab to it), then press P.".into(),
                    )
                }
            },
            Act(action) => self.intervene(action),
            TimeoutSelected => self.timeout_selected(),
            InputSelected { input, key } => self.input_selected(input, key),
            RestartRole(role) => self.restart_role(role),
            AlignTimers => self.align_timers(),
            StartPicking => self.tool = Tool::PickGroup,
            CancelPicking => {
                self.tool = Tool::Select;
                self.picked.clear();
            }
            CutPicked => self.partition_picked(),
            Heal => self.intervene(Action::Heal),
            CycleLink(from, to) => self.cycle_link(from, to),
            OpenMessage(id) => self.selected_message = Some(id),
            CatchMessage(id) => {
                self.playing = false;
                self.carry = 0.0;
                self.selected_message = Some(id);
            }
            CloseMessage => self.selected_message = None,
            DropMessage => self.on_open_message(|id| Action::DropMessage { id }),
            HoldMessage => self.on_open_message(|id| Action::HoldMessage { id }),
            ReleaseMessage => self.on_open_message(|id| Action::ReleaseMessage { id }),
            DuplicateMessage => self.on_open_message(|id| Action::DuplicateMessage { id }),
            ShowRoutine(on) => self.show_routine = on,
            // The selection is kept if the node still exists (see `reconfigure`).
            SetNodes(n) => self.reconfigure(|s| s.nodes = n),
            SetLayout { counts, params } => self.reconfigure(|s| {
                let first = distviz_core::lab::info(&s.lab)
                    .and_then(|info| info.kinds.first())
                    .map(|kind| kind.word);
                for (word, n) in counts {
                    if Some(word) == first {
                        s.nodes = n;
                    } else {
                        s.other_nodes.insert(word.to_string(), n);
                    }
                }
                if !s.params.is_object() {
                    s.params = serde_json::Value::Object(Default::default());
                }
                if let Some(map) = s.params.as_object_mut() {
                    for (name, value) in params {
                        map.insert(name.to_string(), value);
                    }
                }
            }),
            SetLatency { min, max } => self.set_latency(&min, &max),
            SetFifo(on) => self.reconfigure(|s| s.network.fifo = on),
            SetLoss(text) => match text.trim().parse::<f64>() {
                Ok(percent) if (0.0..=100.0).contains(&percent) => {
                    self.reconfigure(|s| s.network.drop = percent / 100.0)
                }
                _ => {
                    self.problem = Some(format!(
                        "Message loss “{}” was refused: use a percentage from 0 to 100. It stays at {}%.",
                        text.trim(),
                        (self.scenario.network.drop * 100.0).round()
                    ))
                }
            },
            SetParam { name, value } => self.reconfigure(|s| {
                if !s.params.is_object() {
                    s.params = serde_json::Value::Object(Default::default());
                }
                if let Some(params) = s.params.as_object_mut() {
                    params.insert(name.to_string(), value);
                }
            }),
            CopyLink => return Outcome::share(&self.current_scenario(), self.run.now()),
            Export => return Outcome::export(&self.current_scenario()),
            Import { name, text } => {
                if let Err(err) = Scenario::parse(&text).and_then(|s| self.import(s)) {
                    self.problem = Some(not_loaded(&name, &err));
                }
            }
        }
        Outcome::Done
    }

    /// Advances by one animation frame of `real_ms` milliseconds: a slice
    /// of a computation going on, or the run while playing.
    pub fn frame(&mut self, real_ms: f64) {
        if self.computing.is_some() {
            self.compute_slice();
            return;
        }
        if !self.playing {
            return;
        }
        self.stepped = None;
        self.carry += real_ms.clamp(0.0, MAX_FRAME_MS) * self.speed;
        let whole = self.carry.floor();
        self.carry -= whole;
        if whole >= 1.0 {
            let target = (self.run.now() + whole as Time).min(MAX_DURATION_MS);
            if self.advance_within_budget(target, u64::MAX) == Reached::Budget {
                self.playing = false;
            } else if target == MAX_DURATION_MS {
                self.playing = false;
                self.problem = Some(format!("This run has reached {LONGEST_RUN}, the longest a run may last. Travel back and act to fork it, or reset."));
            }
        }
    }

    /// Computes ahead to `until` in slices (one now, the rest a frame at a
    /// time, so the page never freezes), then shows `show`.
    pub fn compute_to(&mut self, until: Time, show: Time, play: bool) {
        self.playing = false;
        self.computing = Some(Computing {
            until: until.min(MAX_DURATION_MS),
            show,
            play,
        });
        self.compute_slice();
    }

    fn compute_slice(&mut self) {
        let Some(job) = self.computing.clone() else {
            return;
        };
        if self.advance_within_budget(job.until, SLICE_EVENTS) == Reached::Slice {
            return;
        }
        self.computing = None;
        self.run.seek_time(job.show.min(self.run.now()));
        self.playing = job.play;
    }

    /// Finishes a computation at once (as frames would, for tests).
    #[cfg(test)]
    pub fn finish_computing(&mut self) {
        while self.computing.is_some() {
            self.compute_slice();
        }
    }

    /// How far a computation has got, from 0 to 1, while there is one.
    pub fn computing_progress(&self) -> Option<f64> {
        self.computing
            .as_ref()
            .map(|job| self.run.now() as f64 / job.until.max(1) as f64)
    }

    /// Runs forward to `t`, for at most about `max_events` events, and stops
    /// (with a notice) where the run would hold more than its memory budget.
    pub fn advance_within_budget(&mut self, t: Time, max_events: u64) -> Reached {
        let t = t.min(MAX_DURATION_MS);
        let start = self.run.world().records();
        while self.run.now() < t {
            // Only new computing holds more: replaying what is computed is free.
            let computing_new = self.run.now() >= self.run.horizon();
            if computing_new && self.run.held_bytes() >= self.memory_budget {
                let stop = format!(
                    "This run stops at {}: it holds {} events, all the memory time travel may use here. Travel back and act to fork it, or use fewer servers or slower timers.",
                    clock_words(self.run.now()),
                    self.run.world().records()
                );
                // Said after what the learner was already told (a clamped link
                // time), but once.
                self.problem = Some(match self.problem.take() {
                    Some(earlier) if !earlier.contains("This run stops at") => {
                        format!("{earlier} {stop}")
                    }
                    _ => stop,
                });
                return Reached::Budget;
            }
            if self.run.world().records() - start >= max_events {
                return Reached::Slice;
            }
            let next = (self.run.now() + 100).min(t);
            self.run.advance_to(next);
        }
        Reached::Target
    }

    /// "Now" with the fraction of a millisecond, for smooth animation.
    pub fn display_time(&self) -> f64 {
        self.run.now() as f64 + self.carry
    }

    pub fn set_speed(&mut self, speed: f64) {
        self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
    }

    /// One event forward. Its records are kept for the log, which shows
    /// them even when they are routine, so a step never looks like nothing.
    pub fn step_forward(&mut self) {
        self.playing = false;
        self.carry = 0.0;
        let before = self.run.world().records() as usize;
        self.run.step_forward();
        let after = self.run.world().records() as usize;
        self.stepped = (after > before).then_some((before, after));
    }

    pub fn step_back(&mut self) {
        self.playing = false;
        self.carry = 0.0;
        self.stepped = None;
        self.run.step_back();
    }

    pub fn seek(&mut self, t: Time) {
        self.carry = 0.0;
        self.stepped = None;
        let t = t.min(MAX_DURATION_MS);
        if t > self.run.horizon() {
            self.run.seek_time(self.run.horizon());
            self.compute_to(t, t, false);
        } else {
            self.run.seek_time(t);
        }
    }

    /// Remembers the present state for Undo.
    fn remember(&mut self) {
        let snapshot = Snapshot {
            scenario: self.current_scenario(),
            at: self.run.now(),
        };
        self.push_undo(snapshot);
    }

    fn push_undo(&mut self, snapshot: Snapshot) {
        self.undo.push(snapshot);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Goes back to the state before the last change to the run: the same
    /// settings and actions, computed as far as before, at the same moment.
    pub fn undo(&mut self) {
        let Some(snapshot) = self.undo.pop() else {
            self.notice = Some("There is nothing to undo.".into());
            return;
        };
        let was_playing = self.playing;
        let mut scenario = snapshot.scenario;
        scenario.at_ms = None;
        match self.load(scenario, Some(snapshot.at)) {
            Ok(()) => {
                self.playing = was_playing;
                self.notice = Some(format!(
                    "Undone: back at {} ms, with the run as it was before.",
                    snapshot.at
                ));
            }
            Err(err) => self.problem = Some(format!("Undo failed: {err}")),
        }
    }

    /// Acts now, forking the future if we are in the past.
    pub fn act(&mut self, action: Action) {
        self.carry = 0.0;
        self.stepped = None;
        if let Some(why) = self.refusal(&action) {
            self.problem = Some(why);
            return;
        }
        let now = self.run.now();
        let horizon = self.run.horizon();
        if horizon > now {
            // Actions at "now" have run already (an action at t runs after every event at t).
            let later = self.run.actions().iter().filter(|a| a.at_ms > now).count();
            let actions = match later {
                0 => String::new(),
                1 => " and 1 of your actions".into(),
                n => format!(" and {n} of your actions"),
            };
            self.notice = Some(format!(
                "You acted at {now} ms, in the past: this replaced the {} ms of run that followed{actions}. Undo (Ctrl/Cmd+Z) brings it back.",
                horizon - now
            ));
        }
        self.revision += 1;
        let kept = self.run.world().records() as usize;
        self.notes.retain(|n| n.after_record <= kept);
        if let Err(why) = self.run.intervene(action) {
            self.problem = Some(format!("Nothing happened: {why}."));
        }
    }

    /// Remembers the state for Undo, then acts (an action the run refuses
    /// leaves nothing to undo).
    fn intervene(&mut self, action: Action) {
        if let Some(why) = self.refusal(&action) {
            self.problem = Some(why);
            return;
        }
        self.remember();
        self.act(action);
    }

    /// Why an action cannot be taken now, if it cannot: it names a node the
    /// run lacks, or the run is at the end of the longest run, where its
    /// effects could never be seen.
    fn refusal(&self, action: &Action) -> Option<String> {
        if let Err((_, why)) = action.check_nodes(self.run.world().roster()) {
            return Some(format!("Nothing happened: {why}."));
        }
        (self.run.now() >= MAX_DURATION_MS).then(|| {
            format!(
                "Nothing happened: the run is at its end ({LONGEST_RUN}, the longest a run may last). Travel back and act there, or reset."
            )
        })
    }

    fn is_up(&self, id: NodeId) -> bool {
        self.run.world().node(id).is_up()
    }

    /// The learner clicked a node (or pressed Enter on it).
    pub fn activate_node(&mut self, id: NodeId) {
        self.selected = Some(id);
        match self.tool {
            Tool::Select if self.click_crashes => self.toggle_crash(id),
            Tool::Select => {}
            Tool::PickGroup => {
                match self.picked.iter().position(|&p| p == id) {
                    Some(i) => {
                        self.picked.remove(i);
                    }
                    None => self.picked.push(id),
                }
                self.picked.sort();
            }
        }
    }

    pub fn toggle_crash(&mut self, id: NodeId) {
        if self.is_up(id) {
            self.intervene(Action::Crash { node: id });
        } else {
            self.intervene(Action::Restart { node: id });
        }
    }

    /// Cuts the picked nodes off from the rest.
    pub fn partition_picked(&mut self) {
        let everyone: Vec<NodeId> = self.run.world().roster().ids().collect();
        if self.picked.is_empty() || self.picked.len() >= everyone.len() {
            self.problem = Some(
                "Pick at least one node, but not all of them, to cut them off from the rest."
                    .into(),
            );
            return;
        }
        let rest: Vec<NodeId> = everyone
            .into_iter()
            .filter(|id| !self.picked.contains(id))
            .collect();
        let groups = vec![std::mem::take(&mut self.picked), rest];
        self.tool = Tool::Select;
        self.intervene(Action::Partition { groups });
    }

    /// One direction of a link: works → drops → holds → works.
    pub fn cycle_link(&mut self, from: NodeId, to: NodeId) {
        let state = match self.run.world().network().link(from, to).state {
            LinkState::Up => LinkState::Drop,
            LinkState::Drop => LinkState::Hold,
            LinkState::Hold => LinkState::Up,
        };
        self.intervene(Action::Link {
            from,
            to,
            state,
            latency_ms: None,
            drop: None,
            duplicate: None,
            fifo: None,
        });
    }

    /// Applies `make(id)` to the message the learner has open.
    fn on_open_message(&mut self, make: fn(u64) -> Action) {
        if let Some(id) = self.selected_message {
            let action = make(id);
            if matches!(action, Action::DropMessage { .. }) {
                self.selected_message = None;
            }
            self.intervene(action);
        }
    }

    /// The node whose summary has this role, with the highest colour key
    /// (Raft: the leader in the highest term).
    pub fn in_role(&self, role: &str) -> Option<NodeId> {
        self.run
            .world()
            .nodes()
            .iter()
            .filter_map(|slot| {
                slot.summary
                    .as_ref()
                    .filter(|s| s.role() == role)
                    .map(|s| (s.colour(), slot.id))
            })
            .max()
            .map(|(_, id)| id)
    }

    /// Crashes the node in `role` and starts it again at once.
    pub fn restart_role(&mut self, role: &str) {
        match self.in_role(role) {
            Some(id) => {
                self.remember();
                self.act(Action::Crash { node: id });
                self.act(Action::Restart { node: id });
            }
            None => self.problem = Some(format!("There is no {role} to restart right now.")),
        }
    }

    pub fn input_selected(&mut self, input: serde_json::Value, key: &str) {
        let Some(node) = self.selected else {
            self.problem = Some(format!(
                "Select a node first (click it or Tab to it), then press {key}."
            ));
            return;
        };
        let before = self.run.world().records();
        self.intervene(Action::Input { node, input });
        let first = self.run.records_first();
        let said = self
            .run
            .records_so_far()
            .iter()
            .enumerate()
            .filter(|(i, _)| first + *i as u64 >= before)
            .find_map(|(_, r)| match &r.event {
                TraceEvent::Refused { reason, .. } => Some(format!("{node} refused: {reason}.")),
                TraceEvent::Ignored { reason } => Some(format!("Nothing happened: {reason}.")),
                _ => None,
            });
        if said.is_some() {
            self.problem = said;
        }
    }

    pub fn timeout_selected(&mut self) {
        match self.selected {
            Some(id) => self.intervene(Action::Timeout { node: id }),
            None => {
                self.problem =
                    Some("Select a node first (click it or Tab to it), then press T.".into())
            }
        }
    }

    /// The A key. Messages already on the wire would reset the timers they
    /// reach after the alignment (the crashed leader's last heartbeats do),
    /// so it first lets them land, then aligns every main timer.
    pub fn align_timers(&mut self) {
        self.remember();
        let world = self.run.world();
        let now = world.now();
        let landing: Vec<Time> = world
            .in_flight()
            .filter(|m| world.node(m.to).is_up() && m.arrives > now)
            .map(|m| m.arrives)
            .collect();
        let wait = match landing.iter().max() {
            Some(&last) => {
                let count = landing.len();
                self.run.advance_to(last);
                Some((count, last))
            }
            None => None,
        };
        let forked = self.run.horizon() > self.run.now();
        self.act(Action::AlignTimers);
        if let Some((count, last)) = wait {
            let text = format!(
                "A waited until {last} ms for the {count} message{} on the wire to land (each would reset a timer), then aligned every timer.",
                if count == 1 { "" } else { "s" }
            );
            self.notes.push(LogNote {
                after_record: self.run.world().records() as usize,
                at_ms: self.run.now(),
                text: text.clone(),
            });
            if !forked {
                self.notice = Some(text);
            }
        }
    }

    fn set_latency(&mut self, min: &str, max: &str) {
        let read = |text: &str, which: &str| match text.trim().parse::<u64>() {
            Ok(ms) if ms <= 60_000 => Ok(ms),
            _ => Err(format!(
                "the {which} “{}” is not whole milliseconds from 0 to 60000",
                text.trim()
            )),
        };
        let [lo, hi] = self.scenario.network.latency_ms;
        let refused = |why: String| {
            format!("Latency {}–{} ms was refused: {why}. It stays {lo}–{hi} ms; fix the fields and it applies.", min.trim(), max.trim())
        };
        match (read(min, "smallest"), read(max, "largest")) {
            (Ok(a), Ok(b)) if a <= b => {
                if [a, b] != [lo, hi] {
                    self.reconfigure(|s| s.network.latency_ms = [a, b]);
                }
            }
            (Ok(a), Ok(b)) => {
                self.problem = Some(refused(format!(
                    "the smallest ({a} ms) is above the largest ({b} ms)"
                )))
            }
            (Err(why), _) | (_, Err(why)) => self.problem = Some(refused(why)),
        }
    }

    /// Back to time 0 of the same settings, with no actions.
    pub fn reset(&mut self) {
        let mut fresh = self.scenario.clone();
        fresh.actions.clear();
        if let Ok(run) = windowed(self.make, &fresh) {
            self.scenario = fresh;
            self.run = run;
            self.revision += 1;
            self.notes.clear();
            self.carry = 0.0;
            self.picked.clear();
            self.selected_message = None;
            self.problem = None;
            self.stepped = None;
            self.notice = Some(
                "Reset to time 0 with no actions. Undo (Ctrl/Cmd+Z) brings the run back.".into(),
            );
        }
    }

    /// What a counterexample search starts from: the scenario with the
    /// learner's actions, but not the moment shown (the search sets its own
    /// length and start), so that it stays the same while the run plays.
    pub fn search_base(&self) -> Scenario {
        let mut scenario = self.scenario.clone();
        scenario.actions = self.run.actions().to_vec();
        scenario.at_ms = None;
        scenario
    }

    /// The scenario as it stands: settings, every action so far, how long
    /// it ran, and where the learner is.
    pub fn current_scenario(&self) -> Scenario {
        let mut scenario = self.scenario.clone();
        scenario.actions = self.run.actions().to_vec();
        scenario.duration_ms = self.run.horizon().max(self.run.now());
        scenario.at_ms = Some(self.run.now());
        scenario
    }

    /// Replaces the run with a new scenario, played up to its duration and
    /// shown at `at` (paused), or at 0 playing. On error the current run is kept.
    pub fn load(&mut self, scenario: Scenario, at: Option<Time>) -> Result<(), ScenarioError> {
        self.run = windowed(self.make, &scenario)?;
        self.problem = None;
        // Computed in slices; stops early, with a problem saying where, if
        // the run would hold too much.
        self.compute_to(scenario.duration_ms, at.unwrap_or(0), at.is_none());
        self.scenario = scenario;
        self.scenario.at_ms = None;
        self.revision += 1;
        self.notes.clear();
        self.carry = 0.0;
        self.picked.clear();
        self.selected_message = None;
        self.stepped = None;
        Ok(())
    }

    /// Loads a file's scenario, reopened at its moment (paused) if it was
    /// saved with one; Undo brings the run before it back. On error the
    /// current run is kept.
    pub fn import(&mut self, scenario: Scenario) -> Result<(), ScenarioError> {
        let before = Snapshot {
            scenario: self.current_scenario(),
            at: self.run.now(),
        };
        let reopen = scenario.at_ms;
        self.load(scenario, reopen)?;
        self.push_undo(before);
        Ok(())
    }

    /// New settings (seed, size, parameters): a fresh run, actions kept
    /// where they still make sense.
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut Scenario)) {
        let mut next = self.current_scenario();
        change(&mut next);
        // Actions that name nodes the new settings lack are dropped.
        let roster = next.roster();
        next.actions
            .retain(|a| a.action.check_nodes(&roster).is_ok());
        next.duration_ms = 0;
        next.at_ms = None;
        match windowed(self.make, &next) {
            Ok(run) => {
                self.remember();
                self.scenario = next;
                self.run = run;
                self.revision += 1;
                self.notes.clear();
                self.carry = 0.0;
                self.picked.clear();
                self.stepped = None;
                let roster = self.scenario.roster();
                self.selected = self.selected.filter(|&id| roster.slot(id).is_some());
                self.problem = None;
            }
            Err(err) => self.problem = Some(err.to_string()),
        }
    }

    /// Whether the log shows this record: key and message lines always,
    /// routine ones when asked, and those of the last single step.
    pub fn shows_record(&self, index: usize, level: Level) -> bool {
        match level {
            Level::Key | Level::Message => true,
            Level::Routine => {
                self.show_routine
                    || self
                        .stepped
                        .is_some_and(|(from, to)| (from..to).contains(&index))
            }
        }
    }
}

pub mod pair;

#[cfg(test)]
mod tests;

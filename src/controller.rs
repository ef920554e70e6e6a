//! A lab's state between the learner and the core: the run, play/pause,
//! speed, what is selected, and the pending partition group. No web code,
//! so it tests natively; components only read it and call its methods.

use distviz_core::budget;
use distviz_core::scenario::{Scenario, ScenarioError, MAX_DURATION_MS};
use distviz_core::sim::{Action, LinkState, NodeId, Protocol, Run, Summary, Time};

/// What clicking (or pressing Enter on) a node does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    CrashRestart,
    PickGroup,
}

pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 10.0;
pub const DEFAULT_SPEED: f64 = 0.1;
/// A frame longer than this (a background tab) is not caught up on.
const MAX_FRAME_MS: f64 = 100.0;

pub type MakeRun<P> = fn(&Scenario) -> Result<Run<P>, ScenarioError>;

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
    /// A problem to show the learner (bad file, bad link).
    pub problem: Option<String>,
    /// Show heartbeats, timers and losses in the log too.
    pub show_routine: bool,
    /// The last share link made.
    pub share_link: Option<String>,
    /// Counts forks and new runs: views that cache the trace re-read it when it changes.
    pub revision: u64,
}

impl<P: Protocol> Controller<P> {
    pub fn new(scenario: Scenario, make: MakeRun<P>) -> Result<Self, ScenarioError> {
        let run = make(&scenario)?;
        Ok(Controller {
            scenario,
            run,
            make,
            playing: true,
            speed: DEFAULT_SPEED,
            carry: 0.0,
            selected: None,
            selected_message: None,
            tool: Tool::CrashRestart,
            picked: Vec::new(),
            problem: None,
            show_routine: false,
            share_link: None,
            revision: 0,
        })
    }

    /// Advances by one animation frame of `real_ms` milliseconds.
    pub fn frame(&mut self, real_ms: f64) {
        if !self.playing {
            return;
        }
        self.carry += real_ms.clamp(0.0, MAX_FRAME_MS) * self.speed;
        let whole = self.carry.floor();
        self.carry -= whole;
        if whole >= 1.0 {
            let target = (self.run.now() + whole as Time).min(MAX_DURATION_MS);
            self.run.advance_to(target);
            if target == MAX_DURATION_MS {
                self.playing = false;
                self.problem = Some("This run has reached 30 minutes, the longest a run may last. Travel back and act to fork it, or reset.".into());
            }
        }
    }

    /// "Now" with the fraction of a millisecond, for smooth animation.
    pub fn display_time(&self) -> f64 {
        self.run.now() as f64 + self.carry
    }

    pub fn set_speed(&mut self, speed: f64) {
        self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
    }

    pub fn toggle_play(&mut self) {
        self.playing = !self.playing;
    }

    pub fn step_forward(&mut self) {
        self.playing = false;
        self.carry = 0.0;
        self.run.step_forward();
    }

    pub fn step_back(&mut self) {
        self.playing = false;
        self.carry = 0.0;
        self.run.step_back();
    }

    pub fn seek(&mut self, t: Time) {
        self.carry = 0.0;
        self.run.seek_time(t);
    }

    /// Acts now, forking the future if we are in the past. An action
    /// naming a node the run lacks changes nothing and says why.
    pub fn act(&mut self, action: Action) {
        self.carry = 0.0;
        match self.run.intervene(action) {
            Ok(()) => self.revision += 1,
            Err(why) => self.problem = Some(format!("Nothing happened: {why}.")),
        }
    }

    fn is_up(&self, id: NodeId) -> bool {
        self.run.world().node(id).is_up()
    }

    /// The learner clicked a node (or pressed Enter on it).
    pub fn activate_node(&mut self, id: NodeId) {
        self.selected = Some(id);
        match self.tool {
            Tool::CrashRestart => self.toggle_crash(id),
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
            self.act(Action::Crash { node: id });
        } else {
            self.act(Action::Restart { node: id });
        }
    }

    /// Cuts the picked nodes off from the rest.
    pub fn partition_picked(&mut self) {
        let size = self.scenario.nodes;
        if self.picked.is_empty() || self.picked.len() >= size {
            self.problem = Some(
                "Pick at least one node, but not all of them, to cut them off from the rest."
                    .into(),
            );
            return;
        }
        let rest: Vec<NodeId> = (0..size as u8)
            .map(NodeId::server)
            .filter(|id| !self.picked.contains(id))
            .collect();
        let groups = vec![std::mem::take(&mut self.picked), rest];
        self.tool = Tool::CrashRestart;
        self.act(Action::Partition { groups });
    }

    pub fn heal(&mut self) {
        self.act(Action::Heal);
    }

    /// One direction of a link: works → drops → holds → works.
    pub fn cycle_link(&mut self, from: NodeId, to: NodeId) {
        let state = match self.run.world().network().link(from, to).state {
            LinkState::Up => LinkState::Drop,
            LinkState::Drop => LinkState::Hold,
            LinkState::Hold => LinkState::Up,
        };
        self.act(Action::Link {
            from,
            to,
            state,
            latency_ms: None,
            drop: None,
            duplicate: None,
            fifo: None,
        });
    }

    /// The node in the highest term that believes it leads.
    pub fn leader(&self) -> Option<NodeId> {
        self.run
            .world()
            .nodes()
            .iter()
            .filter_map(|slot| {
                slot.summary
                    .as_ref()
                    .filter(|s| s.role() == "leader")
                    .map(|s| (s.colour(), slot.id))
            })
            .max()
            .map(|(_, id)| id)
    }

    /// RaftScope's R: crash the leader and start it again at once.
    pub fn restart_leader(&mut self) {
        match self.leader() {
            Some(id) => {
                self.act(Action::Crash { node: id });
                self.act(Action::Restart { node: id });
            }
            None => self.problem = Some("There is no leader to restart right now.".into()),
        }
    }

    pub fn timeout_selected(&mut self) {
        match self.selected {
            Some(id) => self.act(Action::Timeout { node: id }),
            None => {
                self.problem =
                    Some("Select a node first (click it or Tab to it), then press T.".into())
            }
        }
    }

    /// Back to time 0 of the same settings, with no actions.
    pub fn reset(&mut self) {
        let mut fresh = self.scenario.clone();
        fresh.actions.clear();
        if let Ok(run) = (self.make)(&fresh) {
            self.scenario = fresh;
            self.run = run;
            self.revision += 1;
            self.carry = 0.0;
            self.picked.clear();
            self.selected_message = None;
            self.problem = None;
        }
    }

    /// The scenario as it stands: settings, every action so far, and how long it ran.
    pub fn current_scenario(&self) -> Scenario {
        let mut scenario = self.scenario.clone();
        scenario.actions = self.run.actions().to_vec();
        scenario.duration_ms = self.run.horizon().max(self.run.now());
        scenario
    }

    /// Replaces the run with a new scenario, played up to its duration and
    /// shown at `at` (paused). On error the current run is kept.
    pub fn load(&mut self, scenario: Scenario, at: Option<Time>) -> Result<(), ScenarioError> {
        let mut run = (self.make)(&scenario)?;
        // Bounded: a file or link that asks for too much work is refused, not run.
        budget::advance_within(&mut run, scenario.duration_ms, budget::MAX_EVENTS)?;
        run.seek_time(at.unwrap_or(0).min(scenario.duration_ms));
        self.scenario = scenario;
        self.run = run;
        self.revision += 1;
        self.carry = 0.0;
        self.playing = at.is_none();
        self.picked.clear();
        self.selected_message = None;
        self.problem = None;
        Ok(())
    }

    /// New settings (seed, size, parameters): a fresh run, actions kept
    /// where they still make sense.
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut Scenario)) {
        let mut next = self.current_scenario();
        change(&mut next);
        next.actions.retain(|a| action_fits(&a.action, next.nodes));
        next.duration_ms = 0;
        match (self.make)(&next) {
            Ok(run) => {
                self.scenario = next;
                self.run = run;
                self.revision += 1;
                self.carry = 0.0;
                self.picked.clear();
                self.selected = self.selected.filter(|id| id.index() < self.scenario.nodes);
                self.problem = None;
            }
            Err(err) => self.problem = Some(err.to_string()),
        }
    }
}

/// Whether an action still names only nodes of a `size`-node cluster.
fn action_fits(action: &Action, size: usize) -> bool {
    let ok = |id: &NodeId| id.index() < size;
    match action {
        Action::Crash { node }
        | Action::Restart { node }
        | Action::Pause { node }
        | Action::Resume { node }
        | Action::Input { node, .. }
        | Action::Timeout { node } => ok(node),
        Action::Link { from, to, .. } => ok(from) && ok(to),
        Action::Partition { groups } => groups.iter().flatten().all(ok),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distviz_core::lab;
    use distviz_core::raft::Raft;

    fn controller() -> Controller<Raft> {
        Controller::new(Scenario::new(lab::RAFT_ELECTION, 1, 5), lab::raft_election).unwrap()
    }

    #[test]
    fn frames_advance_virtual_time_at_the_chosen_speed() {
        let mut c = controller();
        c.set_speed(0.5);
        for _ in 0..10 {
            c.frame(16.0);
        }
        assert_eq!(c.run.now(), 80);
        c.toggle_play();
        c.frame(16.0);
        assert_eq!(c.run.now(), 80, "paused");
        c.set_speed(1000.0);
        assert_eq!(c.speed, MAX_SPEED);
    }

    #[test]
    fn playing_stops_at_the_longest_run() {
        let mut c = controller();
        c.run.advance_to(MAX_DURATION_MS - 5);
        c.set_speed(MAX_SPEED);
        c.frame(16.0);
        assert_eq!(c.run.now(), MAX_DURATION_MS);
        assert!(!c.playing && c.problem.is_some());
    }

    #[test]
    fn clicking_a_node_crashes_then_restarts_it() {
        let mut c = controller();
        c.run.advance_to(1000);
        c.activate_node(NodeId::server(2));
        assert!(!c.run.world().node(NodeId::server(2)).is_up());
        c.activate_node(NodeId::server(2));
        assert!(c.run.world().node(NodeId::server(2)).is_up());
        assert_eq!(c.run.actions().len(), 2);
    }

    #[test]
    fn picking_a_group_partitions_it_from_the_rest() {
        let mut c = controller();
        c.tool = Tool::PickGroup;
        c.activate_node(NodeId::server(4));
        c.activate_node(NodeId::server(0));
        c.partition_picked();
        assert!(!c
            .run
            .world()
            .network()
            .same_side(NodeId::server(0), NodeId::server(1)));
        assert!(c
            .run
            .world()
            .network()
            .same_side(NodeId::server(0), NodeId::server(4)));
        assert_eq!(c.tool, Tool::CrashRestart);
        c.heal();
        assert!(!c.run.world().network().is_partitioned());
    }

    #[test]
    fn a_link_cycles_through_drop_and_hold_and_releases_what_it_held() {
        let mut c = controller();
        c.run.advance_to(1000);
        let leader = c.leader().unwrap();
        let follower = NodeId::server((leader.n + 1) % 5);
        c.cycle_link(leader, follower);
        assert_eq!(
            c.run.world().network().link(leader, follower).state,
            LinkState::Drop
        );
        assert_eq!(
            c.run.world().network().link(follower, leader).state,
            LinkState::Up,
            "one direction only"
        );
        c.cycle_link(leader, follower);
        c.run.advance_to(1200);
        assert!(
            c.run
                .world()
                .held()
                .any(|m| m.from == leader && m.to == follower),
            "heartbeats wait on the link"
        );
        c.cycle_link(leader, follower);
        assert!(
            c.run.world().held().next().is_none(),
            "working again releases them"
        );
    }

    #[test]
    fn a_bad_scenario_keeps_the_current_run() {
        let mut c = controller();
        c.run.advance_to(500);
        let mut bad = Scenario::new(lab::RAFT_ELECTION, 1, 5);
        bad.params = serde_json::json!({"heartbeat_ms": 0});
        assert!(c.load(bad, None).is_err());
        assert_eq!(c.run.now(), 500);
    }

    #[test]
    fn the_current_scenario_replays_to_the_same_hash() {
        let mut c = controller();
        c.run.advance_to(800);
        c.restart_leader();
        c.run.advance_to(1500);
        let saved = c.current_scenario();
        let hash = c.run.world().trace_hash();
        let mut other = controller();
        other.load(saved, Some(1500)).unwrap();
        assert_eq!(other.run.world().trace_hash(), hash);
        assert!(!other.playing, "a shared moment opens paused");
    }
}

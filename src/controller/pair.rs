//! Two controllers driven as one: the Raft vs Paxos page's Raft run and
//! Multi-Paxos run of one `raft-vs-paxos` scenario. Every command that
//! means the same in both worlds (play, seek, select, crash, partition, a
//! link, a client request, undo) is applied to both, so one scrubber and
//! one set of controls drive the two panels. A step is one event of the
//! Raft run, and the Multi-Paxos run follows it to the same moment.

use super::{not_loaded, Command, Controller, Outcome};
use distviz_core::lab;
use distviz_core::multipaxos::MultiPaxos;
use distviz_core::raft::Raft;
use distviz_core::scenario::{Scenario, ScenarioError};
use distviz_core::sim::Time;
use distviz_core::versus::{join, pair, split};

pub struct PairController {
    pub raft: Controller<Raft>,
    pub paxos: Controller<MultiPaxos>,
    /// What a refused command was, for the learner.
    pub problem: Option<String>,
    /// The last share link made.
    pub share_link: Option<String>,
}

/// Whether a command means the same in both worlds. Message commands do
/// not (the worlds send different messages: the link grid drops a
/// direction in both instead), nor does a change of one lab's settings;
/// a new seed does (both worlds take it). A link or a file the pair
/// carries out itself, for its one scenario.
fn shared(command: &Command) -> bool {
    use Command::*;
    !matches!(
        command,
        OpenMessage(_)
            | CatchMessage(_)
            | CloseMessage
            | DropMessage
            | HoldMessage
            | ReleaseMessage
            | DuplicateMessage
            | InputSelected { .. }
            | SetNodes(_)
            | SetLayout { .. }
            | SetParam { .. }
            | SetLatency { .. }
            | SetLoss(_)
            | SetFifo(_)
    )
}

/// A pair's scenario checked as a whole (an error names its place in the
/// pair's file), then split into its sides.
fn checked(scenario: &Scenario) -> Result<(Scenario, Scenario), ScenarioError> {
    pair(scenario)?;
    split(scenario)
}

impl PairController {
    pub fn new(scenario: &Scenario) -> Result<Self, ScenarioError> {
        let (raft, paxos) = split(scenario)?;
        Ok(PairController {
            raft: Controller::new(raft, lab::raft_replication)?,
            paxos: Controller::new(paxos, lab::multi_paxos)?,
            problem: None,
            share_link: None,
        })
    }

    /// The pair's scenario as it stands: both sides' settings, every
    /// action so far, how long it ran, and where the learner is.
    pub fn current_scenario(&self) -> Scenario {
        let mut scenario = join(
            &self.raft.current_scenario(),
            &self.paxos.current_scenario(),
        );
        scenario.duration_ms = self.horizon().max(self.raft.run.now());
        scenario
    }

    /// Replaces both runs with a pair's scenario (a link's), shown at `at`
    /// paused, or at 0 playing. On error both runs are kept.
    pub fn load(&mut self, scenario: Scenario, at: Option<Time>) -> Result<(), ScenarioError> {
        let (raft, paxos) = checked(&scenario)?;
        self.raft.load(raft, at)?;
        self.paxos.load(paxos, at)?;
        self.problem = None;
        Ok(())
    }

    /// Loads a file's pair scenario in both worlds; Undo brings both runs
    /// before it back. On error both runs are kept.
    fn import(&mut self, scenario: Scenario) -> Result<(), ScenarioError> {
        let (raft, paxos) = checked(&scenario)?;
        self.raft.import(raft)?;
        if let Err(err) = self.paxos.import(paxos) {
            self.raft.undo();
            return Err(err);
        }
        self.problem = None;
        Ok(())
    }

    /// Applies a command to both worlds (or refuses it, saying why); the
    /// scenario's link and file are the pair's.
    pub fn apply(&mut self, command: Command) -> Outcome {
        match command {
            Command::CopyLink => {
                return Outcome::share(&self.current_scenario(), self.raft.run.now())
            }
            Command::Export => return Outcome::export(&self.current_scenario()),
            Command::Import { name, text } => {
                if let Err(err) = Scenario::parse(&text).and_then(|s| self.import(s)) {
                    self.problem = Some(not_loaded(&name, &err));
                }
                return Outcome::Done;
            }
            _ => {}
        }
        if !shared(&command) {
            self.problem = Some(
                "That works in each lab on its own page; here, the controls act on both worlds \
                 at once (use the link grid to drop or hold a direction in both)."
                    .into(),
            );
            return Outcome::Done;
        }
        if command == Command::Dismiss {
            self.problem = None;
        }
        let step = matches!(command, Command::StepForward | Command::StepBack);
        // Outcomes are downloads and links, which `shared` refuses.
        let _: Outcome = self.raft.apply(command.clone());
        if step {
            // One scrubber: Multi-Paxos follows Raft's step to its moment.
            self.paxos.playing = false;
            self.paxos.seek(self.raft.run.now());
        } else {
            let _: Outcome = self.paxos.apply(command);
        }
        Outcome::Done
    }

    pub fn frame(&mut self, real_ms: f64) {
        self.raft.frame(real_ms);
        self.paxos.frame(real_ms);
    }

    pub fn playing(&self) -> bool {
        self.raft.playing || self.paxos.playing
    }

    /// The later of the two runs' horizons: the scrubber's end.
    pub fn horizon(&self) -> u64 {
        self.raft.run.horizon().max(self.paxos.run.horizon())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distviz_core::sim::{Action, NodeId};

    fn pair() -> PairController {
        let mut s = Scenario::new(lab::RAFT_VS_PAXOS, 3, 5);
        s.other_nodes.insert("client".into(), 1);
        PairController::new(&s).unwrap()
    }

    fn now(p: &PairController) -> (u64, u64) {
        (p.raft.run.now(), p.paxos.run.now())
    }

    #[test]
    fn play_and_seek_keep_both_worlds_at_one_moment() {
        let mut p = pair();
        p.apply(Command::SetSpeed(1.0));
        for _ in 0..20 {
            p.frame(16.0);
        }
        assert_eq!(now(&p), (320, 320));
        p.apply(Command::Seek(150));
        assert_eq!(now(&p), (150, 150));
        assert!(!p.playing());
        p.apply(Command::StepForward);
        let (raft, paxos) = now(&p);
        assert!(raft >= 150);
        assert_eq!(raft, paxos, "the Multi-Paxos world follows Raft's step");
    }

    #[test]
    fn a_crash_and_a_partition_act_on_both_worlds() {
        let mut p = pair();
        p.apply(Command::Seek(100));
        p.apply(Command::Select(NodeId::server(1)));
        p.apply(Command::CrashOrRestartSelected);
        assert!(!p.raft.run.world().node(NodeId::server(1)).is_up());
        assert!(!p.paxos.run.world().node(NodeId::server(1)).is_up());
        p.apply(Command::StartPicking);
        p.apply(Command::ActivateNode(NodeId::server(0)));
        p.apply(Command::CutPicked);
        assert!(p.raft.run.world().network().is_partitioned());
        assert!(p.paxos.run.world().network().is_partitioned());
        // Both recorded the same actions, at the same moment.
        let actions = |a: &[distviz_core::sim::TimedAction]| {
            a.iter()
                .map(|t| (t.at_ms, t.action.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            actions(p.raft.run.actions()),
            actions(p.paxos.run.actions())
        );
        assert!(p.raft.run.actions().iter().any(|a| matches!(
            a.action,
            Action::Crash { node } if node == NodeId::server(1)
        )));
        p.apply(Command::Undo);
        assert!(!p.raft.run.world().network().is_partitioned());
        assert!(!p.paxos.run.world().network().is_partitioned());
    }

    #[test]
    fn a_message_command_is_refused_with_a_sentence_and_changes_neither_world() {
        let mut p = pair();
        p.apply(Command::Seek(300));
        let before = (
            p.raft.run.world().trace_hash(),
            p.paxos.run.world().trace_hash(),
        );
        p.apply(Command::OpenMessage(3));
        p.apply(Command::DropMessage);
        assert!(p
            .problem
            .as_deref()
            .is_some_and(|t| t.contains("link grid")));
        let after = (
            p.raft.run.world().trace_hash(),
            p.paxos.run.world().trace_hash(),
        );
        assert_eq!(before, after);
        p.apply(Command::Dismiss);
        assert_eq!(p.problem, None);
    }

    #[test]
    fn the_pairs_scenario_goes_out_as_a_file_and_a_link_and_comes_back() {
        let shipped = include_str!("../../scenarios/raft-vs-paxos-holes.json");
        let mut p = PairController::new(&Scenario::parse(shipped).unwrap()).unwrap();
        p.apply(Command::Seek(900));
        p.apply(Command::Heal);
        let hashes = |p: &PairController| {
            (
                p.raft.run.world().trace_hash(),
                p.paxos.run.world().trace_hash(),
            )
        };
        let before = hashes(&p);
        let Outcome::Download { name, text } = p.apply(Command::Export) else {
            panic!("no file");
        };
        assert_eq!(name, "distviz-raft-vs-paxos-seed5.json");
        let file = Scenario::parse(&text).unwrap();
        assert_eq!(file.lab, lab::RAFT_VS_PAXOS);
        assert_eq!(file.at_ms, Some(900));
        assert_eq!(file.params["multi_paxos"]["accept_retry_ms"], 400);
        // A fresh pair loads the file and reopens at its moment, the same run.
        let mut q = pair();
        q.apply(Command::Import { name, text });
        assert_eq!(q.problem, None);
        while q.raft.computing.is_some() || q.paxos.computing.is_some() {
            q.frame(16.0);
        }
        assert_eq!(now(&q), (900, 900));
        assert_eq!(hashes(&q), before);
        assert!(q.raft.can_undo() && q.paxos.can_undo());
        // The link names the page and the moment.
        let Outcome::ShareHash(hash) = p.apply(Command::CopyLink) else {
            panic!("no link");
        };
        assert!(
            hash.starts_with("#/raft-vs-paxos?s=") && hash.ends_with("&t=900"),
            "{hash}"
        );
        let packed = hash.split("s=").nth(1).unwrap().split('&').next().unwrap();
        let mut r = pair();
        r.load(Scenario::from_link_param(packed).unwrap(), Some(900))
            .unwrap();
        while r.raft.computing.is_some() || r.paxos.computing.is_some() {
            r.frame(16.0);
        }
        assert_eq!(hashes(&r), before);
    }

    #[test]
    fn a_bad_file_says_what_and_where_and_both_runs_stay() {
        let mut p = pair();
        p.apply(Command::Seek(400));
        let before = (
            p.raft.run.world().trace_hash(),
            p.paxos.run.world().trace_hash(),
        );
        let cases = [
            (
                "broken.json",
                "{ \"version\": 2, ".to_string(),
                "broken.json was not loaded",
            ),
            (
                "raft.json",
                Scenario::new(lab::RAFT_ELECTION, 1, 3).to_json(),
                "lab: this is a \"raft-election\" scenario, not one of Raft vs Paxos",
            ),
            (
                "keys.json",
                {
                    let mut s = Scenario::new(lab::RAFT_VS_PAXOS, 1, 3);
                    s.params = serde_json::json!({ "multi_paxos": { "heartbeat_ms": 0 } });
                    s.to_json()
                },
                "params.multi_paxos.heartbeat_ms",
            ),
        ];
        for (name, text, says) in cases {
            p.apply(Command::Import {
                name: name.into(),
                text,
            });
            let problem = p.problem.clone().unwrap_or_default();
            assert!(problem.contains(says), "{name}: {problem}");
            assert!(problem.ends_with("The current run is unchanged."));
            assert_eq!(
                (
                    p.raft.run.world().trace_hash(),
                    p.paxos.run.world().trace_hash()
                ),
                before
            );
            assert_eq!(now(&p), (400, 400));
            p.apply(Command::Dismiss);
        }
        assert!(!p.raft.can_undo());
    }

    #[test]
    fn a_new_seed_is_both_worlds_and_keeps_the_actions() {
        let mut p = pair();
        p.apply(Command::Seek(100));
        p.apply(Command::Select(NodeId::server(1)));
        p.apply(Command::CrashOrRestartSelected);
        p.apply(Command::SetSeed("42".into()));
        assert_eq!(p.problem, None);
        assert_eq!((p.raft.scenario.seed, p.paxos.scenario.seed), (42, 42));
        let scenario = p.current_scenario();
        assert_eq!(
            (scenario.lab.as_str(), scenario.seed),
            (lab::RAFT_VS_PAXOS, 42)
        );
        assert_eq!(scenario.actions.len(), 1);
        p.apply(Command::SetSeed("soon".into()));
        assert_eq!(p.raft.scenario.seed, 42);
        assert!(p
            .raft
            .problem
            .as_deref()
            .is_some_and(|t| t.contains("not a seed")));
        p.apply(Command::Undo);
        assert_eq!((p.raft.scenario.seed, p.paxos.scenario.seed), (3, 3));
    }
}

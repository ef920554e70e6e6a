//! Two controllers driven as one: the Raft vs Paxos page's Raft run and
//! Multi-Paxos run of one `raft-vs-paxos` scenario. Every command that
//! means the same in both worlds (play, seek, select, crash, partition, a
//! link, a client request, undo) is applied to both, so one scrubber and
//! one set of controls drive the two panels. A step is one event of the
//! Raft run, and the Multi-Paxos run follows it to the same moment.

use super::{Command, Controller, Outcome};
use distviz_core::lab;
use distviz_core::multipaxos::MultiPaxos;
use distviz_core::raft::Raft;
use distviz_core::scenario::{Scenario, ScenarioError};
use distviz_core::versus::split;

pub struct PairController {
    pub raft: Controller<Raft>,
    pub paxos: Controller<MultiPaxos>,
    /// What a refused command was, for the learner.
    pub problem: Option<String>,
}

/// Whether a command means the same in both worlds. Message commands do
/// not (the worlds send different messages: the link grid drops a
/// direction in both instead), nor does a change of one lab's settings or
/// a file, which belong to the pair's scenario.
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
            | SetSeed(_)
            | NewSeed(_)
            | SetLatency { .. }
            | SetLoss(_)
            | SetFifo(_)
            | CopyLink
            | Export
            | Import { .. }
    )
}

impl PairController {
    pub fn new(scenario: &Scenario) -> Result<Self, ScenarioError> {
        let (raft, paxos) = split(scenario)?;
        Ok(PairController {
            raft: Controller::new(raft, lab::raft_replication)?,
            paxos: Controller::new(paxos, lab::multi_paxos)?,
            problem: None,
        })
    }

    /// Applies a command to both worlds (or refuses it, saying why).
    pub fn apply(&mut self, command: Command) {
        if !shared(&command) {
            self.problem = Some(
                "That works in each lab on its own page; here, the controls act on both worlds \
                 at once (use the link grid to drop or hold a direction in both)."
                    .into(),
            );
            return;
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
}

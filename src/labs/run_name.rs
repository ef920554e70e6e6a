//! Keeps the address true to the run a lab page shows: `try=name` while it
//! shows that shipped run (perhaps with the learner's actions after it),
//! nothing once New seed, Reset, an import, a new setting or an action in
//! the past made another run, and the name again if Undo brings it back.
//! So a reload or a copied address never brings back a shipped run in
//! place of the learner's, nor loses the one they were shown.

use super::shipped;
use distviz_core::scenario::Scenario;

/// The shipped run the address last named on this page.
#[derive(Default)]
pub struct RunName {
    last: Option<String>,
}

impl RunName {
    /// What the address should say after a command: `Some(None)` to stop
    /// naming a run, `Some(Some(name))` to name it again, None to leave it.
    /// `named` is the address's `try`, `shared` whether it holds a shared
    /// run (`s`, which names its own), and `shows(name)` whether the page
    /// shows that shipped run (None if the page has no run of that name:
    /// the page said so when it opened, and the address is left as given).
    pub fn after_command(
        &mut self,
        named: Option<&str>,
        shared: bool,
        shows: impl Fn(&str) -> Option<bool>,
    ) -> Option<Option<String>> {
        if shared {
            return None;
        }
        if let Some(name) = named {
            self.last = Some(name.to_string());
        }
        let name = self.last.clone()?;
        match (named.is_some(), shows(&name)?) {
            (true, false) => Some(None),
            (false, true) => Some(Some(name)),
            _ => None,
        }
    }
}

/// Whether `current` (the run as it stands: settings and every action so
/// far) is the shipped run `name` of its lab; None if there is none.
pub fn shows_shipped(current: &Scenario, name: &str) -> Option<bool> {
    let (_, text) = shipped::find(&current.lab, name).ok()?;
    let shipped = Scenario::parse(text).ok()?;
    Some(shipped::still_shows(&shipped, current))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controller::{Command, Controller};
    use distviz_core::lab;

    #[test]
    fn the_address_follows_the_run_through_new_seed_and_undo() {
        let mut ctl = Controller::new(
            Scenario::new(lab::RAFT_REPLICATION, 1, 5),
            lab::raft_replication,
        )
        .expect("a default run");
        let (file, text) = shipped::find(lab::RAFT_REPLICATION, "figure-8").expect("shipped");
        let mut names = RunName::default();
        let mut after = |ctl: &Controller<_>, named: Option<&str>| {
            let current = ctl.current_scenario();
            names.after_command(named, false, |name| shows_shipped(&current, name))
        };
        // A fresh run, no name: nothing to say.
        assert_eq!(after(&ctl, None), None);
        ctl.apply(Command::Import {
            name: file.into(),
            text: text.into(),
        });
        // Loaded (the Load button names it): kept while it is shown.
        assert_eq!(after(&ctl, Some("figure-8")), None);
        ctl.apply(Command::StepForward);
        assert_eq!(after(&ctl, Some("figure-8")), None);
        // Another run: the name goes, and Undo brings it back.
        ctl.apply(Command::NewSeed(99));
        assert_eq!(after(&ctl, Some("figure-8")), Some(None));
        assert_eq!(after(&ctl, None), None, "said once");
        ctl.apply(Command::Undo);
        assert_eq!(after(&ctl, None), Some(Some("figure-8".into())));
        ctl.apply(Command::Reset);
        assert_eq!(after(&ctl, Some("figure-8")), Some(None));
    }

    #[test]
    fn a_name_with_no_run_or_beside_a_shared_run_leaves_the_address_alone() {
        let ctl = Controller::new(
            Scenario::new(lab::RAFT_REPLICATION, 4, 5),
            lab::raft_replication,
        )
        .expect("a default run");
        let current = ctl.current_scenario();
        let shows = |name: &str| shows_shipped(&current, name);
        // A wrong name keeps the seed given (and the page said what is wrong).
        assert_eq!(
            RunName::default().after_command(Some("figure-9"), false, shows),
            None
        );
        assert_eq!(
            RunName::default().after_command(Some("figure-8"), true, shows),
            None
        );
        assert_eq!(
            RunName::default().after_command(Some("figure-8"), false, shows),
            Some(None)
        );
    }
}

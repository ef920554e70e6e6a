//! Every scenario shipped in `scenarios/`, by name, so that a link can
//! open one (`try=figure-8` on `#/raft-replication`) and a thing to try,
//! once loaded, can be named in the page's URL: a reload keeps it, and a
//! guide author can link a lesson's run by a name rather than a packed one.

use distviz_core::scenario::Scenario;

macro_rules! shipped {
    ($file:literal) => {
        ($file, include_str!(concat!("../../scenarios/", $file)))
    };
}

/// (file name, its text), for every file in `scenarios/` (a test checks).
pub const SHIPPED: &[(&str, &str)] = &[
    shipped!("multi-paxos-break-ignore-values.json"),
    shipped!("multi-paxos-leader-change.json"),
    shipped!("multi-paxos-steady.json"),
    shipped!("partial-failure-failover.json"),
    shipped!("partial-failure-lost-reply.json"),
    shipped!("partial-failure-lost-request.json"),
    shipped!("partial-failure-pause.json"),
    shipped!("partial-failure-request-ids.json"),
    shipped!("partial-failure-retry-applies-twice.json"),
    shipped!("paxos-acceptor-crash.json"),
    shipped!("paxos-break-forget-promise.json"),
    shipped!("paxos-break-ignore-values.json"),
    shipped!("paxos-break-small-quorums.json"),
    shipped!("paxos-duel-backoff.json"),
    shipped!("paxos-duel.json"),
    shipped!("paxos-minority-overwritten.json"),
    shipped!("paxos-preemption.json"),
    shipped!("paxos-proposer-crash.json"),
    shipped!("raft-election-broken-votes.json"),
    shipped!("raft-election-leader-crash.json"),
    shipped!("raft-election-partition.json"),
    shipped!("raft-election-quiet.json"),
    shipped!("raft-election-split-vote.json"),
    shipped!("raft-replication-add-server.json"),
    shipped!("raft-replication-catch-up-fast.json"),
    shipped!("raft-replication-catch-up-snapshot.json"),
    shipped!("raft-replication-catch-up.json"),
    shipped!("raft-replication-check-quorum.json"),
    shipped!("raft-replication-figure-7.json"),
    shipped!("raft-replication-figure-8-bug.json"),
    shipped!("raft-replication-figure-8.json"),
    shipped!("raft-replication-forget-vote.json"),
    shipped!("raft-replication-joint-consensus.json"),
    shipped!("raft-replication-leader-crash.json"),
    shipped!("raft-replication-rejoin-vote-without-log-check.json"),
    shipped!("raft-replication-rejoin.json"),
    shipped!("raft-replication-removed-server-disrupts.json"),
    shipped!("raft-replication-removed-server-pre-vote.json"),
    shipped!("raft-replication-requests.json"),
    shipped!("raft-replication-skip-consistency-check.json"),
    shipped!("raft-replication-stale-leader.json"),
    shipped!("raft-vs-paxos-holes.json"),
    shipped!("raft-vs-paxos-leader-crash.json"),
    shipped!("raft-vs-paxos-partition.json"),
];

/// The longest name a message repeats from a link.
const SAID: usize = 40;

/// A shipped file's name on its lab's page: without the lab and `.json`
/// (`raft-replication-figure-8.json` is `figure-8` there).
pub fn short_name<'a>(lab: &str, file: &'a str) -> &'a str {
    let stem = file.strip_suffix(".json").unwrap_or(file);
    stem.strip_prefix(lab)
        .and_then(|rest| rest.strip_prefix('-'))
        .unwrap_or(stem)
}

/// A shipped file's name on its own lab's page (`short_name`).
pub fn link_name(file: &str) -> &str {
    distviz_core::lab::ids()
        .find(|lab| is_of(lab, file))
        .map_or(file, |lab| short_name(lab, file))
}

/// Whether `file` is one of `lab`'s (its name starts with the lab's, a
/// rule a test holds every shipped file to).
fn is_of(lab: &str, file: &str) -> bool {
    file.strip_prefix(lab)
        .is_some_and(|rest| rest.starts_with('-'))
}

/// The shipped scenario (file, text) that `name` names on `lab`'s page:
/// its short name, or its whole file name with or without `.json`. Else
/// what is wrong, as a URL problem.
pub fn find(lab: &str, name: &str) -> Result<(&'static str, &'static str), String> {
    if name.trim().is_empty() {
        return Err(format!("try: no name is given; {}", runs_of(lab)));
    }
    let wanted = name.strip_suffix(".json").unwrap_or(name);
    let whole = |file: &str| file.strip_suffix(".json") == Some(wanted);
    if let Some(&found) = SHIPPED
        .iter()
        .filter(|(file, _)| is_of(lab, file))
        .find(|(file, _)| short_name(lab, file) == wanted || whole(file))
    {
        return Ok(found);
    }
    let said: String = name.chars().take(SAID).collect();
    let said = if said.len() < name.len() {
        format!("{said}…")
    } else {
        said
    };
    if let Some(other) = SHIPPED
        .iter()
        .find(|(file, _)| whole(file))
        .and_then(|(file, _)| distviz_core::lab::ids().find(|id| is_of(id, file)))
    {
        return Err(format!(
            "try: “{said}” is a run of another page (#/{other}), not this one"
        ));
    }
    Err(format!(
        "try: no shipped run of this page is called “{said}”; {}",
        runs_of(lab)
    ))
}

/// The names `find` knows on `lab`'s page, in words.
fn runs_of(lab: &str) -> String {
    let names: Vec<&str> = SHIPPED
        .iter()
        .filter(|(file, _)| is_of(lab, file))
        .map(|(file, _)| short_name(lab, file))
        .collect();
    if names.is_empty() {
        "this page ships no runs to open by name".into()
    } else {
        format!("its runs are {}", names.join(", "))
    }
}

/// Whether the run `current` (settings and every action so far) is still
/// the `shipped` one, perhaps with the learner's own actions after it: the
/// same settings, and its actions first. New settings, Reset or a forking
/// action in the past make another run, which the address must not name.
pub fn still_shows(shipped: &Scenario, current: &Scenario) -> bool {
    let settings = |s: &Scenario| Scenario {
        actions: Vec::new(),
        at_ms: None,
        duration_ms: 0,
        ..s.clone()
    };
    current.actions.starts_with(&shipped.actions) && settings(current) == settings(shipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_scenarios_is_shipped_and_named_after_its_lab() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("scenarios/ is there")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|f| f.ends_with(".json"))
            .collect();
        files.sort();
        let shipped: Vec<&str> = SHIPPED.iter().map(|(file, _)| *file).collect();
        assert_eq!(shipped, files, "SHIPPED lists scenarios/ in order");
        for (file, text) in SHIPPED {
            let scenario = Scenario::parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(
                is_of(&scenario.lab, file),
                "{file} is a {} scenario",
                scenario.lab
            );
            assert_eq!(
                find(&scenario.lab, short_name(&scenario.lab, file)),
                Ok((*file, *text))
            );
            assert_eq!(link_name(file), short_name(&scenario.lab, file));
        }
    }

    #[test]
    fn a_run_is_found_by_its_short_or_whole_name() {
        let (file, _) = find("raft-replication", "figure-8").unwrap();
        assert_eq!(file, "raft-replication-figure-8.json");
        assert_eq!(
            find("raft-replication", "raft-replication-figure-8.json")
                .unwrap()
                .0,
            file
        );
        assert_eq!(
            find("raft-replication", "raft-replication-figure-8")
                .unwrap()
                .0,
            file
        );
        assert_eq!(find("paxos", "duel").unwrap().0, "paxos-duel.json");
        assert_eq!(
            find("multi-paxos", "steady").unwrap().0,
            "multi-paxos-steady.json"
        );
        assert_eq!(
            short_name("raft-vs-paxos", "raft-vs-paxos-holes.json"),
            "holes"
        );
        assert_eq!(link_name("raft-vs-paxos-holes.json"), "holes");
        assert_eq!(link_name("multi-paxos-steady.json"), "steady");
        assert_eq!(link_name("paxos-duel-backoff.json"), "duel-backoff");
    }

    #[test]
    fn a_wrong_name_says_what_the_page_has() {
        let err = find("raft-replication", "figure-9").unwrap_err();
        assert!(
            err.starts_with("try: no shipped run of this page is called “figure-9”"),
            "{err}"
        );
        assert!(
            err.ends_with(
                "its runs are add-server, catch-up-fast, catch-up-snapshot, catch-up, \
                 check-quorum, figure-7, figure-8-bug, figure-8, forget-vote, joint-consensus, \
                 leader-crash, rejoin-vote-without-log-check, rejoin, removed-server-disrupts, \
                 removed-server-pre-vote, requests, skip-consistency-check, stale-leader"
            ),
            "{err}"
        );
        let err = find("paxos", " ").unwrap_err();
        assert!(
            err.starts_with(
                "try: no name is given; its runs are acceptor-crash, break-forget-promise,"
            ),
            "{err}"
        );
        // Another page's run, named in full, is said to be that page's.
        let err = find("paxos", "raft-election-split-vote").unwrap_err();
        assert!(err.contains("#/raft-election"), "{err}");
        // A short name of another lab's run is not found here.
        assert!(find("paxos", "split-vote").is_err());
        assert!(find("consistency-models", "x")
            .unwrap_err()
            .contains("ships no runs"));
        // A long name is cut short in the message.
        let err = find("paxos", &"x".repeat(500)).unwrap_err();
        assert!(err.chars().count() < 400, "{err}");
    }

    /// A controller of `scenario`'s lab with the run loaded as Things to
    /// try loads it (an import), and the run it then shows.
    fn loaded(file: &str, text: &str) -> Scenario {
        use crate::controller::pair::PairController;
        use crate::controller::{Command, Controller, MakeRun};
        use crate::labs::shell::Driven;
        use distviz_core::lab;
        fn one<P: distviz_core::sim::Protocol>(lab: &str, make: MakeRun<P>) -> Box<dyn Driven> {
            Box::new(Controller::new(Scenario::new(lab, 1, 3), make).expect("a default run"))
        }
        let lab = Scenario::parse(text).expect("shipped runs parse").lab;
        let mut driven: Box<dyn Driven> = match lab.as_str() {
            lab::RAFT_ELECTION => one(&lab, lab::raft_election),
            lab::RAFT_REPLICATION => one(&lab, lab::raft_replication),
            lab::PARTIAL_FAILURE => one(&lab, lab::partial_failure),
            lab::PAXOS => one(&lab, lab::paxos),
            lab::MULTI_PAXOS => one(&lab, lab::multi_paxos),
            lab::RAFT_VS_PAXOS => {
                Box::new(PairController::new(&Scenario::new(&lab, 1, 3)).expect("a default pair"))
            }
            other => panic!("{file}: no lab page for {other}"),
        };
        driven.apply(Command::Import {
            name: file.into(),
            text: text.into(),
        });
        driven.current_scenario()
    }

    #[test]
    fn a_loaded_run_is_still_the_shipped_one_until_it_is_changed() {
        for (file, text) in SHIPPED {
            let shipped = Scenario::parse(text).expect("shipped runs parse");
            let current = loaded(file, text);
            assert!(still_shows(&shipped, &current), "{file}: {current:?}");
        }
        let (file, text) = find("raft-replication", "figure-8").expect("shipped");
        let shipped = Scenario::parse(text).expect("parses");
        let current = loaded(file, text);
        // The learner's own actions after it keep it the shipped run.
        let mut more = current.clone();
        more.actions.push(distviz_core::sim::TimedAction {
            at_ms: 90_000,
            action: distviz_core::sim::Action::Heal,
        });
        assert!(still_shows(&shipped, &more));
        // Another seed, or its actions gone (Reset), make another run.
        let reseeded = Scenario {
            seed: current.seed + 1,
            ..current.clone()
        };
        assert!(!still_shows(&shipped, &reseeded));
        let reset = Scenario {
            actions: Vec::new(),
            ..current
        };
        assert!(!shipped.actions.is_empty() && !still_shows(&shipped, &reset));
    }
}

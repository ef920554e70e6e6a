//! "Find a counterexample": random fault schedules run against a lab's
//! invariants, as Stateright and Jepsen do it; the first schedule that
//! breaks one is shrunk to the fewest actions that still break it, and
//! handed back as a scenario a learner can load.
//!
//! The search is steppable (`Search::step` runs a few schedules and
//! returns), so the page can run it a slice a frame with progress and a
//! Cancel, and the CLI and tests can run it to the end.

use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{Action, LinkState, NodeId, Protocol, Roster, Run, SimRng, Time, TimedAction};

/// What random schedules may contain, beyond the lab's own inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Space {
    /// How long each schedule runs (virtual ms).
    pub horizon_ms: Time,
    /// How many faults (and inputs) a schedule has, at most.
    pub max_actions: u64,
    /// Whether one-way links, loss and duplication are drawn (some labs
    /// assume reliable channels).
    pub lossy_links: bool,
}

impl Default for Space {
    fn default() -> Self {
        Space {
            horizon_ms: 10_000,
            max_actions: 12,
            lossy_links: true,
        }
    }
}

/// Draws a lab's own inputs for a schedule (a client request, a
/// proposal, or one request put to every server so that whoever leads
/// takes it), or none for a fault instead.
pub type InputDraw = fn(&mut SimRng, &Roster) -> Vec<Action>;

/// A random fault schedule over the roster's nodes: crashes and restarts,
/// pauses, partitions and heals, and (if the space allows) links that drop
/// one way, lose or duplicate, all within the horizon. Faults are healed
/// by the horizon's last fifth, so a protocol gets a chance to recover.
pub fn random_schedule(
    roster: &Roster,
    space: &Space,
    inputs: Option<InputDraw>,
    rng: &mut SimRng,
) -> Vec<TimedAction> {
    let nodes: Vec<NodeId> = roster.ids().collect();
    if nodes.is_empty() {
        return Vec::new();
    }
    let pick = |rng: &mut SimRng| nodes[rng.between(0, nodes.len() as u64 - 1) as usize];
    // Faults come in bursts, as in a bad minute of production: a few at
    // nearly the same moment, where their interleavings matter.
    let count = rng.between(1, space.max_actions.max(1));
    let mut times: Vec<Time> = Vec::new();
    while (times.len() as u64) < count {
        let start = rng.between(1, space.horizon_ms * 4 / 5);
        for _ in 0..rng.between(1, 4) {
            times.push(start + rng.between(0, 100));
        }
    }
    times.truncate(count as usize);
    times.sort_unstable();
    let mut actions = Vec::new();
    let mut add = |at_ms: Time, action: Action| actions.push(TimedAction { at_ms, action });
    for at_ms in times {
        let drawn = match inputs {
            Some(draw) if rng.chance(0.3) => draw(rng, roster),
            _ => Vec::new(),
        };
        if !drawn.is_empty() {
            for action in drawn {
                add(at_ms, action);
            }
            continue;
        }
        let node = pick(rng);
        // A short outage is where many bugs live: a node that forgets, or
        // wakes with stale state, while the others are mid-election.
        let soon = at_ms
            + if rng.chance(0.5) {
                rng.between(1, 40)
            } else {
                rng.between(40, 300)
            };
        match rng.between(0, if space.lossy_links { 9 } else { 7 }) {
            0 => add(at_ms, Action::Crash { node }),
            1 => add(at_ms, Action::Restart { node }),
            2 => {
                add(at_ms, Action::Crash { node });
                add(soon, Action::Restart { node });
            }
            3 => add(
                at_ms,
                Action::Partition {
                    groups: vec![nodes.iter().copied().filter(|_| rng.chance(0.4)).collect()],
                },
            ),
            4 => add(at_ms, Action::Heal),
            5 => {
                add(at_ms, Action::Pause { node });
                add(soon, Action::Resume { node });
            }
            // Elections now (labs without a main timer refuse these).
            6 => add(at_ms, Action::Timeout { node }),
            7 => add(at_ms, Action::AlignTimers),
            8 => add(
                at_ms,
                Action::Link {
                    from: node,
                    to: pick(rng),
                    state: LinkState::Drop,
                    latency_ms: None,
                    drop: None,
                    duplicate: None,
                    fifo: None,
                },
            ),
            _ => add(
                at_ms,
                Action::Link {
                    from: node,
                    to: pick(rng),
                    state: LinkState::Up,
                    latency_ms: None,
                    drop: Some(rng.between(0, 40) as f64 / 100.0),
                    duplicate: Some(rng.between(0, 30) as f64 / 100.0),
                    fifo: None,
                },
            ),
        }
    }
    actions.sort_by_key(|a| a.at_ms);
    // Everything comes back for the last fifth: heal, resume, restart, and
    // links as they were.
    let end = space.horizon_ms * 4 / 5 + 1;
    actions.push(TimedAction {
        at_ms: end,
        action: Action::Heal,
    });
    for &node in &nodes {
        for action in [Action::Resume { node }, Action::Restart { node }] {
            actions.push(TimedAction { at_ms: end, action });
        }
    }
    if space.lossy_links {
        for &from in &nodes {
            for &to in nodes.iter().filter(|&&to| to != from) {
                actions.push(TimedAction {
                    at_ms: end,
                    action: Action::Link {
                        from,
                        to,
                        state: LinkState::Up,
                        latency_ms: None,
                        drop: Some(0.0),
                        duplicate: Some(0.0),
                        fifo: None,
                    },
                });
            }
        }
    }
    actions
}

/// The first invariant a run breaks, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct Broken {
    pub invariant: &'static str,
    pub at_ms: Time,
    pub detail: String,
}

/// Runs a scenario until its first violation or its duration.
pub fn first_violation<P: Protocol>(
    make: fn(&Scenario) -> Result<Run<P>, ScenarioError>,
    scenario: &Scenario,
) -> Result<Option<Broken>, ScenarioError> {
    let mut run = make(scenario)?;
    let mut t = 0;
    while t < scenario.duration_ms {
        t = (t + 100).min(scenario.duration_ms);
        run.advance_to(t);
        if let Some(v) = run.world().violations().iter().next() {
            return Ok(Some(Broken {
                invariant: v.invariant,
                at_ms: v.at_ms,
                detail: v.detail.clone(),
            }));
        }
    }
    Ok(None)
}

/// The same answer as `first_violation`, from a quiet run (no trace,
/// hash, checkpoints or landmarks): what the search runs for each
/// schedule and each shrink attempt.
pub fn first_violation_quiet<P: Protocol>(
    make: fn(&Scenario) -> Result<Run<P>, ScenarioError>,
    scenario: &Scenario,
) -> Result<Option<Broken>, ScenarioError> {
    let quiet = make(scenario)?.into_quiet();
    if scenario.duration_ms == 0 {
        // As `first_violation`, which runs nothing then.
        return Ok(None);
    }
    Ok(quiet.first_violation(scenario.duration_ms).map(|v| Broken {
        invariant: v.invariant,
        at_ms: v.at_ms,
        detail: v.detail,
    }))
}

/// A schedule that breaks an invariant, shrunk: loading `scenario` and
/// going to `broken.at_ms` shows the violation.
#[derive(Clone, Debug)]
pub struct Counterexample {
    pub scenario: Scenario,
    pub broken: Broken,
    /// How many schedules were tried before this one broke.
    pub schedules: u64,
    /// How many actions the schedule had before shrinking.
    pub actions_before: usize,
}

/// Where a search is.
#[derive(Clone, Debug)]
pub enum Progress {
    /// Still looking: schedules tried so far.
    Searching {
        tried: u64,
    },
    /// Found one, now removing actions: which one it tries next, of how many.
    Shrinking {
        next: usize,
        of: usize,
    },
    Found(Box<Counterexample>),
    /// Every schedule held.
    Held {
        tried: u64,
    },
    /// The base scenario cannot run (never for one a lab made itself).
    Failed(ScenarioError),
}

/// A search over `schedules` random schedules on a base scenario (the
/// lab's settings, nodes and network), seeded by the base's seed.
pub struct Search<P: Protocol> {
    base: Scenario,
    make: fn(&Scenario) -> Result<Run<P>, ScenarioError>,
    space: Space,
    inputs: Option<InputDraw>,
    schedules: u64,
    tried: u64,
    rng: SimRng,
    shrink: Option<Shrink>,
    done: Option<Progress>,
}

/// Shrinking state: the smallest failing scenario so far, and the action
/// to try removing next (greedy, one at a time, first to last).
struct Shrink {
    best: Scenario,
    broken: Broken,
    next: usize,
    schedules: u64,
    actions_before: usize,
}

impl<P: Protocol> Search<P> {
    pub fn new(
        base: Scenario,
        make: fn(&Scenario) -> Result<Run<P>, ScenarioError>,
        space: Space,
        inputs: Option<InputDraw>,
        schedules: u64,
    ) -> Self {
        let rng = SimRng::stream(base.seed, 0x5ea7c4);
        Search {
            base,
            make,
            space,
            inputs,
            schedules,
            tried: 0,
            rng,
            shrink: None,
            done: None,
        }
    }

    pub fn tried(&self) -> u64 {
        self.tried
    }

    /// Runs up to `runs` scenarios (schedules or shrink attempts) and
    /// says where the search is.
    pub fn step(&mut self, runs: usize) -> Progress {
        for _ in 0..runs {
            if let Some(done) = &self.done {
                return done.clone();
            }
            if let Err(err) = self.one_run() {
                self.done = Some(Progress::Failed(err));
            }
        }
        if let Some(done) = &self.done {
            return done.clone();
        }
        match &self.shrink {
            Some(s) => Progress::Shrinking {
                next: s.next,
                of: s.best.actions.len(),
            },
            None => Progress::Searching { tried: self.tried },
        }
    }

    /// Runs the search to its end.
    pub fn finish(&mut self) -> Progress {
        loop {
            match self.step(64) {
                Progress::Searching { .. } | Progress::Shrinking { .. } => {}
                done => return done,
            }
        }
    }

    fn one_run(&mut self) -> Result<(), ScenarioError> {
        if let Some(shrink) = &mut self.shrink {
            if shrink.next >= shrink.best.actions.len() {
                let mut scenario = shrink.best.clone();
                // What is handed back is what a normal run shows.
                let shown = first_violation(self.make, &scenario)?;
                debug_assert_eq!(shown.as_ref(), Some(&shrink.broken));
                if let Some(broken) = shown {
                    shrink.broken = broken;
                }
                scenario.at_ms = Some(shrink.broken.at_ms);
                self.done = Some(Progress::Found(Box::new(Counterexample {
                    scenario,
                    broken: shrink.broken.clone(),
                    schedules: shrink.schedules,
                    actions_before: shrink.actions_before,
                })));
                return Ok(());
            }
            let mut candidate = shrink.best.clone();
            candidate.actions.remove(shrink.next);
            match first_violation_quiet(self.make, &candidate)? {
                Some(broken) if broken.invariant == shrink.broken.invariant => {
                    candidate.duration_ms = (broken.at_ms + 500).min(candidate.duration_ms);
                    shrink.best = candidate;
                    shrink.broken = broken;
                }
                _ => shrink.next += 1,
            }
            return Ok(());
        }
        if self.tried >= self.schedules {
            self.done = Some(Progress::Held { tried: self.tried });
            return Ok(());
        }
        self.tried += 1;
        let mut scenario = self.base.clone();
        scenario.seed = self.rng.between(0, u32::MAX as u64);
        scenario.duration_ms = self.space.horizon_ms;
        scenario.at_ms = None;
        let roster = scenario.roster();
        let mut actions = scenario.actions.clone();
        actions.extend(random_schedule(
            &roster,
            &self.space,
            self.inputs,
            &mut self.rng,
        ));
        actions.sort_by_key(|a| a.at_ms);
        scenario.actions = actions;
        if let Some(broken) = first_violation_quiet(self.make, &scenario)? {
            let actions_before = scenario.actions.len();
            scenario.duration_ms = (broken.at_ms + 500).min(scenario.duration_ms);
            self.shrink = Some(Shrink {
                best: scenario,
                broken,
                next: 0,
                schedules: self.tried,
                actions_before,
            });
        }
        Ok(())
    }
}

/// Searches `schedules` random schedules on a scenario of any lab that
/// runs one, and reports what it found as JSON (`distviz search`).
pub fn search_scenario(
    base: &Scenario,
    schedules: u64,
    space: Space,
) -> Result<serde_json::Value, ScenarioError> {
    use crate::lab;
    let progress = match base.lab.as_str() {
        lab::RAFT_ELECTION => {
            Search::new(base.clone(), lab::raft_election, space, None, schedules).finish()
        }
        lab::RAFT_REPLICATION => Search::new(
            base.clone(),
            lab::raft_replication,
            space,
            Some(crate::raft::random_membership_change),
            schedules,
        )
        .finish(),
        lab::PARTIAL_FAILURE => {
            Search::new(base.clone(), lab::partial_failure, space, None, schedules).finish()
        }
        lab::PAXOS => Search::new(
            base.clone(),
            lab::paxos,
            space,
            Some(crate::paxos::random_proposal),
            schedules,
        )
        .finish(),
        lab::MULTI_PAXOS => Search::new(
            base.clone(),
            lab::multi_paxos,
            space,
            Some(crate::multipaxos::random_request),
            schedules,
        )
        .finish(),
        other => {
            return Err(ScenarioError::new(
                "lab",
                format!("\"{other}\" has no runs to search"),
            ))
        }
    };
    Ok(match progress {
        Progress::Found(found) => serde_json::json!({
            "found": true,
            "invariant": found.broken.invariant,
            "at_ms": found.broken.at_ms,
            "detail": found.broken.detail,
            "schedules": found.schedules,
            "actions_before_shrinking": found.actions_before,
            "actions": found.scenario.actions.len(),
            "scenario": serde_json::from_str::<serde_json::Value>(&found.scenario.to_json())
                .unwrap_or_default(),
        }),
        Progress::Held { tried } => serde_json::json!({ "found": false, "schedules": tried }),
        Progress::Failed(err) => return Err(err),
        Progress::Searching { .. } | Progress::Shrinking { .. } => {
            serde_json::json!({ "found": false })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab;
    use crate::partial_failure::PartialFailureParams;

    fn partial_failure(remember: bool) -> Scenario {
        let mut base = Scenario::new(lab::PARTIAL_FAILURE, 7, 1);
        base.params = serde_json::to_value(PartialFailureParams {
            retries: true,
            remember_requests: remember,
            workload_ms: 50,
            ..Default::default()
        })
        .unwrap_or_default();
        base
    }

    #[test]
    fn a_schedule_is_the_same_for_the_same_seed_and_ends_healed() {
        let roster = Roster::servers(3);
        let space = Space::default();
        let a = random_schedule(&roster, &space, None, &mut SimRng::new(5));
        let b = random_schedule(&roster, &space, None, &mut SimRng::new(5));
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        let last = a.last().map(|t| t.at_ms);
        assert!(last.is_some_and(|t| t < space.horizon_ms));
        assert!(a
            .iter()
            .any(|t| t.action == Action::Heal && Some(t.at_ms) == last));
    }

    #[test]
    fn the_search_finds_a_double_apply_and_shrinks_it() {
        let mut search = Search::new(
            partial_failure(false),
            lab::partial_failure,
            Space::default(),
            None,
            200,
        );
        let Progress::Found(found) = search.finish() else {
            panic!("no schedule of 200 applied a request twice without request ids");
        };
        assert_eq!(found.broken.invariant, "Applied at most once");
        assert!(found.scenario.actions.len() <= found.actions_before);
        // Shrunk: removing any one action left makes it hold (or break differently).
        for i in 0..found.scenario.actions.len() {
            let mut fewer = found.scenario.clone();
            fewer.actions.remove(i);
            let still = first_violation(lab::partial_failure, &fewer).ok().flatten();
            assert!(
                still.is_none_or(|b| b.invariant != found.broken.invariant),
                "action {i} of the shrunk schedule was not needed"
            );
        }
        // The scenario it hands back breaks the invariant when loaded.
        let again = first_violation(lab::partial_failure, &found.scenario)
            .ok()
            .flatten();
        assert_eq!(again, Some(found.broken.clone()));
        assert_eq!(found.scenario.at_ms, Some(found.broken.at_ms));
    }

    #[test]
    fn with_the_fix_every_schedule_holds() {
        let mut search = Search::new(
            partial_failure(true),
            lab::partial_failure,
            Space {
                horizon_ms: 5_000,
                ..Space::default()
            },
            None,
            100,
        );
        assert!(matches!(search.finish(), Progress::Held { tried: 100 }));
    }
}

//! "Find a counterexample": with a rule broken on purpose, random fault
//! schedules run against the lab's invariants a few per tick (the page
//! never freezes), and the first that breaks one, shrunk to the fewest
//! actions that still do, is loaded as a scenario paused at the violation.

use crate::controller::Command;
use distviz_core::scenario::{Scenario, ScenarioError};
use distviz_core::search::{InputDraw, Progress, Search, Space};
use distviz_core::sim::{Protocol, Run};
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Schedules tried before giving up.
const SCHEDULES: u64 = 3_000;
/// Runs (schedules or shrink tries) per tick: a few milliseconds of work.
const RUNS_PER_TICK: usize = 2;

#[derive(Properties)]
pub struct FindProps<P: Protocol + PartialEq> {
    /// The learner's scenario: its lab, nodes, settings and network.
    pub base: Scenario,
    pub make: fn(&Scenario) -> Result<Run<P>, ScenarioError>,
    pub inputs: Option<InputDraw>,
    pub send: Callback<Command>,
}

/// A lab's run maker and input draw never change; only the scenario does.
impl<P: Protocol + PartialEq> PartialEq for FindProps<P> {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base && self.send == other.send
    }
}

fn describe(progress: &Progress) -> String {
    match progress {
        Progress::Searching { tried } => format!("Trying schedule {tried} of {SCHEDULES}…"),
        Progress::Shrinking { next, of } => {
            format!("Found one. Shrinking it: trying without action {next} of {of}…")
        }
        Progress::Found(found) => format!(
            "{} broke after {} schedule{}, shrunk from {} actions to {}. Loaded, paused at the violation.",
            found.broken.invariant,
            found.schedules,
            if found.schedules == 1 { "" } else { "s" },
            found.actions_before,
            found.scenario.actions.len()
        ),
        Progress::Held { tried } => format!(
            "No schedule of {tried} broke an invariant. Some bugs need rare timing (Figure 8's, a forgotten vote): Things to try has a run of each, and the distviz search command runs as many schedules as you like."
        ),
        Progress::Failed(err) => format!("The search could not run: {err}"),
    }
}

#[component]
pub fn FindCounterexample<P: Protocol + PartialEq>(props: &FindProps<P>) -> Html {
    let status = use_state(|| None::<String>);
    let running = use_state(|| false);
    let ticker: Rc<RefCell<Option<Interval>>> = use_mut_ref(|| None);
    // The interval is dropped here, after a render, never inside its own
    // tick; and when the page goes.
    {
        let (ticker, running) = (ticker.clone(), *running);
        use_effect(move || {
            if !running {
                drop(ticker.borrow_mut().take());
            }
        });
    }
    {
        let ticker = ticker.clone();
        use_effect_with((), move |_| move || drop(ticker.borrow_mut().take()));
    }
    let start = {
        let (status, running, ticker) = (status.clone(), running.clone(), ticker.clone());
        let (base, make, inputs, send) = (
            props.base.clone(),
            props.make,
            props.inputs,
            props.send.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let mut search = Search::new(base.clone(), make, Space::default(), inputs, SCHEDULES);
            let (status, send, running_now) = (status.clone(), send.clone(), running.clone());
            let mut finished = false;
            status.set(Some(describe(&Progress::Searching { tried: 0 })));
            running.set(true);
            let interval = Interval::new(16, move || {
                if finished {
                    return;
                }
                let progress = search.step(RUNS_PER_TICK);
                status.set(Some(describe(&progress)));
                finished = !matches!(
                    progress,
                    Progress::Searching { .. } | Progress::Shrinking { .. }
                );
                if let Progress::Found(found) = &progress {
                    send.emit(Command::Import {
                        name: "counterexample.json".into(),
                        text: found.scenario.to_json(),
                    });
                }
                if finished {
                    running_now.set(false);
                }
            });
            *ticker.borrow_mut() = Some(interval);
        })
    };
    let cancel = {
        let (status, running) = (status.clone(), running.clone());
        Callback::from(move |_: MouseEvent| {
            running.set(false);
            status.set(Some("Stopped.".into()));
        })
    };
    html! {
        <div class="find" data-testid="find">
            if *running {
                <button onclick={cancel}>{"Cancel the search"}</button>
            } else {
                <button class="primary" onclick={start} title="Random crashes, partitions, lost and duplicated messages, until an invariant breaks">
                    {"Find a counterexample"}</button>
            }
            if let Some(text) = &*status {
                <p class="note" role="status" data-testid="find-status">{text.clone()}</p>
            }
        </div>
    }
}

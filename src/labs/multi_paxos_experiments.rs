//! Things to try in the Multi-Paxos lab: each loads a shipped scenario,
//! with what to watch for.

use super::experiment_list::{experiment_items, Experiment};
use crate::controller::Command;
use yew::prelude::*;

const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        file: "multi-paxos-steady.json",
        text: include_str!("../../scenarios/multi-paxos-steady.json"),
        title: "Steady state: phase 1 once.",
        watch: "S1 runs phase 1 once (two Prepares, two Promises) and leads ballot 1.S1. Then each of C1's ten requests costs one Accept and one Accepted per other server, and a Chosen to tell them: no Prepare again. The counters end at 6 messages per command, against 10 for single-decree Paxos.",
    },
    Experiment {
        file: "multi-paxos-leader-change.json",
        text: include_str!("../../scenarios/multi-paxos-leader-change.json"),
        title: "A leader change fills the gaps.",
        watch: "S1's links to the others drop while it proposes: slot 4 is accepted by S1 and S4 only, slot 5 by S1 alone, slot 6 is chosen. S1 crashes at 850 ms. The next leader's promises report slot 4 (it proposes y=2 again) but nobody reports slot 5: it fills that hole with a no-op, so the log has no gap. Select the new leader and read its slot table; C2's lost write is retried into slot 7.",
    },
    Experiment {
        file: "multi-paxos-break-ignore-values.json",
        text: include_str!("../../scenarios/multi-paxos-break-ignore-values.json"),
        title: "Break it: ignore the values in promises.",
        watch: "S1 is cut off just after a slot is chosen, before the others learn it. The next leader is told of the entry in its promises but, broken on purpose, proposes a no-op there instead: two values chosen in one slot, and servers that apply different entries. The checks turn red; click one to travel there.",
    },
];

#[derive(Properties, PartialEq)]
pub struct MultiPaxosExperimentsProps {
    pub send: Callback<Command>,
}

#[component]
pub fn MultiPaxosExperiments(props: &MultiPaxosExperimentsProps) -> Html {
    html! {
        <section class="panel experiments" aria-labelledby="try-title">
            <header><h2 id="try-title">{"Things to try"}</h2></header>
            <p class="note">{"Each loads a scenario (Undo brings your run back). Press Space to play it."}</p>
            <ol>
                {experiment_items(EXPERIMENTS, &props.send)}
                <li><strong>{"Catch a slot chosen before anyone knows."}</strong>{" Press C, then step with → until the chosen marker says “not yet known to any learner”: the second acceptor has accepted, and its Accepted is still on its way to the leader."}</li>
                <li><strong>{"Crash the leader yourself."}</strong>{" Select the leader and press X (or R). A follower's timer runs out, it prepares a higher ballot for every slot from its first unchosen one, and leads."}</li>
            </ol>
        </section>
    }
}

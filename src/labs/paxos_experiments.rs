//! Things to try in the Paxos lab: each loads a shipped scenario, with what
//! to watch for.

use super::experiment_list::{experiment_items, Experiment};
use crate::controller::Command;
use yew::prelude::*;

const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        file: "paxos-duel.json",
        text: include_str!("../../scenarios/paxos-duel.json"),
        title: "Two proposers duel.",
        watch: "Back-off is off and both proposers try again on the same fixed beat. Each one's Prepare lands just before the other's Accept, so every Accept is refused (Nack) and nothing is ever chosen: a livelock. Ballots climb on the timeline for ever.",
    },
    Experiment {
        file: "paxos-duel-backoff.json",
        text: include_str!("../../scenarios/paxos-duel-backoff.json"),
        title: "Back-off ends the duel.",
        watch: "The same start with randomized back-off: a pre-empted proposer waits a random while, one ballot gets through, and a value is chosen within a few hundred milliseconds.",
    },
    Experiment {
        file: "paxos-acceptor-crash.json",
        text: include_str!("../../scenarios/paxos-acceptor-crash.json"),
        title: "An acceptor crashes.",
        watch: "A3 crashes mid-proposal. A1 and A2 are still a majority of three, so “red” is chosen without it. Restart A3: it kept its promise on disk.",
    },
    Experiment {
        file: "paxos-proposer-crash.json",
        text: include_str!("../../scenarios/paxos-proposer-crash.json"),
        title: "Chosen while its proposer crashes.",
        watch: "P1's Accepts are on their way when it crashes: “red” is chosen with nobody knowing (the marker says so). P2, cut off until then, proposes “blue”, but the promises report red, so P2 proposes red again and learns it.",
    },
    Experiment {
        file: "paxos-preemption.json",
        text: include_str!("../../scenarios/paxos-preemption.json"),
        title: "Pre-emption by a higher ballot.",
        watch: "P2's Prepare 1.P2 reaches the acceptors before P1's Accept 1.P1: they refuse P1 (Nack). P1 backs off; P2's “blue” is chosen, and P1 learns it and stops.",
    },
    Experiment {
        file: "paxos-minority-overwritten.json",
        text: include_str!("../../scenarios/paxos-minority-overwritten.json"),
        title: "Accepted by a minority, then overwritten.",
        watch: "P1's Accept reaches only A1: one of three accepted “red”, so it is not chosen. P2 never hears from A1, proposes “blue”, and A1 overwrites red. Allowed: the learners never heard red from a majority (inspect P1's “Accepted heard”).",
    },
    Experiment {
        file: "paxos-break-ignore-values.json",
        text: include_str!("../../scenarios/paxos-break-ignore-values.json"),
        title: "Break it: ignore the values in promises.",
        watch: "“red” is chosen; then P2 proposes its own “blue” although the promises report red. A majority accepts blue too: two values chosen, and the checks turn red.",
    },
    Experiment {
        file: "paxos-break-forget-promise.json",
        text: include_str!("../../scenarios/paxos-break-forget-promise.json"),
        title: "Break it: forget the promise on restart.",
        watch: "A2 promises 1.P2, then restarts without its promise and accepts P1's lower ballot: red is chosen (A1, A2). P2's promises reported nothing, so blue is chosen too (A2, A3).",
    },
    Experiment {
        file: "paxos-break-small-quorums.json",
        text: include_str!("../../scenarios/paxos-break-small-quorums.json"),
        title: "Break it: quorums smaller than a majority.",
        watch: "A quorum is one acceptor of three. Split in two, P1 learns red from A1 and P2 learns blue from A3: two quorums that share nobody, and learners who disagree.",
    },
];

#[derive(Properties, PartialEq)]
pub struct PaxosExperimentsProps {
    pub send: Callback<Command>,
}

#[component]
pub fn PaxosExperiments(props: &PaxosExperimentsProps) -> Html {
    html! {
        <section class="panel experiments" aria-labelledby="try-title">
            <header><h2 id="try-title">{"Things to try"}</h2></header>
            <p class="note">{"Each loads a scenario (Undo brings your run back). Press Space to play it."}</p>
            <ol>
                {experiment_items(EXPERIMENTS, &props.send)}
                <li><strong>{"Crash an acceptor yourself."}</strong>{" Select P1 and press P; while its Prepare flies, select A2 and press X. P1 still gets a majority from A1 and A3. Crash a second acceptor and it cannot: it tries again when its patience runs out."}</li>
            </ol>
        </section>
    }
}

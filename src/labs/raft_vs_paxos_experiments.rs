//! Things to try on the Raft vs Paxos page: each loads a shipped pair
//! scenario into both worlds, with what to watch for.

use super::experiment_list::{experiment_items, Experiment};
use crate::controller::Command;
use yew::prelude::*;

pub const LEADER_CRASH: &str = include_str!("../../scenarios/raft-vs-paxos-leader-crash.json");

const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        file: "raft-vs-paxos-leader-crash.json",
        text: LEADER_CRASH,
        title: "The leader crashes.",
        watch: "S1 leads both worlds; C1 sends a request every 100 ms. S1 crashes at 1200 ms; Raft's S5 and Multi-Paxos's S4 take over (each world draws its own election timeouts). Raft's new leader commits its own no-op at once (and with it the entry S1 left uncommitted); Multi-Paxos's has nothing to recover and chooses nothing until C1's retry reaches it. Compare “leader crash → next commit”.",
    },
    Experiment {
        file: "raft-vs-paxos-holes.json",
        text: include_str!("../../scenarios/raft-vs-paxos-holes.json"),
        title: "A hole in the log.",
        watch: "S1's links drop while it takes three requests: in Multi-Paxos, one slot's Accepts reach nobody but S1 while a later slot is chosen. S1 crashes at 850 ms. Multi-Paxos's next leader hears of nothing in that slot and fills it with a no-op (the “Holes in the log” row shows the moment; read the slot table); Raft's followers never take an entry past a missing one, so its new leader (S3 here) has no hole to fill: it only commits the entry it holds past its commitIndex, with its own no-op.",
    },
    Experiment {
        file: "raft-vs-paxos-partition.json",
        text: include_str!("../../scenarios/raft-vs-paxos-partition.json"),
        title: "A partition in both.",
        watch: "At 1000 ms S1 (the leader) and S2 are cut off from S3, S4 and S5 in both worlds; C1 stays with the three. In each world the majority elects a new leader among them and goes on committing, while the two cut off commit nothing. The network heals at 2500 ms. Compare the counters as you scrub through the cut.",
    },
];

#[derive(Properties, PartialEq)]
pub struct RaftVsPaxosExperimentsProps {
    pub send: Callback<Command>,
}

#[component]
pub fn RaftVsPaxosExperiments(props: &RaftVsPaxosExperimentsProps) -> Html {
    html! {
        <section class="panel experiments" aria-labelledby="try-title">
            <header><h2 id="try-title">{"Things to try"}</h2></header>
            <p class="note">{"Each loads a scenario into both worlds (Undo brings your run back). Press Space to play it."}</p>
            <ol>
                {experiment_items(EXPERIMENTS, &props.send)}
                <li><strong>{"Cut the network yourself."}</strong>{" Press “✂ Partition…”, pick two servers in either panel, and cut: both worlds split the same way. Watch which side each protocol lets commit."}</li>
            </ol>
        </section>
    }
}

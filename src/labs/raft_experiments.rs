//! Experiments to try in the Raft election lab, with what to watch for.

use yew::prelude::*;

#[component]
pub fn RaftExperiments() -> Html {
    html! {
        <section class="panel experiments" aria-labelledby="try-title">
            <header><h2 id="try-title">{"Things to try"}</h2></header>
            <ol>
                <li><strong>{"Crash the leader."}</strong>{" Click it to select it, then press X (or the Crash button). No more heartbeats arrive, so a follower's election timer runs out: it becomes a candidate for the next term and wins a majority. The timeline starts a new band."}</li>
                <li><strong>{"Cut off two followers."}</strong>{" Partition… pick two followers, cut. They keep timing out and raising their term, but 2 votes of 5 are never a majority. Heal: their higher term makes the old leader step down, and a new election follows."}</li>
                <li><strong>{"Force a split vote."}</strong>{" Crash the leader, then press A. A lets the messages already on the wire land, then every timer fires at once: everyone votes for itself, and nobody wins that term (the timeline hatches it: “split vote”). Random timeouts break the tie in a later term."}</li>
                <li><strong>{"Break it."}</strong>{" Settings → Break it, crash the leader, then press A. Servers may now vote twice in a term, so two candidates can both win the same term: the safety check turns red. Click the violation to travel to it."}</li>
                <li><strong>{"Cut one direction."}</strong>{" Links: make the leader's link to one follower drop. That follower hears nothing, times out and stands with a higher term, and the leader must step down even though it was working."}</li>
            </ol>
        </section>
    }
}

//! Experiments to try in the partial-failure lab, with what to watch for.

use yew::prelude::*;

#[component]
pub fn PfExperiments() -> Html {
    html! {
        <section class="panel experiments" aria-labelledby="try-title">
            <header><h2 id="try-title">{"Things to try"}</h2></header>
            <ol>
                <li><strong>{"Lose the request."}</strong>{" Pause (Space) so nothing moves, press “Send increment” (or C), click the request on its way and press “Drop it”, then play again (Space). C1 waits, hears nothing, and gives up: the outcome of its increment is unknown. S1's counter stays 0."}</li>
                <li><strong>{"Lose the reply."}</strong>{" Paused again, send another increment, step (→) until the reply is on its way back, drop it and play. C1 sees exactly what it saw before: silence, then unknown. But S1's counter went up. From the client, the two are the same."}</li>
                <li><strong>{"Crash or pause the server."}</strong>{" Select S1 and press X (crash) or P (pause), then send an increment. Again: silence. A paused server is not dead: resume it (P) and it handles the request late, answering a client that gave up."}</li>
                <li><strong>{"Retry, and apply it twice."}</strong>{" Settings → Retry. Send an increment and drop its reply, as before. C1 sends the request again, S1 applies it again: the counter goes up by 2 for one increment, and “Applied at most once” turns red."}</li>
                <li><strong>{"Fix it with request ids."}</strong>{" Settings → The fix. Do the same: S1 recognises the repeat and answers from memory, and the check stays green. The inspector shows what the memory costs: one entry per request, kept on disk."}</li>
                <li><strong>{"Memory on one server is not enough."}</strong>{" With 3 servers, Retry, The fix and Fail over on, pause S1 and send an increment, then resume S1 after C1 has retried on S2. Both apply it, each to its own counter: each server only remembers the requests it applied itself, so the check turns red again."}</li>
            </ol>
        </section>
    }
}

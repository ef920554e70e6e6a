//! Copy a link to this moment of the run, export or import the scenario
//! file, and the run's fingerprint (seed, events, trace hash).

use crate::controller::Command;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub seed: u64,
    pub events: u64,
    pub trace_hash: AttrValue,
    /// The last link made by "Copy link" (shown so it can be copied by hand).
    pub link: Option<AttrValue>,
    pub send: Callback<Command>,
}

#[component]
pub fn Share(props: &ShareProps) -> Html {
    let send = props.send.clone();
    let onchange = Callback::from(move |e: Event| {
        let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        let send = send.clone();
        spawn_local(async move {
            let name = file.name();
            let text = match JsFuture::from(file.text()).await {
                Ok(text) => text.as_string().unwrap_or_default(),
                Err(_) => String::new(),
            };
            send.emit(Command::Import { name, text });
        });
    });
    html! {
        <section class="panel share" aria-labelledby="share-title">
            <header><h2 id="share-title">{"Share and save"}</h2></header>
            <div class="actions">
                <button onclick={props.send.reform(|_| Command::CopyLink)} title="A link that reopens this run at this moment">{"Copy link"}</button>
                <button onclick={props.send.reform(|_| Command::Export)}>{"⬇ Export scenario"}</button>
                <label class="button">{"⬆ Import scenario"}
                    <input type="file" accept=".json,application/json" class="visually-hidden" {onchange} data-testid="import" />
                </label>
            </div>
            if let Some(link) = &props.link {
                <label class="share-link">{"Link (copied):"}
                    <input type="text" readonly=true value={link.clone()} data-testid="share-link" />
                </label>
            }
            <dl class="run-facts">
                <div><dt>{"seed"}</dt><dd>{props.seed}</dd></div>
                <div><dt>{"events"}</dt><dd data-testid="events"><span class="live">{props.events}</span></dd></div>
                <div><dt>{"trace hash"}</dt><dd data-testid="trace-hash"><span class="live">{props.trace_hash.clone()}</span></dd></div>
            </dl>
        </section>
    }
}

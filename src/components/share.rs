//! Copy a link to this moment of the run, export or import the scenario
//! file, and the run's fingerprint (seed, events, trace hash).

use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub seed: u64,
    pub events: u64,
    pub trace_hash: AttrValue,
    /// The last link made by "Copy link" (shown so it can be copied by hand).
    pub link: Option<AttrValue>,
    pub on_copy_link: Callback<()>,
    pub on_export: Callback<()>,
    /// The text of an imported file.
    pub on_import: Callback<(String, String)>,
}

#[component]
pub fn Share(props: &ShareProps) -> Html {
    let on_import = props.on_import.clone();
    let onchange = Callback::from(move |e: Event| {
        let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        let on_import = on_import.clone();
        spawn_local(async move {
            let name = file.name();
            match JsFuture::from(file.text()).await {
                Ok(text) => on_import.emit((name, text.as_string().unwrap_or_default())),
                Err(_) => on_import.emit((name, String::new())),
            }
        });
    });
    html! {
        <section class="panel share" aria-labelledby="share-title">
            <header><h2 id="share-title">{"Share and save"}</h2></header>
            <div class="actions">
                <button onclick={props.on_copy_link.reform(|_| ())} title="A link that reopens this run at this moment">{"Copy link"}</button>
                <button onclick={props.on_export.reform(|_| ())}>{"⬇ Export scenario"}</button>
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
                <div><dt>{"events"}</dt><dd data-testid="events">{props.events}</dd></div>
                <div><dt>{"trace hash"}</dt><dd data-testid="trace-hash">{props.trace_hash.clone()}</dd></div>
            </dl>
        </section>
    }
}

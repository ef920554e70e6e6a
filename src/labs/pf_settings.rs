//! The partial-failure lab's settings: servers, the client's patience,
//! retries, and the fix. Its own component with plain props, so it
//! re-renders only when a setting changes.

use crate::controller::Command;
use distviz_core::partial_failure::PartialFailureParams;
use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PfSettingsProps {
    pub servers: usize,
    pub fifo: bool,
    pub params: PartialFailureParams,
    pub send: Callback<Command>,
}

fn checked(e: &Event) -> bool {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .is_some_and(|i| i.checked())
}

/// A number field's value as JSON; text that is no number goes through as
/// text, so the lab's check refuses it with a sentence naming the field.
fn number(e: &Event) -> Value {
    let text = e
        .target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default();
    text.trim()
        .parse::<u64>()
        .map(Value::from)
        .unwrap_or(Value::String(text))
}

#[component]
pub fn PfSettings(props: &PfSettingsProps) -> Html {
    let toggle = |name: &'static str| {
        props.send.reform(move |e: Event| Command::SetParam {
            name,
            value: Value::Bool(checked(&e)),
        })
    };
    let amount = |name: &'static str| {
        props.send.reform(move |e: Event| Command::SetParam {
            name,
            value: number(&e),
        })
    };
    let on_servers = props.send.reform(|e: Event| {
        Command::SetNodes(
            e.target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse().ok())
                .unwrap_or(1),
        )
    });
    let p = &props.params;
    html! {
        <details class="panel settings" open=true>
            <summary><h2>{"Settings"}</h2></summary>
            <p class="note">{"Changing a setting starts the run again from time 0 (Undo brings the run back)."}</p>
            <label>{"Servers "}
                <select onchange={on_servers} aria-label="Number of servers">
                    {for [1usize, 2, 3].into_iter().map(|n| html! { <option value={n.to_string()} selected={n == props.servers}>{n}</option> })}
                </select>
            </label>
            <label>{"The client waits "}
                <input type="number" min="1" max="60000" value={p.timeout_ms.to_string()} onchange={amount("timeout_ms")}
                    aria-label="How long the client waits for a reply (ms)" />
                {" ms for a reply"}</label>
            <label>{"A server works "}
                <input type="number" min="0" max="60000" value={p.work_ms.to_string()} onchange={amount("work_ms")}
                    aria-label="How long a server works on a request (ms)" />
                {" ms on a request"}</label>
            <label class="toggle">
                <input type="checkbox" checked={p.retries} onchange={toggle("retries")} data-testid="retries" />
                {format!(" Retry: send the request again when no reply comes (up to {} tries)", p.max_attempts)}
            </label>
            <label class="toggle">
                <input type="checkbox" checked={p.remember_requests} onchange={toggle("remember_requests")} data-testid="remember" />
                {" The fix: servers remember request ids and answer a repeat from memory"}
            </label>
            <label class="toggle">
                <input type="checkbox" checked={props.fifo} data-testid="fifo"
                    onchange={props.send.reform(|e: Event| Command::SetFifo(checked(&e)))} />
                {" Links keep order (FIFO): no message overtakes an earlier one"}
            </label>
            <label class="toggle">
                <input type="checkbox" checked={p.failover} onchange={toggle("failover")} disabled={props.servers < 2} />
                {" Fail over: a retry goes to the next server"}
            </label>
        </details>
    }
}

//! The Paxos lab's settings: layout, back-off, patience, and the three
//! "break it" toggles. Its own component with plain props, so it
//! re-renders only when a setting changes.

use crate::controller::Command;
use distviz_core::paxos::PaxosParams;
use serde_json::Value;
use yew::prelude::*;

pub const BREAK_TOGGLES: [(&str, &str); 3] = [
    (
        "break_ignore_promised_values",
        "a proposer ignores the values reported in promises and proposes its own",
    ),
    (
        "break_forget_promise",
        "an acceptor forgets its promise when it restarts (only what it accepted is on disk)",
    ),
    (
        "break_small_quorums",
        "a quorum is half the acceptors, not a majority",
    ),
];

#[derive(Clone, Copy, PartialEq)]
pub enum Layout {
    /// Proposers (also learners) and acceptors apart.
    Apart { proposers: usize, acceptors: usize },
    /// Three servers, each proposer, acceptor and learner.
    Combined,
}

impl Layout {
    const CHOICES: [(Layout, &'static str); 4] = [
        (
            Layout::Apart {
                proposers: 2,
                acceptors: 3,
            },
            "2 proposers, 3 acceptors",
        ),
        (
            Layout::Apart {
                proposers: 2,
                acceptors: 5,
            },
            "2 proposers, 5 acceptors",
        ),
        (
            Layout::Apart {
                proposers: 3,
                acceptors: 3,
            },
            "3 proposers, 3 acceptors",
        ),
        (
            Layout::Combined,
            "3 servers, each proposer, acceptor and learner",
        ),
    ];

    fn command(self) -> Command {
        let (proposers, acceptors, combined) = match self {
            Layout::Apart {
                proposers,
                acceptors,
            } => (proposers, acceptors, false),
            Layout::Combined => (3, 0, true),
        };
        Command::SetLayout {
            counts: vec![("proposer", proposers), ("acceptor", acceptors)],
            params: vec![("proposers_accept", Value::Bool(combined))],
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PaxosSettingsProps {
    pub proposers: usize,
    pub acceptors: usize,
    pub fifo: bool,
    pub params: PaxosParams,
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
pub fn PaxosSettings(props: &PaxosSettingsProps) -> Html {
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
    let p = &props.params;
    let current = if p.proposers_accept {
        Layout::Combined
    } else {
        Layout::Apart {
            proposers: props.proposers,
            acceptors: props.acceptors,
        }
    };
    let on_layout = props.send.reform(|e: Event| {
        let index = e
            .target_dyn_into::<web_sys::HtmlSelectElement>()
            .and_then(|s| s.value().parse::<usize>().ok())
            .unwrap_or(0);
        Layout::CHOICES
            .get(index)
            .map_or(Layout::CHOICES[0].0, |(l, _)| *l)
            .command()
    });
    let known = Layout::CHOICES.iter().any(|(l, _)| *l == current);
    html! {
        <details class="panel settings" open=true>
            <summary><h2>{"Settings"}</h2></summary>
            <p class="note">{"Changing a setting starts the run again from time 0 (Undo brings the run back)."}</p>
            <label>{"Layout "}
                <select onchange={on_layout} aria-label="Layout: proposers and acceptors" data-testid="layout">
                    if !known {
                        <option selected=true disabled=true>
                            {format!("{} proposers, {} acceptors (from a file)", props.proposers, props.acceptors)}</option>
                    }
                    {for Layout::CHOICES.iter().enumerate().map(|(i, (l, words))| html! {
                        <option value={i.to_string()} selected={*l == current}>{*words}</option>
                    })}
                </select>
            </label>
            <label class="toggle">
                <input type="checkbox" checked={p.backoff} onchange={toggle("backoff")} data-testid="backoff" />
                {" Randomized back-off: a pre-empted proposer waits a random, growing time"}
            </label>
            <label>{"A proposer gives a ballot "}
                <input type="number" min="10" max="60000" value={p.patience_ms.to_string()} onchange={amount("patience_ms")}
                    aria-label="How long a proposer gives a ballot (ms)" />
                {" ms before it tries a higher one"}</label>
            <label>{"Back-off starts at up to "}
                <input type="number" min="1" max="60000" value={p.backoff_ms.to_string()} onchange={amount("backoff_ms")}
                    aria-label="The back-off's first range (ms)" disabled={!p.backoff} />
                {" ms and doubles"}</label>
            <label class="toggle">
                <input type="checkbox" checked={props.fifo} data-testid="fifo"
                    onchange={props.send.reform(|e: Event| Command::SetFifo(checked(&e)))} />
                {" Links keep order (FIFO): no message overtakes an earlier one"}
            </label>
            <fieldset class="break-it">
                <legend>{"Break it (one rule off, to watch a check fail)"}</legend>
                {for BREAK_TOGGLES.iter().map(|&(name, words)| {
                    let on = match name {
                        "break_ignore_promised_values" => p.break_ignore_promised_values,
                        "break_forget_promise" => p.break_forget_promise,
                        _ => p.break_small_quorums,
                    };
                    html! {
                        <label class="toggle" key={name}>
                            <input type="checkbox" checked={on} onchange={toggle(name)} data-testid={name} />
                            {format!(" {words}")}
                        </label>
                    }
                })}
            </fieldset>
        </details>
    }
}

//! Every directed link as a grid (row sends to column): click a cell to
//! cycle it through works → drops everything → holds everything.

use crate::controller::Command;
use distviz_core::sim::{LinkState, NodeId};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LinkGridProps {
    /// Every node, in the lab's order.
    pub ids: Rc<Vec<NodeId>>,
    /// `states[from * ids.len() + to]`, by position in `ids`.
    pub states: Rc<Vec<LinkState>>,
    pub send: Callback<Command>,
}

fn symbol(state: LinkState) -> (&'static str, &'static str) {
    match state {
        LinkState::Up => ("✓", "works"),
        LinkState::Drop => ("✕", "drops every message"),
        LinkState::Hold => ("❚❚", "holds every message"),
    }
}

#[component]
pub fn LinkGrid(props: &LinkGridProps) -> Html {
    let ids = props.ids.clone();
    let size = ids.len();
    html! {
        <details class="panel links">
            <summary><h2>{"Links"}</h2></summary>
            <p class="note">{"One direction at a time: the row sends, the column receives. Click to cycle: ✓ works, ✕ drops, ❚❚ holds (released when it works again)."}</p>
            <table class="link-grid">
                <thead><tr><th scope="col">{"from \\ to"}</th>{for ids.iter().map(|to| html! { <th scope="col">{to.to_string()}</th> })}</tr></thead>
                <tbody>
                    {for ids.iter().enumerate().map(|(row, &from)| html! {
                        <tr key={from.to_string()}>
                            <th scope="row">{from.to_string()}</th>
                            {for ids.iter().enumerate().map(|(column, &to)| {
                                if from == to {
                                    return html! { <td class="self" aria-hidden="true">{"·"}</td> };
                                }
                                let state = props.states[row * size + column];
                                let (mark, words) = symbol(state);
                                html! {
                                    <td>
                                        <button class={classes!("cell", format!("{state:?}").to_lowercase())}
                                            aria-label={format!("Link {from} to {to} {words}; activate to change")}
                                            data-link={format!("{from}-{to}")}
                                            onclick={props.send.reform(move |_| Command::CycleLink(from, to))}>{mark}</button>
                                    </td>
                                }
                            })}
                        </tr>
                    })}
                </tbody>
            </table>
        </details>
    }
}

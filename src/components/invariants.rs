//! The model's safety invariants, checked after every event, and where they broke.

use crate::controller::Command;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct InvariantStatus {
    pub name: &'static str,
    pub description: &'static str,
    /// (time, sentence) of each violation so far.
    pub broken: Vec<(u64, String)>,
    /// When it breaks later in the run computed so far (past the cursor).
    pub later: Vec<u64>,
}

#[derive(Properties, PartialEq)]
pub struct InvariantsProps {
    pub items: Rc<Vec<InvariantStatus>>,
    pub send: Callback<Command>,
    /// The heading, and its element id (unique on the page: a page with
    /// two worlds has two panels).
    #[prop_or(AttrValue::Static("Safety checks"))]
    pub title: AttrValue,
    #[prop_or(AttrValue::Static("inv-title"))]
    pub title_id: AttrValue,
}

#[component]
pub fn Invariants(props: &InvariantsProps) -> Html {
    html! {
        <section class="panel invariants" aria-labelledby={props.title_id.clone()}>
            <header><h2 id={props.title_id.clone()}>{props.title.clone()}</h2></header>
            <ul>
                {for props.items.iter().map(|item| {
                    let ok = item.broken.is_empty();
                    html! {
                        <li key={item.name} class={if ok { "holds" } else { "broken" }} data-invariant={item.name}>
                            <strong>{if ok { "✓ " } else { "✗ " }}{item.name}</strong>
                            <span>{" — "}{item.description}</span>
                            if !ok {
                                <ul>
                                    {for item.broken.iter().map(|(at, detail)| {
                                        let at = *at;
                                        html! {
                                            <li key={format!("{at}{detail}")}>
                                                <button class="link-button" onclick={props.send.reform(move |_| Command::Seek(at))}
                                                    title="Go to this moment">{format!("at {at} ms")}</button>
                                                {" "}{detail}
                                            </li>
                                        }
                                    })}
                                </ul>
                            }
                            if !item.later.is_empty() {
                                <p class="later">{if ok { "Holds so far; breaks later in this run: " } else { "And later: " }}
                                    {for item.later.iter().map(|&at| html! {
                                        <>{" "}<button class="link-button" onclick={props.send.reform(move |_| Command::Seek(at))}
                                            title="Go to this moment">{format!("at {at} ms")}</button></>
                                    })}
                                </p>
                            }
                        </li>
                    }
                })}
            </ul>
        </section>
    }
}

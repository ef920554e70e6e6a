//! The messages on the wire as a list of buttons: the keyboard's way to a
//! message (the flying dots are for the mouse). Shown while paused.

use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct InFlightItem {
    pub id: u64,
    pub label: String,
}

#[derive(Properties, PartialEq)]
pub struct InFlightProps {
    pub items: Rc<Vec<InFlightItem>>,
    pub on_open: Callback<u64>,
}

#[component]
pub fn InFlightList(props: &InFlightProps) -> Html {
    html! {
        <section class="panel in-flight" aria-labelledby="flight-title">
            <header><h2 id="flight-title">{format!("On the wire ({})", props.items.len())}</h2></header>
            if props.items.is_empty() {
                <p class="note">{"No message is in flight right now."}</p>
            } else {
                <ul>
                    {for props.items.iter().map(|item| {
                        let id = item.id;
                        html! {
                            <li key={id}>
                                <button onclick={props.on_open.reform(move |_| id)}>{&item.label}</button>
                            </li>
                        }
                    })}
                </ul>
            }
        </section>
    }
}

//! The messages on the wire as a list of buttons: the keyboard's way to a
//! message (the flying dots are for the mouse). Shown while paused.

use crate::controller::Command;
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
    pub send: Callback<Command>,
    /// While playing the list would change every frame: it asks for a pause instead.
    pub playing: bool,
}

#[component]
pub fn InFlightList(props: &InFlightProps) -> Html {
    html! {
        <section class="panel in-flight" aria-labelledby="flight-title" tabindex="-1">
            <header><h2 id="flight-title">{if props.playing { "On the wire".to_string() } else { format!("On the wire ({})", props.items.len()) }}</h2></header>
            if props.playing {
                <p class="note">{"Pause (Space) to list the messages on the wire here, as buttons."}</p>
            } else if props.items.is_empty() {
                <p class="note">{"No message is in flight right now."}</p>
            } else {
                <ul>
                    {for props.items.iter().map(|item| {
                        let id = item.id;
                        html! {
                            <li key={id}>
                                <button onclick={props.send.reform(move |_| Command::OpenMessage(id))}>{&item.label}</button>
                            </li>
                        }
                    })}
                </ul>
            }
        </section>
    }
}

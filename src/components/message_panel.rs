//! A clicked message: its fields, and what you can do to it.

use super::inspector::Field;
use crate::controller::Command;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessagePanelProps {
    pub title: AttrValue,
    pub fields: Rc<Vec<Field>>,
    pub held: bool,
    pub send: Callback<Command>,
}

#[component]
pub fn MessagePanel(props: &MessagePanelProps) -> Html {
    // The panel takes the focus, so its actions are the next thing Tab
    // reaches. Opened from the list of messages on the wire (the keyboard's
    // way), the page scrolls to show it; opened by a click in the cluster,
    // the page stays where the learner is looking.
    let panel = use_node_ref();
    {
        let panel = panel.clone();
        use_effect_with(props.title.clone(), move |_| {
            if let Some(panel) = panel.cast::<web_sys::HtmlElement>() {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(!crate::browser::focus_within(".in-flight"));
                let _ = panel.focus_with_options(&options);
            }
        });
    }
    // Closed (Drop it, ✕), the panel leaves, and the focus with it: it goes
    // back to the list of messages on the wire rather than to the page's top.
    use_effect_with((), |_| {
        || {
            gloo_timers::callback::Timeout::new(0, crate::browser::refocus_in_flight).forget();
        }
    });
    html! {
        <section class="panel message-panel" aria-labelledby="msg-title" data-testid="message-panel"
            ref={panel} tabindex="-1">
            <header>
                <h2 id="msg-title">{props.title.clone()}</h2>
                <button class="close" aria-label="Close" onclick={props.send.reform(|_| Command::CloseMessage)}>{"✕"}</button>
            </header>
            <dl>
                {for props.fields.iter().map(|f| html! {
                    <div key={f.name.clone()}><dt>{&f.name}</dt><dd>{&f.value}</dd></div>
                })}
            </dl>
            <div class="actions">
                <button onclick={props.send.reform(|_| Command::DropMessage)}>{"Drop it"}</button>
                if props.held {
                    <button onclick={props.send.reform(|_| Command::ReleaseMessage)}>{"Release it"}</button>
                } else {
                    <button onclick={props.send.reform(|_| Command::HoldMessage)}>{"Hold it"}</button>
                    <button onclick={props.send.reform(|_| Command::DuplicateMessage)}
                        title="The network delivers it twice: a copy goes on with its own delay">{"Duplicate it"}</button>
                }
            </div>
        </section>
    }
}

//! A clicked message: its fields, and what you can do to it.

use super::inspector::Field;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessagePanelProps {
    pub title: AttrValue,
    pub fields: Rc<Vec<Field>>,
    pub held: bool,
    pub on_drop: Callback<()>,
    pub on_hold: Callback<()>,
    pub on_release: Callback<()>,
    pub on_close: Callback<()>,
}

#[component]
pub fn MessagePanel(props: &MessagePanelProps) -> Html {
    html! {
        <section class="panel message-panel" aria-labelledby="msg-title" data-testid="message-panel">
            <header>
                <h2 id="msg-title">{props.title.clone()}</h2>
                <button class="close" aria-label="Close" onclick={props.on_close.reform(|_| ())}>{"✕"}</button>
            </header>
            <dl>
                {for props.fields.iter().map(|f| html! {
                    <div key={f.name.clone()}><dt>{&f.name}</dt><dd>{&f.value}</dd></div>
                })}
            </dl>
            <div class="actions">
                <button onclick={props.on_drop.reform(|_| ())}>{"Drop it"}</button>
                if props.held {
                    <button onclick={props.on_release.reform(|_| ())}>{"Release it"}</button>
                } else {
                    <button onclick={props.on_hold.reform(|_| ())}>{"Hold it"}</button>
                }
            </div>
        </section>
    }
}

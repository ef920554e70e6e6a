//! The selected node's whole state, persistent fields marked.

use crate::controller::Command;
use distviz_core::sim::NodeId;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: String,
    /// Survives a crash (it is on disk).
    pub persistent: bool,
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub title: AttrValue,
    pub note: AttrValue,
    pub fields: Rc<Vec<Field>>,
    /// Every node's name, to switch the inspected one.
    pub choices: Rc<Vec<String>>,
    pub chosen: Option<usize>,
    pub send: Callback<Command>,
}

#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    html! {
        <section class="panel inspector" aria-labelledby="inspector-title">
            <header><h2 id="inspector-title">{props.title.clone()}</h2></header>
            <div class="chooser" role="group" aria-label="Inspect a node">
                {for props.choices.iter().enumerate().map(|(i, name)| html! {
                    <button key={i} aria-pressed={(props.chosen == Some(i)).to_string()}
                        onclick={props.send.reform(move |_| Command::Select(NodeId::server(i as u8)))}>{name}</button>
                })}
            </div>
            <p class="note">{props.note.clone()}</p>
            if !props.fields.is_empty() {
                <dl data-testid="inspector">
                    {for props.fields.iter().map(|f| html! {
                        <div key={f.name.clone()} class={classes!(f.persistent.then_some("persistent"))}>
                            <dt>{&f.name}if f.persistent { <span class="disk">{"disk"}</span> }</dt>
                            <dd>{&f.value}</dd>
                        </div>
                    })}
                </dl>
                <p class="legend"><span class="disk">{"disk"}</span>{" persistent: saved to disk, survives a crash. The rest is lost when the node goes down."}</p>
            }
        </section>
    }
}

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

impl Field {
    pub fn new(name: &str, value: impl Into<String>, persistent: bool) -> Field {
        Field {
            name: name.into(),
            value: value.into(),
            persistent,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub title: AttrValue,
    pub note: AttrValue,
    pub fields: Rc<Vec<Field>>,
    /// Every node, to switch the inspected one.
    pub choices: Rc<Vec<NodeId>>,
    pub chosen: Option<NodeId>,
    pub send: Callback<Command>,
}

#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    html! {
        <section class="panel inspector" aria-labelledby="inspector-title">
            <header><h2 id="inspector-title">{props.title.clone()}</h2></header>
            <div class="chooser" role="group" aria-label="Inspect a node">
                {for props.choices.iter().map(|&id| html! {
                    <button key={id.to_string()} aria-pressed={(props.chosen == Some(id)).to_string()}
                        onclick={props.send.reform(move |_| Command::Select(id))}>{id.to_string()}</button>
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

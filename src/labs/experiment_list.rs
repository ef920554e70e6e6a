//! "Things to try" items that load a shipped scenario, with what to watch
//! for: shared by the labs that list them. A loaded one is named in the
//! address (`try=`), so a reload opens it again.

use super::shipped;
use crate::browser;
use crate::controller::Command;
use yew::prelude::*;

/// A shipped scenario: its file name, its text, a title and what to watch.
pub struct Experiment {
    pub file: &'static str,
    pub text: &'static str,
    pub title: &'static str,
    pub watch: &'static str,
}

/// One list item per experiment, each with a Load button.
pub fn experiment_items(list: &'static [Experiment], send: &Callback<Command>) -> Html {
    html! {
        {for list.iter().map(|e| {
            let send = send.clone();
            let load = Callback::from(move |_: MouseEvent| {
                send.emit(Command::Import {
                    name: e.file.to_string(),
                    text: e.text.to_string(),
                });
                // The address names it: a reload keeps it, and it can be linked.
                browser::name_run(Some(shipped::link_name(e.file)));
                browser::focus_play();
            });
            html! {
                <li key={e.file}>
                    <strong>{e.title}</strong>{" "}
                    <button class="load" onclick={load} data-scenario={e.file}
                        aria-label={format!("Load: {}", e.title)}>{"Load"}</button>
                    {" "}{e.watch}
                </li>
            }
        })}
    }
}

//! What happened, in words, newest first. The key lines are an aria-live
//! region so screen readers hear them as they happen.

use crate::controller::Command;
use std::rc::Rc;
use yew::prelude::*;

/// The most lines the log shows: the newest.
pub const LOG_LINES: usize = 60;
/// The most it shows while playing: more than its box holds (about a dozen
/// lines), and nobody scrolls back while lines keep coming; every line
/// drawn is work in the frame that draws it. Not fewer: a new leader's
/// first entry makes a dozen lines, and "became leader" should still show.
pub const PLAYING_LOG_LINES: usize = 20;

#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// The record's index in the trace: a stable key.
    pub index: usize,
    pub at_ms: u64,
    /// Shared, so a line is cheap to hand to its own component.
    pub text: AttrValue,
    pub key: bool,
    /// Made by the last single step (shown even when routine).
    pub stepped: bool,
}

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lines: Rc<Vec<LogLine>>,
    pub show_messages: bool,
    pub send: Callback<Command>,
    /// The heading, and its element id (unique on the page).
    #[prop_or(AttrValue::Static("What happened"))]
    pub title: AttrValue,
    #[prop_or(AttrValue::Static("log-title"))]
    pub title_id: AttrValue,
    /// What the toggle shows besides the key lines (`Protocol::routine_words`).
    #[prop_or(AttrValue::Static("heartbeats, timers, losses"))]
    pub routine: AttrValue,
    /// Said instead of the lines while they wait for a pause (a page that
    /// shows its log only while paused).
    #[prop_or_default]
    pub waiting: Option<AttrValue>,
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let send = props.send.clone();
    let onchange = Callback::from(move |e: Event| {
        if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            send.emit(Command::ShowRoutine(input.checked()));
        }
    });
    html! {
        <section class="panel event-log" aria-labelledby={props.title_id.clone()}>
            <header>
                <h2 id={props.title_id.clone()}>{props.title.clone()}</h2>
                <label class="toggle"><input type="checkbox" checked={props.show_messages} {onchange} />{" "}{props.routine.clone()}</label>
            </header>
            if let Some(waiting) = &props.waiting {
                <p class="note paused-only" data-testid="log-paused">{waiting.clone()}</p>
            } else {
                <ol aria-live="polite" aria-relevant="additions" data-testid="event-log"
                    tabindex="0" aria-labelledby={props.title_id.clone()}>
                    {for props.lines.iter().map(line)}
                </ol>
            }
            // Always one line, so the panel keeps its height when lines run out of room.
            if props.waiting.is_none() {
                <p class="note" data-testid="log-older">{
                    if props.lines.len() >= PLAYING_LOG_LINES {
                        "Newest first. Earlier lines: move the time back."
                    } else {
                        "Newest first."
                    }
                }</p>
            }
        </section>
    }
}

/// One line, keyed by its record: when lines are added, the ones already
/// shown keep their elements. Not a component of its own: under load the
/// whole list is new at each redraw, and making and dropping twenty
/// components cost more than comparing twenty lines.
fn line(line: &LogLine) -> Html {
    html! {
        <li key={line.index} class={classes!(line.key.then_some("key"), line.stepped.then_some("stepped"))}>
            <time>{format!("{:>6} ms", line.at_ms)}</time>{" "}{line.text.clone()}
        </li>
    }
}

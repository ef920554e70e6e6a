//! The consistency-models lab: a history drawn as bars per process,
//! edited by the learner and checked at once against every model, with
//! the witness drawn and the map of models lit.

mod diagram;
mod inspector;
mod map;
mod state;

use crate::browser;
use crate::hooks::{use_animation_frames, use_window_keys};
use crate::route::Route;
use diagram::{Bar, HistoryDiagram, Witness};
use distviz_core::consistency::examples::EXAMPLES;
use distviz_core::consistency::hierarchy;
use distviz_core::consistency::import::Format;
use distviz_core::consistency::model::Model;
use distviz_core::consistency::verdict::Status;
use distviz_core::lab::CONSISTENCY_MODELS;
use distviz_core::sim::history::to_json_lines;
use inspector::OpInspector;
use map::ModelMap;
use state::{Check, Checked, Edit, LabState};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConsistencyProps {
    pub route: Route,
}

#[component]
pub fn ConsistencyLab(props: &ConsistencyProps) -> Html {
    let state = {
        let route = props.route.clone();
        use_mut_ref(move || {
            let mut state = if route.history.is_some() || route.model.is_some() {
                LabState::from_link(route.history.as_deref(), route.model.as_deref())
            } else {
                LabState::new()
            };
            if !route.problems.is_empty() {
                let mut problems = route.problems.clone();
                problems.extend(state.problem.take());
                state.problem = Some(problems.join(" "));
            }
            state
        })
    };
    let update = use_force_update();
    let send: Callback<Edit> = {
        let (state, update) = (state.clone(), update.clone());
        (*use_memo((), move |_| {
            Callback::from(move |edit: Edit| {
                state.borrow_mut().apply(edit);
                update.force_update();
            })
        }))
        .clone()
    };
    {
        // A long check goes on a slice a frame, so the page never blocks.
        let (state, update) = (state.clone(), update.clone());
        use_animation_frames(move |_| {
            let busy = state.borrow().busy();
            if busy {
                state.borrow_mut().frame();
                update.force_update();
            }
        });
    }
    {
        let send = send.clone();
        use_window_keys(move |e| {
            if (e.ctrl_key() || e.meta_key()) && !e.shift_key() && e.key().eq_ignore_ascii_case("z")
            {
                send.emit(Edit::Undo);
                return true;
            }
            false
        });
    }
    let link = use_state(|| None::<String>);
    {
        let embed = props.route.embed;
        let last = use_mut_ref(|| 0.0f64);
        use_effect(move || {
            if embed {
                crate::labs::shell::report_height(&last);
            }
        });
    }
    let s = state.borrow();
    let bars = bars(&s);
    let lanes = lanes(&s);
    let span = span(&bars);
    let checked = s.checked_result();
    let entries = checked
        .map(|c| hierarchy::map(&c.verdicts))
        .unwrap_or_default();
    let linearizable = checked.and_then(|c| c.status("linearizable"));
    let editable = s.sketch.is_some();
    let copy_link = {
        let (state, link) = (state.clone(), link.clone());
        Callback::from(move |_: MouseEvent| {
            let s = state.borrow();
            let Some(sketch) = &s.sketch else {
                return;
            };
            let hash = format!(
                "#/{CONSISTENCY_MODELS}?h={}&m={}",
                sketch.to_link(),
                s.model.name()
            );
            let url = browser::url_with_hash(&hash);
            browser::copy_to_clipboard(&url);
            link.set(Some(url));
        })
    };
    let export = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let s = state.borrow();
            if let Some(sketch) = &s.sketch {
                let events: Vec<_> = sketch.events().into_iter().map(|(_, e)| e).collect();
                // The model travels in the name: Import reads it back from there.
                let name = format!("distviz-history-{}.jsonl", s.model.name());
                browser::download(&name, &to_json_lines(&events));
            }
        })
    };
    html! {
        <div class="lab consistency" data-testid="consistency-lab"
            data-linearizable={linearizable.map(status_word)}>
            if let Some(problem) = &s.problem {
                <div class="problem" role="alert" data-testid="problem">
                    <span>{problem}</span>
                    <button aria-label="Dismiss" onclick={send.reform(|_| Edit::Dismiss)}>{"✕"}</button>
                </div>
            }
            <div class="tools" role="toolbar" aria-label="History">
                <label>{"Example "}
                    // Keyed, so the shown choice follows the history (not the last click).
                    <select key={s.title.clone()} data-testid="example" onchange={send.reform(|e: Event| {
                        let index = e.target_dyn_into::<web_sys::HtmlSelectElement>()
                            .and_then(|s| s.value().parse().ok()).unwrap_or(0);
                        Edit::OpenExample(index)
                    })}>
                        {for EXAMPLES.iter().enumerate().map(|(i, ex)| html! {
                            <option value={i.to_string()} selected={ex.title == s.title}>{ex.title}</option>
                        })}
                        if !EXAMPLES.iter().any(|ex| ex.title == s.title) {
                            <option value="" selected=true disabled=true>{s.title.clone()}</option>
                        }
                    </select>
                </label>
                <button onclick={send.reform(|_| Edit::Add)} disabled={!editable}>{"+ Add an operation"}</button>
                <button onclick={send.reform(|_| Edit::Undo)} disabled={!s.can_undo()} title="Ctrl+Z">{"↶ Undo"}</button>
                <label>{"Register starts "}
                    <select key={s.model.name()} data-testid="initial" disabled={!matches!(s.model, Model::Register { .. })}
                        onchange={send.reform(|e: Event| {
                            let v = e.target_dyn_into::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
                            Edit::SetModel(if v == "0" { "cas-register-0" } else { "cas-register-nil" })
                        })}>
                        <option value="nil" selected={s.model.name() == "cas-register-nil"}>{"empty (nil)"}</option>
                        <option value="0" selected={s.model.name() == "cas-register-0"}>{"at 0"}</option>
                    </select>
                </label>
            </div>
            <div class="main-col">
            <section class="panel history-panel" aria-labelledby="history-title">
                <header><h2 id="history-title" data-testid="history-title">{s.title.clone()}</h2></header>
                <p class="note">{s.description.clone()}</p>
                <HistoryDiagram lanes={lanes} bars={bars} span={span} editable={editable}
                    selected={s.selected} step={s.nudge_step()} send={send.clone()} />
                if s.history.ops.len() > MAX_DRAWN {
                    <p class="notice" data-testid="drawn-part">{format!(
                        "Drawn: the first {MAX_DRAWN} of {} operations. The check covers them all.",
                        s.history.ops.len())}</p>
                }
                <p class="hint" data-testid="witness-key">{"Numbers and dots: the order in which the operations can take effect, if the history is linearizable. Red ✗: the operation no such order can place next (the numbers are then the longest order found)."}</p>
                <p class="scroll-hint">{"Scroll the drawing sideways to see all of it."}</p>
                <p class="hint">{if editable {
                    "Drag a bar, or its ends. Keys: Tab to a bar, ←/→ move it, Shift+←/→ its end, Alt+←/→ its start, Delete removes it, Ctrl+Z undoes."
                } else {
                    "Drawn and checked; too large to edit here. Open an example to edit one."
                }}</p>
                if let Some((a, b)) = s.sketch.as_ref().and_then(|k| k.overlap()) {
                    <p class="notice" data-testid="overlap">{format!(
                        "Operations {} and {} are both P{}’s at once. A process does one thing at a time; the models that follow a process’s own order take them in order of their start.",
                        a + 1, b + 1, s.sketch.as_ref().map_or(0, |k| k.ops[a].process))}</p>
                }
                {checking(&s, &send)}
            </section>
            <section class="panel" aria-labelledby="map-title">
                <header><h2 id="map-title">{"The map"}</h2></header>
                <ModelMap entries={entries} />
            </section>
            </div>
            <div class="side">
                if let Some(sketch) = &s.sketch {
                    <OpInspector sketch={sketch.clone()} selected={s.selected} send={send.clone()} />
                }
                {verdicts_panel(checked, matches!(s.check, Check::Cancelled { .. }))}
            </div>
            <SketchText text={s.sketch.as_ref().map(|k| k.to_text())} revision={s.revision} send={send.clone()} />
            <section class="panel share" aria-labelledby="share-title">
                <header><h2 id="share-title">{"Share and save"}</h2></header>
                <div class="actions">
                    <button onclick={copy_link} disabled={!editable}>{"Copy link"}</button>
                    <button onclick={export} disabled={!editable}>{"⬇ Export history"}</button>
                    <ImportHistory send={send.clone()} />
                </div>
                if let Some(url) = &*link {
                    <label class="share-link">{"Link (copied):"}
                        <input type="text" readonly=true value={url.clone()} data-testid="share-link" />
                    </label>
                }
                <p class="note">{"Exported histories are JSON lines (docs/history-format.md); "}
                    <code>{"distviz check FILE --format distviz"}</code>{" checks one from the command line. Import reads those, Jepsen etcd logs, Porcupine key-value files and Knossos EDN."}</p>
            </section>
            <section class="panel log" aria-labelledby="edits-title">
                <header><h2 id="edits-title">{"What you did"}</h2></header>
                <ol class="edit-log" data-testid="edit-log" aria-live="polite">
                    {for s.log.iter().rev().take(30).map(|line| html! { <li>{line}</li> })}
                </ol>
            </section>
            if !props.route.embed {
                <ThingsToTry />
            }
        </div>
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Holds => "holds",
        Status::Fails => "fails",
        Status::Unknown => "unknown",
    }
}

fn checking(s: &LabState, send: &Callback<Edit>) -> Html {
    match &s.check {
        Check::Queued => html! {
            <div class="notice" role="status" data-testid="checking">{"Checking linearizability…"}</div>
        },
        Check::Done(_) if s.busy() => html! {
            <div class="notice" role="status" data-testid="checking">
                <span>{"Checking the other models…"}</span>
                <button onclick={send.reform(|_| Edit::Cancel)}>{"Cancel"}</button>
            </div>
        },
        Check::Running(search) => html! {
            <div class="notice" role="status" data-testid="checking">
                <span>{format!("Checking linearizability… {} states so far", search.states())}</span>
                <button onclick={send.reform(|_| Edit::Cancel)}>{"Cancel"}</button>
            </div>
        },
        Check::Cancelled { states } if *states > 0 => html! {
            <div class="notice" role="status">{format!("Check stopped after {states} states: no verdict.")}</div>
        },
        _ => html! {},
    }
}

fn verdicts_panel(checked: Option<&Checked>, stopped: bool) -> Html {
    html! {
        <section class="panel verdicts" aria-labelledby="verdicts-title">
            <header><h2 id="verdicts-title">{"Which models hold"}</h2></header>
            if let Some(checked) = checked {
                <ul data-testid="verdicts">
                    {for checked.verdicts.iter().map(|v| {
                        let word = status_word(v.status);
                        html! {
                            <li class={classes!("verdict", word)} data-model={v.model.clone()} data-status={word}>
                                <strong>{format!("{} {}", match v.status { Status::Holds => "✓", Status::Fails => "✗", Status::Unknown => "?" }, v.model)}</strong>
                                <span class="visually-hidden">{format!(" {word}: ")}</span>
                                <p>{v.explanation.clone()}</p>
                            </li>
                        }
                    })}
                </ul>
            } else if stopped {
                <p class="note">{"Not checked: the check was stopped. Change the history, or import it again, to check it."}</p>
            } else {
                <p class="note">{"Checking…"}</p>
            }
        </section>
    }
}

/// The process lanes: P1… for a sketch, the history's own names otherwise.
fn lanes(s: &LabState) -> Vec<String> {
    match &s.sketch {
        Some(sketch) => (1..=sketch.process_count())
            .map(|p| format!("P{p}"))
            .collect(),
        None => s.history.processes(),
    }
}

/// Each history event's time: the sketch's, the file's, or its position.
fn event_times(s: &LabState) -> Vec<f64> {
    if let Some(sketch) = &s.sketch {
        return sketch.events().iter().map(|(_, e)| e.time as f64).collect();
    }
    let timed = s
        .history
        .ops
        .iter()
        .all(|op| op.call_time.is_some() && (op.ret.is_none() || op.ret_time.is_some()));
    let mut times: Vec<f64> = (0..s.history.events).map(|i| i as f64).collect();
    if timed {
        for op in &s.history.ops {
            if let (Some(slot), Some(t)) = (times.get_mut(op.call), op.call_time) {
                *slot = t as f64;
            }
            if let (Some(r), Some(t)) = (op.ret, op.ret_time) {
                if let Some(slot) = times.get_mut(r) {
                    *slot = t as f64;
                }
            }
        }
    }
    times
}

/// The most operations drawn: a long history is checked whole, but its
/// first operations are enough to look at, and drawing thousands of bars
/// would hold the page up.
const MAX_DRAWN: usize = 150;

fn span(bars: &[Bar]) -> f64 {
    let last = bars
        .iter()
        .map(|b| b.end.unwrap_or(b.start))
        .fold(0.0, f64::max);
    (last * 1.12).max(20.0)
}

fn bars(s: &LabState) -> Vec<Bar> {
    let times = event_times(s);
    let at = |event: usize| times.get(event).copied().unwrap_or(0.0);
    let lanes = lanes(s);
    let linearizable = s.checked_result().map(|c| &c.linearizable);
    s.history
        .ops
        .iter()
        .take(MAX_DRAWN)
        .map(|op| {
            let drawn = s.sketch.as_ref().and_then(|sketch| sketch.ops.get(op.id));
            let lane = match drawn {
                Some(sketch_op) => usize::from(sketch_op.process).saturating_sub(1),
                None => lanes.iter().position(|p| *p == op.process).unwrap_or(0),
            };
            let witness = linearizable.map_or(Witness::None, |out| {
                if let Some(failure) = &out.failure {
                    if failure.blocked == op.id {
                        return Witness::Blocked;
                    }
                    return failure
                        .longest
                        .iter()
                        .position(|&id| id == op.id)
                        .map_or(Witness::None, |k| Witness::InLongest(k + 1));
                }
                match out.order.iter().find(|p| p.op == op.id) {
                    Some(placed) => Witness::Point {
                        at: (at(placed.after_event) + at(placed.after_event + 1)) / 2.0,
                        n: placed.position + 1,
                    },
                    None if out.order.is_empty() => Witness::None,
                    None => Witness::Skipped,
                }
            });
            let (label, described) = match drawn {
                Some(sketch_op) => (sketch_op.label(), sketch_op.words()),
                None => {
                    let result = op
                        .result
                        .as_ref()
                        .map_or("?".to_string(), |r| r.to_string());
                    let key = op.key.as_ref().map(|k| format!(" {k}")).unwrap_or_default();
                    (
                        format!(
                            "{}{key} {}",
                            op.f,
                            if op.f == "read" || op.f == "get" {
                                result.clone()
                            } else {
                                op.value.to_string()
                            }
                        ),
                        format!("{} {}{key} {} → {result}", op.process, op.f, op.value),
                    )
                }
            };
            let said = match witness {
                Witness::Point { n, .. } => format!("; takes effect {}", ordinal(n)),
                Witness::InLongest(n) => format!("; {} in the longest order found", ordinal(n)),
                Witness::Blocked => "; cannot be placed: see why under Which models hold".into(),
                Witness::Skipped => "; never takes effect in the order found".into(),
                Witness::None => String::new(),
            };
            Bar {
                op: op.id,
                lane,
                start: at(op.call),
                end: op.ret.map(at),
                label,
                words: format!("{described}{said}"),
                witness,
            }
        })
        .collect()
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[derive(Properties, PartialEq)]
struct SketchTextProps {
    text: Option<String>,
    revision: u64,
    send: Callback<Edit>,
}

/// The sketch as text, to read, copy or type a history in.
#[component]
fn SketchText(props: &SketchTextProps) -> Html {
    let area = use_node_ref();
    let apply = {
        let (area, send) = (area.clone(), props.send.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = area.cast::<web_sys::HtmlTextAreaElement>() {
                send.emit(Edit::SetText(area.value()));
            }
        })
    };
    html! {
        <details class="panel sketch-text">
            <summary>{"The history as text"}</summary>
            <p class="note">{"One operation a line: process, operation and value(s), start-end in ms; “?” for an end means it never returned. For example “P1 write 1 0-10”, “P2 read nil 5-15”, “P3 cas 1 2 20-?”."}</p>
            <textarea ref={area} key={props.revision.to_string()} rows="8" spellcheck="false"
                aria-label="The history as text" data-testid="sketch-text"
                value={props.text.clone().unwrap_or_default()} />
            <button onclick={apply} data-testid="apply-text">{"Use this history"}</button>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct ImportProps {
    send: Callback<Edit>,
}

#[component]
fn ImportHistory(props: &ImportProps) -> Html {
    let format = use_state(|| None::<Format>);
    let onchange = {
        let (send, format) = (props.send.clone(), format.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let (send, format) = (send.clone(), *format);
            spawn_local(async move {
                let name = file.name();
                let text = match JsFuture::from(file.text()).await {
                    Ok(text) => text.as_string().unwrap_or_default(),
                    Err(_) => String::new(),
                };
                send.emit(Edit::Import { name, text, format });
            });
        })
    };
    let choose = {
        let format = format.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            format.set(Format::from_name(&v));
        })
    };
    html! {
        <>
            <label>{"Read files as "}
                <select onchange={choose} data-testid="import-format">
                    <option value="auto" selected=true>{"any (guess)"}</option>
                    <option value="distviz">{"distviz history (JSON lines)"}</option>
                    <option value="etcd">{"Jepsen etcd log"}</option>
                    <option value="porcupine-kv">{"Porcupine key-value"}</option>
                    <option value="knossos">{"Knossos EDN"}</option>
                </select>
            </label>
            <label class="button">{"⬆ Import history"}
                <input type="file" class="visually-hidden" {onchange} data-testid="import" />
            </label>
        </>
    }
}

#[component]
fn ThingsToTry() -> Html {
    html! {
        <section class="panel experiments" aria-labelledby="try-title">
            <header><h2 id="try-title">{"Things to try"}</h2></header>
            <ol>
                <li>{"Open “Sequential, not linearizable: a stale read”. Drag P2’s read left until it overlaps P1’s write: now the read may have come first, and linearizable lights up on the map."}</li>
                <li>{"In the first example, drag P1’s “w 2” to the right, past P2’s “r 2”. P2 read a value nobody had written yet: not linearizable. Sequential still holds, because it ignores real time."}</li>
                <li>{"Open “Causal, not sequential”. Select P4’s first read and change its value to 1 in the inspector, and its second to 2: both readers now agree, and sequential holds."}</li>
                <li>{"Open “PRAM, not causal” and delete P2’s read of 1 (select it, Delete). The write of 2 no longer depends on 1, and causal consistency holds."}</li>
                <li>{"Open “Sequential, not linearizable”, select P1’s write and clear its end: now it never returns, like a request that timed out. P2’s read of nothing becomes linearizable: the write may take effect after the read, or never."}</li>
                <li>{"Copy link and open it in another tab: the same history, the same verdicts."}</li>
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_the_witness() {
        let mut state = LabState::new();
        state.apply(Edit::SetText("P1 write 1 0-10\nP2 read nil 20-30".into()));
        let drawn = bars(&state);
        assert_eq!(drawn[1].witness, Witness::Blocked, "{drawn:?}");
        assert!(drawn[1].words.contains("cannot be placed"));
        state.apply(Edit::SetText("P1 write 1 0-10\nP2 read 1 5-30".into()));
        let drawn = bars(&state);
        let Witness::Point { at, n } = drawn[1].witness else {
            panic!("{drawn:?}");
        };
        assert_eq!(n, 2);
        assert!(
            (5.0..=30.0).contains(&at),
            "the point is inside the read's bar: {at}"
        );
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(12), "12th");
    }
}

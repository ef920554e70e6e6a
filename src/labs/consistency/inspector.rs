//! The selected operation's fields, to change: its process, what it does,
//! its value(s) and when it starts and ends. A change applies as soon as
//! a field is left (or Enter pressed); a bad value is refused with a reason.

use super::state::Edit;
use distviz_core::consistency::sketch::{
    parse_time, parse_value, value_text, Func, Sketch, SketchOp, Value, MAX_PROCESSES,
};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub sketch: Sketch,
    pub selected: Option<usize>,
    pub send: Callback<Edit>,
}

/// Which field changed, and its new text.
#[derive(Clone, Copy)]
enum Field {
    Process,
    Function,
    Value,
    NewValue,
    Start,
    End,
}

/// A field's value: as the text form reads it, and empty is `nil` too.
fn read_value(text: &str) -> Result<Value, String> {
    match text.trim() {
        "" => Ok(None),
        t => parse_value(t),
    }
}

/// The operation with one field changed, or why not.
fn changed(op: SketchOp, field: Field, text: &str) -> Result<SketchOp, String> {
    let mut op = op;
    let (value, new_value) = match op.func {
        Func::Read(v) | Func::Write(v) => (v, v),
        Func::Cas(a, b) => (a, b),
    };
    match field {
        Field::Process => {
            op.process = text
                .trim_start_matches('P')
                .parse()
                .ok()
                .filter(|p| (1..=MAX_PROCESSES).contains(p))
                .ok_or_else(|| format!("“{text}” is not a process"))?;
        }
        Field::Function => {
            op.func = match text {
                "read" => Func::Read(value),
                "write" => Func::Write(value),
                "cas" => Func::Cas(value, new_value.map(|v| v + 1).or(Some(1))),
                other => return Err(format!("“{other}” is not an operation")),
            }
        }
        Field::Value => {
            let v = read_value(text)?;
            op.func = match op.func {
                Func::Read(_) => Func::Read(v),
                Func::Write(_) => Func::Write(v),
                Func::Cas(_, b) => Func::Cas(v, b),
            }
        }
        Field::NewValue => {
            if let Func::Cas(a, _) = op.func {
                op.func = Func::Cas(a, read_value(text)?);
            }
        }
        Field::Start => {
            let start = parse_time(text.trim())?;
            if op.end.is_some_and(|e| e < start) {
                return Err(format!("it would start ({start} ms) after it ends"));
            }
            op.start = start;
        }
        Field::End => {
            op.end = match text.trim() {
                "" | "?" => None,
                t => {
                    let end = parse_time(t)?;
                    if end < op.start {
                        return Err(format!("it would end ({end} ms) before it starts"));
                    }
                    Some(end)
                }
            }
        }
    }
    Ok(op)
}

#[component]
pub fn OpInspector(props: &InspectorProps) -> Html {
    let Some((index, op)) = props
        .selected
        .and_then(|i| props.sketch.ops.get(i).map(|op| (i, *op)))
    else {
        return html! {
            <section class="panel inspector" aria-labelledby="op-title">
                <header><h2 id="op-title">{"Operation"}</h2></header>
                <p class="note">{"Click a bar, or Tab to it, to change it here."}</p>
            </section>
        };
    };
    let on = |field: Field| {
        let send = props.send.clone();
        Callback::from(move |e: Event| {
            let text = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| {
                    e.target_dyn_into::<web_sys::HtmlSelectElement>()
                        .map(|s| s.value())
                })
                .unwrap_or_default();
            send.emit(match changed(op, field, &text) {
                Ok(next) => Edit::Replace(index, next),
                Err(why) => {
                    Edit::Refuse(format!("Operation {} was not changed: {why}.", index + 1))
                }
            });
        })
    };
    let (f, value, new_value) = match op.func {
        Func::Read(v) => ("read", v, None),
        Func::Write(v) => ("write", v, None),
        Func::Cas(a, b) => ("cas", a, Some(b)),
    };
    let value_label = match f {
        "read" => "Value read",
        "write" => "Value written",
        _ => "Expected value",
    };
    html! {
        <section class="panel inspector" aria-labelledby="op-title" data-testid="op-inspector">
            <header><h2 id="op-title">{"Selected operation"}</h2></header>
            <p class="note" data-testid="op-words">{op.words()}</p>
            <div class="fields">
                <label>{"Process"}
                    <select onchange={on(Field::Process)} data-testid="op-process">
                        {for (1..=MAX_PROCESSES).map(|p| html! {
                            <option value={p.to_string()} selected={p == op.process}>{format!("P{p}")}</option>
                        })}
                    </select>
                </label>
                <label>{"Operation"}
                    <select onchange={on(Field::Function)} data-testid="op-function">
                        {for ["read", "write", "cas"].into_iter().map(|name| html! {
                            <option value={name} selected={name == f}>{name}</option>
                        })}
                    </select>
                </label>
                <label>{value_label}
                    <input type="text" inputmode="numeric" value={value_text(value)} onchange={on(Field::Value)} data-testid="op-value" />
                </label>
                if let Some(b) = new_value {
                    <label>{"New value"}
                        <input type="text" inputmode="numeric" value={value_text(b)} onchange={on(Field::NewValue)} data-testid="op-new-value" />
                    </label>
                }
                <label>{"Starts (ms)"}
                    <input type="text" inputmode="numeric" value={op.start.to_string()} onchange={on(Field::Start)} data-testid="op-start" />
                </label>
                <label>{"Ends (ms; empty: never returns)"}
                    <input type="text" inputmode="numeric" value={op.end.map(|e| e.to_string()).unwrap_or_default()} onchange={on(Field::End)} data-testid="op-end" />
                </label>
            </div>
            <button onclick={props.send.reform(move |_| Edit::Delete(index))}>{"Delete this operation"}</button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_changes_one_thing_or_says_why_not() {
        let op = SketchOp {
            process: 1,
            func: Func::Write(Some(3)),
            start: 10,
            end: Some(20),
        };
        assert_eq!(
            changed(op, Field::Value, "4").unwrap().func,
            Func::Write(Some(4))
        );
        assert_eq!(
            changed(op, Field::Function, "read").unwrap().func,
            Func::Read(Some(3))
        );
        assert_eq!(
            changed(op, Field::Function, "cas").unwrap().func,
            Func::Cas(Some(3), Some(4))
        );
        assert_eq!(changed(op, Field::End, "").unwrap().end, None);
        assert!(changed(op, Field::End, "5")
            .unwrap_err()
            .contains("before it starts"));
        assert!(changed(op, Field::Value, "x")
            .unwrap_err()
            .contains("not a value"));
        assert_eq!(changed(op, Field::Process, "3").unwrap().process, 3);
    }
}

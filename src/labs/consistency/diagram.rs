//! The history as bars, one lane per process, time to the right: each
//! operation from its invocation to its completion (an operation that
//! never returned fades out to the right). The checker's witness is drawn
//! on it: where each operation takes effect (numbered dots), or the
//! longest order found and the operation that cannot come next.
//! Editable bars move with the mouse (drag the middle, or an end) and the
//! keyboard (arrows; Shift moves the end, Alt the start; Delete removes).

use super::state::{Edit, Part};
use yew::prelude::*;

/// One operation as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub op: usize,
    pub lane: usize,
    pub start: f64,
    /// `None`: it never returned.
    pub end: Option<f64>,
    pub label: String,
    /// For screen readers: the operation and what the check says of it.
    pub words: String,
    pub witness: Witness,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Witness {
    None,
    /// It takes effect at this time, n-th (from 1).
    Point {
        at: f64,
        n: usize,
    },
    /// n-th in the longest order found (no time: the order is what counts).
    InLongest(usize),
    /// It cannot be placed after the longest order.
    Blocked,
    /// It never took effect in the order found (allowed for an operation
    /// that never returned).
    Skipped,
}

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub lanes: Vec<String>,
    pub bars: Vec<Bar>,
    /// The time at the right edge.
    pub span: f64,
    pub editable: bool,
    pub selected: Option<usize>,
    /// How far a key press moves an end.
    pub step: u64,
    pub send: Callback<Edit>,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 30.0;
const LANE: f64 = 44.0;
const TOP: f64 = 22.0;
const BAR: f64 = 26.0;
/// An end is grabbed within this many units of it.
const HANDLE: f64 = 9.0;

fn x_of(t: f64, span: f64) -> f64 {
    LEFT + t / span.max(1.0) * (WIDTH - LEFT - RIGHT)
}

/// A drag going on: which operation and part, and where it was grabbed.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Drag {
    op: usize,
    part: Part,
    /// Grab point minus the part's time, so the bar does not jump.
    offset: f64,
    /// The time axis when the drag began: it may grow while dragging but
    /// not shrink, so the bar stays under the pointer.
    span: f64,
}

#[component]
pub fn HistoryDiagram(props: &DiagramProps) -> Html {
    let svg = use_node_ref();
    let drag = use_state(|| None::<Drag>);
    let span = drag.map_or(props.span, |d| d.span.max(props.span));
    {
        // The selected bar takes the focus when nothing in the drawing has
        // it and no field is being typed in (after Add, Delete or a click),
        // so the keys go on from there.
        let (svg, selected) = (svg.clone(), props.selected);
        use_effect_with((selected, props.bars.len()), move |_| {
            focus_selected(&svg, selected)
        });
    }
    let height = TOP + LANE * props.lanes.len() as f64 + 18.0;
    // The time under a pointer, from the drawing's box on the page.
    let time_at = {
        let svg = svg.clone();
        move |client_x: i32| -> Option<f64> {
            let rect = svg.cast::<web_sys::Element>()?.get_bounding_client_rect();
            (rect.width() > 0.0).then(|| {
                let x = (client_x as f64 - rect.left()) / rect.width() * WIDTH;
                (x - LEFT) / (WIDTH - LEFT - RIGHT) * span
            })
        }
    };
    let onpointermove = {
        let (drag, send, time_at) = (drag.clone(), props.send.clone(), time_at.clone());
        Callback::from(move |e: PointerEvent| {
            if let (Some(d), Some(t)) = (*drag, time_at(e.client_x())) {
                send.emit(Edit::DragTo(
                    d.op,
                    d.part,
                    (t - d.offset).round().max(0.0) as u64,
                ));
            }
        })
    };
    let end_drag = {
        let (drag, send) = (drag.clone(), props.send.clone());
        Callback::from(move |_: PointerEvent| {
            if drag.is_some() {
                drag.set(None);
                send.emit(Edit::DragDone);
            }
        })
    };
    let ticks = tick_marks(span);
    let props_view = DiagramView {
        span,
        ..DiagramView::from(props)
    };
    html! {
        // On a narrow screen the drawing keeps a readable size and scrolls sideways.
        <div class="history-scroll">
        <svg class="history-diagram" ref={svg} viewBox={format!("0 0 {WIDTH} {height}")}
            role="group" aria-label="The history: one row per process, time to the right"
            data-testid="history" data-span={span.to_string()} {onpointermove} onpointerup={end_drag.clone()} onpointerleave={end_drag}>
            {for ticks.iter().map(|&t| html! {
                <g class="tick" aria-hidden="true">
                    <line x1={x_of(t, span).to_string()} x2={x_of(t, span).to_string()} y1={(TOP - 6.0).to_string()} y2={(height - 16.0).to_string()} />
                    <text x={x_of(t, span).to_string()} y={(height - 4.0).to_string()}>{format!("{t} ms")}</text>
                </g>
            })}
            {for props.lanes.iter().enumerate().map(|(i, name)| html! {
                <g class="lane" aria-hidden="true">
                    <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()}
                        y1={(TOP + LANE * i as f64 + LANE / 2.0).to_string()} y2={(TOP + LANE * i as f64 + LANE / 2.0).to_string()} />
                    <text x="6" y={(TOP + LANE * i as f64 + LANE / 2.0 + 5.0).to_string()}>{name}</text>
                </g>
            })}
            {for props.bars.iter().map(|bar| bar_view(bar, &props_view, &drag, &time_at))}
        </svg>
        </div>
    }
}

/// What `bar_view` needs of the props, with the span as drawn.
struct DiagramView {
    span: f64,
    editable: bool,
    selected: Option<usize>,
    step: u64,
    send: Callback<Edit>,
}

impl From<&DiagramProps> for DiagramView {
    fn from(props: &DiagramProps) -> Self {
        DiagramView {
            span: props.span,
            editable: props.editable,
            selected: props.selected,
            step: props.step,
            send: props.send.clone(),
        }
    }
}

fn focus_selected(svg: &NodeRef, selected: Option<usize>) {
    let (Some(svg), Some(op)) = (svg.cast::<web_sys::Element>(), selected) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let typing = active.as_ref().is_some_and(|a| {
        matches!(
            a.tag_name().to_ascii_lowercase().as_str(),
            "input" | "select" | "textarea"
        )
    });
    if typing || active.as_ref().is_some_and(|a| svg.contains(Some(a))) {
        return;
    }
    let bar = svg
        .query_selector(&format!("g.op[data-op=\"{op}\"]"))
        .ok()
        .flatten()
        .and_then(|g| wasm_bindgen::JsCast::dyn_into::<web_sys::SvgElement>(g).ok());
    if let Some(bar) = bar {
        let _ = bar.focus();
    }
}

fn tick_marks(span: f64) -> Vec<f64> {
    let raw = span / 8.0;
    let magnitude = 10f64.powf(raw.max(1.0).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(magnitude * 10.0);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|&t| t <= span)
        .collect()
}

fn bar_view(
    bar: &Bar,
    props: &DiagramView,
    drag: &UseStateHandle<Option<Drag>>,
    time_at: &(impl Fn(i32) -> Option<f64> + Clone + 'static),
) -> Html {
    let span = props.span;
    let x0 = x_of(bar.start, span);
    let x1 = bar
        .end
        .map_or(WIDTH - RIGHT, |e| x_of(e, span))
        .max(x0 + 3.0);
    let y = TOP + LANE * bar.lane as f64 + (LANE - BAR) / 2.0;
    let op = bar.op;
    let selected = props.selected == Some(op);
    let onpointerdown = {
        let (drag, send, time_at) = (drag.clone(), props.send.clone(), time_at.clone());
        let (start, end, editable) = (bar.start, bar.end, props.editable);
        Callback::from(move |e: PointerEvent| {
            // A click gives the bar the keyboard too (Delete, arrows).
            let bar = e
                .target_dyn_into::<web_sys::Element>()
                .and_then(|t| t.closest("g.op").ok().flatten())
                .and_then(|g| wasm_bindgen::JsCast::dyn_into::<web_sys::SvgElement>(g).ok());
            if let Some(bar) = &bar {
                let _ = bar.focus();
            }
            send.emit(Edit::Select(Some(op)));
            let Some(t) = time_at(e.client_x()).filter(|_| editable) else {
                return;
            };
            e.prevent_default();
            let near = |at: f64| ((t - at) / span.max(1.0) * WIDTH).abs() < HANDLE;
            let (part, offset) = match end {
                Some(end) if near(end) => (Part::End, t - end),
                _ if near(start) => (Part::Start, t - start),
                _ => (Part::Whole, t - start),
            };
            if let Some(target) = e.target_dyn_into::<web_sys::Element>() {
                let _ = target.set_pointer_capture(e.pointer_id());
            }
            drag.set(Some(Drag {
                op,
                part,
                offset,
                span,
            }));
        })
    };
    let onkeydown = {
        let (send, step, editable) = (props.send.clone(), props.step as i64, props.editable);
        Callback::from(move |e: KeyboardEvent| {
            let by = match e.key().as_str() {
                "ArrowLeft" => -step,
                "ArrowRight" => step,
                "Delete" | "Backspace" if editable => {
                    e.prevent_default();
                    send.emit(Edit::Delete(op));
                    return;
                }
                "Enter" | " " => {
                    e.prevent_default();
                    send.emit(Edit::Select(Some(op)));
                    return;
                }
                _ => return,
            };
            if !editable {
                return;
            }
            e.prevent_default();
            let part = if e.shift_key() {
                Part::End
            } else if e.alt_key() {
                Part::Start
            } else {
                Part::Whole
            };
            send.emit(Edit::Nudge(op, part, by));
        })
    };
    let onfocus = props
        .send
        .reform(move |_: FocusEvent| Edit::Select(Some(op)));
    let class = classes!(
        "op",
        selected.then_some("selected"),
        bar.end.is_none().then_some("open"),
        match bar.witness {
            Witness::Blocked => Some("blocked"),
            Witness::Skipped => Some("skipped"),
            _ => None,
        }
    );
    let badge = match bar.witness {
        Witness::Point { n, .. } | Witness::InLongest(n) => Some(n.to_string()),
        Witness::Blocked => Some("✗".to_string()),
        _ => None,
    };
    let badge_x = (x1 - 9.0).max(x0 + 9.0);
    html! {
        <g key={op} class="op-wrap">
            <g {class} tabindex="0" role="button" aria-pressed={selected.to_string()}
                // The accessible name starts with the bar's visible words (WCAG 2.5.3).
                aria-label={format!("{}: {}", bar.label, bar.words)} data-op={op.to_string()} {onpointerdown} {onkeydown} {onfocus}>
                <rect class="bar" x={x0.to_string()} y={y.to_string()} width={(x1 - x0).to_string()} height={BAR.to_string()} rx="4" />
                if props.editable {
                    <rect class="handle" x={(x0 - 2.0).to_string()} y={y.to_string()} width="4" height={BAR.to_string()} />
                    if bar.end.is_some() {
                        <rect class="handle" x={(x1 - 2.0).to_string()} y={y.to_string()} width="4" height={BAR.to_string()} />
                    }
                }
                <text class="label" x={(x0 + 6.0).to_string()} y={(y + BAR / 2.0 + 5.0).to_string()}>{&bar.label}</text>
                if let Witness::Point { at, .. } = bar.witness {
                    <circle class="point" cx={x_of(at, span).clamp(x0, x1).to_string()} cy={(y + BAR).to_string()} r="5" />
                }
            </g>
            // Beside the button, not in it: its name already says this.
            if let Some(badge) = badge {
                <g class={classes!("badge", matches!(bar.witness, Witness::Blocked).then_some("blocked"))} aria-hidden="true">
                    <circle cx={badge_x.to_string()} cy={(y - 1.0).to_string()} r="8" />
                    <text x={badge_x.to_string()} y={(y + 3.0).to_string()}>{badge}</text>
                </g>
            }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_span() {
        assert_eq!(tick_marks(100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let ticks = tick_marks(3_000.0);
        assert!(ticks.len() >= 4 && ticks.len() <= 9, "{ticks:?}");
        assert_eq!(tick_marks(0.0), vec![0.0]);
    }
}

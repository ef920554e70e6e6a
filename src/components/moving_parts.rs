//! What moves every frame in the cluster, drawn on one canvas: the timer
//! rings and the messages in flight. As SVG elements they were about a
//! fifth of a playing frame's time (each ring and each kind's path changed
//! every frame, and the browser styled and laid out each change); on a
//! canvas they are a few strokes and no style or layout at all.
//!
//! The canvas sits in the SVG (a `foreignObject` over the viewBox), in the
//! messages' layer: above the nodes, below the messages that have
//! elements of their own, their tags and the badges. Its colours and sizes
//! are the style sheet's: read from hidden probes styled like the dots
//! they stand for, again when the theme changes. It takes no clicks (a
//! click near a flying message catches it, see `cluster_view.rs`) and has
//! no name (what flies is gone before it could be read; paused, each
//! message is a named picture of its own).

use std::collections::HashMap;
use std::f64::consts::PI;
use std::fmt::Write;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};
use yew::prelude::*;

/// The SVG's viewBox: x, y, width, height (as `cluster_view.rs` draws it).
pub const VIEW: (f64, f64, f64, f64) = (-200.0, -200.0, 400.0, 410.0);

/// One thing the canvas draws, in SVG units.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// A node's timer: what is left of it (0..1), drawn clockwise from the
    /// top of a ring of radius `r` around (x, y).
    Ring { x: f64, y: f64, r: f64, left: f64 },
    /// A message of a kind (its CSS class) in flight: its dot at (x, y) and
    /// a trail from the dot to (x + tx, y + ty), back towards its sender.
    Message {
        class: &'static str,
        x: f64,
        y: f64,
        tx: f64,
        ty: f64,
    },
}

/// The order the canvas draws in, as the SVG layers were: the rings, then
/// per kind (by class) every trail of the kind and then its dots.
pub fn in_drawing_order(mut parts: Vec<Part>) -> Vec<Part> {
    let rank = |p: &Part| match p {
        Part::Ring { .. } => (0, ""),
        Part::Message { class, .. } => (1, *class),
    };
    parts.sort_by(|a, b| rank(a).cmp(&rank(b)));
    parts
}

/// The messages in flight as test hooks read them: "kind x y" in whole SVG
/// units (whole numbers: formatting decimals is slow, and this is made
/// every frame), one per message, `;` between.
pub fn dots_attribute(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        if let Part::Message { class, x, y, .. } = part {
            if !out.is_empty() {
                out.push(';');
            }
            // Writing to a String cannot fail.
            let _ = write!(out, "{class} {} {}", x.round() as i32, y.round() as i32);
        }
    }
    out
}

/// A length the browser computed ("7px", "1.5px"), in SVG units.
pub fn css_length(value: &str) -> Option<f64> {
    value.trim().trim_end_matches("px").trim().parse().ok()
}

/// A computed `stroke-dasharray` ("3px, 4px", or "none").
pub fn css_dashes(value: &str) -> Vec<f64> {
    value
        .split([',', ' '])
        .filter_map(css_length)
        .filter(|d| *d >= 0.0)
        .collect()
}

/// A stroke or fill as the style sheet gives it; None for "none".
#[derive(Clone, Debug, Default, PartialEq)]
struct Paint {
    colour: Option<String>,
    width: f64,
    opacity: f64,
    dashes: Vec<f64>,
    /// A stroke's line cap ("butt", "round", "square").
    cap: String,
}

/// How a kind's dot and trail look, or a timer ring.
#[derive(Clone, Debug, Default, PartialEq)]
struct Look {
    radius: f64,
    fill: Paint,
    stroke: Paint,
}

fn colour(value: String) -> Option<String> {
    (value != "none" && !value.is_empty()).then_some(value)
}

/// Reads a probe's computed look.
fn look_of(probe: &Element) -> Option<Look> {
    let style = crate::browser::window()?
        .get_computed_style(probe)
        .ok()
        .flatten()?;
    let get = |name: &str| style.get_property_value(name).unwrap_or_default();
    let opacity = css_length(&get("opacity")).unwrap_or(1.0);
    let stroke_opacity = css_length(&get("stroke-opacity")).unwrap_or(1.0);
    let fill_opacity = css_length(&get("fill-opacity")).unwrap_or(1.0);
    Some(Look {
        radius: css_length(&get("r")).unwrap_or(0.0),
        fill: Paint {
            colour: colour(get("fill")),
            opacity: opacity * fill_opacity,
            ..Paint::default()
        },
        stroke: Paint {
            colour: colour(get("stroke")),
            width: css_length(&get("stroke-width")).unwrap_or(1.0),
            opacity: opacity * stroke_opacity,
            dashes: css_dashes(&get("stroke-dasharray")),
            cap: get("stroke-linecap"),
        },
    })
}

/// The looks read so far (in the theme of the moment: a new theme forgets
/// them, see `theme_signals`).
#[derive(Default)]
struct Looks {
    ring: Option<Look>,
    dots: HashMap<&'static str, (Look, Look)>,
}

/// Whether the system asks for dark colours (the query, kept).
fn dark_query() -> Option<web_sys::MediaQueryList> {
    thread_local! {
        static DARK: Option<web_sys::MediaQueryList> = crate::browser::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    }
    DARK.with(|q| q.clone())
}

/// What tells of a new theme: the system's light/dark query, and the page
/// choosing one (`theme=`).
fn theme_signals() -> Vec<(web_sys::EventTarget, &'static str)> {
    let mut signals: Vec<(web_sys::EventTarget, &'static str)> = Vec::new();
    if let Some(dark) = dark_query() {
        signals.push((dark.into(), "change"));
    }
    if let Some(w) = crate::browser::window() {
        signals.push((w.into(), crate::browser::THEME_CHOSEN));
    }
    signals
}

impl Looks {
    fn ring(&mut self, probes: &Element) -> Option<Look> {
        if self.ring.is_none() {
            self.ring = probes
                .query_selector(".timer")
                .ok()
                .flatten()
                .and_then(|p| look_of(&p));
        }
        self.ring.clone()
    }
    /// A kind's dot and trail.
    fn dot(&mut self, probes: &Element, class: &'static str) -> Option<(Look, Look)> {
        if let Some(found) = self.dots.get(class) {
            return Some(found.clone());
        }
        let kind = probes
            .query_selector(&format!(".fly.{class}"))
            .ok()
            .flatten()?;
        let part = |selector: &str| kind.query_selector(selector).ok().flatten();
        let found = (look_of(&part(".dot")?)?, look_of(&part(".trail")?)?);
        self.dots.insert(class, found.clone());
        Some(found)
    }
}

/// The canvas's scale: canvas pixels per SVG unit (the SVG's own scale,
/// `meet`, times the device's pixel ratio); 0 before it is known.
fn scale_for(svg: &Element) -> f64 {
    let rect = svg.get_bounding_client_rect();
    let (_, _, vw, vh) = VIEW;
    let ratio = crate::browser::window().map_or(1.0, |w| w.device_pixel_ratio());
    (rect.width() / vw).min(rect.height() / vh).max(0.0) * ratio
}

/// The canvas, in HTML's namespace, with the width and height it will be
/// given by the first draw (none until its scale is known).
fn make_canvas() -> Option<HtmlCanvasElement> {
    let canvas = crate::browser::document()?
        .create_element("canvas")
        .ok()?
        .dyn_into::<HtmlCanvasElement>()
        .ok()?;
    canvas.set_class_name("moving-parts");
    canvas.set_width(0);
    canvas.set_height(0);
    Some(canvas)
}

/// What the canvas needs between frames.
#[derive(Default)]
struct Canvas {
    context: Option<CanvasRenderingContext2d>,
    /// Whether the context's line dash is set (reset by a new size).
    dashed: bool,
    scale: f64,
    looks: Looks,
    parts: Rc<Vec<Part>>,
}

/// Sets a stroke up; false for none. The dashes are set only when they
/// change: each call into the canvas is work in the frame.
fn stroke_with(ctx: &CanvasRenderingContext2d, paint: &Paint, dashed: &mut bool) -> bool {
    let Some(colour) = &paint.colour else {
        return false;
    };
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(paint.width);
    ctx.set_global_alpha(paint.opacity);
    ctx.set_line_cap(if paint.cap.is_empty() {
        "butt"
    } else {
        &paint.cap
    });
    if *dashed || !paint.dashes.is_empty() {
        let dashes = js_sys::Array::new();
        for d in &paint.dashes {
            dashes.push(&(*d).into());
        }
        let _ = ctx.set_line_dash(&dashes);
        *dashed = !paint.dashes.is_empty();
    }
    true
}

fn draw(canvas: &HtmlCanvasElement, probes: &Element, state: &mut Canvas) {
    if state.context.is_none() {
        state.context = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
    }
    let Some(ctx) = state.context.clone() else {
        return;
    };
    let _ = canvas.set_attribute("data-dots", &dots_attribute(&state.parts));
    let s = state.scale;
    let (vx, vy, vw, vh) = VIEW;
    let (width, height) = ((vw * s).ceil() as u32, (vh * s).ceil() as u32);
    if canvas.width() != width || canvas.height() != height {
        // A new size clears the canvas and its settings.
        canvas.set_width(width);
        canvas.set_height(height);
        state.dashed = false;
    } else {
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, width as f64, height as f64);
    }
    if s <= 0.0 {
        return;
    }
    let _ = ctx.set_transform(s, 0.0, 0.0, s, -vx * s, -vy * s);
    let parts = state.parts.clone();
    // The rings, all alike: one path.
    if let Some(look) = state.looks.ring(probes) {
        if stroke_with(&ctx, &look.stroke, &mut state.dashed) {
            ctx.begin_path();
            for part in parts.iter() {
                if let Part::Ring { x, y, r, left } = part {
                    if *left > 0.0 {
                        let start = -PI / 2.0;
                        ctx.move_to(*x, *y - r);
                        let _ = ctx.arc(*x, *y, *r, start, start + 2.0 * PI * left);
                    }
                }
            }
            ctx.stroke();
        }
    }
    // Each kind's messages (`in_drawing_order` puts them together): its
    // trails, then its dots.
    let messages: Vec<(&'static str, &Part)> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Message { class, .. } => Some((*class, p)),
            Part::Ring { .. } => None,
        })
        .collect();
    for kind in messages.chunk_by(|a, b| a.0 == b.0) {
        if let Some((dot, trail)) = state.looks.dot(probes, kind[0].0) {
            draw_kind(&ctx, kind, &dot, &trail, &mut state.dashed);
        }
    }
    ctx.set_global_alpha(1.0);
}

/// One kind's messages: every trail, then every dot (filled, then stroked,
/// as SVG paints a circle).
fn draw_kind(
    ctx: &CanvasRenderingContext2d,
    parts: &[(&'static str, &Part)],
    dot: &Look,
    trail: &Look,
    dashed: &mut bool,
) {
    let each = |f: &dyn Fn(f64, f64, f64, f64)| {
        for (_, part) in parts {
            if let Part::Message { x, y, tx, ty, .. } = part {
                f(*x, *y, *tx, *ty);
            }
        }
    };
    if stroke_with(ctx, &trail.stroke, dashed) {
        ctx.begin_path();
        each(&|x, y, tx, ty| {
            ctx.move_to(x, y);
            ctx.line_to(x + tx, y + ty);
        });
        ctx.stroke();
    }
    ctx.begin_path();
    each(&|x, y, _, _| {
        ctx.move_to(x + dot.radius, y);
        let _ = ctx.arc(x, y, dot.radius, 0.0, 2.0 * PI);
    });
    if let Some(colour) = &dot.fill.colour {
        ctx.set_fill_style_str(colour);
        ctx.set_global_alpha(dot.fill.opacity);
        ctx.fill();
    }
    if stroke_with(ctx, &dot.stroke, dashed) {
        ctx.stroke();
    }
}

#[derive(Properties, PartialEq)]
pub struct MovingPartsProps {
    /// What to draw, in drawing order (`in_drawing_order`).
    pub parts: Rc<Vec<Part>>,
    /// Every message kind seen so far: a probe each, for its look.
    pub kinds: Rc<Vec<&'static str>>,
}

/// The canvas and its probes; drawn again whenever the parts change, and
/// when the SVG changes size.
#[component]
pub fn MovingParts(props: &MovingPartsProps) -> Html {
    let host_ref = use_node_ref();
    let probes_ref = use_node_ref();
    let state = use_mut_ref(Canvas::default);
    // The canvas is made here, not by Yew: Yew would make it in the SVG's
    // namespace, where it is no canvas.
    let canvas = use_memo((), |_| make_canvas());
    {
        // The scale follows the SVG's size (a resize, the side panels, a phone
        // turned), and the colours the theme (the system's, or `theme=`),
        // even while paused.
        let (canvas, host_ref, probes_ref, state) = (
            canvas.clone(),
            host_ref.clone(),
            probes_ref.clone(),
            state.clone(),
        );
        use_effect_with((), move |_| {
            let observer = (*canvas).clone().and_then(|canvas| {
                let host = host_ref.cast::<Element>()?;
                host.append_child(&canvas).ok()?;
                let svg = host.closest("svg").ok().flatten()?;
                let redraw = {
                    let (svg, canvas) = (svg.clone(), canvas.clone());
                    Closure::<dyn FnMut()>::new(move || {
                        let Some(probes) = probes_ref.cast::<Element>() else {
                            return;
                        };
                        let mut state = state.borrow_mut();
                        state.scale = scale_for(&svg);
                        // Perhaps a new theme: its looks are read afresh.
                        state.looks = Looks::default();
                        draw(&canvas, &probes, &mut state);
                    })
                };
                let observer =
                    web_sys::ResizeObserver::new(redraw.as_ref().unchecked_ref()).ok()?;
                observer.observe(&svg);
                for (target, event) in theme_signals() {
                    let _ = target
                        .add_event_listener_with_callback(event, redraw.as_ref().unchecked_ref());
                }
                Some((observer, redraw))
            });
            move || {
                if let Some((observer, redraw)) = observer {
                    observer.disconnect();
                    for (target, event) in theme_signals() {
                        let _ = target.remove_event_listener_with_callback(
                            event,
                            redraw.as_ref().unchecked_ref(),
                        );
                    }
                }
            }
        });
    }
    {
        let (canvas, probes_ref, state) = (canvas.clone(), probes_ref.clone(), state.clone());
        use_effect_with(props.parts.clone(), move |parts| {
            let mut state = state.borrow_mut();
            state.parts = parts.clone();
            if let (Some(canvas), Some(probes)) = ((*canvas).as_ref(), probes_ref.cast::<Element>())
            {
                draw(canvas, &probes, &mut state);
            }
        });
    }
    let (vx, vy, vw, vh) = VIEW;
    html! {
        <>
            <g class="flying" ref={probes_ref} aria-hidden="true">
                <circle class="timer" />
                {for props.kinds.iter().map(|kind| html! {
                    <g key={*kind} class={classes!("fly", *kind)}>
                        <circle class="dot" />
                        <line class="trail" />
                    </g>
                })}
            </g>
            <foreignObject ref={host_ref} class="moving-parts" x={vx.to_string()} y={vy.to_string()}
                width={vw.to_string()} height={vh.to_string()} aria-hidden="true" />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(class: &'static str, x: f64) -> Part {
        Part::Message {
            class,
            x,
            y: 0.0,
            tx: -16.0,
            ty: 0.0,
        }
    }

    #[test]
    fn rings_come_first_then_each_kind_in_turn() {
        let ring = Part::Ring {
            x: 0.0,
            y: 0.0,
            r: 40.0,
            left: 0.5,
        };
        let parts = vec![
            message("vote-request", 1.0),
            message("append", 2.0),
            ring.clone(),
            message("vote-request", 3.0),
        ];
        assert_eq!(
            in_drawing_order(parts),
            vec![
                ring,
                message("append", 2.0),
                message("vote-request", 1.0),
                message("vote-request", 3.0)
            ]
        );
    }

    #[test]
    fn the_dots_attribute_names_each_message_in_flight() {
        let parts = vec![
            Part::Ring {
                x: 0.0,
                y: 0.0,
                r: 40.0,
                left: 0.5,
            },
            message("append", 12.4),
            message("client-request", -3.6),
        ];
        assert_eq!(dots_attribute(&parts), "append 12 0;client-request -4 0");
        assert_eq!(dots_attribute(&[]), "");
    }

    #[test]
    fn computed_lengths_and_dashes_are_read() {
        assert_eq!(css_length("7px"), Some(7.0));
        assert_eq!(css_length(" 1.5px "), Some(1.5));
        assert_eq!(css_length("0.45"), Some(0.45));
        assert_eq!(css_length("auto"), None);
        assert_eq!(css_dashes("3px, 4px"), vec![3.0, 4.0]);
        assert_eq!(css_dashes("none"), Vec::<f64>::new());
    }
}

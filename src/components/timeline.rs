//! The whole run at a glance, under the scrubber: who led when (a band per
//! term, in its colour), terms that got no leader (hatched), the learner's
//! actions, where invariants broke. Clicking a mark travels to the exact
//! moment of its event; clicking elsewhere travels to that point. The
//! scrubber and the Safety panel are the keyboard's way.

use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub start_ms: u64,
    /// Where it ends; for an open band, where the run ended when it was made.
    pub end_ms: u64,
    /// Still going: it runs to the strip's end, however far the run grows
    /// (so the bands are not made again, nor placed again, every frame).
    pub open: bool,
    pub label: String,
    /// A shorter label for a narrow band ("S3").
    pub short: String,
    pub colour: String,
    /// "leader" or "leaderless".
    pub kind: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at_ms: u64,
    pub label: String,
    /// "action" or "violation".
    pub kind: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub now_ms: u64,
    pub end_ms: u64,
    pub bands: Rc<Vec<Band>>,
    pub marks: Rc<Vec<Mark>>,
    /// What the strip shows, in words, above it (the lab says what its bands are).
    pub caption: AttrValue,
    pub on_seek: Callback<u64>,
}

/// A lane per band so that overlapping bands (two leaders of one term in a
/// broken run, a minority's terms beside a leader) sit one above the other.
/// Bands must be sorted by start. Returns each band's lane and the lane count.
pub fn lanes(bands: &[Band]) -> (Vec<usize>, usize) {
    let mut ends: Vec<u64> = Vec::new();
    let mut lane_of = Vec::with_capacity(bands.len());
    for band in bands {
        let lane = match ends.iter().position(|&end| end <= band.start_ms) {
            Some(lane) => lane,
            None => {
                ends.push(0);
                ends.len() - 1
            }
        };
        // An open band's end is where the run had got when it was made:
        // it goes on, so its lane stays taken.
        ends[lane] = if band.open {
            u64::MAX
        } else {
            band.end_ms.max(band.start_ms + 1)
        };
        lane_of.push(lane);
    }
    (lane_of, ends.len().max(1))
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    // Found by ref: Yew delegates events, so `current_target` is not the strip.
    let strip_ref = use_node_ref();
    let cursor_ref = use_node_ref();
    // What each child was given, by its key: only what changed is set again.
    let placed = use_mut_ref(Vec::<(String, Place)>::new);
    let on_seek = props.on_seek.clone();
    let end_ms = props.end_ms;
    let strip = strip_ref.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        let Some(strip) = strip.cast::<web_sys::Element>() else {
            return;
        };
        let rect = strip.get_bounding_client_rect();
        if rect.width() > 0.0 {
            let fraction = ((e.client_x() as f64 - rect.left()) / rect.width()).clamp(0.0, 1.0);
            on_seek.emit((fraction * end_ms as f64).round() as u64);
        }
    });
    // Bands and marks are placed in milliseconds and the style sheet
    // divides by the strip's end, so as the run grows only the strip's
    // `--end` and the cursor change, not every band; and they are placed
    // again only when they change.
    {
        let (strip, placed) = (strip_ref.clone(), placed.clone());
        use_effect_with(
            (props.bands.clone(), props.marks.clone()),
            move |(bands, marks)| {
                let (lane_of, lane_count) = lanes(bands);
                let places = bands
                    .iter()
                    .zip(lane_of)
                    .map(|(b, lane)| {
                        let length = if b.open {
                            // Not read: an open band's style runs it to the end.
                            String::new()
                        } else {
                            b.end_ms.saturating_sub(b.start_ms).to_string()
                        };
                        let place = vec![
                            ("--at", b.start_ms.to_string()),
                            ("--length", length),
                            // Its lane, of the strip's `--lanes` (style.css places it
                            // below the room kept for the marks).
                            ("--lane", lane.to_string()),
                            ("--band-colour", b.colour.clone()),
                        ];
                        (band_key(b), place)
                    })
                    .chain(
                        marks
                            .iter()
                            .enumerate()
                            .map(|(i, m)| (i.to_string(), vec![("--at", m.at_ms.to_string())])),
                    )
                    .collect();
                place(strip.cast(), &vec![("--lanes", lane_count.to_string())]);
                place_children(&strip, places, &mut placed.borrow_mut());
            },
        );
    }
    {
        let (strip, cursor) = (strip_ref.clone(), cursor_ref.clone());
        let cursor_at = use_mut_ref(String::new);
        use_effect_with((props.end_ms.max(1), props.now_ms), move |(end, now)| {
            place(strip.cast(), &vec![("--end", end.to_string())]);
            // At the end (a run played live), the cursor rides the strip's
            // end: set once, not every frame.
            let at = if now >= end {
                "var(--end)".to_string()
            } else {
                now.to_string()
            };
            if *cursor_at.borrow() != at {
                place(cursor.cast(), &vec![("--at", at.clone())]);
                *cursor_at.borrow_mut() = at;
            }
        });
    }
    html! {
        <>
        // The scrubber and the Safety panel are the keyboard's and screen reader's way.
        <p class="timeline-caption" aria-hidden="true" data-testid="timeline-caption">{props.caption.clone()}</p>
        <div class="timeline" ref={strip_ref} {onclick} aria-hidden="true" data-end={props.end_ms.max(1).to_string()}
            title={format!("{} Click to travel.", props.caption)}>
            <BandsAndMarks bands={props.bands.clone()} marks={props.marks.clone()} on_seek={props.on_seek.clone()} />
            <div class="cursor" ref={cursor_ref} data-at={props.now_ms.to_string()}></div>
        </div>
        </>
    }
}

/// The strip's bands and marks: their own component, so that as the
/// cursor moves (every frame) they are not built again.
#[derive(Properties)]
struct BandsAndMarksProps {
    bands: Rc<Vec<Band>>,
    marks: Rc<Vec<Mark>>,
    on_seek: Callback<u64>,
}

impl PartialEq for BandsAndMarksProps {
    fn eq(&self, other: &Self) -> bool {
        // `on_seek` is made anew each render but always does the same.
        (Rc::ptr_eq(&self.bands, &other.bands) || self.bands == other.bands)
            && (Rc::ptr_eq(&self.marks, &other.marks) || self.marks == other.marks)
    }
}

#[component]
fn BandsAndMarks(props: &BandsAndMarksProps) -> Html {
    html! {
        <>
            // Bands and marks each a list of their own (see raft_log.rs's Strip:
            // `for` items among other children are matched by place, not key).
            <>{for props.bands.iter().map(|b| html! {
                <div key={band_key(b)} class={classes!("band", b.kind, b.open.then_some("open"))}
                    data-start-ms={b.start_ms.to_string()} data-length-ms={(!b.open).then(|| b.end_ms.saturating_sub(b.start_ms).to_string())}
                    title={b.label.clone()} data-label={b.label.clone()}>
                    <span class="long">{&b.label}</span>
                    <span class="short">{&b.short}</span>
                </div>
            })}</>
            <>{for props.marks.iter().enumerate().map(|(i, m)| {
                let at = m.at_ms;
                let on_seek = props.on_seek.clone();
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    on_seek.emit(at);
                });
                html! {
                    <div key={i} class={classes!("mark", m.kind)}
                        title={m.label.clone()} data-at={m.at_ms.to_string()} {onclick}></div>
                }
            })}</>
        </>
    }
}

/// CSS properties and their values, for one element of the strip.
type Place = Vec<(&'static str, String)>;

fn band_key(b: &Band) -> String {
    format!("{}-{}", b.start_ms, b.label)
}

/// Places the strip's children (bands, then marks, each with its key), in
/// order, setting only the properties that differ from what the element
/// with that key was given last (`placed`). Yew keeps an element while its
/// key stays, so what it was given is still on it.
fn place_children(
    strip: &NodeRef,
    places: Vec<(String, Place)>,
    placed: &mut Vec<(String, Place)>,
) {
    let Some(strip) = strip.cast::<web_sys::Element>() else {
        return;
    };
    let children = strip.children();
    for (i, (key, place_of)) in places.iter().enumerate() {
        let before = placed.get(i).filter(|(k, _)| k == key).map(|(_, p)| p);
        let changed: Place = place_of
            .iter()
            .filter(|property| before.is_none_or(|b| !b.contains(property)))
            .cloned()
            .collect();
        if !changed.is_empty() {
            place(children.item(i as u32), &changed);
        }
    }
    *placed = places;
}

/// Positions and colours an element of the strip (or the strip), as CSS
/// properties the style sheet reads. Through the CSSOM, not `style`
/// attributes: a strict CSP (`style-src 'self'`) blocks those, and this way
/// the site needs no `'unsafe-inline'` for styles.
fn place(element: Option<web_sys::Element>, properties: &Place) {
    let Some(element) =
        element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    else {
        return;
    };
    let style = element.style();
    for (property, value) in properties {
        let _ = style.set_property(property, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(start_ms: u64, end_ms: u64) -> Band {
        Band {
            start_ms,
            end_ms,
            label: String::new(),
            short: String::new(),
            colour: String::new(),
            kind: "leader",
            open: false,
        }
    }

    #[test]
    fn overlapping_bands_get_lanes_of_their_own() {
        let (lanes_of, count) =
            lanes(&[band(0, 100), band(50, 200), band(100, 300), band(250, 400)]);
        assert_eq!(lanes_of, vec![0, 1, 0, 1]);
        assert_eq!(count, 2);
        assert_eq!(lanes(&[]).1, 1);
    }

    #[test]
    fn a_band_starting_where_an_open_band_was_cut_off_gets_a_lane_of_its_own() {
        // Made when the run had got to 200: the open band still goes on.
        let open = Band {
            open: true,
            ..band(100, 200)
        };
        let (lanes_of, count) = lanes(&[band(0, 100), open, band(200, 300)]);
        assert_eq!(lanes_of, vec![0, 0, 1]);
        assert_eq!(count, 2);
    }
}

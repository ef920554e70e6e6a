//! Panels out of sight wait while the run plays. Below the cluster sit
//! the log strips, the legend and the things to try; on a laptop screen
//! they are out of sight while the learner watches the cluster, yet
//! drawing them every frame cost about a millisecond of a 4 ms budget.
//! While the run plays and none of them is in the viewport, their last
//! drawing stays as it is; the frame they come into sight (scrolled to,
//! or reached with Tab), or the run pauses, they are drawn afresh.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry};
use yew::prelude::*;

/// Whether a group of panels is in sight, and how many times it was drawn.
#[derive(Default)]
pub struct Sight {
    /// Until an observer reports, a group counts as in sight.
    hidden: Rc<Cell<bool>>,
    drawn: Cell<u64>,
}

impl Sight {
    /// The group `draw` makes: drawn now if the run is paused or the group
    /// is in sight, else left as last drawn (and `draw` is not called).
    pub fn hold(&self, playing: bool, draw: impl FnOnce() -> Html) -> Html {
        let fresh = !playing || !self.hidden.get();
        let children = if fresh {
            self.drawn.set(self.drawn.get() + 1);
            draw()
        } else {
            Html::default()
        };
        html! {
            <Held drawn={self.drawn.get()} hidden={self.hidden.clone()}>{children}</Held>
        }
    }
}

/// A `Sight` kept across renders.
#[hook]
pub fn use_sight() -> Rc<Sight> {
    use_memo((), |_| Sight::default())
}

#[derive(Properties)]
struct HeldProps {
    drawn: u64,
    hidden: Rc<Cell<bool>>,
    #[prop_or_default]
    children: Html,
}

impl PartialEq for HeldProps {
    /// The same drawing count means "keep the last drawing": Yew then
    /// leaves this component and everything in it untouched.
    fn eq(&self, other: &Self) -> bool {
        self.drawn == other.drawn && Rc::ptr_eq(&self.hidden, &other.hidden)
    }
}

/// The observer, its callback, the boxes it watches, and which elements
/// were found to have no box of their own (their display never changes).
struct Watch {
    observer: IntersectionObserver,
    _report: Closure<dyn Fn(js_sys::Array)>,
    watched: Vec<Element>,
    boxless: Vec<(Element, bool)>,
}

impl Watch {
    /// What can be watched in `group`: its children, or, for a child that
    /// lays out as if absent (`display: contents`, as `.logs-and-why`),
    /// that child's own, as it has no box to meet the viewport.
    fn boxes_in(&mut self, group: &Element) -> Vec<Element> {
        let children = group.children();
        (0..children.length())
            .filter_map(|i| children.item(i))
            .flat_map(|child| {
                if self.is_boxless(&child) {
                    self.boxes_in(&child)
                } else {
                    vec![child]
                }
            })
            .collect()
    }

    /// Asked of the style once per element: asking forces a style update,
    /// which would cost every frame while the group is in sight.
    fn is_boxless(&mut self, element: &Element) -> bool {
        self.boxless.retain(|(e, _)| e.is_connected());
        if let Some((_, boxless)) = self.boxless.iter().find(|(e, _)| e == element) {
            return *boxless;
        }
        let boxless = web_sys::window()
            .and_then(|w| w.get_computed_style(element).ok().flatten())
            .and_then(|style| style.get_property_value("display").ok())
            .is_some_and(|display| display == "contents");
        self.boxless.push((element.clone(), boxless));
        boxless
    }
}

/// Its children, in a box that lays out as if absent (`display: contents`,
/// style.css), so on a phone each panel keeps its own place in the order.
/// An observer watches each child's box (see `Watch::boxes_in`); the group
/// is hidden when none of them meets the viewport.
#[component]
fn Held(props: &HeldProps) -> Html {
    let node = use_node_ref();
    let watch = use_mut_ref(|| None::<Watch>);
    // After each drawing: watch the boxes now there (one may be new).
    {
        let (node, watch, hidden) = (node.clone(), watch.clone(), props.hidden.clone());
        use_effect_with(props.drawn, move |_| {
            let mut slot = watch.borrow_mut();
            if slot.is_none() {
                *slot = observer(hidden);
            }
            if let (Some(watch), Some(group)) = (slot.as_mut(), node.cast::<Element>()) {
                let now = watch.boxes_in(&group);
                if now != watch.watched {
                    watch.observer.disconnect();
                    now.iter().for_each(|target| watch.observer.observe(target));
                    watch.watched = now;
                }
            }
        });
    }
    {
        let watch = watch.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(watch) = watch.borrow_mut().take() {
                    watch.observer.disconnect();
                }
            }
        });
    }
    html! { <div class="held" ref={node}>{props.children.clone()}</div> }
}

/// An observer that sets `hidden` to whether none of its targets is in
/// the viewport. It reports only the targets that changed, so it keeps
/// the last word on each.
fn observer(hidden: Rc<Cell<bool>>) -> Option<Watch> {
    let in_sight: RefCell<Vec<(Element, bool)>> = RefCell::new(Vec::new());
    let report = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let mut in_sight = in_sight.borrow_mut();
        for entry in entries.iter() {
            let Ok(entry) = entry.dyn_into::<IntersectionObserverEntry>() else {
                continue;
            };
            let target = entry.target();
            // Targets no longer in the document are forgotten.
            in_sight.retain(|(t, _)| t.is_connected() && *t != target);
            in_sight.push((target, entry.is_intersecting()));
        }
        hidden.set(!in_sight.iter().any(|(_, seen)| *seen));
    });
    let observer = IntersectionObserver::new(report.as_ref().unchecked_ref()).ok()?;
    Some(Watch {
        observer,
        _report: report,
        watched: Vec::new(),
        boxless: Vec::new(),
    })
}

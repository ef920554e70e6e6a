//! The cluster: nodes on a ring, the links between them, the cut of a
//! partition, and messages flying along the links.

use super::moving_parts::{in_drawing_order, MovingParts, Part, VIEW};
use distviz_core::sim::{LinkState, NodeId};
use std::f64::consts::PI;
use std::rc::Rc;
use yew::prelude::*;

/// How one node looks; the lab fills it in from the protocol's state.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeVisual {
    pub id: NodeId,
    pub up: bool,
    /// A CSS class for the role: "follower", "candidate", "leader".
    pub role: &'static str,
    /// Its term (or epoch, ballot: the model's logical clock).
    pub term: u64,
    /// The node's colour (by term), as CSS.
    pub colour: String,
    /// Short lines inside the node, under its name ("term 3").
    pub lines: Vec<String>,
    /// A word under the node ("leader", "down").
    pub badge: String,
    /// What is left of the node's main timer, 0..1.
    pub timer_left: Option<f64>,
    /// For each other node, whether it voted for this one (candidates, leaders).
    pub votes: Vec<(NodeId, bool)>,
    /// The partition side it is on (0 when the network is whole).
    pub group: u8,
    /// Its full description, for screen readers.
    pub label: String,
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageVisual {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    /// 0 at the sender, 1 at the receiver.
    pub progress: f64,
    /// A CSS class for its kind.
    pub class: &'static str,
    pub label: String,
    pub held: bool,
    /// A few characters drawn beside the dot (Paxos: its ballot); empty for none.
    pub tag: String,
}

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub nodes: Rc<Vec<NodeVisual>>,
    pub messages: Rc<Vec<MessageVisual>>,
    pub selected: Option<NodeId>,
    /// Directed links that drop or hold messages.
    pub faulty_links: Rc<Vec<(NodeId, NodeId, LinkState)>>,
    pub picked: Rc<Vec<NodeId>>,
    pub selected_message: Option<u64>,
    pub hint: AttrValue,
    pub on_activate: Callback<NodeId>,
    pub on_select: Callback<NodeId>,
    pub on_message: Callback<u64>,
    /// A click on the background near a message (the nearest one is caught).
    pub on_catch: Callback<u64>,
    /// While playing, messages move: a click catches one from further away.
    pub playing: bool,
}

const RING: f64 = 140.0;
/// How far (in SVG units) from a message a background click still catches it.
const CATCH_PLAYING: f64 = 45.0;
const CATCH_PAUSED: f64 = 22.0;

/// Where the nodes sit: on a ring, in the order the lab lists them (so
/// servers and clients, S1 and C1, each get a place of their own).
pub struct Layout {
    order: Vec<NodeId>,
}

impl Layout {
    pub fn new(order: impl IntoIterator<Item = NodeId>) -> Self {
        Layout {
            order: order.into_iter().collect(),
        }
    }
    fn count(&self) -> usize {
        self.order.len()
    }
    fn at(&self, id: NodeId) -> (f64, f64) {
        let index = self.order.iter().position(|&n| n == id).unwrap_or(0);
        position(index, self.count())
    }
}

/// Where a message is drawn: between its ends, by progress.
/// A message flies from its sender's rim to its receiver's rim: it never
/// covers a node's middle, where a click means the node.
fn message_at(m: &MessageVisual, layout: &Layout) -> (f64, f64) {
    let count = layout.count();
    let (x1, y1) = layout.at(m.from);
    let (x2, y2) = layout.at(m.to);
    let length = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
    let (ux, uy) = ((x2 - x1) / length, (y2 - y1) / length);
    let r = node_radius(count).min(length / 2.0);
    let (sx, sy, ex, ey) = (x1 + ux * r, y1 + uy * r, x2 - ux * r, y2 - uy * r);
    let p = m.progress.clamp(0.0, 1.0);
    (sx + (ex - sx) * p, sy + (ey - sy) * p)
}

/// A short trail behind a message, from its dot back towards its sender,
/// shows which way it flies: its far end, relative to the dot.
fn trail((x1, y1): (f64, f64), (x2, y2): (f64, f64)) -> (f64, f64) {
    let length = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
    (-(x2 - x1) / length * 16.0, -(y2 - y1) / length * 16.0)
}

/// The message nearest to (x, y), if one is within `reach`.
pub fn nearest_message(
    messages: &[MessageVisual],
    layout: &Layout,
    (x, y): (f64, f64),
    reach: f64,
) -> Option<u64> {
    messages
        .iter()
        .map(|m| {
            let (mx, my) = message_at(m, layout);
            ((mx - x).powi(2) + (my - y).powi(2), m.id)
        })
        .filter(|&(d2, _)| d2 <= reach * reach)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

/// A click's place in SVG units (the viewBox is scaled to fit, centred).
/// The SVG is found by its ref: Yew delegates events, so the event's
/// current target is not the element the handler was written on.
fn svg_point(svg: &NodeRef, e: &MouseEvent) -> Option<(f64, f64)> {
    let svg = svg.cast::<web_sys::Element>()?;
    let rect = svg.get_bounding_client_rect();
    let (vx, vy, vw, vh) = VIEW;
    let scale = (rect.width() / vw).min(rect.height() / vh);
    if scale <= 0.0 {
        return None;
    }
    let left = rect.left() + (rect.width() - vw * scale) / 2.0;
    let top = rect.top() + (rect.height() - vh * scale) / 2.0;
    Some((
        (e.client_x() as f64 - left) / scale + vx,
        (e.client_y() as f64 - top) / scale + vy,
    ))
}

fn position(index: usize, count: usize) -> (f64, f64) {
    if count == 1 {
        return (0.0, 0.0);
    }
    let angle = -PI / 2.0 + 2.0 * PI * index as f64 / count as f64;
    (RING * angle.cos(), RING * angle.sin())
}

fn node_radius(count: usize) -> f64 {
    if count <= 1 {
        36.0
    } else {
        (0.75 * RING * (PI / count as f64).sin()).min(36.0)
    }
}

/// The width to squeeze a line of words inside a node to, if it is wider
/// than the circle just above its baseline (`y` below the centre), less
/// room for the vote dots on the rim: "log 270 ✓268" on small nodes. An
/// estimate of 10px system-ui, no measuring: DejaVu Sans's widths (the
/// widest of the common ones), so that it errs towards squeezing.
fn squeezed_width(line: &str, radius: f64, y: f64) -> Option<f64> {
    let room = 2.0 * (radius * radius - (y - 2.0) * (y - 2.0)).max(0.0).sqrt() - 12.0;
    let wide: f64 = line
        .chars()
        .map(|c| match c {
            ' ' | '·' => 3.2,
            'l' | 'i' => 2.8,
            '✓' => 8.4,
            'm' | 'w' => 9.8,
            _ => 6.4,
        })
        .sum();
    (wide > room && room > 0.0).then_some(room)
}

/// A node: its own component, compared by value without its timer (drawn
/// on the canvas of moving parts), so that while only timers and messages
/// move, as they do most frames, no node is drawn again.
#[derive(Properties)]
struct NodeGlyphProps {
    /// The node, without its timer (`timer_left` is None).
    node: NodeVisual,
    at: (f64, f64),
    radius: f64,
    selected: bool,
    picked: bool,
    /// Each vote: the voter, granted or not, and its dot's place on the rim.
    votes: Vec<(NodeId, bool, String, String)>,
    on_activate: Callback<NodeId>,
    on_select: Callback<NodeId>,
}

impl PartialEq for NodeGlyphProps {
    fn eq(&self, other: &Self) -> bool {
        // The callbacks are made anew each render but always do the same.
        (
            &self.node,
            self.at,
            self.radius,
            self.selected,
            self.picked,
            &self.votes,
        ) == (
            &other.node,
            other.at,
            other.radius,
            other.selected,
            other.picked,
            &other.votes,
        )
    }
}

#[component]
fn NodeGlyph(props: &NodeGlyphProps) -> Html {
    let NodeGlyphProps {
        node: n,
        at: (x, y),
        radius,
        selected,
        picked,
        votes,
        ..
    } = props;
    let id = n.id;
    let onclick = props.on_activate.reform(move |e: MouseEvent| {
        e.stop_propagation();
        id
    });
    let on_activate = props.on_activate.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            on_activate.emit(id);
        }
    });
    let onfocus = props.on_select.reform(move |_: FocusEvent| id);
    let class = classes!(
        "node",
        n.role,
        (!n.up).then_some("down"),
        selected.then_some("selected"),
        picked.then_some("picked")
    );
    let lines = &n.lines;
    html! {
        <g class={class} transform={format!("translate({x:.1} {y:.1})")}
           tabindex="0" role="button" aria-label={n.label.clone()} aria-pressed={picked.to_string()}
           data-node={n.id.to_string()} data-role={if n.up { n.role } else { "down" }} data-term={n.term.to_string()}
           {onclick} {onkeydown} {onfocus}>
            <circle class="focus-ring" r={(radius + 12.0).to_string()} />
            if *picked { <circle class="pick-ring" r={(radius + 10.0).to_string()} /> }
            <circle class="body" r={radius.to_string()} fill={n.colour.clone()} />
            <>{for votes.iter().map(|(voter, granted, cx, cy)| html! {
                <circle key={voter.n} class={classes!("vote", granted.then_some("granted"))}
                    cx={cx.clone()} cy={cy.clone()} r="4" />
            })}</>
            if !n.up {
                <path class="down-cross" d={format!("M{a} {a} L{b} {b} M{a} {b} L{b} {a}", a = -radius * 0.6, b = radius * 0.6)} />
            }
            // The label starts with these texts (WCAG 2.5.3, label in name). The
            // spaces between them (not drawn) keep their words apart when read as one.
            <text class="name" y={if lines.is_empty() { "5" } else { "-2" }}>{id.to_string()}</text>
            <>{for lines.iter().enumerate().map(|(i, line)| {
                let y = 14 + 12 * i;
                let fit = squeezed_width(line, *radius, y as f64);
                html! {
                    <>{" "}<text class="line" y={y.to_string()} textLength={fit.map(|w| format!("{w:.0}"))}
                        lengthAdjust={fit.map(|_| "spacingAndGlyphs")}>{line}</text></>
                }
            })}</>
        </g>
    }
}

/// The links between the nodes, the cut of a partition, and faulty
/// directions: their own component, compared by value, drawn again only
/// when the nodes, the cut or a fault change (not every frame).
#[derive(Properties, PartialEq)]
struct LinksProps {
    ids: Vec<NodeId>,
    /// Each node's partition side, in `ids` order.
    groups: Vec<u8>,
    faulty: Rc<Vec<(NodeId, NodeId, LinkState)>>,
}

#[component]
fn Links(props: &LinksProps) -> Html {
    let layout = Layout::new(props.ids.iter().copied());
    let count = props.ids.len();
    let mut links = Vec::new();
    for a in 0..count {
        for b in a + 1..count {
            let (x1, y1) = position(a, count);
            let (x2, y2) = position(b, count);
            let cut = props.groups.get(a) != props.groups.get(b);
            let class = if cut { "link cut" } else { "link" };
            links.push(html! {
                <g key={format!("{a}-{b}")} class={class}>
                    <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                    if cut {
                        <text class="cut-mark" x={((x1 + x2) / 2.0).to_string()} y={((y1 + y2) / 2.0 + 5.0).to_string()} aria-hidden="true">{"✕"}</text>
                    }
                </g>
            });
        }
    }
    // A faulty direction is drawn on the sender's half of the line.
    let faulty = props.faulty.iter().map(|&(from, to, state)| {
        let (x1, y1) = layout.at(from);
        let (x2, y2) = layout.at(to);
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let class = classes!("link-fault", format!("{state:?}").to_lowercase());
        html! {
            <line key={format!("fault-{from}-{to}")} class={class}
                x1={x1.to_string()} y1={y1.to_string()} x2={mx.to_string()} y2={my.to_string()} />
        }
    });
    html! {
        <g class="links"><>{links}</><>{for faulty}</></g>
    }
}

#[component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let svg_ref = use_node_ref();
    let seen_kinds = use_mut_ref(|| Rc::new(Vec::<&'static str>::new()));
    let count = props.nodes.len();
    let radius = node_radius(count);
    let layout = Rc::new(Layout::new(props.nodes.iter().map(|n| n.id)));
    let at = |id: NodeId| layout.at(id);

    let groups: Vec<u8> = props.nodes.iter().map(|n| n.group).collect();
    let faulty = props.faulty_links.clone();

    // While playing, most messages live a frame or two (at 1× about five
    // are made each frame). A moving message that needs nothing of its own
    // (not held, no tag, not selected) is drawn on the canvas of moving
    // parts, with the timer rings (see `moving_parts.rs`). It has no click
    // target (a click near it catches it, see `catch`) and no name (it is
    // gone before it could be read; paused, the "On the wire" list and the
    // named dots are the way).
    let own_elements = |m: &MessageVisual| {
        !props.playing || m.held || !m.tag.is_empty() || props.selected_message == Some(m.id)
    };
    let rings = props.nodes.iter().filter_map(|n| {
        let (x, y) = at(n.id);
        n.timer_left.map(|left| Part::Ring {
            x,
            y,
            r: radius + 6.0,
            left: left.clamp(0.0, 1.0),
        })
    });
    let flying = props.messages.iter().filter(|m| !own_elements(m)).map(|m| {
        let (x, y) = message_at(m, &layout);
        let (tx, ty) = trail(at(m.from), at(m.to));
        Part::Message {
            class: m.class,
            x,
            y,
            tx,
            ty,
        }
    });
    let parts = Rc::new(in_drawing_order(rings.chain(flying).collect()));
    // A kind's probe stays once made: kinds come and go every few frames.
    let kinds = {
        let mut seen = seen_kinds.borrow_mut();
        let new: Vec<&'static str> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Message { class, .. } if !seen.contains(class) => Some(*class),
                _ => None,
            })
            .collect();
        if !new.is_empty() {
            let mut all: Vec<&'static str> = seen.iter().copied().chain(new).collect();
            all.sort_unstable();
            all.dedup();
            *seen = Rc::new(all);
        }
        seen.clone()
    };

    let messages = props.messages.iter().filter(|m| own_elements(m)).map(|m| {
        let (x1, y1) = at(m.from);
        let (x2, y2) = at(m.to);
        let (x, y) = message_at(m, &layout);
        let (tx, ty) = trail((x1, y1), (x2, y2));
        let id = m.id;
        let onclick = props.on_message.reform(move |e: MouseEvent| {
            e.stop_propagation();
            id
        });
        let selected = props.selected_message == Some(m.id);
        // A large target on the wire; by a node only the dot, so the node stays clickable.
        let reach = radius + 18.0;
        let over_node = [(x1, y1), (x2, y2)]
            .iter()
            .any(|(nx, ny)| (nx - x).powi(2) + (ny - y).powi(2) < reach * reach);
        let hit = if over_node { "9" } else { "18" };
        let class = classes!("message", m.class, m.held.then_some("held"), selected.then_some("selected"));
        // Paused, each message is a picture named by what it carries, that
        // a click opens (the keyboard's way is the list "On the wire"); while
        // playing (a held, tagged or selected one), only what it shows.
        // What is the same for every message (the dot's radius, the tag's
        // place) is in the style sheet.
        let paused = !props.playing;
        html! {
            <g key={m.id.to_string()} class={class} transform={format!("translate({x:.1} {y:.1})")} {onclick}
               role={paused.then_some("img")} aria-label={paused.then(|| m.label.clone())}
               data-message-id={m.id.to_string()}>
                if paused { <circle r={hit} class="hit" /> }
                if !m.held { <line class="trail" x1={format!("{tx:.1}")} y1={format!("{ty:.1}")} /> }
                <circle class="dot" />
                if m.held { <text class="held-mark" y="-11">{"❚❚"}</text> }
            </g>
        }
    });
    // Tags in a layer above every dot, each on an opaque backing, so no
    // other message passing by hides one (nor fails axe's contrast check).
    // A click on a tag opens its message; its words are in the message's
    // name already.
    let tags = props
        .messages
        .iter()
        .filter(|m| own_elements(m) && !m.tag.is_empty())
        .map(|m| {
            let (x, y) = message_at(m, &layout);
            let id = m.id;
            let onclick = props.on_message.reform(move |e: MouseEvent| {
                e.stop_propagation();
                id
            });
            html! {
                <g key={m.id.to_string()} class={m.class} transform={format!("translate({x:.1} {y:.1})")} {onclick}
                   data-message-id={m.id.to_string()}>
                    <rect class="tag-bg" width={(m.tag.chars().count() * 6 + 4).to_string()} />
                    <text class="message-tag">{m.tag.clone()}</text>
                </g>
            }
        });

    let nodes = props.nodes.iter().map(|n| {
        let (x, y) = at(n.id);
        // Each vote's dot on the rim, towards its voter, clear of the words inside.
        let votes: Vec<_> = n.votes.iter().map(|&(voter, granted)| {
            let (vx, vy) = at(voter);
            let angle = (vy - y).atan2(vx - x);
            (voter, granted, format!("{:.1}", radius * angle.cos()), format!("{:.1}", radius * angle.sin()))
        }).collect();
        html! {
            <NodeGlyph key={n.id.to_string()} node={NodeVisual { timer_left: None, ..n.clone() }} at={(x, y)} {radius}
                selected={props.selected == Some(n.id)} picked={props.picked.contains(&n.id)} {votes}
                on_activate={props.on_activate.clone()} on_select={props.on_select.clone()} />
        }
    });

    let badges = props.nodes.iter().filter(|n| !n.badge.is_empty()).map(|n| {
        let (x, y) = at(n.id);
        html! {
            <text key={n.id.to_string()} class="badge" x={format!("{x:.1}")} y={format!("{:.1}", y + radius + 24.0)}>
                {n.badge.clone()}</text>
        }
    });

    let catch = {
        let (messages, on_catch, svg_ref) = (
            props.messages.clone(),
            props.on_catch.clone(),
            svg_ref.clone(),
        );
        let reach = if props.playing {
            CATCH_PLAYING
        } else {
            CATCH_PAUSED
        };
        let layout = layout.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(id) =
                svg_point(&svg_ref, &e).and_then(|p| nearest_message(&messages, &layout, p, reach))
            {
                on_catch.emit(id);
            }
        })
    };
    // Messages are drawn above the nodes, so one leaving or reaching a node can be clicked.
    html! {
        <figure class="cluster">
            <svg ref={svg_ref} viewBox={format!("{} {} {} {}", VIEW.0, VIEW.1, VIEW.2, VIEW.3)} role="group" aria-label="The cluster: nodes on a ring with the messages between them"
                onclick={catch}>
                <Links ids={layout.order.clone()} {groups} {faulty} />
                <g class="nodes">{for nodes}</g>
                <g class="messages">
                    <MovingParts {parts} {kinds} />
                    {for messages}
                </g>
                <g class="message-tags" aria-hidden="true">{for tags}</g>
                // Above the messages, so a dot passing under "★ leader" does
                // not hide it (the node's label says it too).
                <g class="badges" aria-hidden="true">{for badges}</g>
            </svg>
            <figcaption>{props.hint.clone()}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: u64, from: u8, to: u8, progress: f64) -> MessageVisual {
        MessageVisual {
            id,
            from: NodeId::server(from),
            to: NodeId::server(to),
            progress,
            class: "append",
            label: String::new(),
            held: false,
            tag: String::new(),
        }
    }

    #[test]
    fn a_click_catches_the_nearest_message_within_reach() {
        let messages = [message(1, 0, 2, 0.5), message(2, 0, 3, 0.5)];
        let five = Layout::new((0..5).map(NodeId::server));
        let (x, y) = message_at(&messages[0], &five);
        assert_eq!(
            nearest_message(&messages, &five, (x + 10.0, y), 22.0),
            Some(1)
        );
        assert_eq!(
            nearest_message(&messages, &five, (x + 30.0, y), 22.0),
            None,
            "out of reach"
        );
        assert_eq!(
            nearest_message(&messages, &five, (x + 30.0, y), 45.0),
            Some(1)
        );
        assert_eq!(nearest_message(&[], &five, (0.0, 0.0), 45.0), None);
    }

    #[test]
    fn a_line_too_wide_for_its_node_is_squeezed_to_the_circle() {
        assert_eq!(squeezed_width("term 3", 36.0, 14.0), None);
        assert_eq!(squeezed_width("log 3", 36.0, 26.0), None);
        // As Chromium draws it in DejaVu Sans, 55 px: wider than the 42 px
        // between a small node's vote dots.
        assert!(squeezed_width("log 14 ✓14", 30.0, 26.0).is_some());
        let fit = squeezed_width("log 270 ✓268", 36.0, 26.0).expect("too wide");
        assert!((40.0..50.0).contains(&fit), "{fit}");
        assert!(
            squeezed_width("log 270 ✓268", 30.0, 26.0).expect("too wide") < fit,
            "a smaller node has less room"
        );
    }

    #[test]
    fn kinds_get_places_of_their_own() {
        let layout = Layout::new([NodeId::server(0), NodeId::client(0)]);
        assert_ne!(layout.at(NodeId::server(0)), layout.at(NodeId::client(0)));
    }
}

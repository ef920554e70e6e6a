//! What every lab page does the same way: its controller made from the URL,
//! the one command callback, animation frames, keys, the embed height, the
//! problem and notice banners, the log kept between frames, and the links.

use super::common::log_lines;
use crate::browser;
use crate::components::event_log::LogLine;
use crate::controller::{Command, Controller, MakeRun, Outcome};
use crate::hooks::{use_animation_frames, use_window_keys};
use crate::route::Route;
use distviz_core::scenario::Scenario;
use distviz_core::sim::words::level;
use distviz_core::sim::{LinkState, Network, NodeId, Protocol};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// A lab's keys: the key, Ctrl/Cmd, Shift → a command, if it is one.
pub type KeyMap = fn(&str, bool, bool) -> Option<Command>;

/// The controller a lab page starts with: the URL's scenario and time, or
/// the lab's default; problems with the URL are said, never fatal.
fn initial<P: Protocol>(route: &Route, default: Scenario, make: MakeRun<P>) -> Controller<P> {
    let mut ctl = match Controller::new(default, make) {
        Ok(ctl) => ctl,
        Err(err) => panic!("the built-in default scenario is invalid: {err}"),
    };
    let mut problems = route.problems.clone();
    ctl.click_crashes = route.click_crashes;
    if let Some(packed) = &route.scenario {
        let loaded = Scenario::from_link_param(packed).and_then(|s| {
            let at = route.at_ms.or(s.at_ms);
            ctl.load(s, at)
        });
        if let Err(err) = loaded {
            problems.push(format!(
                "This link's scenario could not be used ({err}). Showing a fresh run instead."
            ));
        }
    } else if let Some(at) = route.at_ms {
        ctl.advance_within_budget(at);
        ctl.playing = false;
    }
    if browser::prefers_reduced_motion() {
        // Nothing moves until the learner presses play or steps.
        ctl.playing = false;
    }
    if !problems.is_empty() {
        let budget = ctl.problem.take();
        problems.extend(budget);
        ctl.problem = Some(problems.join(" "));
    }
    ctl
}

/// Carries out a command, and what the browser has to do after it.
fn perform<P: Protocol>(ctl: &RefCell<Controller<P>>, command: Command) {
    let outcome = ctl.borrow_mut().apply(command);
    match outcome {
        Outcome::Done => {}
        Outcome::Download { name, text } => browser::download(&name, &text),
        Outcome::ShareHash(hash) => {
            let link = browser::url_with_hash(&hash);
            browser::copy_to_clipboard(&link);
            ctl.borrow_mut().share_link = Some(link);
        }
    }
}

fn report_height(last: &RefCell<f64>) {
    let Some(root) = browser::document().and_then(|d| d.document_element()) else {
        return;
    };
    let height = root.scroll_height() as f64;
    if (height - *last.borrow()).abs() >= 1.0 {
        *last.borrow_mut() = height;
        browser::post_height_to_parent(height);
    }
}

/// A lab page's controller and the one callback every control uses.
pub struct LabHandle<P: Protocol> {
    pub ctl: Rc<RefCell<Controller<P>>>,
    pub send: Callback<Command>,
}

/// Wires a lab page: its controller, commands as data, animation frames
/// while playing, its keys, and (embedded) its height for the host page.
#[hook]
pub fn use_lab<P: Protocol>(
    route: &Route,
    default: Scenario,
    make: MakeRun<P>,
    keys: KeyMap,
) -> LabHandle<P> {
    let ctl = {
        let route = route.clone();
        use_mut_ref(move || initial(&route, default, make))
    };
    let update = use_force_update();
    let send: Callback<Command> = {
        let (ctl, update) = (ctl.clone(), update.clone());
        (*use_memo((), move |_| {
            Callback::from(move |command: Command| {
                perform(&ctl, command);
                update.force_update();
            })
        }))
        .clone()
    };
    let frame_started: Rc<Cell<Option<f64>>> = use_memo((), |_| Cell::new(None));
    let last_height = use_mut_ref(|| 0.0f64);
    {
        let (ctl, update, frame_started) = (ctl.clone(), update.clone(), frame_started.clone());
        use_animation_frames(move |elapsed| {
            let playing = ctl.borrow().playing;
            if playing {
                frame_started.set(Some(browser::now_ms()));
                ctl.borrow_mut().frame(elapsed);
                update.force_update();
            }
        });
    }
    {
        let send = send.clone();
        use_window_keys(move |e| {
            match keys(&e.key(), e.ctrl_key() || e.meta_key(), e.shift_key()) {
                Some(command) => {
                    send.emit(command);
                    true
                }
                None => false,
            }
        });
    }
    {
        // Script time per animated frame (simulation + render), for the
        // benchmark; and our height, for a page that embeds us.
        let embed = route.embed;
        use_effect(move || {
            if let Some(start) = frame_started.take() {
                browser::push_global_sample("distvizFrameMs", browser::now_ms() - start);
            }
            if embed {
                report_height(&last_height);
            }
        });
    }
    LabHandle { ctl, send }
}

/// What the log lines depend on: revision, records so far, routine shown,
/// last step, notes.
type LogKey = (u64, usize, bool, Option<(usize, usize)>, usize);

/// The event log's lines, kept between frames and rebuilt only when what
/// they read has changed.
#[derive(Default)]
pub struct LogCache {
    key: Option<LogKey>,
    pub lines: Rc<Vec<LogLine>>,
}

impl LogCache {
    pub fn refresh<P: Protocol>(&mut self, c: &Controller<P>) {
        let records = c.run.records_so_far();
        let key = (
            c.revision,
            records.len(),
            c.show_routine,
            c.stepped,
            c.notes.len(),
        );
        if self.key == Some(key) {
            return;
        }
        // While playing, usually only hidden records (heartbeats) were added: then the lines stand.
        let proto = c.run.world().protocol();
        let only_hidden_added = self.key.is_some_and(|(rev, len, routine, stepped, notes)| {
            (rev, routine, stepped, notes) == (c.revision, c.show_routine, c.stepped, c.notes.len())
                && len <= records.len()
                && records[len..]
                    .iter()
                    .enumerate()
                    .all(|(i, r)| !c.shows_record(len + i, level(proto, r)))
        });
        if !only_hidden_added {
            self.lines = Rc::new(log_lines(c));
        }
        self.key = Some(key);
    }
}

/// Every directed link's state, row-major over the network's nodes.
pub fn link_states(network: &Network) -> Vec<LinkState> {
    let ids: Vec<NodeId> = network.roster().ids().collect();
    ids.iter()
        .flat_map(|&from| ids.iter().map(move |&to| network.link(from, to).state))
        .collect()
}

/// The directed links that drop or hold, for the cluster view.
pub fn faulty_links(network: &Network) -> Vec<(NodeId, NodeId, LinkState)> {
    let ids: Vec<NodeId> = network.roster().ids().collect();
    ids.iter()
        .flat_map(|&from| ids.iter().map(move |&to| (from, to)))
        .filter(|&(from, to)| from != to)
        .map(|(from, to)| (from, to, network.link(from, to).state))
        .filter(|&(_, _, state)| state != LinkState::Up)
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct BannersProps {
    pub problem: Option<String>,
    pub notice: Option<String>,
    pub can_undo: bool,
    pub send: Callback<Command>,
}

/// A problem to act on (role alert) and a notice of what an action did.
#[component]
pub fn Banners(props: &BannersProps) -> Html {
    let command = |command: Command| props.send.reform(move |_: MouseEvent| command.clone());
    html! {
        <>
            if let Some(problem) = &props.problem {
                <div class="problem" role="alert" data-testid="problem">
                    <span>{problem}</span>
                    <button aria-label="Dismiss" onclick={command(Command::Dismiss)}>{"✕"}</button>
                </div>
            }
            if let Some(notice) = &props.notice {
                <div class="notice" role="status" data-testid="notice">
                    <span>{notice}</span>
                    if props.can_undo {
                        <button onclick={command(Command::Undo)}>{"↶ Undo"}</button>
                    }
                    <button aria-label="Dismiss the notice" onclick={command(Command::Dismiss)}>{"✕"}</button>
                </div>
            }
        </>
    }
}

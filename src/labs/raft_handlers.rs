//! Every learner action of the Raft lab as a callback, made once per lab.
//! Stable callbacks keep the props of unchanged panels equal, so Yew skips
//! them; and a field being typed in is not re-rendered under the typist.

use crate::browser;
use crate::controller::{Controller, Tool};
use crate::route::Route;
use distviz_core::lab;
use distviz_core::raft::Raft;
use distviz_core::scenario::Scenario;
use distviz_core::sim::{Action, NodeId};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

pub type Ctl = Controller<Raft>;

/// Makes callbacks that change the controller and then re-render.
#[derive(Clone)]
pub struct Binder {
    pub ctl: Rc<RefCell<Ctl>>,
    pub update: UseForceUpdateHandle,
}

impl Binder {
    pub fn bind<T: 'static>(&self, change: impl Fn(&mut Ctl, T) + 'static) -> Callback<T> {
        let Binder { ctl, update } = self.clone();
        Callback::from(move |value: T| {
            change(&mut ctl.borrow_mut(), value);
            update.force_update();
        })
    }
}

pub struct Handlers {
    pub toggle: Callback<()>,
    pub step_back: Callback<()>,
    pub step_forward: Callback<()>,
    pub speed: Callback<f64>,
    pub seek: Callback<u64>,
    pub reset: Callback<()>,
    pub seed: Callback<String>,
    pub new_seed: Callback<()>,
    pub dismiss: Callback<()>,
    pub start_picking: Callback<()>,
    pub cut: Callback<()>,
    pub cancel_picking: Callback<()>,
    pub heal: Callback<()>,
    pub cycle_link: Callback<(NodeId, NodeId)>,
    pub timeout: Callback<()>,
    pub restart_leader: Callback<()>,
    pub align: Callback<()>,
    pub activate: Callback<NodeId>,
    pub select: Callback<NodeId>,
    pub select_message: Callback<u64>,
    pub drop_message: Callback<()>,
    pub hold_message: Callback<()>,
    pub release_message: Callback<()>,
    pub close_message: Callback<()>,
    pub inspect: Callback<usize>,
    pub show_routine: Callback<bool>,
    pub nodes: Callback<usize>,
    pub latency: Callback<(usize, String)>,
    pub loss: Callback<String>,
    pub break_it: Callback<bool>,
    pub copy_link: Callback<()>,
    pub export: Callback<()>,
    pub import: Callback<(String, String)>,
}

/// Applies `make(id)` to the message the learner has open.
fn on_open_message(ctl: &mut Ctl, make: fn(u64) -> Action) {
    if let Some(id) = ctl.selected_message {
        let action = make(id);
        if matches!(action, Action::DropMessage { .. }) {
            ctl.selected_message = None;
        }
        ctl.act(action);
    }
}

impl Handlers {
    pub fn new(on: &Binder) -> Handlers {
        Handlers {
            toggle: on.bind(|c, ()| c.toggle_play()),
            step_back: on.bind(|c, ()| c.step_back()),
            step_forward: on.bind(|c, ()| c.step_forward()),
            speed: on.bind(|c, speed| c.set_speed(speed)),
            seek: on.bind(|c, t| {
                c.playing = false;
                c.seek(t)
            }),
            reset: on.bind(|c, ()| c.reset()),
            seed: on.bind(|c, text: String| match text.trim().parse::<u64>() {
                Ok(seed) => c.reconfigure(|s| s.seed = seed),
                Err(_) => {
                    c.problem = Some(format!(
                        "“{text}” is not a seed: use a whole number, 0 or more."
                    ))
                }
            }),
            new_seed: on.bind(|c, ()| {
                let seed = (js_sys::Math::random() * 1_000_000.0) as u64;
                c.reconfigure(|s| s.seed = seed);
            }),
            dismiss: on.bind(|c, ()| c.problem = None),
            start_picking: on.bind(|c, ()| c.tool = Tool::PickGroup),
            cut: on.bind(|c, ()| c.partition_picked()),
            cancel_picking: on.bind(|c, ()| {
                c.tool = Tool::CrashRestart;
                c.picked.clear();
            }),
            heal: on.bind(|c, ()| c.heal()),
            cycle_link: on.bind(|c, (from, to)| c.cycle_link(from, to)),
            timeout: on.bind(|c, ()| c.timeout_selected()),
            restart_leader: on.bind(|c, ()| c.restart_leader()),
            align: on.bind(|c, ()| c.act(Action::AlignTimers)),
            activate: on.bind(|c, id| c.activate_node(id)),
            select: on.bind(|c, id| c.selected = Some(id)),
            select_message: on.bind(|c, id| c.selected_message = Some(id)),
            drop_message: on.bind(|c, ()| on_open_message(c, |id| Action::DropMessage { id })),
            hold_message: on.bind(|c, ()| on_open_message(c, |id| Action::HoldMessage { id })),
            release_message: on
                .bind(|c, ()| on_open_message(c, |id| Action::ReleaseMessage { id })),
            close_message: on.bind(|c, ()| c.selected_message = None),
            inspect: on.bind(|c, i: usize| c.selected = Some(NodeId::server(i as u8))),
            show_routine: on.bind(|c, on| c.show_routine = on),
            nodes: on.bind(|c, n| {
                c.reconfigure(|s| s.nodes = n);
                c.selected = None;
            }),
            latency: on.bind(|c, (which, text): (usize, String)| {
                match text.trim().parse::<u64>() {
                    Ok(ms) if ms <= 60_000 => {
                        let mut range = c.scenario.network.latency_ms;
                        range[which] = ms;
                        if range[0] > range[1] {
                            c.problem =
                                Some("The smallest latency cannot be above the largest.".into());
                        } else {
                            c.reconfigure(|s| s.network.latency_ms = range);
                        }
                    }
                    _ => {
                        c.problem = Some(format!(
                            "“{text}” is not a latency: use whole milliseconds, 0 to 60000."
                        ))
                    }
                }
            }),
            loss: on.bind(|c, text: String| match text.trim().parse::<f64>() {
                Ok(percent) if (0.0..=100.0).contains(&percent) => {
                    c.reconfigure(|s| s.network.drop = percent / 100.0)
                }
                _ => {
                    c.problem = Some(format!(
                        "“{text}” is not a loss rate: use a percentage from 0 to 100."
                    ))
                }
            }),
            break_it: on.bind(|c, on: bool| {
                c.reconfigure(|s| {
                    let mut params = lab::raft_params(s).unwrap_or_default();
                    params.break_one_vote_per_term = on;
                    s.params = serde_json::to_value(params).unwrap_or_default();
                })
            }),
            copy_link: on.bind(|c, ()| {
                let scenario = c.current_scenario();
                let hash = Route::share_hash(&scenario.lab, &scenario.to_link_param(), c.run.now());
                let link = browser::url_with_hash(&hash);
                browser::copy_to_clipboard(&link);
                c.share_link = Some(link);
            }),
            export: on.bind(|c, ()| {
                let scenario = c.current_scenario();
                let name = format!("distviz-{}-seed{}.json", scenario.lab, scenario.seed);
                browser::download(&name, &scenario.to_json());
            }),
            import: on.bind(|c, (name, text): (String, String)| {
                if let Err(err) = Scenario::parse(&text).and_then(|s| c.load(s, None)) {
                    c.problem = Some(format!(
                        "{name} was not loaded: {err}. The current run is unchanged."
                    ));
                }
            }),
        }
    }
}

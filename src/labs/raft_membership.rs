//! Membership tools of the Raft replication lab: the leader's
//! configuration in words, and a choice of server to add or remove, each
//! asked of the current leader. The controls are always there (a busy
//! one says why instead of disappearing), so keyboard focus stays put.

use crate::controller::Command;
use distviz_core::raft::{ClientInput, Peer, Raft, RaftNode, Role};
use distviz_core::sim::{Action, NodeId, World, SERVER};
use yew::prelude::*;

/// The leader of the highest term among live servers.
pub fn leader(world: &World<Raft>) -> Option<&RaftNode> {
    world
        .nodes()
        .iter()
        .filter_map(|s| s.live.as_ref().and_then(Peer::server))
        .filter(|n| n.role == Role::Leader)
        .max_by_key(|n| n.current_term)
}

/// What the leader is doing about membership, in words.
fn status(leader: &RaftNode) -> String {
    let mut words = format!("{} leads; configuration {}", leader.id, leader.config);
    if leader.config_index > leader.commit_index {
        words.push_str(&format!(
            " (entry {}, not yet committed)",
            leader.config_index
        ));
    }
    if let Some(c) = &leader.catch_up {
        words.push_str(&format!(
            "; {} is catching up without a vote (round {}, to entry {})",
            c.server, c.round, c.target
        ));
    }
    words + "."
}

/// The membership line's props, read from the world each frame.
#[derive(Properties, PartialEq)]
pub struct MembershipProps {
    pub status: String,
    pub leader: Option<NodeId>,
    /// Servers outside the leader's configuration (and not catching up).
    pub addable: Vec<NodeId>,
    /// Servers in it.
    pub removable: Vec<NodeId>,
    /// A change is in progress: the next waits.
    pub busy: bool,
    pub selected: Option<NodeId>,
    pub send: Callback<Command>,
}

impl MembershipProps {
    pub fn of(world: &World<Raft>, selected: Option<NodeId>, send: &Callback<Command>) -> Self {
        let lead = leader(world);
        let catching = lead.and_then(|l| l.catch_up.as_ref().map(|c| c.server));
        let servers = world.roster().of_kind(SERVER);
        let (addable, removable) = match lead {
            Some(l) => servers
                .filter(|&id| Some(id) != catching)
                .partition(|&id| !l.config.contains(id)),
            None => (Vec::new(), Vec::new()),
        };
        MembershipProps {
            status: lead.map_or_else(
                || "No server leads right now; a change goes to the leader.".into(),
                status,
            ),
            leader: lead.map(|l| l.id),
            addable,
            removable,
            busy: lead.is_some_and(|l| l.catch_up.is_some() || l.config_index > l.commit_index),
            selected,
            send: send.clone(),
        }
    }
}

/// The chosen server: the learner's pick if still offered, else the
/// selected node if offered, else the first.
fn choice(picked: Option<NodeId>, selected: Option<NodeId>, offered: &[NodeId]) -> Option<NodeId> {
    picked
        .filter(|id| offered.contains(id))
        .or(selected.filter(|id| offered.contains(id)))
        .or(offered.first().copied())
}

fn picker(
    label: &'static str,
    testid: &'static str,
    offered: &[NodeId],
    chosen: Option<NodeId>,
    state: &UseStateHandle<Option<NodeId>>,
) -> Html {
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| NodeId::parse(&s.value()));
            state.set(value);
        })
    };
    html! {
        <select aria-label={label} data-testid={testid} {onchange} disabled={offered.is_empty()}>
            // Not an empty box: it says there is none to pick.
            if offered.is_empty() {
                <option value="">{"none"}</option>
            }
            {for offered.iter().map(|id| html! {
                <option value={id.to_string()} selected={Some(*id) == chosen}>{id.to_string()}</option>
            })}
        </select>
    }
}

#[component]
pub fn MembershipTools(props: &MembershipProps) -> Html {
    let add_pick = use_state(|| None as Option<NodeId>);
    let remove_pick = use_state(|| None as Option<NodeId>);
    let add = choice(*add_pick, props.selected, &props.addable);
    let remove = choice(*remove_pick, props.selected, &props.removable);
    // The buttons stay enabled (a disabled button would drop focus); a
    // press that cannot be taken now does nothing, and the note says why.
    let ask = |server: Option<NodeId>, adding: bool| {
        let (leader, send, busy) = (props.leader, props.send.clone(), props.busy);
        Callback::from(move |_: MouseEvent| {
            let (Some(leader), Some(server)) = (leader, server) else {
                return;
            };
            if busy {
                return;
            }
            let input = if adding {
                ClientInput::Add { server }
            } else {
                ClientInput::Remove { server }
            };
            send.emit(Command::Act(Action::input(leader, &input)));
        })
    };
    let unavailable = |offered: bool| props.leader.is_none() || props.busy || !offered;
    let note = if props.leader.is_none() {
        ""
    } else if props.busy {
        "One change at a time: the next waits for this one."
    } else if props.addable.is_empty() {
        "No server waits outside (Settings → “In the cluster at the start” leaves some out)."
    } else {
        ""
    };
    html! {
        <div class="membership" role="group" aria-label="Membership" data-testid="membership">
            <span class="status" data-testid="membership-status">{&props.status}</span>
            <span class="pair">
                {picker("Server to add", "add-choice", &props.addable, add, &add_pick)}
                <button onclick={ask(add, true)} data-testid="add-server"
                    aria-disabled={unavailable(add.is_some()).to_string()}>
                    {match add { Some(id) => format!("+ Add {id}"), None => "+ Add".into() }}</button>
            </span>
            <span class="pair">
                {picker("Server to remove", "remove-choice", &props.removable, remove, &remove_pick)}
                <button onclick={ask(remove, false)} data-testid="remove-server"
                    aria-disabled={unavailable(remove.is_some()).to_string()}>
                    {match remove { Some(id) => format!("− Remove {id}"), None => "− Remove".into() }}</button>
            </span>
            // Always there, on a line of its own, empty or not: a note that
            // came and went with the leader made the cluster below jump.
            <span class="note" role="status">{note}</span>
        </div>
    }
}

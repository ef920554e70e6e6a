//! Membership tools of the Raft replication lab: the leader's
//! configuration in words, and buttons that ask the leader to add a
//! waiting server or remove the selected one.

use crate::controller::Command;
use distviz_core::raft::{ClientInput, Peer, Raft, RaftNode, Role};
use distviz_core::sim::{Action, NodeId, World};
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

/// Servers the leader could add: outside its configuration and not
/// already catching up. The selected one comes first.
fn addable(world: &World<Raft>, leader: &RaftNode, selected: Option<NodeId>) -> Vec<NodeId> {
    let catching = leader.catch_up.as_ref().map(|c| c.server);
    let mut ids: Vec<NodeId> = world
        .roster()
        .of_kind(distviz_core::sim::SERVER)
        .filter(|&id| !leader.config.contains(id) && Some(id) != catching)
        .collect();
    if let Some(pos) = ids.iter().position(|&id| Some(id) == selected) {
        let id = ids.remove(pos);
        ids.insert(0, id);
    }
    ids
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

pub fn membership_tools(
    world: &World<Raft>,
    selected: Option<NodeId>,
    send: &Callback<Command>,
) -> Html {
    let Some(leader) = leader(world) else {
        return html! {
            <p class="membership" data-testid="membership">
                {"Membership: no server leads right now, and a change goes to the leader. Wait for an election."}
            </p>
        };
    };
    let ask = |input: ClientInput| {
        let action = Action::input(leader.id, &input);
        send.reform(move |_: MouseEvent| Command::Act(action.clone()))
    };
    let add = addable(world, leader, selected).first().copied();
    let remove = selected.filter(|&id| leader.config.contains(id));
    html! {
        <div class="membership" role="group" aria-label="Membership" data-testid="membership">
            <span data-testid="membership-status">{status(leader)}</span>
            {" "}
            if leader.catch_up.is_some() || leader.config_index > leader.commit_index {
                <span class="note">{"One change at a time: the next waits for this one."}</span>
            } else if let Some(server) = add {
                <button onclick={ask(ClientInput::Add { server })} data-testid="add-server">
                    {format!("＋ Add {server}")}</button>
            } else {
                <span class="note">{"No server waits outside. (Settings → “In the cluster at the start” leaves some out to add.)"}</span>
            }
            {" "}
            if leader.catch_up.is_some() || leader.config_index > leader.commit_index {
            } else if let Some(server) = remove {
                <button onclick={ask(ClientInput::Remove { server })} data-testid="remove-server">
                    {format!("− Remove {server}")}</button>
            } else {
                <span class="note">{"Select a server in it to remove it."}</span>
            }
        </div>
    }
}

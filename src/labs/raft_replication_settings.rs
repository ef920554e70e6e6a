//! The Raft replication lab's settings: cluster size and membership,
//! client load, the protocol's options, and the "break it" rules.

use crate::controller::Command;
use distviz_core::raft::{Membership, RaftParams};
use distviz_core::scenario::MAX_NODES;
use serde_json::Value;
use yew::prelude::*;

/// The break-it rules: (params field, words).
pub const BREAKS: [(&str, &str); 5] = [
    (
        "break_commit_old_terms",
        "commit an old term's entry once a majority stores it (Figure 8)",
    ),
    (
        "break_vote_without_log_check",
        "grant votes without comparing logs",
    ),
    (
        "break_forget_vote_on_restart",
        "forget whom it voted for on restart",
    ),
    (
        "break_skip_consistency_check",
        "accept AppendEntries without the prevLogIndex/prevLogTerm check",
    ),
    ("break_one_vote_per_term", "vote more than once in a term"),
];

/// Whether a break-it rule is on in these settings (asked every frame, so
/// read from the fields, not through JSON).
pub fn is_broken(params: &RaftParams, field: &str) -> bool {
    match field {
        "break_commit_old_terms" => params.break_commit_old_terms,
        "break_vote_without_log_check" => params.break_vote_without_log_check,
        "break_forget_vote_on_restart" => params.break_forget_vote_on_restart,
        "break_skip_consistency_check" => params.break_skip_consistency_check,
        "break_one_vote_per_term" => params.break_one_vote_per_term,
        _ => false,
    }
}

#[derive(Properties, PartialEq)]
pub struct ReplicationSettingsProps {
    pub servers: usize,
    pub params: RaftParams,
    pub send: Callback<Command>,
}

pub(super) fn checked(e: &Event) -> bool {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .is_some_and(|i| i.checked())
}

pub(super) fn number(e: &Event) -> Option<u64> {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .and_then(|i| i.value().trim().parse().ok())
}

#[component]
pub fn ReplicationSettings(props: &ReplicationSettingsProps) -> Html {
    let send = &props.send;
    let toggle = |name: &'static str| {
        send.reform(move |e: Event| Command::SetParam {
            name,
            value: Value::Bool(checked(&e)),
        })
    };
    let amount = |name: &'static str, fallback: u64| {
        send.reform(move |e: Event| Command::SetParam {
            name,
            value: Value::from(number(&e).unwrap_or(fallback)),
        })
    };
    let members_now = props.params.members;
    // Fewer servers than start in the cluster: all of them start in it.
    let on_servers = send.reform(move |e: Event| {
        let servers: usize = e
            .target_dyn_into::<web_sys::HtmlSelectElement>()
            .and_then(|s| s.value().parse().ok())
            .unwrap_or(5);
        let members = if members_now as usize >= servers {
            0
        } else {
            members_now
        };
        Command::SetLayout {
            counts: vec![("server", servers)],
            params: vec![("members", Value::from(members))],
        }
    });
    let on_members = send.reform(|e: Event| Command::SetParam {
        name: "members",
        value: Value::from(
            e.target_dyn_into::<web_sys::HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u64>().ok())
                .unwrap_or(0),
        ),
    });
    let on_membership = send.reform(|e: Event| Command::SetParam {
        name: "membership",
        value: Value::from(
            e.target_dyn_into::<web_sys::HtmlSelectElement>()
                .map_or("single".to_string(), |s| s.value()),
        ),
    });
    let p = &props.params;
    let members = p.members as usize;
    let joint = p.membership == Membership::Joint;
    html! {
        <details class="panel settings">
            <summary><h2>{"Settings"}</h2></summary>
            <p class="note">{"Changing a setting starts the run again from time 0 (Undo brings the run back)."}</p>
            <label>{"Servers "}
                <select onchange={on_servers} aria-label="Number of servers">
                    {for (1..=MAX_NODES).map(|n| html! { <option value={n.to_string()} selected={n == props.servers}>{n}</option> })}
                </select>
            </label>
            <label>{"In the cluster at the start "}
                <select onchange={on_members} aria-label="Servers in the cluster at the start" data-testid="members">
                    <option value="0" selected={members == 0 || members >= props.servers}>{"all of them"}</option>
                    {for (1..props.servers).map(|n| html! {
                        <option value={n.to_string()} selected={n == members}>{if n == 1 { "S1 only, the rest wait to be added".to_string() } else { format!("S1–S{n}, the rest wait to be added") }}</option>
                    })}
                </select>
            </label>
            <label>{"Membership changes "}
                <select onchange={on_membership} aria-label="How membership changes are made" data-testid="membership-mode">
                    <option value="single" selected={!joint}>{"one server at a time (Ongaro’s dissertation §4.1)"}</option>
                    <option value="joint" selected={joint}>{"through joint consensus (Raft paper §6)"}</option>
                </select>
            </label>
            <label class="toggle"><input type="checkbox" checked={p.pre_vote} onchange={toggle("pre_vote")} data-testid="pre-vote" />
                {" Pre-vote: ask whether others would vote before raising the term (dissertation §9.6)"}</label>
            <label class="toggle"><input type="checkbox" checked={p.check_quorum} onchange={toggle("check_quorum")} data-testid="check-quorum" />
                {" Check-quorum: a leader that stops hearing from a majority steps down (dissertation §9.6)"}</label>
            <label>{"Client sends a request every "}
                <input type="number" min="0" max="600000" step="50" value={p.workload_ms.to_string()}
                    onchange={amount("workload_ms", 0)} aria-label="Client request interval (ms, 0 for only when asked)" data-testid="workload" />
                {" ms (0: only when you press C)"}</label>
            <label>{"Keys the requests use "}
                <input type="number" min="1" max="8" value={p.keys.to_string()} onchange={amount("keys", 3)} aria-label="Number of keys" /></label>
            <label class="toggle"><input type="checkbox" checked={p.noop} onchange={toggle("noop")} data-testid="noop" />
                {" A new leader appends a no-op entry of its term (§8)"}</label>
            <label>{"Snapshot every "}
                <input type="number" min="0" max="100000" value={p.snapshot_every.to_string()}
                    onchange={amount("snapshot_every", 0)} aria-label="Snapshot every so many applied entries (0 for never)" data-testid="snapshot-every" />
                {" applied entries (0: never). A follower too far behind then gets the leader's snapshot (§7)."}</label>
            <label class="toggle"><input type="checkbox" checked={p.fast_backoff} onchange={toggle("fast_backoff")} data-testid="fast-backoff" />
                {" Fast back-off: a refusal names the conflicting term, and nextIndex skips a term at a time"}</label>
            <fieldset class="break-it">
                <legend>{"Break it: a server may…"}</legend>
                {for BREAKS.iter().map(|&(field, words)| html! {
                    <label key={field}><input type="checkbox" checked={is_broken(p, field)} onchange={toggle(field)} data-testid={field} />{" "}{words}</label>
                })}
            </fieldset>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_break_it_rule_is_read_from_its_own_field() {
        for (field, _) in BREAKS {
            let mut json = serde_json::to_value(RaftParams::default()).expect("params serialise");
            json[field] = Value::Bool(true);
            let params: RaftParams = serde_json::from_value(json).expect("params read back");
            assert!(is_broken(&params, field), "{field}");
            let others = BREAKS.iter().filter(|(f, _)| *f != field);
            assert!(
                others.clone().all(|(f, _)| !is_broken(&params, f)),
                "{field} alone"
            );
        }
    }
}

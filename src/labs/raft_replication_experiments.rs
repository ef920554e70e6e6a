//! Things to try in the Raft replication lab: each loads a shipped
//! scenario, with what to watch for.

use super::experiment_list::{experiment_items, Experiment};
use crate::controller::Command;
use yew::prelude::*;

macro_rules! scenario {
    ($file:literal) => {
        ($file, include_str!(concat!("../../scenarios/", $file)))
    };
}

const fn experiment(
    (file, text): (&'static str, &'static str),
    title: &'static str,
    watch: &'static str,
) -> Experiment {
    Experiment {
        file,
        text,
        title,
        watch,
    }
}

const EXPERIMENTS: &[Experiment] = &[
    experiment(scenario!("raft-replication-requests.json"), "Send requests.",
        "C1 asks S1 first; S1 is not the leader and redirects it to S3. Each request becomes an entry on S3, travels in AppendEntries, commits once a majority stores it (solid), and is applied to every store. Press C to send more."),
    experiment(scenario!("raft-replication-leader-crash.json"), "Crash the leader mid-replication.",
        "The leader S3 crashes at 1.5 s under a steady load. A new leader is elected; everything that was committed is on it (a majority stored it, and only an up-to-date log wins a vote). C1's next request goes to S3, hears nothing, and is retried elsewhere. When S3 comes back it catches up."),
    experiment(scenario!("raft-replication-stale-leader.json"), "A stale leader in a minority.",
        "S3 and the client are cut off. S3 still believes it leads and takes C1's request, but 1 of 5 is no majority: the entry stays dashed. The others elect S1. On heal, S3 steps down and drops the entry (the event log says so); C1's retry commits on S1. Pick S3's dashed entry to ask why."),
    experiment(scenario!("raft-replication-catch-up.json"), "A follower far behind.",
        "S1 is down while the others commit more entries; then the leader changes. The new leader's nextIndex for S1 starts past its last entry and walks back one entry per refused AppendEntries (watch the refusals; a heartbeat sent meanwhile is refused at the same place, so they often come in pairs). Each refusal also says where S1's log ends, but this leader does not use that."),
    experiment(scenario!("raft-replication-catch-up-fast.json"), "The same, with the fast back-off.",
        "The same run with Settings → “fast back-off”: S1's refusal says where its log ends (“its log ends at 5”), and the leader jumps its nextIndex there at once."),
    experiment(scenario!("raft-replication-catch-up-snapshot.json"), "The same, with snapshots.",
        "The same run with Settings → “Snapshot every 5”: each server snapshots its store every 5 applied entries and drops them (“≤n snap” first in its log). When S1 and later S3 come back, the leader no longer holds the entries they lack, so it sends its snapshot (InstallSnapshot, the big ringed dot): the follower's store becomes the snapshot's, and AppendEntries go on from there."),
    experiment(scenario!("raft-replication-figure-7.json"), "Figure 7: a new leader and logs that differ.",
        "Seven servers start with the figure's logs: S1 is the leader-to-be, S2–S7 are followers (a)–(f), missing entries, holding extra ones, or both. S1 times out and wins term 8 (S4 and S5 refuse: their logs are more up to date; but four votes of seven are a majority). Its nextIndex for each follower starts past its own log and walks back one entry per refusal until the logs match; then (c) and (d) lose their extra entries, (f) loses terms 2 and 3, and every log ends as S1's with the no-op of term 8."),
    experiment(scenario!("raft-replication-figure-8.json"), "Figure 8, (c) then (e): the right rule.",
        "No no-op entries here, and the run starts where the figure's (a) and (b) leave it: S1 led term 2 and stored entry 2 (“set x 2”) on S2 only; S5 led term 3, took its own entry 2 (“set x 3”) alone, and crashed. (c): S1 wins term 4 and copies its entry 2 to S3 and S4, a majority, but must not commit it by counting: it is from an older term. Pick S1's entry 2 to read why. (e): at 0.25 s C1's request becomes entry 3, of term 4; once a majority stores it, entries 1–3 commit together. S1 crashes; S5 restarts and stands for election, but its log (last term 3) is behind the others' (term 4), so it loses, and the new leader replaces S5's entry 2. Nothing committed is lost."),
    experiment(scenario!("raft-replication-figure-8-bug.json"), "Break it: Figure 8, (c) then (d), with the bug.",
        "The same start, without C1's request, and a leader that commits an older term's entry once a majority stores it. (c): S1 commits entry 2 (term 2), and S1–S4 apply “set x 2”. (d): S1 crashes; S5 restarts and wins term 5 with the votes of S2, S3 and S4 (its last entry, of term 3, is more up to date than theirs, of term 2), and overwrites entry 2 with its “set x 3”. Leader Completeness and State Machine Safety turn red, and the stores disagree for good: x=2 on S2–S4, x=3 on S5. Click a violation to travel there. “Fix it” runs the same schedule with the right rule: S1 commits nothing, so S5 overwriting entry 2 loses nothing."),
    experiment(scenario!("raft-replication-rejoin.json"), "A server rejoins with a high term.",
        "S2 is cut off for 4.5 s and times out again and again, raising its term to 20. On heal its term forces an election, but its log is stale: the others refuse their votes (§5.4.1) and one of them leads term 21."),
    experiment(scenario!("raft-replication-rejoin-vote-without-log-check.json"), "Break it: vote without the log check.",
        "The same rejoin, with votes granted without comparing logs: S2 wins term 20 with a stale log and overwrites committed entries. Leader Completeness is flagged."),
    experiment(scenario!("raft-replication-skip-consistency-check.json"), "Break it: skip the consistency check.",
        "S3's link to S2 drops for a second. Without the prevLogIndex/prevLogTerm check, S2 appends what arrives at the wrong place: logs with the same index and term now differ before it, and Log Matching is flagged."),
    experiment(scenario!("raft-replication-forget-vote.json"), "Break it: forget the vote on restart.",
        "S2 votes, crashes and restarts having forgotten whom it voted for, and votes again in the same term: two leaders in one term (Election Safety). It needs a restart inside a few milliseconds between two candidates' requests: the distviz search command found it, with 3 servers and close election timeouts."),
    experiment(scenario!("raft-replication-add-server.json"), "Add servers, one at a time.",
        "S1–S3 form the cluster; S4 and S5 wait outside with empty logs. At 1 s S1 is asked to add S4: it first sends S4 the log without counting it (the event log names each catch-up round), then appends the configuration S1–S4, which takes effect on each server as soon as it is in its log. S5 follows at 2.5 s. Nobody campaigns, and requests keep committing."),
    experiment(scenario!("raft-replication-joint-consensus.json"), "Joint consensus: add two, remove the leader.",
        "With Settings → “through joint consensus”, each change goes through a joint configuration (old → new): an entry commits only with a majority of both sets. S4 and S5 join, then S3, the leader, is asked to remove itself. It keeps leading until the new configuration is committed, then steps down; S1, S2, S4 and S5 elect a new leader."),
    experiment(scenario!("raft-replication-removed-server-disrupts.json"), "A removed server disrupts the cluster.",
        "At 1 s S1 removes S5. S5 never hears that it was removed (it stops getting heartbeats), so it times out and campaigns with higher and higher terms. Each RequestVote makes the leader step down: the term climbs and requests stall."),
    experiment(scenario!("raft-replication-removed-server-pre-vote.json"), "The same, with pre-vote.",
        "The same removal with Settings → “pre-vote”. S5 first asks whether the others would vote for it; they still hear from S1, so they say no, and S5 stays a pre-candidate without raising anyone's term. S1 leads on in term 1."),
    experiment(scenario!("raft-replication-check-quorum.json"), "Check-quorum: a cut-off leader steps down.",
        "S2 leads, then is cut off from everyone. With Settings → “check-quorum” it notices that no majority answers within an election timeout and steps down, rather than believing it leads. With pre-vote on too, it rejoins after the heal without raising the others' term."),
];

#[derive(Properties, PartialEq)]
pub struct ReplicationExperimentsProps {
    pub send: Callback<Command>,
}

#[component]
pub fn ReplicationExperiments(props: &ReplicationExperimentsProps) -> Html {
    html! {
        <section class="panel experiments" aria-labelledby="try-title">
            <header><h2 id="try-title">{"Things to try"}</h2></header>
            <ol>
                {experiment_items(EXPERIMENTS, &props.send)}
            </ol>
        </section>
    }
}

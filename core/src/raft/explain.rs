//! "Why isn't this committed?": an uncommitted entry's reason in words,
//! read from the live state of the run (and its recent trace).

use super::{Config, Peer, PeerSaved, Raft, RaftMsg, RaftNode, Role};
use crate::sim::{LinkState, NodeId, RecordOf, TraceEvent, World, SERVER};

/// A server's log as it stands: live, or on disk while it is down.
fn log_of(world: &World<Raft>, id: NodeId) -> Option<&crate::sim::SharedLog<super::LogEntry>> {
    let slot = world.get(id)?;
    match (&slot.live, &slot.saved) {
        (Some(Peer::Server(n)), _) => Some(&n.log),
        (None, Some(PeerSaved::Server(s))) => Some(&s.log),
        _ => None,
    }
}

fn names(ids: &[NodeId]) -> String {
    match ids {
        [] => "no server".into(),
        [one] => one.to_string(),
        [rest @ .., last] => format!(
            "{} and {last}",
            rest.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Why entry `index` of `of`'s log is, or is not, committed.
pub fn why_not_committed(
    world: &World<Raft>,
    records: &[RecordOf<Raft>],
    of: NodeId,
    index: u64,
) -> String {
    let Some(entry) = log_of(world, of).and_then(|l| l.get(index as usize - 1).cloned()) else {
        return format!("{of} has no entry {index}.");
    };
    let what = format!("Entry {index} (term {}, “{}”)", entry.term, entry.command);
    let servers: Vec<NodeId> = world.roster().of_kind(SERVER).collect();
    let live = |id: NodeId| {
        world
            .get(id)
            .and_then(|s| s.live.as_ref())
            .and_then(Peer::server)
    };
    // What the run first applied at this index, whatever rule committed it.
    let first_applied = world.monitor().committed_at(index);
    if live(of).is_some_and(|n| n.commit_index >= index) {
        let conflict = match &first_applied {
            Some((term, by, command)) if *term != entry.term => format!(
                " But entry {index} was committed before as another entry, “{command}” (term {term}), which {by} applied: two different entries committed at one index, possible only with a rule broken. A store that applied the old one keeps it."
            ),
            _ => String::new(),
        };
        return format!(
            "{what} is committed on {of}: its commitIndex is {} (it has applied up to {}).{conflict}",
            live(of).map_or(0, |n| n.commit_index),
            live(of).map_or(0, |n| n.last_applied)
        );
    }
    let holders: Vec<NodeId> = servers
        .iter()
        .copied()
        .filter(|&id| {
            log_of(world, id)
                .and_then(|l| l.get(index as usize - 1))
                .is_some_and(|e| e.term == entry.term)
        })
        .collect();
    let leader = servers
        .iter()
        .filter_map(|&id| live(id))
        .filter(|n| n.role == Role::Leader)
        .max_by_key(|n| n.current_term);
    // A majority of the configuration the leader (or else `of`) acts on,
    // which may differ from the servers of the run after a change.
    let config = leader
        .or_else(|| live(of))
        .map(|n| n.config.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| Config::simple(servers.clone()));
    let members = config.members();
    let stored_by = members.iter().filter(|id| holders.contains(id)).count();
    let stored = format!(
        "it is stored on {} ({} of the {} in the configuration {config}; {})",
        names(&holders),
        stored_by,
        members.len(),
        config.majority_words()
    );
    let Some(leader) = leader else {
        return format!("{what} is not committed: {stored}, and no server leads right now. Nothing commits until an election ends and the new leader replicates an entry of its own term.");
    };
    if leader.term_at(index) != Some(entry.term) {
        // A leader of an older term, cut off in a minority, still takes
        // requests: say so first, it is what the learner sees.
        let stale = live(of)
            .filter(|n| n.role == Role::Leader && n.current_term < leader.current_term)
            .map(|n| {
                let why = if n.config.is_quorum(|id| reaches(world, n, id)) {
                    format!("it has not heard of term {} yet", leader.current_term)
                } else {
                    format!("it {}", reach_words(world, n))
                };
                format!(
                    "{of} still acts as leader of term {}, but {why}; a majority elected {} in term {}. ",
                    n.current_term, leader.id, leader.current_term
                )
            })
            .unwrap_or_default();
        let when = if world.network().same_side(leader.id, of) {
            "when its AppendEntries reach"
        } else {
            "once the partition heals and its AppendEntries reach"
        };
        // Committed and still lost: only a broken rule gets here.
        let was = match &first_applied {
            Some((term, by, _)) if *term == entry.term => format!(
                "It was committed ({by} applied it), so a committed entry is lost: that breaks Leader Completeness, possible only with a rule broken."
            ),
            _ => "It was never committed.".into(),
        };
        return format!(
            "{stale}{what} is not on the leader, {} (term {}): {}. {was} {} will replace it {when} {of}.",
            leader.id,
            leader.current_term,
            match leader.term_at(index) {
                Some(t) => format!("its entry {index} is from term {t}"),
                None => format!("its log ends at {}", leader.last_log_index()),
            },
            leader.id
        );
    }
    if leader.commit_index >= index {
        return format!(
            "{what} is committed: the leader {} has committed up to {}. {of} learns so from the leaderCommit of its next AppendEntries.",
            leader.id, leader.commit_index
        );
    }
    if !config.is_quorum(|id| holders.contains(&id)) {
        let lagging: Vec<String> = members
            .iter()
            .copied()
            .filter(|id| !holders.contains(id))
            .map(|id| lag_reason(world, records, leader, id))
            .collect();
        // A leader that reaches no majority can never commit: the heart
        // of the matter, before each server's own reason.
        let cut_off = if config.is_quorum(|id| reaches(world, leader, id)) {
            String::new()
        } else {
            format!(
                " {} {}: no majority, so nothing it appends can commit until the partition heals.",
                leader.id,
                reach_words(world, leader)
            )
        };
        return format!(
            "{what} is not committed: {stored}.{cut_off} {}",
            lagging.join(" ")
        );
    }
    if entry.term < leader.current_term {
        let own = (index + 1..=leader.last_log_index())
            .find(|&i| leader.term_at(i) == Some(leader.current_term));
        let later = match own {
            Some(i) => format!(" It will commit together with entry {i}, the leader's first of term {}, once a majority stores that.", leader.current_term),
            None => " The leader has no entry of its own term yet; a client request (or the no-op a new leader appends) would carry it.".into(),
        };
        // The leader counts by matchIndex, which lags what the logs hold
        // while replies are on their way: say so when they differ.
        let known: Vec<NodeId> = members
            .iter()
            .copied()
            .filter(|&id| {
                id == leader.id
                    || leader.match_index.get(id.n as usize).copied().unwrap_or(0) >= index
            })
            .collect();
        let heard = if known.len() < stored_by {
            format!(
                " (The leader knows of {} so far, by its matchIndex; it learns of the others from their replies.)",
                names(&known)
            )
        } else {
            String::new()
        };
        return format!(
            "{what} is not committed: {stored}, but it is from term {} and the leader {} is in term {}. A leader commits an older term's entries only by committing one of its own term (Figure 8).{later}{heard}",
            entry.term, leader.id, leader.current_term
        );
    }
    format!(
        "{what} is stored on a majority ({}), so it is as good as committed: the leader {} commits it as soon as it hears back (its matchIndex: {}).",
        names(&holders),
        leader.id,
        members
            .iter()
            .filter(|&&id| id != leader.id)
            .map(|&id| format!("{id} {}", leader.match_index.get(id.n as usize).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Whether `leader` can get an AppendEntries to server `id` and hear back:
/// itself, or a live, unpaused server on its side of any partition, over
/// links that carry messages both ways.
fn reaches(world: &World<Raft>, leader: &RaftNode, id: NodeId) -> bool {
    if id == leader.id {
        return true;
    }
    let up = |a: NodeId, b: NodeId| world.network().link(a, b).state == LinkState::Up;
    world
        .get(id)
        .is_some_and(|slot| slot.live.is_some() && !slot.is_paused())
        && world.network().same_side(leader.id, id)
        && up(leader.id, id)
        && up(id, leader.id)
}

/// "reaches only S2 and S3 (2 of the 5 in its configuration; a majority is 3 of 5)".
fn reach_words(world: &World<Raft>, leader: &RaftNode) -> String {
    let members = leader.config.members();
    let reached: Vec<NodeId> = members
        .iter()
        .copied()
        .filter(|&id| reaches(world, leader, id))
        .collect();
    format!(
        "reaches only {} ({} of the {} in its configuration; {})",
        names(&reached),
        reached.len(),
        members.len(),
        leader.config.majority_words()
    )
}

/// Why a server does not have the entry yet.
fn lag_reason(
    world: &World<Raft>,
    records: &[RecordOf<Raft>],
    leader: &RaftNode,
    id: NodeId,
) -> String {
    let Some(slot) = world.get(id) else {
        return String::new();
    };
    if slot.live.is_none() {
        return format!("{id} is down.");
    }
    if slot.is_paused() {
        return format!("{id} is paused.");
    }
    if !world.network().same_side(leader.id, id) {
        return format!("{id} is cut off from {} by the partition.", leader.id);
    }
    if world.network().link(leader.id, id).state != LinkState::Up {
        return format!("{}'s link to {id} is down.", leader.id);
    }
    let next = leader.next_index.get(id.n as usize).copied().unwrap_or(1);
    let flying = world.in_flight().find(|m| {
        m.from == leader.id
            && m.to == id
            && matches!(&m.msg, RaftMsg::AppendEntries { entries, .. } if !entries.is_empty())
    });
    if let Some(m) = flying {
        return format!(
            "{}'s AppendEntries to {id} is on its way (it arrives at {} ms).",
            leader.id, m.arrives
        );
    }
    // The last AppendEntries to it that was lost, if the trace still has it.
    let lost = records.iter().rev().find_map(|r| match &r.event {
        TraceEvent::Drop {
            id: msg,
            from,
            to,
            reason,
        } if *from == leader.id && *to == id => Some((r.at, *msg, reason.words())),
        _ => None,
    });
    let span = |msg: u64| {
        records.iter().rev().find_map(|r| match &r.event {
            TraceEvent::Send {
                id: m,
                msg:
                    RaftMsg::AppendEntries {
                        prev_log_index,
                        entries,
                        ..
                    },
                ..
            } if *m == msg && !entries.is_empty() => Some(format!(
                " for {}–{}",
                prev_log_index + 1,
                prev_log_index + entries.len() as u64
            )),
            _ => None,
        })
    };
    match lost {
        Some((at, msg, why)) => format!(
            "{}'s nextIndex for {id} is {next}: its AppendEntries{} was lost at {at} ms ({why}); the next heartbeat sends it again.",
            leader.id,
            span(msg).unwrap_or_default()
        ),
        None => format!("{}'s nextIndex for {id} is {next}: the next AppendEntries carries it.", leader.id),
    }
}

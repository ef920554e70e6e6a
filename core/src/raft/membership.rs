//! Membership changes, made by the leader: one server at a time
//! (dissertation §4.1) or through joint consensus (paper §6). A new
//! server first catches up without a vote (§4.2.1); a leader the change
//! removes steps down once it is committed (§4.2.2).

use super::Role;
use super::{CatchUp, Command, Config, LogEntry, Membership, Raft, RaftNode, RaftNote, RaftTimer};
use crate::sim::{Ctx, NodeId, SERVERS};

/// A new server gets this many rounds to catch up before the leader gives
/// up on it (the dissertation suggests about ten).
const CATCH_UP_ROUNDS: u32 = 10;

impl Raft {
    /// The configuration a server starts with while its log holds none:
    /// S1…S{members} for those, nothing for a server waiting outside.
    pub(super) fn start_config(&self, ctx: &Ctx<Self>) -> Config {
        let members = self.params.starting_members(ctx.count(SERVERS));
        if ctx.me().index() >= members {
            return Config::default();
        }
        Config::simple((0..members as u8).map(NodeId::server).collect())
    }

    /// A learner's (or scenario's) request to add or remove a server, sent
    /// to a server. Only a leader with no change in progress takes it.
    pub(super) fn change_membership(
        &self,
        node: &mut RaftNode,
        server: NodeId,
        add: bool,
        ctx: &mut Ctx<Self>,
    ) -> Result<(), String> {
        if server.kind != SERVERS.letter || ctx.nodes_of(SERVERS).all(|id| id != server) {
            return Err(format!(
                "{server} is not a server of this run: it has {} servers (S1…S{}), and a run has at most 9",
                ctx.count(SERVERS),
                ctx.count(SERVERS)
            ));
        }
        if node.role != Role::Leader {
            let leads = match node.leader {
                Some(l) => format!(" ({l} leads, as far as it knows)"),
                None => String::new(),
            };
            return Err(format!(
                "{} is not the leader{leads}: a membership change goes to the leader",
                node.id
            ));
        }
        if let Some(c) = &node.catch_up {
            return Err(format!(
                "a change is in progress: {} is still catching up to join; one change at a time",
                c.server
            ));
        }
        if node.config_index > node.commit_index {
            return Err(format!(
                "a change is in progress: the configuration at entry {} is not committed yet; one change at a time",
                node.config_index
            ));
        }
        // The fix to single-server changes (Ongaro, raft-dev 2015): a new
        // leader changes nothing before an entry of its term is committed.
        if node.term_at(node.commit_index) != Some(node.current_term) {
            return Err(format!(
                "{} has not yet committed an entry of its term {}: a new leader waits for that (its no-op) before a membership change",
                node.id, node.current_term
            ));
        }
        let voters = &node.config.voters;
        if add {
            if voters.contains(&server) {
                return Err(format!(
                    "{server} is already in the configuration ({})",
                    node.config
                ));
            }
            node.next_index[server.index()] = node.last_log_index() + 1;
            node.match_index[server.index()] = 0;
            node.heard_from[server.index()] = ctx.now();
            node.catch_up = Some(CatchUp {
                server,
                round: 1,
                target: node.last_log_index(),
                round_started_ms: ctx.now(),
                started_ms: ctx.now(),
            });
            ctx.record(RaftNote::CatchingUp { server, round: 1 });
            self.send_append(node, server, ctx);
            // It may hold everything already (a server added back).
            self.on_catch_up_progress(node, server, ctx);
            return Ok(());
        }
        if !voters.contains(&server) {
            return Err(format!(
                "{server} is not in the configuration ({})",
                node.config
            ));
        }
        if voters.len() == 1 {
            return Err(format!(
                "{server} is the last server in the configuration: removing it would leave nobody to run the cluster"
            ));
        }
        let new: Vec<NodeId> = voters.iter().copied().filter(|&id| id != server).collect();
        self.append_config(node, new, ctx);
        Ok(())
    }

    /// The next configuration: C_new itself, or first C_old,new.
    fn append_config(&self, node: &mut RaftNode, new: Vec<NodeId>, ctx: &mut Ctx<Self>) {
        let config = match self.params.membership {
            Membership::Single => Config::simple(new),
            Membership::Joint => Config::joint(&node.config.voters, new),
        };
        self.append_config_entry(node, config, ctx);
    }

    fn append_config_entry(&self, node: &mut RaftNode, config: Config, ctx: &mut Ctx<Self>) {
        node.push(LogEntry {
            term: node.current_term,
            command: Command::Config(config.clone()),
            client: None,
        });
        ctx.persist();
        ctx.record(RaftNote::NewConfig {
            index: node.config_index,
            config,
        });
        self.note_own_match(node, ctx.me());
        self.advance_commit(node, ctx);
        if node.role == Role::Leader {
            self.send_to_followers(node, ctx);
        }
    }

    /// A catching-up server answered: when it reaches the round's target
    /// quickly enough it joins; otherwise another round, up to a limit.
    pub(super) fn on_catch_up_progress(
        &self,
        node: &mut RaftNode,
        server: NodeId,
        ctx: &mut Ctx<Self>,
    ) {
        let Some(c) = node.catch_up.clone().filter(|c| c.server == server) else {
            return;
        };
        if node.match_index[server.index()] < c.target {
            return;
        }
        let fast = ctx.now() - c.round_started_ms < self.params.election_timeout_ms[0];
        if fast {
            node.catch_up = None;
            let mut new = node.config.voters.clone();
            new.push(server);
            self.append_config(node, new, ctx);
        } else if c.round >= CATCH_UP_ROUNDS {
            node.catch_up = None;
            ctx.record(RaftNote::CatchUpFailed { server });
        } else {
            let round = c.round + 1;
            node.catch_up = Some(CatchUp {
                round,
                target: node.last_log_index(),
                round_started_ms: ctx.now(),
                ..c
            });
            ctx.record(RaftNote::CatchingUp { server, round });
        }
    }

    /// Each heartbeat: a server that cannot be reached for ten rounds'
    /// time is given up on, so the cluster can take another change.
    pub(super) fn on_leader_tick(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        let limit = self.params.election_timeout_ms[1] * u64::from(CATCH_UP_ROUNDS);
        if let Some(c) = node.catch_up.clone() {
            if ctx.now() - c.started_ms > limit {
                node.catch_up = None;
                ctx.record(RaftNote::CatchUpFailed { server: c.server });
            }
        }
    }

    /// After a commit: a committed joint configuration moves on to C_new;
    /// a leader that C_new leaves out steps down (§6, dissertation §4.2.2).
    pub(super) fn on_config_committed(&self, node: &mut RaftNode, ctx: &mut Ctx<Self>) {
        if node.role != Role::Leader || node.config_index > node.commit_index {
            return;
        }
        if node.config.is_joint() {
            let new = Config::simple(node.config.voters.clone());
            self.append_config_entry(node, new, ctx);
        } else if !node.config.contains(node.id) {
            node.role = Role::Follower;
            node.leader = None;
            node.catch_up = None;
            ctx.cancel_timer(RaftTimer::Heartbeat);
            ctx.record(RaftNote::LeftCluster {
                index: node.config_index,
            });
        }
    }
}

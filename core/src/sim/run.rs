use super::{
    Action, NetworkConfig, NodeId, Protocol, RecordOf, Roster, Time, TimedAction, TraceOf, World,
};

/// A checkpoint (a clone of the world) is kept every this many steps, so a
/// seek replays at most this many steps.
pub const CHECKPOINT_EVERY: u64 = 512;

/// A run you can travel in: the world at "now", the trace up to the
/// furthest point reached, the scenario's actions, and checkpoints.
///
/// Seeking restores the nearest earlier checkpoint and replays from it. An
/// intervention forks: the actions and trace after "now" are dropped.
#[derive(Clone, Debug)]
pub struct Run<P: Protocol> {
    world: World<P>,
    trace: TraceOf<P>,
    actions: Vec<TimedAction>,
    /// `checkpoints[i]` is the world after `i * CHECKPOINT_EVERY` steps.
    checkpoints: Vec<World<P>>,
    /// The furthest time computed.
    horizon: Time,
}

impl<P: Protocol> Run<P> {
    /// A run at time 0 of the roster's nodes, all up but those in `down`.
    /// `actions` must be sorted by time.
    pub fn new(
        proto: P,
        roster: Roster,
        network: NetworkConfig,
        seed: u64,
        down: &[NodeId],
        actions: Vec<TimedAction>,
    ) -> Self {
        let mut trace = TraceOf::<P>::default();
        let world = World::new(proto, roster, network, seed, down, &mut trace);
        Run {
            checkpoints: vec![world.clone()],
            world,
            trace,
            actions,
            horizon: 0,
        }
    }

    pub fn world(&self) -> &World<P> {
        &self.world
    }
    pub fn trace(&self) -> &TraceOf<P> {
        &self.trace
    }
    pub fn actions(&self) -> &[TimedAction] {
        &self.actions
    }
    pub fn now(&self) -> Time {
        self.world.now()
    }
    /// The furthest time this run has been computed to.
    pub fn horizon(&self) -> Time {
        self.horizon
    }
    /// The trace records up to "now" (the trace may reach further).
    pub fn records_so_far(&self) -> &[RecordOf<P>] {
        &self.trace.records()[..self.world.records() as usize]
    }

    /// One step forward; false when nothing is left to happen.
    pub fn step_forward(&mut self) -> bool {
        self.step_by(Time::MAX)
    }

    fn step_by(&mut self, limit: Time) -> bool {
        let stepped = self.world.step_by(limit, &self.actions, &mut self.trace);
        self.after_step();
        stepped
    }

    fn after_step(&mut self) {
        let steps = self.world.steps();
        if steps.is_multiple_of(CHECKPOINT_EVERY)
            && steps / CHECKPOINT_EVERY == self.checkpoints.len() as u64
        {
            self.checkpoints.push(self.world.clone());
        }
        self.horizon = self.horizon.max(self.world.now());
    }

    /// Runs forward to time `t` (everything at `t` included).
    pub fn advance_to(&mut self, t: Time) {
        while self.step_by(t) {}
        self.world.wait_until(t);
        self.horizon = self.horizon.max(t);
    }

    /// Moves to time `t`, back or forward.
    pub fn seek_time(&mut self, t: Time) {
        let index = self.checkpoints.partition_point(|c| c.now() <= t).max(1) - 1;
        let nearest = &self.checkpoints[index];
        // Jump to the checkpoint when going back, or when it saves replaying forward.
        if t < self.world.now() || nearest.steps() > self.world.steps() {
            self.world = nearest.clone();
        }
        self.advance_to(t);
    }

    /// Moves to just after step `n` (or as far as the run goes).
    pub fn seek_step(&mut self, n: u64) {
        let index = ((n / CHECKPOINT_EVERY) as usize).min(self.checkpoints.len() - 1);
        let nearest = &self.checkpoints[index];
        if n < self.world.steps() || nearest.steps() > self.world.steps() {
            self.world = nearest.clone();
        }
        while self.world.steps() < n && self.step_forward() {}
    }

    /// Undoes the last step.
    pub fn step_back(&mut self) {
        if self.world.steps() > 0 {
            self.seek_step(self.world.steps() - 1);
        }
    }

    /// Acts now: finishes the current millisecond, drops the future (later
    /// actions, trace and checkpoints), records the action and applies it.
    /// An action naming a node the run lacks changes nothing and says why.
    pub fn intervene(&mut self, action: Action) -> Result<(), String> {
        action
            .check_nodes(self.world.roster())
            .map_err(|(_, why)| why)?;
        let now = self.world.now();
        self.advance_to(now);
        let done = self.world.next_action();
        self.actions.truncate(done);
        self.actions.push(TimedAction { at_ms: now, action });
        self.trace.truncate(self.world.records());
        let keep = (self.world.steps() / CHECKPOINT_EVERY) as usize + 1;
        self.checkpoints.truncate(keep);
        self.horizon = now;
        self.step_forward();
        Ok(())
    }
}

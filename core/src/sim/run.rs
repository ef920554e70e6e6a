use super::{
    Action, Landmarks, NetworkConfig, NodeId, Protocol, RecordOf, Roster, Time, TimedAction,
    TraceOf, World,
};

/// A checkpoint (a clone of the world) is kept every this many steps, so a
/// seek replays at most this many steps.
pub const CHECKPOINT_EVERY: u64 = 1024;

/// A run you can travel in: the world at "now", the trace (all of it, or a
/// window of it), the scenario's actions, checkpoints and the landmarks.
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
    /// About the bytes the checkpoints hold (`World::approx_bytes` of each).
    checkpoint_bytes: usize,
    landmarks: Landmarks,
    /// The lab's own landmarks, read alongside.
    lab_landmarks: P::Landmarks,
    /// The records of booting at time 0, made before the first checkpoint,
    /// so a replay cannot make them again.
    prelude: TraceOf<P>,
    /// The furthest time computed.
    horizon: Time,
}

impl<P: Protocol> Run<P> {
    /// A run at time 0 of the roster's nodes, all up but those in `down`.
    /// `actions` must be sorted by time. It keeps its whole trace.
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
        let mut run = Run {
            checkpoint_bytes: world.approx_bytes(),
            checkpoints: vec![world.clone()],
            world,
            prelude: trace.clone(),
            trace,
            actions,
            landmarks: Landmarks::default(),
            lab_landmarks: P::Landmarks::default(),
            horizon: 0,
        };
        run.read_landmarks();
        run
    }

    /// From now on keep only about the latest `window` records (a long
    /// run in the browser); travelling back re-derives them.
    pub fn keep_window(&mut self, window: usize) {
        let mut trace = TraceOf::<P>::windowed(window);
        let start = self.trace.end().saturating_sub(window as u64);
        let from = start.saturating_sub(self.trace.first()) as usize;
        trace.truncate(start);
        let kept = self.trace.records().iter().zip(self.trace.extras());
        for (i, (record, &extra)) in kept.enumerate().skip(from) {
            trace.push(start + (i - from) as u64, record.clone(), extra as usize);
        }
        self.trace = trace;
    }

    /// The world and the actions, for a quiet run (`QuietRun`).
    pub(super) fn into_parts(self) -> (World<P>, Vec<TimedAction>) {
        (self.world, self.actions)
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
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }
    /// About the bytes this run holds for time travel: its checkpoints and
    /// its trace (or trace window). Lab pages stop a run at a budget of
    /// this, so a run lasts as long as its memory allows, not a set time.
    pub fn held_bytes(&self) -> usize {
        self.checkpoint_bytes
            + self.trace.held_bytes()
            + self.prelude.held_bytes()
            + self.world.approx_bytes()
    }
    pub fn landmarks(&self) -> &Landmarks {
        &self.landmarks
    }
    pub fn lab_landmarks(&self) -> &P::Landmarks {
        &self.lab_landmarks
    }
    pub fn now(&self) -> Time {
        self.world.now()
    }
    /// The furthest time this run has been computed to.
    pub fn horizon(&self) -> Time {
        self.horizon
    }
    /// The trace records kept up to "now" (the trace may reach further).
    /// With a window, the latest of them; `records_first()` is the index
    /// of the first.
    pub fn records_so_far(&self) -> &[RecordOf<P>] {
        let kept = self.trace.records();
        let upto =
            (self.world.records().saturating_sub(self.trace.first()) as usize).min(kept.len());
        &kept[..upto]
    }
    /// The run index of `records_so_far()[0]`.
    pub fn records_first(&self) -> u64 {
        self.trace.first()
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
            self.checkpoint_bytes += self.world.approx_bytes();
            self.checkpoints.push(self.world.clone());
        }
        self.horizon = self.horizon.max(self.world.now());
        self.read_landmarks();
    }

    /// Reads the landmarks of records made for the first time.
    fn read_landmarks(&mut self) {
        let end = self.world.records();
        let from = self.landmarks.scanned().max(self.trace.first());
        if end <= from {
            return;
        }
        let kept = self.trace.records();
        let first = self.trace.first();
        let proto = self.world.protocol();
        for index in from..end.min(self.trace.end()) {
            let record = &kept[(index - first) as usize];
            self.landmarks.read(index, record);
            proto.read_landmark(&mut self.lab_landmarks, index, record);
        }
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
        let index = self.with_window_start(index);
        let nearest = &self.checkpoints[index];
        // Jump to the checkpoint when going back, or when it saves replaying forward.
        if t < self.world.now() || nearest.steps() > self.world.steps() {
            self.restore(index);
        }
        self.advance_to(t);
    }

    /// Moves to just after step `n` (or as far as the run goes).
    pub fn seek_step(&mut self, n: u64) {
        let index = ((n / CHECKPOINT_EVERY) as usize).min(self.checkpoints.len() - 1);
        let index = self.with_window_start(index);
        let nearest = &self.checkpoints[index];
        if n < self.world.steps() || nearest.steps() > self.world.steps() {
            self.restore(index);
        }
        while self.world.steps() < n && self.step_forward() {}
    }

    /// With a window, an earlier checkpoint when the one chosen would leave
    /// the window short of records before the target (the log shows them).
    fn with_window_start(&self, index: usize) -> usize {
        let Some(window) = self.trace.window() else {
            return index;
        };
        let target = self.checkpoints[index].records();
        let want = target.saturating_sub(window as u64 / 2);
        // The window already holds records from `want` up to the checkpoint.
        if self.trace.first() <= want && self.trace.end() >= target {
            return index;
        }
        self.checkpoints
            .partition_point(|c| c.records() <= want)
            .max(1)
            - 1
    }

    /// Puts the world back to checkpoint `index`. A windowed trace that
    /// does not reach back that far starts again there, to be refilled by
    /// the replay.
    fn restore(&mut self, index: usize) {
        self.world = self.checkpoints[index].clone();
        let at = self.world.records();
        let outside = self.trace.first() > at || self.trace.end() < at;
        if self.trace.window().is_some() && outside {
            let window = self.trace.window();
            self.trace = if index == 0 {
                let mut trace = self.prelude.clone();
                trace.set_window(window);
                trace
            } else {
                TraceOf::<P>::starting_at(at, window)
            };
        }
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
        self.landmarks.truncate(self.world.records());
        self.world
            .protocol()
            .forget_landmarks(&mut self.lab_landmarks, self.world.records());
        let keep = (self.world.steps() / CHECKPOINT_EVERY) as usize + 1;
        self.checkpoints.truncate(keep);
        self.checkpoint_bytes = self.checkpoints.iter().map(World::approx_bytes).sum();
        self.horizon = now;
        self.step_forward();
        Ok(())
    }
}

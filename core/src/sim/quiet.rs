//! A run for the counterexample search: the same world stepping the same
//! way, but recording nothing (no trace, no hash, no checkpoints, no
//! landmarks), since a search only asks whether and when an invariant
//! first breaks. What it finds is then replayed as a normal `Run`.

use super::{Protocol, Run, Time, TimedAction, TraceOf, Violation, World};

pub struct QuietRun<P: Protocol> {
    world: World<P>,
    actions: Vec<TimedAction>,
    /// Stays empty: a quiet world pushes nothing to it.
    trace: TraceOf<P>,
}

impl<P: Protocol> QuietRun<P> {
    /// Steps until an invariant breaks or nothing is left at or before
    /// `until`; returns the first violation, if any.
    pub fn first_violation(mut self, until: Time) -> Option<Violation> {
        while self.world.violations().is_empty()
            && self.world.step_by(until, &self.actions, &mut self.trace)
        {}
        self.world.violations().iter().next().cloned()
    }
}

impl<P: Protocol> Run<P> {
    /// This run, from where it is, as a quiet one.
    pub fn into_quiet(self) -> QuietRun<P> {
        let (mut world, actions) = self.into_parts();
        world.go_quiet();
        QuietRun {
            world,
            actions,
            trace: TraceOf::<P>::default(),
        }
    }
}

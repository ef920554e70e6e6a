use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The world's one random number generator. Every random choice of a run
/// (timeouts, latency, loss, duplication) is drawn here, in a fixed order,
/// so a seed determines the run.
///
/// Only `u64` ranges are offered: sampling a `usize` range would differ
/// between 32-bit WebAssembly and 64-bit native builds.
#[derive(Clone, Debug)]
pub struct SimRng(Pcg64Mcg);

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng(Pcg64Mcg::seed_from_u64(seed))
    }

    /// A number in `lo..=hi` (both in milliseconds or any other unit).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if lo >= hi {
            lo
        } else {
            self.0.gen_range(lo..=hi)
        }
    }

    /// True with probability `p`; draws nothing when `p` is 0.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (p >= 1.0 || self.0.gen_bool(p))
    }
}

use super::NodeId;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A seeded stream of random numbers. A run has several, all derived from
/// the scenario's seed: one for the network (latency, loss, duplication)
/// and one per node (its timeouts and choices). So two protocols run under
/// one seed see the same network draws, and a change in one node's
/// behaviour does not reshuffle every later latency.
///
/// Only `u64` ranges are offered: sampling a `usize` range would differ
/// between 32-bit WebAssembly and 64-bit native builds.
#[derive(Clone, Debug)]
pub struct SimRng(Pcg64Mcg);

/// Stream numbers below this are the world's own; nodes use their name.
const NETWORK_STREAM: u64 = 1;

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng(Pcg64Mcg::seed_from_u64(seed))
    }

    /// Stream `stream` of `seed`: independent of every other stream.
    pub fn stream(seed: u64, stream: u64) -> Self {
        SimRng::new(mix(seed ^ mix(stream.wrapping_add(0x9e37_79b9_7f4a_7c15))))
    }

    /// The network's stream of a run.
    pub fn network(seed: u64) -> Self {
        SimRng::stream(seed, NETWORK_STREAM)
    }

    /// A node's stream of a run, named by the node so it does not depend
    /// on which other nodes exist.
    pub fn node(seed: u64, id: NodeId) -> Self {
        SimRng::stream(seed, 0x100 | (id.kind as u64) << 8 | (id.n as u64) << 16)
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

/// SplitMix64's finaliser: spreads nearby inputs far apart.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_repeatable() {
        let draws = |mut r: SimRng| (0..8).map(|_| r.between(0, 1000)).collect::<Vec<_>>();
        let a = draws(SimRng::node(7, NodeId::server(0)));
        assert_eq!(a, draws(SimRng::node(7, NodeId::server(0))));
        assert_ne!(a, draws(SimRng::node(7, NodeId::server(1))));
        assert_ne!(a, draws(SimRng::node(7, NodeId::client(0))));
        assert_ne!(a, draws(SimRng::network(7)));
        assert_ne!(a, draws(SimRng::node(8, NodeId::server(0))));
    }
}

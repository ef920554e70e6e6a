use std::hash::Hasher;
use xxhash_rust::xxh3::Xxh3;

/// A `Hasher` that gives the same answer on every platform: `usize` and
/// `isize` (lengths, enum discriminants) are widened to 64 bits before
/// hashing, so 32-bit WebAssembly and 64-bit native builds agree.
#[derive(Clone, Default)]
pub struct StableHasher(Xxh3);

impl StableHasher {
    pub fn new() -> Self {
        Self::default()
    }

    /// The hash as 16 lowercase hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0.digest())
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0.digest()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn write_usize(&mut self, i: usize) {
        self.0.update(&(i as u64).to_le_bytes());
    }
    fn write_isize(&mut self, i: isize) {
        self.0.update(&(i as i64).to_le_bytes());
    }
}

impl std::fmt::Debug for StableHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StableHasher({})", self.hex())
    }
}

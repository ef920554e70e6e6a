//! A small fast hasher for the search's caches (the multiply-rotate hash of
//! Firefox and rustc); not for untrusted keys where flooding matters.

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        // Spread the high bits down: the table indexes by the low ones.
        let h = self.0 ^ (self.0 >> 33);
        let h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

pub type FxBuild = BuildHasherDefault<Fx>;

/// A set of fixed-length keys of words, stored end to end in one arena
/// (no allocation per key): open addressing with linear probing.
pub struct KeySet {
    stride: usize,
    arena: Vec<u64>,
    slots: Vec<u32>,
    len: usize,
}

const EMPTY: u32 = u32::MAX;

impl KeySet {
    pub fn new(stride: usize) -> KeySet {
        KeySet {
            stride,
            arena: Vec::new(),
            slots: vec![EMPTY; 1024],
            len: 0,
        }
    }

    fn hash(key: &[u64]) -> u64 {
        let mut h = Fx::default();
        for &w in key {
            h.add(w);
        }
        h.finish()
    }

    /// Adds `key` (of `stride` words); false if it was there already.
    pub fn insert(&mut self, key: &[u64]) -> bool {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::hash(key) as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == EMPTY {
                self.slots[i] = self.len as u32;
                self.arena.extend_from_slice(key);
                self.len += 1;
                return true;
            }
            let at = slot as usize * self.stride;
            if self.arena[at..at + self.stride] == *key {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let mut slots = vec![EMPTY; size];
        for k in 0..self.len {
            let key = &self.arena[k * self.stride..(k + 1) * self.stride];
            let mut i = Self::hash(key) as usize & (size - 1);
            while slots[i] != EMPTY {
                i = (i + 1) & (size - 1);
            }
            slots[i] = k as u32;
        }
        self.slots = slots;
    }
}

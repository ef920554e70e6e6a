//! A log whose copies share what they have in common. A run keeps a copy
//! of every node's state at each checkpoint, and a node writes its log to
//! disk on every change (`Effect::Persist`): with a plain `Vec`, a log of
//! n entries would cost n entries a copy, and a long run would grow
//! quadratically. Here entries live in chunks of `CHUNK`; a copy shares
//! every chunk, and a change copies only the chunk it touches.

use serde::{Serialize, Serializer};
use std::rc::Rc;

/// Entries a chunk holds.
pub const CHUNK: usize = 64;

#[derive(Clone, Debug)]
pub struct SharedLog<T> {
    chunks: Vec<Rc<Vec<T>>>,
    len: usize,
}

impl<T> Default for SharedLog<T> {
    fn default() -> Self {
        SharedLog {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone> SharedLog<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entry at `index` (from 0).
    pub fn get(&self, index: usize) -> Option<&T> {
        (index < self.len).then(|| &self.chunks[index / CHUNK][index % CHUNK])
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn push(&mut self, entry: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        if let Some(last) = self.chunks.last_mut() {
            match Rc::get_mut(last) {
                Some(chunk) => chunk.push(entry),
                // Another copy of the log shares it (a disk, a checkpoint):
                // copy it, at its full size at once (a clone would be just
                // long enough, and this push would grow it again).
                None => {
                    let mut chunk = Vec::with_capacity(CHUNK);
                    chunk.extend_from_slice(last);
                    chunk.push(entry);
                    *last = Rc::new(chunk);
                }
            }
            self.len += 1;
        }
    }

    /// Keeps the first `len` entries (Raft drops a conflicting suffix).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let chunks = len.div_ceil(CHUNK);
        self.chunks.truncate(chunks);
        let keep = len - chunks.saturating_sub(1) * CHUNK;
        if let Some(last) = self.chunks.last_mut() {
            if keep < last.len() {
                Rc::make_mut(last).truncate(keep);
            }
        }
        self.len = len;
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }

    /// The entries from `index` on (what AppendEntries sends a follower).
    pub fn from_index(&self, index: usize) -> impl Iterator<Item = &T> + '_ {
        self.iter().skip(index)
    }

    /// Bytes of the chunks no other copy shares: what this copy adds to a
    /// run's memory (`Protocol::heap_bytes`). The last chunk counts even
    /// while shared: the next push gives each copy its own.
    pub fn unshared_bytes(&self) -> usize {
        let chunk_bytes = |c: &Rc<Vec<T>>| c.capacity() * std::mem::size_of::<T>();
        let last = self.chunks.len().saturating_sub(1);
        self.chunks.capacity() * std::mem::size_of::<Rc<Vec<T>>>()
            + self
                .chunks
                .iter()
                .enumerate()
                .filter(|&(i, c)| Rc::strong_count(c) == 1 || i == last)
                .map(|(_, c)| chunk_bytes(c))
                .sum::<usize>()
    }

    /// Whether this log is unchanged since `earlier` was copied from it:
    /// a change copies the chunk it touches (the copy still shares it), so
    /// the same length and the same last chunk mean the same entries.
    pub fn unchanged_since(&self, earlier: &SharedLog<T>) -> bool {
        self.len == earlier.len
            && match (self.chunks.last(), earlier.chunks.last()) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }

    /// The first index at which this log and `earlier` (a copy taken
    /// before) differ, or the shorter one's length. Chunks they still
    /// share are skipped unread.
    pub fn first_difference(&self, earlier: &SharedLog<T>) -> usize
    where
        T: PartialEq,
    {
        let shared = self
            .chunks
            .iter()
            .zip(&earlier.chunks)
            .take_while(|(a, b)| Rc::ptr_eq(a, b))
            .count();
        let short = self.len.min(earlier.len);
        let mut i = (shared * CHUNK).min(short);
        while i < short && self.get(i) == earlier.get(i) {
            i += 1;
        }
        i
    }

    /// Bytes of the chunks that no checkpoint holds yet, for a run's
    /// estimate made as each checkpoint is taken: full chunks only this
    /// copy holds, and the last chunk while at most `holders` copies in
    /// the live world hold it (say a node's log and its disk). Each chunk
    /// is then counted once, by the first checkpoint that captures it,
    /// whether the log grows or stands still.
    pub fn fresh_bytes(&self, holders: usize) -> usize {
        self.fresh_bytes_each(holders, std::mem::size_of::<T>())
    }

    /// `fresh_bytes` for entries that hold `each` bytes in all (their
    /// size and what they point to).
    pub fn fresh_bytes_each(&self, holders: usize, each: usize) -> usize {
        let chunk_bytes = |c: &Rc<Vec<T>>| c.capacity() * each;
        let last = self.chunks.len().saturating_sub(1);
        self.chunks.capacity() * std::mem::size_of::<Rc<Vec<T>>>()
            + self
                .chunks
                .iter()
                .enumerate()
                .filter(|&(i, c)| {
                    Rc::strong_count(c) == 1 || (i == last && Rc::strong_count(c) <= holders)
                })
                .map(|(_, c)| chunk_bytes(c))
                .sum::<usize>()
    }

    /// Whether this log's last chunk is the same as `other`'s.
    pub fn shares_last_chunk(&self, other: &SharedLog<T>) -> bool {
        matches!((self.chunks.last(), other.chunks.last()), (Some(a), Some(b)) if Rc::ptr_eq(a, b))
    }

    /// Whether this copy and `other` share their chunks (a cheap copy).
    pub fn shares_with(&self, other: &SharedLog<T>) -> bool {
        self.chunks
            .iter()
            .zip(&other.chunks)
            .all(|(a, b)| Rc::ptr_eq(a, b))
    }
}

impl<T: Clone> std::ops::Index<usize> for SharedLog<T> {
    type Output = T;
    fn index(&self, index: usize) -> &T {
        assert!(index < self.len, "index {index} of a log of {}", self.len);
        &self.chunks[index / CHUNK][index % CHUNK]
    }
}

impl<T: Clone + PartialEq> PartialEq for SharedLog<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Clone> From<Vec<T>> for SharedLog<T> {
    fn from(entries: Vec<T>) -> Self {
        entries.into_iter().collect()
    }
}

impl<T: Clone> FromIterator<T> for SharedLog<T> {
    fn from_iter<I: IntoIterator<Item = T>>(entries: I) -> Self {
        let mut log = SharedLog::new();
        for entry in entries {
            log.push(entry);
        }
        log
    }
}

/// Written as a plain list, as a `Vec` would be.
impl<T: Clone + Serialize> Serialize for SharedLog<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_copy_shares_its_chunks_and_a_change_copies_one() {
        let mut log: SharedLog<u64> = (0..1000).collect();
        let copy = log.clone();
        assert!(log.shares_with(&copy));
        // Every chunk is shared, so the copy adds only its list of chunks
        // and its last chunk (which the next push copies).
        assert!(copy.unshared_bytes() < 1000 * 8 / 4);
        assert!(copy.unshared_bytes() >= CHUNK * 8);
        log.push(1000);
        assert_eq!(copy.len(), 1000, "the copy is unchanged");
        assert_eq!(log.len(), 1001);
        // 1000 entries fill 15 chunks and 40 of a 16th; the push copied only that one.
        let shared = log
            .chunks
            .iter()
            .zip(&copy.chunks)
            .filter(|(a, b)| Rc::ptr_eq(a, b));
        assert_eq!(shared.count(), 15);
    }

    #[test]
    fn the_json_is_a_plain_list() {
        let log: SharedLog<u64> = vec![1, 2, 3].into();
        assert_eq!(serde_json::to_string(&log).unwrap(), "[1,2,3]");
    }

    proptest! {
        /// Pushes and truncations, on a log and its copies, agree with a `Vec`.
        #[test]
        fn behaves_as_a_vec(ops in prop::collection::vec((0u8..3, 0usize..300), 1..60)) {
            let mut log = SharedLog::new();
            let mut vec = Vec::new();
            let mut copies = Vec::new();
            for (i, (op, n)) in ops.into_iter().enumerate() {
                match op {
                    0 => for k in 0..n % 100 {
                        log.push(i * 1000 + k);
                        vec.push(i * 1000 + k);
                    },
                    1 => {
                        log.truncate(n);
                        vec.truncate(n);
                    }
                    _ => copies.push((log.clone(), vec.clone())),
                }
                prop_assert_eq!(log.len(), vec.len());
                prop_assert_eq!(log.iter().copied().collect::<Vec<_>>(), vec.clone());
                prop_assert_eq!(log.last(), vec.last());
                prop_assert_eq!(log.get(n), vec.get(n));
            }
            for (copy, expected) in copies {
                prop_assert_eq!(copy.iter().copied().collect::<Vec<_>>(), expected);
            }
        }
    }
}

#[cfg(test)]
mod change_tests {
    use super::*;

    #[test]
    fn a_copy_tells_where_the_log_changed_since() {
        let mut log: SharedLog<u32> = (0..200).collect();
        let earlier = log.clone();
        assert!(log.unchanged_since(&earlier));
        assert_eq!(log.first_difference(&earlier), 200);
        log.push(200);
        assert!(!log.unchanged_since(&earlier));
        assert_eq!(log.first_difference(&earlier), 200);
        let earlier = log.clone();
        log.truncate(130);
        log.push(7);
        assert!(!log.unchanged_since(&earlier));
        assert_eq!(log.first_difference(&earlier), 130);
        // Same length and the same last entry, a different middle: found.
        let earlier = log.clone();
        log.truncate(70);
        log.push(9_999);
        for i in 71..earlier.len() {
            log.push(earlier[i]);
        }
        assert_eq!(log.len(), earlier.len());
        assert!(!log.unchanged_since(&earlier));
        assert_eq!(log.first_difference(&earlier), 70);
    }
}

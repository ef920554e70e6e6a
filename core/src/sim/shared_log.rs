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
    /// The index of `chunks[0][0]`.
    base: usize,
    /// Entries before this index were compacted away (a snapshot stands
    /// for them); indices stay absolute.
    start: usize,
    len: usize,
}

impl<T> Default for SharedLog<T> {
    fn default() -> Self {
        SharedLog {
            chunks: Vec::new(),
            base: 0,
            start: 0,
            len: 0,
        }
    }
}

impl<T: Clone> SharedLog<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The index after the last entry (compacted ones count).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first index still held: entries before it were compacted.
    pub fn start(&self) -> usize {
        self.start
    }

    /// The entry at `index` (from 0), if held.
    pub fn get(&self, index: usize) -> Option<&T> {
        (self.start..self.len).contains(&index).then(|| {
            let at = index - self.base;
            &self.chunks[at / CHUNK][at % CHUNK]
        })
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn push(&mut self, entry: T) {
        if (self.len - self.base).is_multiple_of(CHUNK) {
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

    /// Keeps the entries before `len` (Raft drops a conflicting suffix);
    /// compacted entries stay compacted.
    pub fn truncate(&mut self, len: usize) {
        let len = len.max(self.start);
        if len >= self.len {
            return;
        }
        let held = len - self.base;
        let chunks = held.div_ceil(CHUNK);
        self.chunks.truncate(chunks);
        let keep = held - chunks.saturating_sub(1) * CHUNK;
        if let Some(last) = self.chunks.last_mut() {
            if keep < last.len() {
                Rc::make_mut(last).truncate(keep);
            }
        }
        self.len = len;
    }

    /// Forgets the entries before `upto` (a snapshot now holds what they
    /// did); whole chunks are freed, unless an older copy shares them.
    pub fn compact(&mut self, upto: usize) {
        let upto = upto.min(self.len);
        if upto <= self.start {
            return;
        }
        self.start = upto;
        let whole = (self.start - self.base) / CHUNK;
        self.chunks.drain(..whole);
        self.base += whole * CHUNK;
    }

    /// Drops every entry and starts over as if `at` had been compacted:
    /// what a follower does when a snapshot replaces its whole log.
    pub fn reset(&mut self, at: usize) {
        self.chunks.clear();
        (self.base, self.start, self.len) = (at, at, at);
    }

    /// The entries held, from `start()` on.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        let skip = self.start - self.base;
        self.chunks.iter().enumerate().flat_map(move |(k, chunk)| {
            let from = if k == 0 { skip.min(chunk.len()) } else { 0 };
            chunk[from..].iter()
        })
    }

    /// The entries from `index` on.
    pub fn from_index(&self, index: usize) -> impl Iterator<Item = &T> + '_ {
        self.iter().skip(index.saturating_sub(self.start))
    }

    /// The chunk holding `index`, and the index after that chunk.
    fn chunk_at(&self, index: usize) -> Option<(&Rc<Vec<T>>, usize)> {
        let at = index.checked_sub(self.base)? / CHUNK;
        self.chunks
            .get(at)
            .map(|c| (c, self.base + (at + 1) * CHUNK))
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
    /// the same bounds and the same last chunk mean the same entries.
    pub fn unchanged_since(&self, earlier: &SharedLog<T>) -> bool {
        (self.len, self.start) == (earlier.len, earlier.start)
            && match (self.chunks.last(), earlier.chunks.last()) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }

    /// The first index, among those both logs hold, at which this log and
    /// `earlier` (a copy taken before) differ, or the shorter one's
    /// length. Chunks they still share are skipped unread. (Compacted
    /// entries are not compared: what replaced them is a snapshot's to say.)
    pub fn first_difference(&self, earlier: &SharedLog<T>) -> usize
    where
        T: PartialEq,
    {
        let short = self.len.min(earlier.len);
        let mut i = self.start.max(earlier.start).min(short);
        while i < short {
            match (self.chunk_at(i), earlier.chunk_at(i)) {
                (Some((a, end)), Some((b, other_end))) if end == other_end && Rc::ptr_eq(a, b) => {
                    i = end
                }
                _ => break,
            }
        }
        let mut i = i.min(short);
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
        match self.get(index) {
            Some(entry) => entry,
            None => panic!(
                "index {index} of a log holding {}..{}",
                self.start, self.len
            ),
        }
    }
}

impl<T: Clone + PartialEq> PartialEq for SharedLog<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.len, self.start) == (other.len, other.start) && self.iter().eq(other.iter())
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

/// Written as a plain list of the entries held, as a `Vec` would be.
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
        /// Pushes, truncations, compactions and resets, on a log and its
        /// copies, agree with a `Vec` whose compacted entries are `None`.
        #[test]
        fn behaves_as_a_vec(ops in prop::collection::vec((0u8..5, 0usize..300), 1..60)) {
            let mut log = SharedLog::new();
            let mut vec: Vec<Option<usize>> = Vec::new();
            let mut start = 0;
            let mut copies = Vec::new();
            for (i, (op, n)) in ops.into_iter().enumerate() {
                match op {
                    0 => for k in 0..n % 100 {
                        log.push(i * 1000 + k);
                        vec.push(Some(i * 1000 + k));
                    },
                    1 => {
                        log.truncate(n);
                        vec.truncate(n.max(start));
                    }
                    2 => copies.push((log.clone(), vec.clone())),
                    3 => {
                        log.compact(n);
                        let upto = n.min(vec.len()).max(start);
                        vec.iter_mut().take(upto).for_each(|e| *e = None);
                        start = upto;
                    }
                    _ => {
                        log.reset(n);
                        vec = vec![None; n];
                        start = n;
                    }
                }
                prop_assert_eq!(log.len(), vec.len());
                prop_assert_eq!(log.start(), start);
                let held: Vec<usize> = vec.iter().flatten().copied().collect();
                prop_assert_eq!(log.iter().copied().collect::<Vec<_>>(), held);
                prop_assert_eq!(log.last(), vec.last().and_then(|e| e.as_ref()));
                prop_assert_eq!(log.get(n), vec.get(n).and_then(|e| e.as_ref()));
                // Whole compacted chunks are gone.
                prop_assert!(log.chunks.len() <= (log.len() - start).div_ceil(CHUNK) + 1);
            }
            for (copy, expected) in copies {
                let held: Vec<usize> = expected.iter().flatten().copied().collect();
                prop_assert_eq!(copy.iter().copied().collect::<Vec<_>>(), held);
                // Where the log differs from a copy taken before is where
                // the held entries first differ.
                let d = log.first_difference(&copy);
                let lo = log.start().max(copy.start());
                let short = log.len().min(copy.len());
                prop_assert!(d >= lo.min(short) && d <= short);
                for j in lo..d {
                    prop_assert_eq!(log.get(j), copy.get(j));
                }
                if d < short {
                    prop_assert_ne!(log.get(d), copy.get(d));
                }
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

    #[test]
    fn compaction_frees_whole_chunks_and_is_no_change_to_what_is_held() {
        let mut log: SharedLog<u32> = (0..300).collect();
        let earlier = log.clone();
        log.compact(200);
        assert_eq!((log.start(), log.len()), (200, 300));
        assert_eq!(log.chunks.len(), 2, "chunks 0–2 (entries 0–191) are freed");
        assert_eq!(log.get(199), None);
        assert_eq!(log.get(200), Some(&200));
        assert_eq!(log.first_difference(&earlier), 300);
        log.push(300);
        assert_eq!(log.first_difference(&earlier), 300);
        // A reset starts an empty log at an index; pushes go on from there.
        log.reset(1000);
        log.push(7);
        assert_eq!((log.start(), log.len(), log.last()), (1000, 1001, Some(&7)));
        assert_eq!(log.iter().count(), 1);
    }
}

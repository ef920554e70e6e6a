//! The world's queue of future events, ordered by (time, sequence number)
//! so ties always break the same way.

use super::{NodeId, Protocol, Time};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A message on its way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InFlight<M> {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent: Time,
    pub arrives: Time,
    pub msg: M,
}

#[derive(Clone, Debug)]
pub(super) enum Pending<P: Protocol> {
    Deliver(InFlight<P::Msg>),
    Fire {
        node: NodeId,
        timer: P::Timer,
        generation: u32,
    },
}

#[derive(Clone, Debug)]
struct Queued<P: Protocol> {
    at: Time,
    seq: u64,
    item: Pending<P>,
}

impl<P: Protocol> PartialEq for Queued<P> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<P: Protocol> Eq for Queued<P> {}
impl<P: Protocol> PartialOrd for Queued<P> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<P: Protocol> Ord for Queued<P> {
    // Reversed: `BinaryHeap` is a max-heap and we want the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

#[derive(Clone, Debug)]
pub(super) struct EventQueue<P: Protocol> {
    heap: BinaryHeap<Queued<P>>,
    seq: u64,
}

impl<P: Protocol> EventQueue<P> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }

    pub fn push(&mut self, at: Time, item: Pending<P>) {
        self.seq += 1;
        self.heap.push(Queued {
            at,
            seq: self.seq,
            item,
        });
    }

    /// About the bytes the queue holds (for the memory budget).
    pub fn approx_bytes(&self) -> usize {
        self.heap.capacity() * std::mem::size_of::<Queued<P>>()
    }

    /// When the earliest item is due.
    pub fn next_time(&self) -> Option<Time> {
        self.heap.peek().map(|q| q.at)
    }

    pub fn pop(&mut self) -> Option<(Time, Pending<P>)> {
        self.heap.pop().map(|q| (q.at, q.item))
    }

    pub fn messages(&self) -> impl Iterator<Item = &InFlight<P::Msg>> {
        self.heap.iter().filter_map(|q| match &q.item {
            Pending::Deliver(m) => Some(m),
            Pending::Fire { .. } => None,
        })
    }

    /// Takes the messages matching `pick` out of the queue, oldest first.
    pub fn take_messages(
        &mut self,
        pick: impl Fn(&InFlight<P::Msg>) -> bool,
    ) -> Vec<InFlight<P::Msg>> {
        if !self.messages().any(&pick) {
            return Vec::new();
        }
        let mut taken = Vec::new();
        let mut kept = Vec::new();
        for queued in std::mem::take(&mut self.heap).into_vec() {
            match queued.item {
                Pending::Deliver(m) if pick(&m) => taken.push((queued.seq, m)),
                _ => kept.push(queued),
            }
        }
        self.heap = BinaryHeap::from(kept);
        taken.sort_by_key(|(seq, _)| *seq);
        taken.into_iter().map(|(_, m)| m).collect()
    }
}

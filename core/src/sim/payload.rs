//! The bytes a trace record holds beyond its own size (its payload), for
//! the memory estimate a run is limited by: a message's contents as the
//! lab counts them (`Protocol::message_bytes`), and the sentences and
//! values of the world's own events. Counted once, when the record is made.

use super::{EventOf, OpValue, Protocol, TraceEvent};

pub(super) fn record_extra<P: Protocol>(proto: &P, event: &EventOf<P>) -> usize {
    match event {
        TraceEvent::Send { msg, .. } | TraceEvent::Deliver { msg, .. } => proto.message_bytes(msg),
        TraceEvent::Partition { groups } => {
            groups.capacity() * std::mem::size_of::<Vec<super::NodeId>>()
                + groups
                    .iter()
                    .map(|g| g.capacity() * std::mem::size_of::<super::NodeId>())
                    .sum::<usize>()
        }
        TraceEvent::Refused { reason, .. } | TraceEvent::Ignored { reason } => reason.capacity(),
        TraceEvent::Violation { detail, .. } => detail.capacity(),
        TraceEvent::Invoke { f, value, .. } => f.capacity() + value_bytes(value),
        TraceEvent::Complete { value, .. } => value_bytes(value),
        _ => 0,
    }
}

fn value_bytes(value: &OpValue) -> usize {
    match value {
        OpValue::Str(s) => s.capacity(),
        OpValue::List(items) => {
            items.capacity() * std::mem::size_of::<OpValue>()
                + items.iter().map(value_bytes).sum::<usize>()
        }
        OpValue::Nil | OpValue::Int(_) => 0,
    }
}

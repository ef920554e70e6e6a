//! Components every lab reuses. Each takes plain data props (compared with
//! `PartialEq`, so Yew skips the unchanged ones) and reports clicks through
//! callbacks; none of them knows a protocol.

pub mod cluster_view;
pub mod controls;
pub mod event_log;
pub mod in_flight;
pub mod inspector;
pub mod invariants;
pub mod link_grid;
pub mod message_panel;
pub mod moving_parts;
pub mod out_of_sight;
pub mod share;
pub mod timeline;

//! The context panel's tabs.

pub mod brokers;
pub mod events;
pub mod groups;
pub mod guarantees;
pub mod lessons;
pub mod topics;

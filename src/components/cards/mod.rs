//! The cards of the Details tab: the selected object's facts and actions.

pub mod broker;
pub mod connector;
pub mod consumer;
pub mod group;
pub mod lineage;
pub mod partition;
pub mod producer;
pub mod record;

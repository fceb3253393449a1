//! One file per visual piece. Components take plain data and callbacks as props; they never
//! touch the engine.

pub mod broker_actions;
pub mod cluster;
pub mod event_log;
pub mod group_description;
pub mod groups_panel;
pub mod header;
pub mod inline_error;
pub mod partition_inspector;
pub mod produce_form;
pub mod text_field;
pub mod time_bar;
pub mod topic_description;
pub mod topics_panel;

//! One file per visual piece. Components take plain data and callbacks as props; they never
//! touch the engine.
//!
//! - `stage.rs`: the diagram's place on the page, with pan and zoom.
//! - `topic_diagram.rs`, `cluster_diagram.rs`: the two pictures; `clients.rs` the producers and
//!   groups both draw; `markup.rs` their busiest parts as SVG text; `dots.rs` links and
//!   messages in flight; `svg.rs` small SVG helpers.
//! - `toolbar.rs`, `narration_bar.rs`, `legend.rs`: around the stage; `timeline_bar.rs`
//!   under it (scrubber, undo, branches, share, export, import).
//! - `panel.rs`: the context panel; `produce_box.rs` the form pinned at its top; `tabs/` its
//!   tabs; `cards/` the selected object's card.
//! - `inline_error.rs`, `text_field.rs`: form helpers; `panel_markup.rs`: the panel's read-only
//!   parts as HTML text, their buttons read by one handler.

pub mod cards;
pub mod charts;
pub mod clients;
pub mod cluster_diagram;
pub mod dots;
pub mod guarantee_words;
pub mod inline_error;
pub mod legend;
pub mod markup;
pub mod narration_bar;
pub mod panel;
pub mod panel_markup;
pub mod produce_box;
pub mod stage;
pub mod svg;
pub mod tabs;
pub mod text_field;
pub mod timeline_bar;
pub mod toolbar;
pub mod topic_diagram;

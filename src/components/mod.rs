//! One file per visual piece. Components take plain data (`Scene` parts) as props.

pub mod cluster;
pub mod header;

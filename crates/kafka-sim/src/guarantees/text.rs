//! The guarantee ledger and a record's lineage as `kafka-sim run --ledger` and `--lineage`
//! print them (the formats are documented in the crate README): the counts, then one line per
//! entry or step with its simulated time, fixed columns like the trace.

use super::lineage::LineageStep;
use super::view::{LedgerCounts, LedgerEntry};
use std::fmt::Write;

/// `--ledger`: six count lines, then one line per entry.
pub fn format_ledger(counts: &LedgerCounts, entries: &[LedgerEntry]) -> String {
    let mut s = String::new();
    let totals = [
        ("acked", counts.acked),
        ("lost", counts.lost),
        ("delivered", counts.delivered),
        ("duplicates", counts.duplicates),
        ("order-violations", counts.order_violations),
        ("aborted-seen", counts.aborted_seen),
    ];
    for (name, n) in totals {
        let _ = writeln!(s, "{name} {n}");
    }
    for e in entries {
        let _ = write!(
            s,
            "{:>9} ms  {:<16} {} offsets={}..{} count={}",
            e.at_ms,
            e.kind.as_str(),
            e.tp,
            e.start.0,
            e.end.0,
            e.count
        );
        if let (Some(g), Some(c)) = (&e.group, &e.consumer) {
            let _ = write!(s, " group={g} consumer={c}");
        }
        let _ = writeln!(s, " reason: {}", e.reason);
    }
    s
}

/// `--lineage`: one line per step.
pub fn format_lineage(steps: &[LineageStep]) -> String {
    let mut s = String::new();
    for st in steps {
        let _ = writeln!(
            s,
            "{:>9} ms  {:<13} {}",
            st.at_ms,
            st.kind.as_str(),
            st.detail
        );
    }
    s
}

//! What the app remembers of the run's events: every event (for the event log and its filter,
//! printed as the trace prints it when shown), the narration told from them, and the newest
//! announcement for screen readers. Bounded: the log keeps the newest `MAX_LINES` events and
//! counts the rest; an event keeps no records alive (delivered records are dropped from it).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use kafka_sim::trace::format_line;
use kafka_sim::{Event, TimedEvent};

use crate::i18n::Lang;
use crate::narration::{narrate, Told};

/// Events kept (about 150 bytes each). A run of the default cluster stays whole for hours;
/// the large cluster at 100x keeps its last few minutes.
pub const MAX_LINES: usize = 100_000;
/// Narration sentences kept (the newest is on screen, the rest a click away).
const TOLD_KEPT: usize = 30;
/// Events told again when the language changes (the newest sentences come from these).
const RETOLD_FROM: usize = 5_000;

#[derive(Debug, Default)]
pub struct History {
    /// Formatted only when shown or searched: at 100x the engine reports thousands of events a
    /// second, most of which nobody reads.
    lines: VecDeque<TimedEvent>,
    /// Lines dropped from the front to stay within `MAX_LINES`.
    dropped: u64,
    /// Every event at or before this time is in `lines` (a replay of an earlier moment
    /// adds only what is newer).
    covered_ms: Option<u64>,
    /// Only lines at or before this time are shown (the timeline is in the past).
    pub shown_until: Option<u64>,
    told: VecDeque<Told>,
    /// Counts every announcement, so the same words said twice are announced twice.
    announced: u64,
    announcement: Option<String>,
    /// The language the narration is told in.
    lang: Lang,
}

impl History {
    /// Records what `engine` (at its time now) reported that is not in the history yet:
    /// events after the covered time. An instant still part way through is not covered yet.
    pub fn record_new(&mut self, events: &[TimedEvent], engine: &kafka_sim::Engine) {
        let covered = self.covered_ms;
        let new_from = events.partition_point(|e| covered.is_some_and(|c| e.at <= c));
        self.record(&events[new_from..]);
        let now = engine.now();
        let complete = engine.next_time().is_none_or(|t| t > now);
        let through = if complete {
            Some(now)
        } else {
            now.checked_sub(1)
        };
        self.covered_ms = self.covered_ms.max(through);
    }

    /// Records a command's events (new by definition); the rest of its instant follows.
    pub fn record_command(&mut self, events: &[TimedEvent], now: u64) {
        self.record(events);
        self.covered_ms = self.covered_ms.min(now.checked_sub(1));
    }

    /// Forgets the lines after `at_ms` (a future that was left).
    pub fn truncate_after(&mut self, at_ms: u64) {
        let keep = self.lines.partition_point(|e| e.at <= at_ms);
        self.lines.truncate(keep);
        self.told.retain(|t| t.at <= at_ms);
        self.covered_ms = self.covered_ms.min(Some(at_ms));
    }

    /// The time of the newest line.
    pub fn last_at(&self) -> Option<u64> {
        self.lines.back().map(|e| e.at)
    }

    /// The time of the newest line before `at_ms` (where "Step back" goes).
    pub fn previous_at(&self, at_ms: u64) -> Option<u64> {
        let i = self.lines.partition_point(|e| e.at < at_ms);
        i.checked_sub(1).map(|i| self.lines[i].at)
    }

    /// The time of line `i`.
    pub fn at(&self, i: usize) -> Option<u64> {
        self.lines.get(i).map(|e| e.at)
    }

    /// The lines' times and kinds, oldest first (the timeline's marks are chosen from them).
    pub fn events(&self) -> impl Iterator<Item = &TimedEvent> {
        self.lines.iter()
    }

    /// Records `events` (in time order).
    fn record(&mut self, events: &[TimedEvent]) {
        for e in events {
            let mut kept = e.clone();
            // The records handed over share the log's batches: keeping them would keep batches
            // alive after retention deleted them. The trace line needs only their count.
            if let Event::RecordsDelivered { records, .. } = &mut kept.event {
                *records = Vec::new();
            }
            self.lines.push_back(kept);
        }
        let excess = self.lines.len().saturating_sub(MAX_LINES);
        self.lines.drain(..excess);
        self.dropped += excess as u64;
        for told in narrate(self.lang, events) {
            if told.announce {
                self.announce(told.text.clone());
            }
            self.told.push_back(told);
        }
        let excess = self.told.len().saturating_sub(TOLD_KEPT);
        self.told.drain(..excess);
    }

    /// Tells the narration in `lang` from now on, and tells again in it what is on screen
    /// (told anew from the newest events kept; nothing is announced again).
    pub fn set_language(&mut self, lang: Lang) {
        if lang == self.lang {
            return;
        }
        self.lang = lang;
        let shown = self.len();
        let tail: Vec<TimedEvent> = self
            .lines
            .range(shown.saturating_sub(RETOLD_FROM)..shown)
            .cloned()
            .collect();
        let mut told: VecDeque<Told> = narrate(lang, &tail).into();
        let excess = told.len().saturating_sub(TOLD_KEPT);
        told.drain(..excess);
        self.told = told;
    }

    /// The language the narration (and every message the state words) is told in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Says `text` to screen readers (the live region).
    pub fn announce(&mut self, text: String) {
        self.announced += 1;
        self.announcement = Some(text);
    }

    pub fn announcement(&self) -> Option<(u64, &str)> {
        self.announcement
            .as_deref()
            .map(|text| (self.announced, text))
    }

    /// Lines shown: all, or those up to the moment the timeline shows.
    pub fn len(&self) -> usize {
        match self.shown_until {
            None => self.lines.len(),
            Some(t) => self.lines.partition_point(|e| e.at <= t),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The line at `i`, oldest first, as the trace prints it.
    pub fn line(&self, i: usize) -> Option<String> {
        self.lines.get(i).map(format_line)
    }

    /// Indexes of the lines containing `needle` (case-insensitive), oldest first.
    pub fn matching(&self, needle: &str) -> Vec<u32> {
        // The trace is ASCII (event names, ids, numbers); ASCII case folding keeps Unicode's
        // case tables out of the bundle.
        let needle = needle.to_ascii_lowercase();
        self.lines
            .iter()
            .take(self.len())
            .enumerate()
            .filter(|(_, e)| format_line(e).to_ascii_lowercase().contains(&needle))
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// The narration, newest first.
    pub fn told(&self) -> impl Iterator<Item = &Told> {
        let until = self.shown_until;
        self.told
            .iter()
            .rev()
            .filter(move |t| until.is_none_or(|u| t.at <= u))
    }
}

/// The app's history as a prop: shared and appended in place, so compared by a version number.
#[derive(Clone, Debug)]
pub struct HistoryHandle {
    pub history: Rc<RefCell<History>>,
    pub version: u64,
}

impl PartialEq for HistoryHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.history, &other.history) && self.version == other.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::opening_engine;

    #[test]
    fn keeps_every_line_in_order_and_finds_them_by_filter() {
        let mut engine = opening_engine();
        let mut history = History::default();
        history.record(&engine.take_events());
        engine.advance_to(20_000);
        let events = engine.take_events();
        history.record(&events);
        assert!(history.len() > 100);
        let first = history.line(0).unwrap();
        let last = history.line(history.len() - 1).unwrap();
        let at = |line: &str| {
            line.split_whitespace()
                .next()
                .unwrap()
                .parse::<u64>()
                .unwrap()
        };
        assert!(at(&first) <= at(&last));
        let found = history.matching("rebalancecompleted");
        assert!(!found.is_empty());
        for i in found {
            assert!(history
                .line(i as usize)
                .unwrap()
                .contains("RebalanceCompleted"));
        }
        assert!(
            history.told().next().is_some(),
            "the groups forming were told"
        );
        assert_eq!(history.dropped(), 0);
    }
}

//! A record's journey over time (its lineage, `kafka_sim::guarantees::lineage`): a small
//! swimlane, one lane per actor (the producer, each broker, each group) and one column per step
//! in time order, and the same steps as text, each with its simulated time (a button that shows
//! that moment on the timeline).
//!
//! The swimlane is drawn at one SVG unit per CSS pixel (its width and height are its viewBox),
//! so its labels are 12 px on every screen; a long journey scrolls sideways.

use std::fmt::Write;

use kafka_sim::guarantees::{LineageStep, StepKind};
use yew::prelude::*;

use crate::components::guarantee_words::step_detail;
use crate::components::panel_markup::{button, esc, on_act, raw, Act};
use crate::i18n::{tr, trf, Lang};
use crate::state::timeline::clock_text;
use crate::state::Action;

/// Swimlane geometry, CSS px.
const LABEL_W: u32 = 92;
const COL_W: u32 = 26;
const LANE_H: u32 = 22;
/// Columns drawn at most (the text below lists every step).
const MAX_COLUMNS: usize = 40;

#[derive(Properties, PartialEq)]
pub struct LineageCardProps {
    /// From [`markup`].
    pub markup: AttrValue,
    pub dispatch: Callback<Action>,
}

/// The journey, its times buttons that show their moment.
#[function_component(LineageCard)]
pub fn lineage_card(props: &LineageCardProps) -> Html {
    let (onclick, onkeydown) = on_act(&props.dispatch);
    html! {
        <div class="card" {onclick} {onkeydown}>{ raw(props.markup.to_string()) }</div>
    }
}

/// The lane a step is drawn in.
fn lane(lang: Lang, step: &LineageStep) -> String {
    match (&step.group, step.broker) {
        (Some(g), _) => trf(lang, "group {}", &[g]),
        (None, Some(b)) => trf(lang, "broker {}", &[&b.0]),
        (None, None) => tr(lang, "producer").to_string(),
    }
}

/// A step's name in `lang` (`StepKind::as_str` is the English, as `kafka-sim` prints it).
fn step_word(lang: Lang, kind: StepKind) -> &'static str {
    match kind {
        StepKind::Produced => tr(lang, "produced"),
        StepKind::Retried => tr(lang, "retried"),
        StepKind::Appended => tr(lang, "appended"),
        StepKind::Replicated => tr(lang, "replicated"),
        StepKind::HighWatermark => tr(lang, "committed-hw"),
        StepKind::Acked => tr(lang, "acked"),
        StepKind::Deduplicated => tr(lang, "deduplicated"),
        StepKind::Delivered => tr(lang, "delivered"),
        StepKind::Committed => tr(lang, "offset-commit"),
        StepKind::Truncated => tr(lang, "truncated"),
        StepKind::Deleted => tr(lang, "deleted"),
        StepKind::Lost => tr(lang, "lost"),
        StepKind::Replaced => tr(lang, "replaced"),
    }
}

/// How a step reads: good news, a warning, or a loss.
fn tone(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Lost | StepKind::Truncated => "bad",
        StepKind::Retried | StepKind::Deduplicated | StepKind::Replaced => "warn",
        StepKind::Deleted => "muted",
        _ => "ok",
    }
}

/// The journey's markup: a note when the app no longer has the events that began it, the
/// swimlane, then the steps as text.
pub fn markup(lang: Lang, steps: &[LineageStep], history_from_ms: Option<u64>) -> String {
    let mut out = format!(
        r#"<section class="lineage" aria-label="{}"><h3>{}</h3>"#,
        tr(lang, "Lineage"),
        tr(lang, "Journey over time")
    );
    if steps.is_empty() {
        let _ = write!(
            out,
            r#"<p class="hint">{}"#,
            tr(lang, "No step of this record is in the event history")
        );
        if let Some(from) = history_from_ms {
            out.push_str(&trf(
                lang,
                " (it keeps the events from {} on)",
                &[&clock_text(from)],
            ));
        }
        out.push_str(".</p></section>");
        return out;
    }
    swimlane(lang, &mut out, steps);
    let first = steps[0].at_ms;
    out.push_str(r#"<ol class="lineage-steps">"#);
    for s in steps {
        out.push_str(r#"<li>"#);
        button(
            &mut out,
            "link-button time",
            &Act::Seek(s.at_ms),
            &format!("+{} ms", s.at_ms - first),
            Some(&trf(lang, "Show the moment {}", &[&clock_text(s.at_ms)])),
        );
        let _ = write!(
            out,
            r#" <b class="{}">{}</b> {}</li>"#,
            tone(s.kind),
            step_word(lang, s.kind),
            esc(&step_detail(lang, &s.detail))
        );
    }
    let _ = write!(
        out,
        r#"</ol><p class="hint">{}</p></section>"#,
        trf(lang, "First step at {}.", &[&clock_text(first)])
    );
    out
}

fn swimlane(lang: Lang, out: &mut String, steps: &[LineageStep]) {
    let shown = &steps[..steps.len().min(MAX_COLUMNS)];
    let mut lanes: Vec<String> = Vec::new();
    for s in shown {
        let l = lane(lang, s);
        if !lanes.contains(&l) {
            lanes.push(l);
        }
    }
    let width = LABEL_W + COL_W * shown.len() as u32 + 8;
    let height = LANE_H * lanes.len() as u32 + 4;
    let _ = write!(
        out,
        r#"<div class="swimlane"><svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        tr(lang, "Swimlane of the record's steps")
    );
    for (i, l) in lanes.iter().enumerate() {
        let y = LANE_H * i as u32 + LANE_H / 2 + 2;
        let _ = write!(
            out,
            r#"<line class="lane" x1="{LABEL_W}" x2="{}" y1="{y}" y2="{y}"/><text x="4" y="{}">{}</text>"#,
            width - 4,
            y + 4,
            esc(l)
        );
    }
    let centre = |col: usize, s: &LineageStep| {
        let row = lanes.iter().position(|l| *l == lane(lang, s)).unwrap_or(0) as u32;
        (
            LABEL_W + COL_W * col as u32 + COL_W / 2,
            LANE_H * row + LANE_H / 2 + 2,
        )
    };
    for (col, pair) in shown.windows(2).enumerate() {
        let ((x1, y1), (x2, y2)) = (centre(col, &pair[0]), centre(col + 1, &pair[1]));
        let _ = write!(
            out,
            r#"<line class="hop" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>"#
        );
    }
    for (col, s) in shown.iter().enumerate() {
        let (x, y) = centre(col, s);
        let _ = write!(
            out,
            r#"<circle class="{}" cx="{x}" cy="{y}" r="6"><title>{} ms: {} {}</title></circle>"#,
            tone(s.kind),
            s.at_ms,
            step_word(lang, s.kind),
            esc(&step_detail(lang, &s.detail))
        );
    }
    out.push_str("</svg></div>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::guarantees::StepDetail;
    use kafka_sim::BrokerId;

    fn step(at_ms: u64, kind: StepKind, broker: Option<u32>, group: Option<&str>) -> LineageStep {
        LineageStep {
            at_ms,
            kind,
            broker: broker.map(BrokerId),
            group: group.map(Into::into),
            detail: StepDetail::Delivered {
                group: "<b>".into(),
                consumer: kind.as_str().into(),
            },
        }
    }

    #[test]
    fn one_lane_per_actor_and_one_line_per_step() {
        let steps = [
            step(100, StepKind::Produced, None, None),
            step(102, StepKind::Appended, Some(1), None),
            step(140, StepKind::Replicated, Some(2), None),
            step(900, StepKind::Delivered, None, Some("payments")),
            step(950, StepKind::Lost, None, None),
        ];
        let html = markup(Lang::En, &steps, None);
        for lane in ["producer", "broker 1", "broker 2", "group payments"] {
            assert_eq!(
                html.matches(&format!(">{lane}</text>")).count(),
                1,
                "{lane}"
            );
        }
        assert_eq!(html.matches("<circle").count(), 5);
        assert_eq!(html.matches("<li>").count(), 5);
        assert!(html.contains("+850 ms"), "times from the first step");
        assert!(
            html.contains(r#"<circle class="bad""#),
            "the loss stands out"
        );
        assert!(!html.contains("<b>"), "details are escaped");
        assert!(markup(Lang::En, &[], Some(60_000)).contains("from 1:00.0 on"));
    }
}

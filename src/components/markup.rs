//! Busy parts of the diagram written as SVG markup: a partition's lanes, a big topic's cells
//! as shapes, and a broker's replica rows. They change on every frame at high speed, and as text
//! they cost the browser one parse instead of hundreds of attribute updates, and the bundle far
//! less code than the same elements built one by one. Clicks on them are read from `data-`
//! attributes by the component that holds them (see `picked`).
//!
//! Every text that can come from a user (record keys, group names) is escaped.

use std::fmt::Write;

use crate::components::cluster_diagram::role_class;
use crate::glossary;
use crate::i18n::{tr, trf, Lang};
use crate::scene::brokers::role_word;
use crate::scene::cluster_view::ReplicaRow;
use crate::scene::geometry::fmt;
use crate::scene::topic_view::{Lane, PartitionRow};
use crate::scene::Rect;

/// `text` safe inside SVG text and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn rect(out: &mut String, r: &Rect, class: &str, radius: f64) {
    let _ = write!(
        out,
        r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}" rx="{}"/>"#,
        fmt(r.x),
        fmt(r.y),
        fmt(r.w),
        fmt(r.h),
        fmt(radius)
    );
}

fn title(out: &mut String, text: &str) {
    let _ = write!(out, "<title>{}</title>", esc(text));
}

/// A row's cells as one shape per colour and state: `(CSS classes, path data)`, in log
/// coordinates like the cells, for topics with many partitions (a handful of elements instead of
/// one per record; a new record changes a path's data, never the page's structure).
pub fn cell_shapes(r: &PartitionRow) -> Vec<(String, String)> {
    let mut shapes: Vec<((Option<u8>, bool), String)> = Vec::new();
    for c in &r.cells {
        let d = kafka_sim::small_map::entry(&mut shapes, (c.colour, c.committed));
        let _ = write!(
            d,
            "M{} {}h{}v{}h-{}z",
            fmt(c.log_x),
            fmt(c.rect.y),
            fmt(c.rect.w),
            fmt(c.rect.h),
            fmt(c.rect.w)
        );
    }
    shapes
        .into_iter()
        .map(|((colour, committed), d)| {
            let colour = colour.map_or("key-null".to_string(), |k| format!("key-{k}"));
            let state = if committed {
                "committed"
            } else {
                "uncommitted"
            };
            (format!("cell {colour} {state}"), d)
        })
        .collect()
}

/// Each group's lane on a partition.
pub fn lanes(r: &PartitionRow) -> String {
    let mut out = String::with_capacity(700 * r.lanes.len());
    for l in &r.lanes {
        lane(&mut out, l, &r.strip);
    }
    out
}

/// One group's lane: its committed offset (▲), its consumer's position (◆), the lag bar from
/// the committed offset to the HW, and the lag in words.
fn lane(out: &mut String, l: &Lane, s: &Rect) {
    let attr =
        |name: &str, v: Option<u64>| v.map_or(String::new(), |v| format!(r#" {name}="{v}""#));
    let _ = write!(
        out,
        r#"<g class="lane group-c{}{}" data-group="{}"{}{}{}>"#,
        l.colour,
        l.mark.class().map_or(String::new(), |m| format!(" {m}")),
        esc(&l.group),
        attr("data-committed", l.committed),
        attr("data-position", l.position),
        attr("data-lag", l.lag)
    );
    let or_dash = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    title(
        out,
        &format!(
            "{}: committed offset {}, position {}, lag {}\n{}\n{}\n{}",
            l.group,
            or_dash(l.committed),
            or_dash(l.position),
            or_dash(l.lag),
            glossary::tooltip("committed offset"),
            glossary::tooltip("position"),
            glossary::tooltip("lag"),
        ),
    );
    let y = l.y;
    let _ = write!(
        out,
        r#"<text class="lane-label" x="{0}" y="{1}">{2}</text><line class="lane-track" x1="{4}" y1="{3}" x2="{5}" y2="{3}"/>"#,
        fmt(l.label_at.x),
        fmt(l.label_at.y),
        esc(&l.label),
        fmt(y),
        fmt(s.x),
        fmt(s.right())
    );
    let bar = l.lag_to_x - l.lag_from_x;
    if bar > 0.0 {
        rect(
            out,
            &Rect::new(l.lag_from_x, y - 4.0, bar, 8.0),
            "lag-bar",
            2.0,
        );
    }
    if let Some(x) = l.position_x {
        let _ = write!(
            out,
            r#"<path class="position-mark" d="M{} {} l4 6 l-4 6 l-4 -6 z"/>"#,
            fmt(x),
            fmt(y - 6.0)
        );
    }
    if let Some(x) = l.committed_x {
        let _ = write!(
            out,
            r#"<path class="committed-mark" d="M{} {} l6 8 l-12 0 z"/>"#,
            fmt(x),
            fmt(y - 4.0)
        );
    }
    let _ = write!(
        out,
        r#"<text class="lag-text" x="{}" y="{}">{}</text></g>"#,
        fmt(l.lag_at.x),
        fmt(l.lag_at.y),
        l.lag_text
    );
}

/// A broker card's replica rows (or tiles when `compact`), each with `data-partition`.
pub fn replicas(lang: Lang, rows: &[ReplicaRow], compact: bool, tile_names: bool) -> String {
    let mut out = String::with_capacity(rows.len() * 700);
    for row in rows {
        let role = role_class(row.role);
        let flags = format!(
            "{}{}{}",
            if row.under_replicated {
                " under-replicated"
            } else {
                ""
            },
            if row.partition_offline {
                " partition-offline"
            } else {
                ""
            },
            row.mark.class().map_or(String::new(), |m| format!(" {m}"))
        );
        let r = &row.rect;
        let badge = match row.role {
            kafka_sim::view::ReplicaRole::Leader => "L",
            kafka_sim::view::ReplicaRole::InSync => "F",
            kafka_sim::view::ReplicaRole::OutOfSync => "!",
            kafka_sim::view::ReplicaRole::Offline => "×",
        };
        if compact {
            let _ = write!(
                out,
                r#"<g class="replica tile {role}{flags}" data-partition="{}" data-role="{role}">"#,
                row.tp
            );
            title(
                &mut out,
                &format!("{}: {}", row.tp, role_word(lang, row.role)),
            );
            rect(&mut out, r, "badge", 3.0);
            let label = if tile_names {
                row.tp.partition.0.to_string()
            } else {
                badge.to_string()
            };
            let _ = write!(
                out,
                r#"<text class="badge-text{}" x="{}" y="{}" text-anchor="middle">{label}</text></g>"#,
                if tile_names { " tile-name" } else { "" },
                fmt(r.center_x()),
                fmt(r.y + r.h / 2.0 + 4.0)
            );
            continue;
        }
        let _ = write!(
            out,
            r#"<g class="replica {role}{flags}" data-partition="{}" data-role="{role}" data-leo="{}" data-hw="{}">"#,
            row.tp, row.log_end_offset, row.high_watermark
        );
        title(
            &mut out,
            &format!(
                "{}\n{}",
                trf(
                    lang,
                    "{} on this broker: {}; LEO {}, HW {}{}",
                    &[
                        &row.tp,
                        &role_word(lang, row.role),
                        &row.log_end_offset,
                        &row.high_watermark,
                        &if row.partition_offline {
                            tr(lang, "; partition offline")
                        } else if row.under_replicated {
                            tr(lang, "; under-replicated")
                        } else {
                            ""
                        },
                    ],
                ),
                glossary::tooltip(if row.role == kafka_sim::view::ReplicaRole::Leader {
                    "leader"
                } else {
                    "follower"
                })
            ),
        );
        let bar = &row.bar;
        rect(&mut out, r, "replica-bg", 5.0);
        rect(
            &mut out,
            &Rect::new(r.x + 4.0, r.y + 4.0, 19.0, 19.0),
            "badge",
            3.0,
        );
        let _ = write!(
            out,
            r#"<text class="badge-text" x="{}" y="{}" text-anchor="middle">{badge}</text><text class="replica-label" x="{}" y="{}">{}</text>"#,
            fmt(r.x + 13.5),
            fmt(r.y + 18.0),
            fmt(r.x + 30.0),
            fmt(r.y + 18.0),
            esc(&row.label)
        );
        rect(&mut out, bar, "log-track", 2.0);
        rect(
            &mut out,
            &Rect::new(bar.x, bar.y, row.leo_width, bar.h),
            "log-uncommitted",
            0.0,
        );
        rect(
            &mut out,
            &Rect::new(bar.x, bar.y, row.hw_width, bar.h),
            "log-committed",
            0.0,
        );
        let hw_x = bar.x + row.hw_width;
        let _ = write!(
            out,
            r#"<line class="hw-mark" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/><text class="offsets" x="{3}" y="{4}" text-anchor="end">HW {5} · LEO {6}</text></g>"#,
            fmt(hw_x),
            fmt(bar.y - 3.0),
            fmt(bar.y + bar.h + 3.0),
            fmt(bar.right()),
            fmt(bar.y - 3.0),
            row.high_watermark,
            row.log_end_offset
        );
    }
    out
}

/// What a click inside drawn markup picked: the `data-` attribute `name` of the nearest element
/// carrying it, between the clicked element and `within`.
pub fn picked(event: &web_sys::Event, name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let holder = target.closest(&format!("[{name}]")).ok()??;
    holder.get_attribute(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(esc("customer-42"), "customer-42");
    }
}

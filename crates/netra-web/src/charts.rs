//! Charts drawn on the server as SVG: no JavaScript, printable, and accessible — each image carries a `<title>`
//! and a `<desc>` that lists every value, so a screen reader gets the data, not a picture of it. The same SVG
//! text can be placed in a PDF by any SVG-capable renderer.
//!
//! Only Netra's own labels and numbers go in; every text is XML-escaped all the same.

use std::fmt::Write;

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// How the value is written next to the bar (e.g. `12` or `48,3`).
    pub shown: String,
}

impl Bar {
    pub fn count(label: impl Into<String>, value: u64) -> Bar {
        Bar { label: label.into(), value: value as f64, shown: value.to_string() }
    }
}

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 230.0;
const VALUE_WIDTH: f64 = 60.0;
const ROW: f64 = 24.0;
const BAR_FILL: &str = "#8c1d18";
const GRID: &str = "#d0d7de";
const INK: &str = "#1b1f24";

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A stable element id from the title, so that several charts on one page have distinct ids.
fn id_of(title: &str) -> String {
    let mut hash: u32 = 2_166_136_261;
    for byte in title.bytes() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(16_777_619);
    }
    format!("c{hash:08x}")
}

/// Shortens a label to `max` characters with an ellipsis.
fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut short: String = label.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

fn open(out: &mut String, title: &str, desc: &str, height: f64) {
    let id = id_of(title);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" \
         font-family=\"system-ui, sans-serif\" font-size=\"13\"><title id=\"{id}-t\">{}</title>\
         <desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(desc)
    );
}

/// The text alternative: every label with its value.
fn describe(bars: &[Bar]) -> String {
    bars.iter().map(|b| format!("{}: {}", b.label, b.shown)).collect::<Vec<_>>().join("; ")
}

/// Horizontal bars, one row per entry, scaled to the largest value (or to `max` when given, e.g. 100 for
/// percentages). An empty list draws a frame that says so.
pub fn bar_chart(title: &str, bars: &[Bar], max: Option<f64>, empty: &str) -> String {
    let mut out = String::new();
    let height = (bars.len().max(1) as f64) * ROW + 16.0;
    let desc = if bars.is_empty() { empty.to_string() } else { describe(bars) };
    open(&mut out, title, &desc, height);
    if bars.is_empty() {
        let _ = write!(out, "<text x=\"8\" y=\"22\" fill=\"{INK}\">{}</text>", escape(empty));
    }
    let top = max.unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max)).max(f64::MIN_POSITIVE);
    let span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let _ = write!(
        out,
        "<line x1=\"{LABEL_WIDTH}\" y1=\"4\" x2=\"{LABEL_WIDTH}\" y2=\"{}\" stroke=\"{GRID}\"/>",
        height - 8.0
    );
    for (row, bar) in bars.iter().enumerate() {
        let y = 8.0 + row as f64 * ROW;
        let length = (bar.value.max(0.0) / top * span).min(span);
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{}\" width=\"{length:.1}\" height=\"{}\" fill=\"{BAR_FILL}\"/>\
             <text x=\"{:.1}\" y=\"{}\" fill=\"{INK}\">{}</text>",
            LABEL_WIDTH - 6.0,
            y + 15.0,
            escape(&clip(&bar.label, 34)),
            y + 3.0,
            ROW - 6.0,
            LABEL_WIDTH + length + 5.0,
            y + 15.0,
            escape(&bar.shown)
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical columns in time order (e.g. cases per week), with the first, middle and last labels written under
/// the axis.
pub fn column_chart(title: &str, columns: &[Bar], empty: &str) -> String {
    let mut out = String::new();
    let height = 200.0;
    let desc = if columns.is_empty() { empty.to_string() } else { describe(columns) };
    open(&mut out, title, &desc, height);
    if columns.is_empty() {
        let _ = write!(out, "<text x=\"8\" y=\"22\" fill=\"{INK}\">{}</text></svg>", escape(empty));
        return out;
    }
    let (left, bottom, plot_height) = (40.0, height - 28.0, height - 48.0);
    let top = columns.iter().map(|c| c.value).fold(0.0, f64::max).max(1.0);
    let step = (WIDTH - left - 8.0) / columns.len() as f64;
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"{GRID}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>\
         <text x=\"{}\" y=\"{bottom}\" text-anchor=\"end\" fill=\"{INK}\">0</text>",
        WIDTH - 8.0,
        left - 6.0,
        bottom - plot_height + 10.0,
        top,
        left - 6.0
    );
    for (i, column) in columns.iter().enumerate() {
        let h = column.value.max(0.0) / top * plot_height;
        let x = left + i as f64 * step;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{BAR_FILL}\"><title>{}: {}</title></rect>",
            x + step * 0.15,
            bottom - h,
            step * 0.7,
            escape(&column.label),
            escape(&column.shown)
        );
        if i == 0 || i == columns.len() - 1 || i == columns.len() / 2 {
            let anchor = if i == 0 {
                "start"
            } else if i == columns.len() - 1 {
                "end"
            } else {
                "middle"
            };
            let tx = if i == 0 {
                x
            } else if i == columns.len() - 1 {
                x + step
            } else {
                x + step / 2.0
            };
            let _ = write!(
                out,
                "<text x=\"{tx:.1}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{INK}\">{}</text>",
                bottom + 18.0,
                escape(&column.label)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_names_every_value_and_scales_to_the_largest() {
        let svg = bar_chart("Kasus per jenis", &[Bar::count("Media sosial", 10), Bar::count("Kampanye", 5)], None, "-");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=") && svg.contains("Media sosial: 10; Kampanye: 5"));
        let span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        assert!(svg.contains(&format!("width=\"{span:.1}\"")), "the largest bar fills the span");
        assert!(svg.contains(&format!("width=\"{:.1}\"", span / 2.0)), "half the value, half the length");
    }

    #[test]
    fn labels_are_escaped_and_empty_charts_say_so() {
        let svg = bar_chart("<x>", &[Bar::count("a & <b>", 1)], None, "-");
        assert!(svg.contains("a &amp; &lt;b&gt;") && !svg.contains("<b>"));
        let empty = column_chart("Per minggu", &[], "Belum ada kasus");
        assert!(empty.contains("Belum ada kasus</text>"));
    }

    #[test]
    fn columns_are_as_many_as_the_entries() {
        let weeks: Vec<Bar> = (0..5).map(|i| Bar::count(format!("W{i}"), i)).collect();
        let svg = column_chart("Per minggu", &weeks, "-");
        assert_eq!(svg.matches("<rect").count(), 5);
        assert!(svg.contains("W0: 0; W1: 1; W2: 2; W3: 3; W4: 4"));
    }
}

//! Charts as a few shapes (rectangles, lines, texts) that render to SVG for the pages and to PDF for reports, so
//! both show the same image. The SVG needs no JavaScript and is accessible: it carries a `<title>` and a `<desc>`
//! that lists every value, so a screen reader gets the data, not a picture of it.
//!
//! Only Netra's own labels and numbers go in; every text is XML-escaped all the same.

use std::fmt::Write;

/// One bar (or column) and its value.
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

/// Where a text stands relative to its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// The colours a chart uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    /// Bars.
    Bar,
    /// Axes and grid lines.
    Grid,
    /// Text.
    Text,
}

impl Ink {
    /// `#rrggbb`.
    pub fn hex(self) -> &'static str {
        match self {
            Ink::Bar => "#8c1d18",
            Ink::Grid => "#d0d7de",
            Ink::Text => "#1b1f24",
        }
    }

    pub fn rgb(self) -> (u8, u8, u8) {
        match self {
            Ink::Bar => (0x8c, 0x1d, 0x18),
            Ink::Grid => (0xd0, 0xd7, 0xde),
            Ink::Text => (0x1b, 0x1f, 0x24),
        }
    }
}

/// A shape in chart units (the SVG's user space; y grows downwards; text y is the baseline).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect { x: f32, y: f32, w: f32, h: f32, ink: Ink, tip: Option<String> },
    Text { x: f32, y: f32, anchor: Anchor, text: String },
}

/// A drawn chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    /// The text alternative: every label with its value.
    pub desc: String,
    pub width: f32,
    pub height: f32,
    /// Text size in chart units.
    pub font_size: f32,
    pub shapes: Vec<Shape>,
}

const WIDTH: f32 = 640.0;
const LABEL_WIDTH: f32 = 230.0;
const VALUE_WIDTH: f32 = 60.0;
const ROW: f32 = 24.0;
const FONT: f32 = 13.0;

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

fn describe(bars: &[Bar]) -> String {
    bars.iter().map(|b| format!("{}: {}", b.label, b.shown)).collect::<Vec<_>>().join("; ")
}

fn text(x: f32, y: f32, anchor: Anchor, text: impl Into<String>) -> Shape {
    Shape::Text { x, y, anchor, text: text.into() }
}

/// Horizontal bars, one row per entry, scaled to the largest value (or to `max` when given, e.g. 100 for
/// percentages). An empty list draws a frame that says so.
pub fn bar_chart(title: &str, bars: &[Bar], max: Option<f64>, empty: &str) -> Chart {
    let height = (bars.len().max(1) as f32) * ROW + 16.0;
    let desc = if bars.is_empty() { empty.to_string() } else { describe(bars) };
    let mut shapes = Vec::new();
    if bars.is_empty() {
        shapes.push(text(8.0, 22.0, Anchor::Start, empty));
    }
    let top = max.unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max)).max(f64::MIN_POSITIVE);
    let span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    shapes.push(Shape::Rect { x: LABEL_WIDTH, y: 4.0, w: 1.0, h: height - 12.0, ink: Ink::Grid, tip: None });
    for (row, bar) in bars.iter().enumerate() {
        let y = 8.0 + row as f32 * ROW;
        let length = ((bar.value.max(0.0) / top) as f32 * span).min(span);
        shapes.push(text(LABEL_WIDTH - 6.0, y + 15.0, Anchor::End, clip(&bar.label, 30)));
        shapes.push(Shape::Rect { x: LABEL_WIDTH, y: y + 3.0, w: length, h: ROW - 6.0, ink: Ink::Bar, tip: None });
        shapes.push(text(LABEL_WIDTH + length + 5.0, y + 15.0, Anchor::Start, bar.shown.clone()));
    }
    Chart { title: title.into(), desc, width: WIDTH, height, font_size: FONT, shapes }
}

/// Vertical columns in time order (e.g. cases per week), with the first, middle and last labels under the axis.
pub fn column_chart(title: &str, columns: &[Bar], empty: &str) -> Chart {
    let height = 200.0;
    let desc = if columns.is_empty() { empty.to_string() } else { describe(columns) };
    let mut shapes = Vec::new();
    if columns.is_empty() {
        shapes.push(text(8.0, 22.0, Anchor::Start, empty));
        return Chart { title: title.into(), desc, width: WIDTH, height, font_size: FONT, shapes };
    }
    let (left, bottom, plot_height) = (40.0, height - 28.0, height - 48.0);
    let top = columns.iter().map(|c| c.value).fold(0.0, f64::max).max(1.0);
    let step = (WIDTH - left - 8.0) / columns.len() as f32;
    shapes.push(Shape::Rect { x: left, y: bottom, w: WIDTH - 8.0 - left, h: 1.0, ink: Ink::Grid, tip: None });
    shapes.push(text(left - 6.0, bottom - plot_height + 10.0, Anchor::End, format!("{top}")));
    shapes.push(text(left - 6.0, bottom, Anchor::End, "0"));
    for (i, column) in columns.iter().enumerate() {
        let h = (column.value.max(0.0) / top) as f32 * plot_height;
        let x = left + i as f32 * step;
        shapes.push(Shape::Rect {
            x: x + step * 0.15,
            y: bottom - h,
            w: step * 0.7,
            h,
            ink: Ink::Bar,
            tip: Some(format!("{}: {}", column.label, column.shown)),
        });
        let last = columns.len() - 1;
        if i == 0 || i == last || i == columns.len() / 2 {
            let (anchor, tx) = match i {
                0 => (Anchor::Start, x),
                i if i == last => (Anchor::End, x + step),
                _ => (Anchor::Middle, x + step / 2.0),
            };
            shapes.push(text(tx, bottom + 18.0, anchor, column.label.clone()));
        }
    }
    Chart { title: title.into(), desc, width: WIDTH, height, font_size: FONT, shapes }
}

/// A stable element id from the title, so that several charts on one page have distinct ids.
fn id_of(title: &str) -> String {
    let mut hash: u32 = 2_166_136_261;
    for byte in title.bytes() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(16_777_619);
    }
    format!("c{hash:08x}")
}

impl Chart {
    /// The chart as an accessible SVG element.
    pub fn to_svg(&self) -> String {
        let id = id_of(&self.title);
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
             height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" font-family=\"system-ui, sans-serif\" \
             font-size=\"{size}\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
            escape(&self.title),
            escape(&self.desc),
            w = self.width,
            h = self.height,
            size = self.font_size,
        );
        for shape in &self.shapes {
            match shape {
                Shape::Rect { x, y, w, h, ink, tip } => {
                    let _ = write!(
                        out,
                        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{}\"",
                        ink.hex()
                    );
                    match tip {
                        Some(tip) => {
                            let _ = write!(out, "><title>{}</title></rect>", escape(tip));
                        }
                        None => out.push_str("/>"),
                    }
                }
                Shape::Text { x, y, anchor, text } => {
                    let anchor = match anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    let _ = write!(
                        out,
                        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"{}\">{}</text>",
                        Ink::Text.hex(),
                        escape(text)
                    );
                }
            }
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(svg: &str) -> Vec<f32> {
        svg.split("fill=\"#8c1d18\"")
            .filter_map(|part| part.rsplit("width=\"").next())
            .filter_map(|rest| rest.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn a_bar_chart_names_every_value_and_scales_to_the_largest() {
        let chart =
            bar_chart("Kasus per jenis", &[Bar::count("Media sosial", 10), Bar::count("Kampanye", 5)], None, "-");
        let svg = chart.to_svg();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=") && svg.contains("Media sosial: 10; Kampanye: 5"));
        let span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        let bars = widths(&svg);
        assert_eq!(bars.len(), 2, "{svg}");
        assert!((bars[0] - span).abs() < 0.1 && (bars[1] - span / 2.0).abs() < 0.1, "{bars:?}");
    }

    #[test]
    fn labels_are_escaped_and_empty_charts_say_so() {
        let svg = bar_chart("<x>", &[Bar::count("a & <b>", 1)], None, "-").to_svg();
        assert!(svg.contains("a &amp; &lt;b&gt;") && !svg.contains("<b>"));
        let empty = column_chart("Per minggu", &[], "Belum ada kasus").to_svg();
        assert!(empty.contains("Belum ada kasus</text>"));
    }

    #[test]
    fn columns_are_as_many_as_the_entries() {
        let weeks: Vec<Bar> = (0..5).map(|i| Bar::count(format!("W{i}"), i)).collect();
        let chart = column_chart("Per minggu", &weeks, "-");
        let svg = chart.to_svg();
        assert_eq!(svg.matches("fill=\"#8c1d18\"").count(), 5);
        assert!(svg.contains("W0: 0; W1: 1; W2: 2; W3: 3; W4: 4"));
    }
}

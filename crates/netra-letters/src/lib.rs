//! Netra's letters as PDF files, with the fonts embedded (Liberation Sans, subset by krilla) and no network.
//!
//! A small typesetter: words are measured with the font's advance widths and wrapped greedily; blocks flow over
//! A4 pages with a letterhead on the first and a page footer on each; the signature block and the verification
//! panel (QR code, code, address) are kept together. Text is drawn as glyphs with their Unicode mapping, so the
//! letter's words can be extracted from the PDF (`pdftotext`, screen readers, search).
//!
//! The seal placeholder of [`netra_core::letter::seal_placeholder`] goes into the document information and XMP
//! metadata (as the keywords), where [`netra_core::letter::seal_pdf`] later writes the signature.

use std::sync::OnceLock;

pub mod chart;

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

const REGULAR: &[u8] = include_bytes!("../../../data/fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../data/fonts/LiberationSans-Bold.ttf");

/// A4 in points, and the margins of an Indonesian official letter (about 2.5 cm left, 2 cm elsewhere).
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 70.0;
const RIGHT: f32 = PAGE_WIDTH - 56.0;
const TOP: f32 = 56.0;
const BOTTOM: f32 = PAGE_HEIGHT - 64.0;
const BODY: f32 = 11.0;
const LINE: f32 = 15.0;

/// What a letter shows, in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letter {
    /// The issuing office (first line, bold) and lines under it.
    pub letterhead: Vec<String>,
    /// "Kabupaten Bandung, 14 November 2024".
    pub place_date: String,
    pub number: String,
    pub subject: String,
    /// A centred title (berita acara, decisions) instead of the number/subject heading.
    pub title: Option<String>,
    pub addressee: Vec<String>,
    pub paragraphs: Vec<String>,
    pub facts: Vec<(String, String)>,
    pub closing: Vec<String>,
    /// The signature block's role lines.
    pub signer: Vec<String>,
    /// Who issued it in Netra.
    pub signed_by: String,
    pub copies: Vec<String>,
    /// The verification code and the address the QR code points to.
    pub code: String,
    pub verify_url: String,
    /// [`netra_core::letter::seal_placeholder`].
    pub seal: String,
    /// UTC time of issue: year, month, day, hour, minute, second.
    pub issued: (u16, u8, u8, u8, u8, u8),
}

/// Why a letter could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("the verification address does not fit in a QR code")]
    QrCode,
    #[error("PDF: {0}")]
    Pdf(String),
}

struct Face {
    font: Font,
    data: &'static [u8],
    units_per_em: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let font = Font::new(data.into(), 0)?;
        skrifa::FontRef::new(data).ok()?;
        let units_per_em = font.units_per_em();
        Some(Face { font, data, units_per_em })
    }

    /// One glyph per character (Latin text needs no shaping), advances in em.
    fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        let font = skrifa::FontRef::new(self.data).expect("checked at load");
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        text.char_indices()
            .map(|(at, c)| {
                let glyph = charmap.map(c).unwrap_or_default();
                let advance = metrics.advance_width(glyph).unwrap_or(0.0) / self.units_per_em;
                KrillaGlyph::new(GlyphId::new(glyph.to_u32()), advance, 0.0, 0.0, 0.0, at..at + c.len_utf8(), None)
            })
            .collect()
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text).iter().map(|g| g.x_advance).sum::<f32>() * size
    }
}

struct Faces {
    regular: Face,
    bold: Face,
}

fn faces() -> Result<&'static Faces, RenderError> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| Some(Faces { regular: Face::load(REGULAR)?, bold: Face::load(BOLD)? }))
        .as_ref()
        .ok_or(RenderError::Font)
}

/// Something to draw at a place on a page (y is the text baseline, from the top).
enum Op {
    Text { x: f32, y: f32, bold: bool, size: f32, text: String },
    Rect { x: f32, y: f32, w: f32, h: f32, rgb: (u8, u8, u8) },
    Qr { x: f32, y: f32, side: f32, modules: Vec<bool>, width: usize },
}

/// Lines of `text` that fit `width` at `size`; a word longer than the width is broken where it must.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if face.width(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if face.width(&piece, size) > width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Pages being filled from top to bottom.
struct Flow<'f> {
    faces: &'f Faces,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'f> Flow<'f> {
    fn new(faces: &'f Faces) -> Flow<'f> {
        Flow { faces, pages: vec![Vec::new()], y: TOP }
    }

    fn face(&self, bold: bool) -> &'f Face {
        if bold { &self.faces.bold } else { &self.faces.regular }
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }

    fn text_at(&mut self, x: f32, bold: bool, size: f32, text: &str) {
        let y = self.y;
        self.push(Op::Text { x, y, bold, size, text: text.to_string() });
    }

    /// A wrapped paragraph between `x` and the right margin.
    fn paragraph(&mut self, x: f32, bold: bool, size: f32, text: &str) {
        for line in wrap(self.face(bold), text, size, RIGHT - x) {
            self.room(LINE);
            self.y += LINE;
            self.text_at(x, bold, size, &line);
        }
    }

    fn centred(&mut self, bold: bool, size: f32, text: &str) {
        let face = self.face(bold);
        for line in wrap(face, text, size, RIGHT - LEFT) {
            self.room(LINE);
            self.y += LINE;
            let x = LEFT + (RIGHT - LEFT - face.width(&line, size)) / 2.0;
            self.text_at(x, bold, size, &line);
        }
    }

    /// Label, colon and a wrapped value, the value column starting at `value_x`.
    fn labelled(&mut self, x: f32, value_x: f32, label: &str, value: &str) {
        let face = self.face(false);
        let labels = wrap(face, label, BODY, value_x - x - 12.0);
        let values = wrap(face, value, BODY, RIGHT - value_x);
        for row in 0..labels.len().max(values.len()) {
            self.room(LINE);
            self.y += LINE;
            if let Some(label) = labels.get(row) {
                self.text_at(x, false, BODY, label);
            }
            if row == 0 {
                self.text_at(value_x - 8.0, false, BODY, ":");
            }
            if let Some(value) = values.get(row) {
                self.text_at(value_x, false, BODY, value);
            }
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A chart scaled to the text width, its title above it, kept on one page.
    fn chart(&mut self, chart: &chart::Chart) {
        let scale = (RIGHT - LEFT) / chart.width;
        let height = chart.height * scale;
        self.room(height + 2.0 * LINE);
        self.gap(6.0);
        self.paragraph(LEFT, true, BODY, &chart.title);
        let top = self.y + 6.0;
        let size = chart.font_size * scale;
        for shape in &chart.shapes {
            match shape {
                chart::Shape::Rect { x, y, w, h, ink, .. } => self.push(Op::Rect {
                    x: LEFT + x * scale,
                    y: top + y * scale,
                    w: w * scale,
                    h: h * scale,
                    rgb: ink.rgb(),
                }),
                chart::Shape::Text { x, y, anchor, text } => {
                    let width = self.faces.regular.width(text, size);
                    let left = LEFT
                        + x * scale
                        + match anchor {
                            chart::Anchor::Start => 0.0,
                            chart::Anchor::Middle => -width / 2.0,
                            chart::Anchor::End => -width,
                        };
                    self.push(Op::Text { x: left, y: top + y * scale, bold: false, size, text: text.clone() });
                }
            }
        }
        self.y = top + height + 6.0;
    }

    fn rule(&mut self, thickness: f32) {
        let y = self.y;
        self.push(Op::Rect { x: LEFT, y, w: RIGHT - LEFT, h: thickness, rgb: (0, 0, 0) });
    }
}

/// Renders the letter; the result still carries the seal placeholder, for `seal_pdf`.
pub fn render(letter: &Letter) -> Result<Vec<u8>, RenderError> {
    let faces = faces()?;
    let mut flow = Flow::new(faces);
    // Letterhead.
    if let Some((office, rest)) = letter.letterhead.split_first() {
        flow.centred(true, 14.0, &office.to_uppercase());
        for line in rest {
            flow.centred(false, 9.0, line);
        }
        flow.gap(6.0);
        flow.rule(1.6);
        flow.gap(2.4);
        flow.rule(0.5);
        flow.gap(10.0);
    }
    // Heading: a centred title with its number, or the number, subject, date and addressee of a letter.
    match &letter.title {
        Some(title) => {
            flow.centred(true, 12.0, title);
            flow.centred(false, BODY, &format!("Nomor: {}", letter.number));
            flow.gap(10.0);
        }
        None => {
            let date_width = faces.regular.width(&letter.place_date, BODY);
            flow.y += LINE;
            flow.text_at(RIGHT - date_width, false, BODY, &letter.place_date);
            flow.y -= LINE;
            flow.labelled(LEFT, LEFT + 70.0, "Nomor", &letter.number);
            flow.labelled(LEFT, LEFT + 70.0, "Sifat", "Penting");
            flow.labelled(LEFT, LEFT + 70.0, "Perihal", &letter.subject);
            flow.gap(12.0);
            for line in &letter.addressee {
                flow.paragraph(LEFT, false, BODY, line);
            }
            flow.gap(10.0);
        }
    }
    for paragraph in &letter.paragraphs {
        flow.paragraph(LEFT, false, BODY, paragraph);
        flow.gap(6.0);
    }
    if !letter.facts.is_empty() {
        for (label, value) in &letter.facts {
            flow.labelled(LEFT + 24.0, LEFT + 190.0, label, value);
        }
        flow.gap(8.0);
    }
    for paragraph in &letter.closing {
        flow.paragraph(LEFT, false, BODY, paragraph);
        flow.gap(6.0);
    }
    // Signature block, kept together.
    let signature_x = LEFT + 260.0;
    let signer_lines = letter.signer.len() + 3 + usize::from(letter.title.is_some());
    flow.room(signer_lines as f32 * LINE + 40.0);
    flow.gap(8.0);
    if letter.title.is_some() {
        flow.paragraph(signature_x, false, BODY, &letter.place_date);
    }
    for line in &letter.signer {
        flow.paragraph(signature_x, false, BODY, line);
    }
    flow.gap(28.0);
    flow.paragraph(signature_x, false, 9.0, "(ditandatangani secara elektronik)");
    flow.paragraph(signature_x, true, BODY, &letter.signed_by);
    if !letter.copies.is_empty() {
        flow.gap(12.0);
        flow.paragraph(LEFT, false, 9.5, "Tembusan:");
        for (n, copy) in letter.copies.iter().enumerate() {
            flow.paragraph(LEFT, false, 9.5, &format!("{}. {copy}", n + 1));
        }
    }
    // Verification panel: QR code and how to check the letter.
    let code = qrcode::QrCode::with_error_correction_level(letter.verify_url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| RenderError::QrCode)?;
    let side = 78.0;
    flow.room(side + 20.0);
    flow.gap(16.0);
    flow.rule(0.5);
    let top = flow.y + 6.0;
    let modules: Vec<bool> = code.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect();
    flow.push(Op::Qr { x: LEFT, y: top, side, modules, width: code.width() });
    flow.y = top;
    let panel = [
        "Dokumen ini ditandatangani secara elektronik oleh Netra dengan kunci Ed25519 instansi.".to_string(),
        format!("Kode verifikasi: {}", letter.code),
        format!("Periksa keaslian dan unggah berkas ini di {}", letter.verify_url),
        "atau tanpa jaringan: netra letter verify BERKAS.pdf --keys kunci.json".to_string(),
    ];
    for (n, line) in panel.iter().enumerate() {
        flow.paragraph(LEFT + side + 12.0, n == 1, 8.5, line);
    }
    flow.y = flow.y.max(top + side);

    let footer = |page: usize, pages: usize| {
        format!("Halaman {page} dari {pages} · Nomor {} · Kode {}", letter.number, letter.code)
    };
    let (year, month, day, hour, minute, second) = letter.issued;
    let metadata = Metadata::new()
        .title(letter.subject.clone())
        .authors(vec![letter.letterhead.first().cloned().unwrap_or_default()])
        .creator("Netra".into())
        .producer("Netra (krilla)".into())
        .language("id".into())
        .keywords(vec![letter.seal.clone()])
        .creation_date(
            DateTime::new(year).month(month).day(day).hour(hour).minute(minute).second(second).utc_offset_hour(0),
        );
    write_pdf(faces, flow.pages, metadata, &footer)
}

/// A report: a title, lines under it, facts, then charts (the dashboard as a PDF).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub title: String,
    pub subtitle: Vec<String>,
    pub facts: Vec<(String, String)>,
    pub charts: Vec<chart::Chart>,
    /// The footer's text before the page number.
    pub footer: String,
    /// UTC time it was made: year, month, day, hour, minute, second.
    pub created: (u16, u8, u8, u8, u8, u8),
}

/// Renders a report.
pub fn render_report(report: &Report) -> Result<Vec<u8>, RenderError> {
    let faces = faces()?;
    let mut flow = Flow::new(faces);
    flow.centred(true, 14.0, &report.title);
    for line in &report.subtitle {
        flow.centred(false, 9.5, line);
    }
    flow.gap(6.0);
    flow.rule(0.8);
    flow.gap(6.0);
    for (label, value) in &report.facts {
        flow.labelled(LEFT, LEFT + 220.0, label, value);
    }
    flow.gap(6.0);
    for chart in &report.charts {
        flow.chart(chart);
    }
    let (year, month, day, hour, minute, second) = report.created;
    let metadata = Metadata::new()
        .title(report.title.clone())
        .creator("Netra".into())
        .producer("Netra (krilla)".into())
        .language("id".into())
        .creation_date(
            DateTime::new(year).month(month).day(day).hour(hour).minute(minute).second(second).utc_offset_hour(0),
        );
    let footer = |page: usize, pages: usize| format!("{} · Halaman {page} dari {pages}", report.footer);
    write_pdf(faces, flow.pages, metadata, &footer)
}

/// Writes laid-out pages, each with its footer line, as a PDF.
fn write_pdf(
    faces: &Faces,
    pages: Vec<Vec<Op>>,
    metadata: Metadata,
    footer: &dyn Fn(usize, usize) -> String,
) -> Result<Vec<u8>, RenderError> {
    let count = pages.len();
    let mut document = Document::new();
    document.set_metadata(metadata);
    for (index, ops) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid size");
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let footer = footer(index + 1, count);
        let footer_x = LEFT + (RIGHT - LEFT - faces.regular.width(&footer, 8.0)) / 2.0;
        let footer = Op::Text { x: footer_x, y: PAGE_HEIGHT - 36.0, bold: false, size: 8.0, text: footer };
        for op in ops.iter().chain(std::iter::once(&footer)) {
            match op {
                Op::Text { x, y, bold, size, text } => {
                    let face = if *bold { &faces.bold } else { &faces.regular };
                    surface.set_fill(Some(Fill::default()));
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        &face.glyphs(text),
                        face.font.clone(),
                        text,
                        *size,
                        false,
                    );
                }
                Op::Rect { x, y, w, h, rgb } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        let paint = krilla::color::rgb::Color::new(rgb.0, rgb.1, rgb.2).into();
                        surface.set_fill(Some(Fill { paint, ..Fill::default() }));
                        surface.draw_path(&path);
                    }
                }
                Op::Qr { x, y, side, modules, width } => {
                    let cell = side / *width as f32;
                    let mut path = PathBuilder::new();
                    for (row, line) in modules.chunks(*width).enumerate() {
                        let mut column = 0;
                        while column < *width {
                            if !line[column] {
                                column += 1;
                                continue;
                            }
                            let start = column;
                            while column < *width && line[column] {
                                column += 1;
                            }
                            let run = Rect::from_xywh(
                                x + start as f32 * cell,
                                y + row as f32 * cell,
                                (column - start) as f32 * cell,
                                cell,
                            );
                            if let Some(run) = run {
                                path.push_rect(run);
                            }
                        }
                    }
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(Fill::default()));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(paragraphs: usize) -> Letter {
        Letter {
            letterhead: vec!["Bawaslu Kabupaten Bandung".into(), "Jl. Raya Soreang".into()],
            place_date: "Kabupaten Bandung, 14 November 2024".into(),
            number: "045/PP.01.02/K.JB-04/11/2024".into(),
            subject: "Penerusan dugaan pelanggaran netralitas ASN".into(),
            addressee: vec!["Yth. Kepala BKN Kantor Regional III Bandung".into(), "di tempat".into()],
            paragraphs: (0..paragraphs).map(|n| format!("Paragraf {n}: {}", "kata panjang ".repeat(40))).collect(),
            facts: vec![("Nama".into(), "Drs. H. Asep Sunandar, M.Si".into())],
            signer: vec!["Ketua".into(), "Bawaslu Kabupaten Bandung".into()],
            signed_by: "Rina Kurniasih".into(),
            code: "ABCD-EFGH-2345".into(),
            verify_url: "https://netra.example/verifikasi/ABCD-EFGH-2345".into(),
            seal: netra_core::letter::seal_placeholder("0123456789abcdef"),
            issued: (2024, 11, 14, 3, 0, 0),
            ..Letter::default()
        }
    }

    #[test]
    fn a_report_draws_its_charts_on_as_many_pages_as_they_need() {
        let bars: Vec<chart::Bar> = (0..12).map(|n| chart::Bar::count(format!("Unit {n}"), n)).collect();
        let chart = chart::bar_chart("Kasus per unit", &bars, None, "-");
        let report = |charts: usize| Report {
            title: "Dasbor pengawasan".into(),
            facts: vec![("Jumlah kasus".into(), "66".into())],
            charts: vec![chart.clone(); charts],
            footer: "Netra".into(),
            created: (2024, 12, 2, 2, 0, 0),
            ..Report::default()
        };
        let one = render_report(&report(1)).unwrap();
        let many = render_report(&report(8)).unwrap();
        let count_pages = |pdf: &[u8]| pdf.windows(10).filter(|w| *w == b"/Type /Pag" || *w == b"/Type/Page").count();
        assert!(one.starts_with(b"%PDF-"));
        assert!(count_pages(&many) > count_pages(&one));
    }

    #[test]
    fn wrapping_respects_the_width_and_keeps_every_word() {
        let faces = faces().unwrap();
        let text =
            "Berdasarkan hasil kajian Bawaslu atas dugaan pelanggaran netralitas ASN Supercalifragilistikexpialidosius";
        for width in [80.0, 150.0, 400.0] {
            let lines = wrap(&faces.regular, text, BODY, width);
            assert!(lines.iter().all(|l| faces.regular.width(l, BODY) <= width), "{width}: {lines:?}");
            assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
        }
    }

    #[test]
    fn a_letter_is_a_pdf_with_the_placeholder_once_in_the_info_and_a_page_per_overflow() {
        let short = render(&letter(1)).unwrap();
        assert!(short.starts_with(b"%PDF-"));
        let seal = netra_core::letter::seal_placeholder("0123456789abcdef");
        let found = short.windows(seal.len()).filter(|w| *w == seal.as_bytes()).count();
        assert!(found >= 1, "the seal placeholder is in the file");
        let count_pages = |pdf: &[u8]| pdf.windows(10).filter(|w| *w == b"/Type /Pag" || *w == b"/Type/Page").count();
        let long = render(&letter(30)).unwrap();
        assert!(count_pages(&long) > count_pages(&short), "a long letter flows onto more pages");
    }
}

//! Registry rows: the columns of an import file, what each may hold, and a streaming CSV reader that names every
//! bad row by line, column and reason.
//!
//! The header (any order, case-insensitive, comma or semicolon separated; extra columns are ignored):
//! `nip,nama,gelar_depan,gelar_belakang,jenis_kelamin,tanggal_lahir,status_kepegawaian,jenis_jabatan,jabatan,
//! unit_kerja,instansi,kode_wilayah`.

use std::collections::HashMap;
use std::io::Read;

use netra_core::Locale;
use netra_core::ident::{EmployeeNumber, Gender, NiPppk, Nip};
use netra_core::locale::Localized;
use netra_core::patrol::LineProblem;
use netra_core::region::RegionCode;
use time::{Date, Month};

/// The columns of a registry file, in the documented order.
pub const COLUMNS: [&str; 12] = [
    "nip",
    "nama",
    "gelar_depan",
    "gelar_belakang",
    "jenis_kelamin",
    "tanggal_lahir",
    "status_kepegawaian",
    "jenis_jabatan",
    "jabatan",
    "unit_kerja",
    "instansi",
    "kode_wilayah",
];

/// PNS, CPNS or PPPK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmploymentKind {
    Pns,
    Cpns,
    Pppk,
}

/// Whether the person still serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmploymentState {
    Active,
    Retired,
    Dismissed,
}

/// The kind of position (jenis jabatan) under UU 20/2023.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PositionKind {
    /// Jabatan pimpinan tinggi.
    Jpt,
    Administrator,
    Pengawas,
    Fungsional,
    Pelaksana,
}

impl EmploymentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EmploymentKind::Pns => "PNS",
            EmploymentKind::Cpns => "CPNS",
            EmploymentKind::Pppk => "PPPK",
        }
    }
}

impl EmploymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            EmploymentState::Active => "aktif",
            EmploymentState::Retired => "pensiun",
            EmploymentState::Dismissed => "diberhentikan",
        }
    }

    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            EmploymentState::Active => locale.pick("aktif", "active"),
            EmploymentState::Retired => locale.pick("pensiun", "retired"),
            EmploymentState::Dismissed => locale.pick("diberhentikan", "dismissed"),
        }
    }
}

/// `status_kepegawaian`: the kind, optionally followed by the state (`PNS`, `PNS aktif`, `PPPK - pensiun`,
/// `CPNS/diberhentikan`); the state is `aktif` when absent.
pub fn parse_status(text: &str) -> Option<(EmploymentKind, EmploymentState)> {
    let lower = text.trim().to_lowercase();
    let mut parts =
        lower.split(|c: char| c.is_whitespace() || c == '-' || c == '/' || c == ',').filter(|p| !p.is_empty());
    let kind = match parts.next()? {
        "pns" => EmploymentKind::Pns,
        "cpns" => EmploymentKind::Cpns,
        "pppk" | "p3k" => EmploymentKind::Pppk,
        _ => return None,
    };
    let state = match parts.next() {
        None | Some("aktif" | "active") => EmploymentState::Active,
        Some("pensiun" | "retired" | "purnabakti") => EmploymentState::Retired,
        Some("diberhentikan" | "berhenti" | "dismissed" | "dipecat") => EmploymentState::Dismissed,
        Some(_) => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((kind, state))
}

impl PositionKind {
    pub const ALL: [PositionKind; 5] = [
        PositionKind::Jpt,
        PositionKind::Administrator,
        PositionKind::Pengawas,
        PositionKind::Fungsional,
        PositionKind::Pelaksana,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PositionKind::Jpt => "jpt",
            PositionKind::Administrator => "administrator",
            PositionKind::Pengawas => "pengawas",
            PositionKind::Fungsional => "fungsional",
            PositionKind::Pelaksana => "pelaksana",
        }
    }

    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            PositionKind::Jpt => locale.pick("pimpinan tinggi", "senior executive"),
            PositionKind::Administrator => "administrator",
            PositionKind::Pengawas => locale.pick("pengawas", "supervisor"),
            PositionKind::Fungsional => locale.pick("fungsional", "functional"),
            PositionKind::Pelaksana => locale.pick("pelaksana", "staff"),
        }
    }

    /// Reads `jenis_jabatan`: `JPT` (also `JPT Pratama`, `pimpinan tinggi`), `administrator`, `pengawas`,
    /// `fungsional` (`JF`), `pelaksana` (`JFU`, `fungsional umum`).
    pub fn parse(text: &str) -> Option<PositionKind> {
        let lower = text.trim().to_lowercase();
        let lower = lower.as_str();
        if lower.starts_with("jpt") || lower.starts_with("pimpinan tinggi") {
            return Some(PositionKind::Jpt);
        }
        match lower {
            "administrator" | "administrasi" => Some(PositionKind::Administrator),
            "pengawas" => Some(PositionKind::Pengawas),
            "fungsional" | "jf" | "fungsional tertentu" | "jft" => Some(PositionKind::Fungsional),
            "pelaksana" | "jfu" | "fungsional umum" => Some(PositionKind::Pelaksana),
            _ => None,
        }
    }
}

/// `jenis_kelamin`: `L`/`P`, `Laki-laki`/`Perempuan`, `M`/`F`, `1`/`2`.
pub fn parse_gender(text: &str) -> Option<Gender> {
    match text.trim().to_lowercase().as_str() {
        "l" | "lk" | "laki-laki" | "laki laki" | "pria" | "m" | "male" | "1" => Some(Gender::Male),
        "p" | "pr" | "perempuan" | "wanita" | "f" | "female" | "2" => Some(Gender::Female),
        _ => None,
    }
}

pub fn gender_code(gender: Gender) -> &'static str {
    match gender {
        Gender::Male => "L",
        Gender::Female => "P",
    }
}

/// `tanggal_lahir`: `YYYY-MM-DD`, `DD-MM-YYYY` or `DD/MM/YYYY`.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (year, month, day) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        return None;
    };
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

/// One valid registry row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRow {
    /// 1-based line of the file.
    pub line: usize,
    /// The NIP or NI PPPK as 18 (or, for old records, 9) digits.
    pub nip: String,
    /// The name as written in the file (titles may be in the title columns or in the name).
    pub name: String,
    pub front_titles: String,
    pub back_titles: String,
    pub gender: Gender,
    pub birth_date: Option<Date>,
    pub kind: EmploymentKind,
    pub state: EmploymentState,
    pub position_kind: PositionKind,
    pub position: String,
    pub unit: String,
    pub agency: String,
    pub region: RegionCode,
}

impl RegistryRow {
    /// The NIP as a number (18 digits fit in a `u64`), for duplicate checks.
    pub fn nip_number(&self) -> u64 {
        self.nip.parse().unwrap_or(0)
    }

    /// The name with its titles, as it would be written on a letter: `Drs. H. Asep Sunandar, M.Si.`.
    pub fn display_name(&self) -> String {
        display_name(&self.front_titles, &self.name, &self.back_titles)
    }
}

/// `front name, back` with the separators people use.
pub fn display_name(front: &str, name: &str, back: &str) -> String {
    let mut out = String::new();
    if !front.trim().is_empty() {
        out.push_str(front.trim());
        out.push(' ');
    }
    out.push_str(name.trim());
    if !back.trim().is_empty() {
        out.push_str(", ");
        out.push_str(back.trim());
    }
    out
}

/// Where each column sits in a file's header.
#[derive(Debug, Clone)]
pub struct Header {
    positions: [usize; 12],
    width: usize,
}

impl Header {
    /// Maps a header; a missing column is a problem on line 1.
    pub fn new<'a>(cells: impl IntoIterator<Item = &'a str>) -> Result<Header, LineProblem> {
        let names: Vec<String> =
            cells.into_iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_lowercase()).collect();
        let mut positions = [0; 12];
        let mut missing = Vec::new();
        for (slot, column) in positions.iter_mut().zip(COLUMNS) {
            match names.iter().position(|n| n == column) {
                Some(p) => *slot = p,
                None => missing.push(column),
            }
        }
        if !missing.is_empty() {
            return Err(LineProblem::new(
                1,
                "header",
                format!("Kolom tidak ada: {}. Kepala berkas harus: {}.", missing.join(", "), COLUMNS.join(",")),
                format!("Missing columns: {}. The header must be: {}.", missing.join(", "), COLUMNS.join(",")),
            ));
        }
        Ok(Header { positions, width: names.len() })
    }

    /// The documented header, in order.
    pub fn standard() -> Header {
        Header { positions: std::array::from_fn(|i| i), width: 12 }
    }
}

fn problem(line: usize, field: &'static str, id: impl Into<String>, en: impl Into<String>) -> LineProblem {
    LineProblem::new(line, field, id, en)
}

/// Checks one row's cells against the header. Every problem of the row is returned, each naming its column.
pub fn parse_row(header: &Header, line: usize, cells: &[&str]) -> Result<RegistryRow, Vec<LineProblem>> {
    if cells.len() != header.width {
        return Err(vec![problem(
            line,
            "baris",
            format!("{} kolom, seharusnya {}.", cells.len(), header.width),
            format!("{} columns, expected {}.", cells.len(), header.width),
        )]);
    }
    let cell = |i: usize| cells[header.positions[i]].trim();
    let mut problems = Vec::new();
    let status = parse_status(cell(6));
    if status.is_none() {
        problems.push(problem(
            line,
            "status_kepegawaian",
            format!(
                "'{}' bukan status yang dikenal (PNS, CPNS atau PPPK, boleh diikuti aktif/pensiun/diberhentikan).",
                cell(6)
            ),
            format!(
                "'{}' is not a known status (PNS, CPNS or PPPK, optionally followed by aktif/pensiun/diberhentikan).",
                cell(6)
            ),
        ));
    }
    // The number is read as the status says: a PPPK number can look like a valid NIP.
    let number: Option<(String, Option<Date>, Option<Gender>)> = {
        let parsed = match status.map(|s| s.0) {
            Some(EmploymentKind::Pppk) => {
                NiPppk::parse(cell(0)).map(|n| (n.to_string(), Some(n.birth_date()), Some(n.gender())))
            }
            Some(_) => match EmployeeNumber::parse(cell(0)) {
                Ok(EmployeeNumber::Legacy(legacy)) => Ok((legacy.to_string(), None, None)),
                Ok(_) | Err(_) => Nip::parse(cell(0)).map(|n| (n.to_string(), Some(n.birth_date()), Some(n.gender()))),
            },
            None => EmployeeNumber::parse(cell(0)).map(|n| (n.to_string(), None, None)),
        };
        match parsed {
            Ok(found) => Some(found),
            Err(error) => {
                problems.push(problem(line, "nip", error.message(Locale::Id), error.message(Locale::En)));
                None
            }
        }
    };
    let name = cell(1);
    if name.is_empty() {
        problems.push(problem(line, "nama", "Nama kosong.", "The name is empty."));
    } else if name.chars().count() > 200 {
        problems.push(problem(
            line,
            "nama",
            "Nama lebih dari 200 karakter.",
            "The name is longer than 200 characters.",
        ));
    } else if !name.chars().any(char::is_alphabetic) {
        problems.push(problem(line, "nama", "Nama tidak berisi huruf.", "The name has no letters."));
    }
    for (i, field) in [(2, "gelar_depan"), (3, "gelar_belakang")] {
        if cell(i).chars().count() > 100 {
            problems.push(problem(line, field, "Gelar lebih dari 100 karakter.", "Titles longer than 100 characters."));
        }
    }
    let gender = parse_gender(cell(4));
    match (gender, &number) {
        (None, _) => problems.push(problem(
            line,
            "jenis_kelamin",
            format!("'{}' bukan jenis kelamin (L atau P).", cell(4)),
            format!("'{}' is not a gender (L or P).", cell(4)),
        )),
        (Some(g), Some((_, _, Some(from_number)))) if g != *from_number => problems.push(problem(
            line,
            "jenis_kelamin",
            "Tidak sesuai dengan digit jenis kelamin pada NIP.",
            "Does not match the gender digit of the NIP.",
        )),
        _ => {}
    }
    let birth_date = if cell(5).is_empty() {
        number.as_ref().and_then(|n| n.1)
    } else {
        match parse_date(cell(5)) {
            None => {
                problems.push(problem(
                    line,
                    "tanggal_lahir",
                    format!("'{}' bukan tanggal (TTTT-BB-HH atau HH-BB-TTTT).", cell(5)),
                    format!("'{}' is not a date (YYYY-MM-DD or DD-MM-YYYY).", cell(5)),
                ));
                None
            }
            Some(date) => {
                if let Some((_, Some(from_number), _)) = &number
                    && *from_number != date
                {
                    problems.push(problem(
                        line,
                        "tanggal_lahir",
                        format!("{date} tidak sesuai dengan tanggal lahir pada NIP ({from_number})."),
                        format!("{date} does not match the birth date in the NIP ({from_number})."),
                    ));
                }
                Some(date)
            }
        }
    };
    let position_kind = PositionKind::parse(cell(7));
    if position_kind.is_none() {
        problems.push(problem(
            line,
            "jenis_jabatan",
            format!("'{}' bukan jenis jabatan (JPT, administrator, pengawas, fungsional, pelaksana).", cell(7)),
            format!("'{}' is not a position kind (JPT, administrator, pengawas, fungsional, pelaksana).", cell(7)),
        ));
    }
    for (i, field, id, en) in [
        (8, "jabatan", "Jabatan kosong.", "The position is empty."),
        (10, "instansi", "Instansi kosong.", "The agency is empty."),
    ] {
        if cell(i).is_empty() {
            problems.push(problem(line, field, id, en));
        }
    }
    for (i, field) in [(8, "jabatan"), (9, "unit_kerja"), (10, "instansi")] {
        if cell(i).chars().count() > 300 {
            problems.push(problem(line, field, "Lebih dari 300 karakter.", "Longer than 300 characters."));
        }
    }
    let region = match RegionCode::parse(cell(11)) {
        Ok(code) if netra_core::builtin::regions().get(&code).is_some() => Some(code),
        Ok(code) => {
            problems.push(problem(
                line,
                "kode_wilayah",
                format!("Wilayah {code} tidak ada dalam tabel wilayah."),
                format!("Region {code} is not in the region table."),
            ));
            None
        }
        Err(error) => {
            problems.push(problem(line, "kode_wilayah", error.message(Locale::Id), error.message(Locale::En)));
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let ((kind, state), (nip, _, _), gender, position_kind, region) = (
        status.expect("checked"),
        number.expect("checked"),
        gender.expect("checked"),
        position_kind.expect("checked"),
        region.expect("checked"),
    );
    Ok(RegistryRow {
        line,
        nip,
        name: name.to_string(),
        front_titles: cell(2).to_string(),
        back_titles: cell(3).to_string(),
        gender,
        birth_date,
        kind,
        state,
        position_kind,
        position: cell(8).to_string(),
        unit: cell(9).to_string(),
        agency: cell(10).to_string(),
        region,
    })
}

/// What a reader yields per data row.
pub type RowResult = Result<RegistryRow, Vec<LineProblem>>;

/// Reads a registry CSV from any reader, one row at a time, and reports duplicate NIPs (naming the first line).
/// `bytes_read` tells how far it got, for a progress bar.
#[derive(Debug)]
pub struct CsvRows<R: Read> {
    reader: csv::Reader<NewlineTracker<R>>,
    header: Header,
    record: csv::ByteRecord,
    seen: Duplicates,
}

/// Remembers the line of each NIP seen so far.
#[derive(Debug, Default)]
pub struct Duplicates {
    lines: HashMap<u64, u32>,
}

impl Duplicates {
    /// A problem when the row's NIP was on an earlier line; otherwise remembers it.
    pub fn check(&mut self, row: &RegistryRow) -> Option<LineProblem> {
        let line = row.line as u32;
        match self.lines.entry(row.nip_number()) {
            std::collections::hash_map::Entry::Occupied(first) => Some(problem(
                row.line,
                "nip",
                format!("NIP {} sudah ada di baris {}.", row.nip, first.get()),
                format!("NIP {} already appears on line {}.", row.nip, first.get()),
            )),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
                None
            }
        }
    }
}

impl<R: Read> CsvRows<R> {
    /// Reads the header; `delimiter` is `b','` or `b';'` (see [`sniff`]).
    pub fn new(reader: R, delimiter: u8) -> Result<CsvRows<R>, LineProblem> {
        let mut reader =
            csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(NewlineTracker::new(reader));
        let header = match reader.byte_headers() {
            Ok(header) => {
                let cells: Vec<String> = header.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect();
                Header::new(cells.iter().map(String::as_str))?
            }
            Err(e) => {
                return Err(problem(
                    1,
                    "header",
                    format!("Kepala berkas tidak terbaca: {e}"),
                    format!("Unreadable header: {e}"),
                ));
            }
        };
        Ok(CsvRows { reader, header, record: csv::ByteRecord::new(), seen: Duplicates::default() })
    }

    /// Bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// Passes bytes through and remembers where the newlines are, so that a record's byte offset gives its physical
/// line. The csv crate's own line numbers skip blank lines; the offsets kept are only those the parser has read
/// ahead of the current record, a few kilobytes.
#[derive(Debug)]
struct NewlineTracker<R> {
    inner: R,
    read: u64,
    newlines: std::cell::RefCell<std::collections::VecDeque<u64>>,
    lines_before: std::cell::Cell<usize>,
}

impl<R: Read> NewlineTracker<R> {
    fn new(inner: R) -> Self {
        NewlineTracker { inner, read: 0, newlines: Default::default(), lines_before: std::cell::Cell::new(0) }
    }

    /// The 1-based line of the byte at `offset`; offsets must not decrease from call to call.
    fn line_at(&self, offset: u64) -> usize {
        let mut newlines = self.newlines.borrow_mut();
        while newlines.front().is_some_and(|&at| at < offset) {
            newlines.pop_front();
            self.lines_before.set(self.lines_before.get() + 1);
        }
        self.lines_before.get() + 1
    }
}

impl<R: Read> Read for NewlineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut newlines = self.newlines.borrow_mut();
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' {
                newlines.push_back(self.read + i as u64);
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// The delimiter of a file from its first line: `;` when it has more semicolons than commas.
pub fn sniff(first_bytes: &[u8]) -> u8 {
    let line = first_bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let semicolons = line.iter().filter(|&&b| b == b';').count();
    let commas = line.iter().filter(|&&b| b == b',').count();
    if semicolons > commas { b';' } else { b',' }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = RowResult;

    fn next(&mut self) -> Option<RowResult> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    // The record's start position counts blank lines skipped before it, so the line is read off
                    // where the record ends (its last line, for a quoted value that spans lines).
                    let end = self.reader.position().byte().saturating_sub(1);
                    let line = self.reader.get_ref().line_at(end);
                    if self.record.len() == 1 && self.record[0].iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let mut cells = Vec::with_capacity(self.record.len());
                    for (i, raw) in self.record.iter().enumerate() {
                        match std::str::from_utf8(raw) {
                            Ok(text) => cells.push(text),
                            Err(_) => {
                                let column = COLUMNS.get(i).copied().unwrap_or("baris");
                                return Some(Err(vec![problem(
                                    line,
                                    column,
                                    "Bukan teks UTF-8; simpan berkas sebagai CSV UTF-8.",
                                    "Not UTF-8 text; save the file as CSV UTF-8.",
                                )]));
                            }
                        }
                    }
                    let row = parse_row(&self.header, line, &cells);
                    return Some(match row {
                        Ok(row) => match self.seen.check(&row) {
                            Some(duplicate) => Err(vec![duplicate]),
                            None => Ok(row),
                        },
                        Err(problems) => Err(problems),
                    });
                }
                Err(e) => {
                    let line = self.reader.get_ref().line_at(e.position().map_or(0, |p| p.byte()));
                    return Some(Err(vec![problem(
                        line,
                        "baris",
                        format!("CSV rusak: {e}"),
                        format!("Broken CSV: {e}"),
                    )]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "nip,nama,gelar_depan,gelar_belakang,jenis_kelamin,tanggal_lahir,status_kepegawaian,jenis_jabatan,jabatan,unit_kerja,instansi,kode_wilayah\n";

    fn read(body: &str) -> Vec<RowResult> {
        let text = format!("{HEADER}{body}");
        CsvRows::new(text.as_bytes(), b',').unwrap().collect()
    }

    #[test]
    fn a_good_row_is_read() {
        let rows = read(
            "198503302010011002,Asep Sunandar,Drs. H.,M.Si,L,1985-03-30,PNS,administrator,Camat Cileunyi,Kecamatan Cileunyi,Pemerintah Kabupaten Bandung,32.04\n",
        );
        let row = rows[0].as_ref().unwrap();
        assert_eq!(row.line, 2);
        assert_eq!(row.display_name(), "Drs. H. Asep Sunandar, M.Si");
        assert_eq!(row.kind, EmploymentKind::Pns);
        assert_eq!(row.state, EmploymentState::Active);
        assert_eq!(row.position_kind, PositionKind::Administrator);
        assert_eq!(row.region.to_string(), "32.04");
    }

    #[test]
    fn every_bad_row_is_named_by_line_and_column() {
        let rows = read(concat!(
            "198503302010011002,Asep Sunandar,,,L,1985-03-30,PNS,administrator,Camat,Kecamatan,Pemkab Bandung,32.04\n",
            "19850330201001100X,Budi,,,L,1985-03-30,PNS,pelaksana,Staf,,Pemkab Bandung,32.04\n",
            "198503302010011003,Budi,,,L,1985-02-30,PNS,pelaksana,Staf,,Pemkab Bandung,32.04\n",
            "198503302010011004,Budi,,,L,1985-03-30,PNS,pelaksana,Staf,Pemkab Bandung,32.04\n",
            "198503302010011002,Asep Lagi,,,L,1985-03-30,PNS,pelaksana,Staf,,Pemkab Bandung,32.04\n",
            "198503302010012005,Siti,,,L,1985-03-30,PNS,pelaksana,Staf,,Pemkab Bandung,32.04\n",
            "\n",
            "198503302010011006,Dedi,,,L,1985-03-30,PNS aktif,guru,Guru,,Pemkab Bandung,99.99\n",
        ));
        let problems: Vec<(usize, &str)> =
            rows.iter().filter_map(|r| r.as_ref().err()).flatten().map(|p| (p.line, p.field)).collect();
        assert_eq!(
            problems,
            [
                (3, "nip"),
                (4, "tanggal_lahir"),
                (5, "baris"),
                (6, "nip"),
                (7, "jenis_kelamin"),
                (9, "jenis_jabatan"),
                (9, "kode_wilayah"),
            ]
        );
        assert_eq!(rows.iter().filter(|r| r.is_ok()).count(), 1);
        let duplicate = rows[4].as_ref().unwrap_err();
        assert!(duplicate[0].id.contains("baris 2"), "{}", duplicate[0].id);
    }

    #[test]
    fn statuses_kinds_and_dates_in_their_usual_spellings() {
        assert_eq!(parse_status("PNS"), Some((EmploymentKind::Pns, EmploymentState::Active)));
        assert_eq!(parse_status("pppk - pensiun"), Some((EmploymentKind::Pppk, EmploymentState::Retired)));
        assert_eq!(parse_status("CPNS/diberhentikan"), Some((EmploymentKind::Cpns, EmploymentState::Dismissed)));
        assert_eq!(parse_status("honorer"), None);
        assert_eq!(PositionKind::parse("JPT Pratama"), Some(PositionKind::Jpt));
        assert_eq!(PositionKind::parse("JFU"), Some(PositionKind::Pelaksana));
        assert_eq!(parse_date("30-03-1985"), parse_date("1985-03-30"));
        assert_eq!(parse_date("30/03/1985"), parse_date("1985-03-30"));
        assert_eq!(parse_date("1985-13-01"), None);
    }

    #[test]
    fn a_pppk_number_is_read_as_one() {
        let rows = read(
            "198503302021211002,Rina,,,L,1985-03-30,PPPK,fungsional,Guru Ahli Pertama,SDN 1,Pemkab Bandung,32.04\n",
        );
        assert!(rows[0].is_ok(), "{:?}", rows[0]);
    }

    #[test]
    fn a_missing_column_is_named() {
        let error = CsvRows::new("nip,nama\n".as_bytes(), b',').unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.id.contains("gelar_depan"));
    }
}

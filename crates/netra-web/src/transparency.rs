//! The public transparency page (issue 8): cases per province and confirmed kind of violation, from the live data,
//! aggregates only. Counts from 1 to 4 are withheld, with complementary suppression so that no withheld count
//! follows from a total (`netra_core::export::suppress`); no names, no case numbers.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use netra_core::catalogue::ActLabel;
use netra_core::export::{MIN_PUBLISHED_COUNT, PublicCell, suppress};
use netra_core::region::RegionCode;

use crate::AppState;
use crate::auth::locale_of;
use crate::staff::{Cell, Section, StaffPage, Table, internal};

/// `GET /transparansi`.
pub async fn page(State(state): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let l = locale_of(&headers, uri.query());
    let counts = match state.store.public_counts().await {
        Ok(counts) => counts,
        Err(error) => return internal(error),
    };
    let mut provinces: Vec<String> = counts.cases.iter().map(|(p, _)| p.clone()).collect();
    provinces.sort();
    // Columns: each act, then "not yet determined".
    let columns = ActLabel::ALL.len() + 1;
    let column_of = |act: &Option<String>| match act {
        Some(a) => ActLabel::ALL.iter().position(|x| x.as_str() == a).unwrap_or(columns - 1),
        None => columns - 1,
    };
    let mut table = vec![vec![0u64; columns]; provinces.len()];
    for (province, act, n) in &counts.by_act {
        if let Ok(r) = provinces.binary_search(province) {
            table[r][column_of(act)] += n;
        }
    }
    // Totals are published too, so they join the table before suppression: a line's total is one more cell of it.
    for (row, province) in table.iter_mut().zip(&provinces) {
        row.push(counts.cases.iter().find(|(p, _)| p == province).map_or(0, |(_, n)| *n));
    }
    let total_cases: u64 = counts.cases.iter().map(|(_, n)| n).sum();
    let mut totals: Vec<u64> = (0..columns).map(|c| table.iter().map(|row| row[c]).sum()).collect();
    totals.push(total_cases);
    table.push(totals);
    let cells = suppress(&table, MIN_PUBLISHED_COUNT);
    let mut headers = vec![l.pick("Provinsi", "Province").to_string()];
    headers.extend(ActLabel::ALL.iter().map(|a| a.describe(l).to_string()));
    headers.push(l.pick("Belum ditentukan", "Not yet determined").into());
    headers.push(l.pick("Jumlah kasus", "Cases").into());
    let names = provinces.iter().map(|province| {
        RegionCode::parse(province)
            .ok()
            .and_then(|code| netra_core::builtin::regions().get(&code).map(|r| r.name.clone()))
            .unwrap_or_else(|| province.clone())
    });
    let rows: Vec<Vec<Cell>> = names
        .chain(std::iter::once("Indonesia".to_string()))
        .zip(&cells)
        .map(|(name, row)| {
            let mut out = vec![Cell::text(name)];
            out.extend(row.iter().map(|cell| match cell {
                PublicCell::Count(n) => Cell::text(n.to_string()),
                PublicCell::Withheld => Cell::text("•"),
            }));
            out
        })
        .collect();
    StaffPage::anonymous(l, "/transparansi", "", l.pick("Transparansi pengawasan netralitas ASN", "Transparency of ASN neutrality supervision"))
        .lead(l.pick(
            "Jumlah kasus dugaan pelanggaran netralitas ASN per provinsi dan jenis pelanggaran yang telah dipastikan petugas, dari data yang berjalan. Hanya angka agregat: tanpa nama dan nomor kasus.",
            "Suspected civil-servant neutrality cases per province and kind of violation confirmed by staff, from live data. Aggregates only: no names or case numbers.",
        ))
        .section(Section::Table(Table {
            caption: l.pick("Kasus per provinsi dan jenis pelanggaran", "Cases per province and kind of violation").into(),
            headers,
            rows,
            empty: l.pick("Belum ada kasus.", "No cases yet.").into(),
        }))
        .section(Section::Text(format!(
            "{} 1–{} {}",
            l.pick("Angka", "Counts of"),
            MIN_PUBLISHED_COUNT - 1,
            l.pick(
                "tidak ditampilkan (•), begitu pula angka lain (termasuk jumlah) yang memungkinkan angka kecil dihitung. Satu kasus dapat memuat lebih dari satu jenis pelanggaran.",
                "are withheld (•), as are other counts (totals included) from which a small one could be worked out. A case may involve more than one kind of violation.",
            )
        )))
        .render(StatusCode::OK)
}

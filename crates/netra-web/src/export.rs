//! Case-list exports (issue 8): the work list's filters, as CSV (streamed while the cases are read, cells that a
//! spreadsheet would run as formulas neutralised) or XLSX (written row by row in constant memory to a temporary
//! file, then streamed). Memory stays flat whatever the number of cases.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use netra_core::Locale;
use netra_store::cases::{CaseQuery, CaseSummary, Cursor};
use netra_store::casework::local_today;

use crate::AppState;
use crate::auth::{SessionUser, Staff};
use crate::cases::{ListQuery, list_query, region_name};
use crate::staff::{internal, refusal};

/// Cases read per store query while exporting.
const EXPORT_PAGE: u32 = 200;

/// The export's columns.
fn headers(l: Locale) -> [&'static str; 10] {
    [
        l.pick("Nomor", "Number"),
        l.pick("Status", "State"),
        l.pick("Pemegang", "Holder"),
        l.pick("Asal", "Origin"),
        l.pick("Wilayah", "Region"),
        l.pick("Terlapor", "Reported person"),
        l.pick("Instansi", "Agency"),
        l.pick("Tanggal kejadian", "Event date"),
        l.pick("Tanggal diterima", "Date received"),
        l.pick("Batas waktu berikutnya", "Next deadline"),
    ]
}

fn cells(case: &CaseSummary, l: Locale) -> [String; 10] {
    [
        case.number.clone(),
        case.state.name(l).to_string(),
        case.holder.clone(),
        case.origin.name(l).to_string(),
        region_name(&case.region),
        case.person_name.clone(),
        case.agency_id.clone().unwrap_or_default(),
        case.occurred_on.to_string(),
        case.received_on.to_string(),
        case.next_due_on.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

/// Every case of a query, page by page, in the list's order.
struct CasePages<'a> {
    desk: netra_store::casework::CaseDesk<'a>,
    query: CaseQuery,
    done: bool,
}

impl<'a> CasePages<'a> {
    fn new(desk: netra_store::casework::CaseDesk<'a>, mut query: CaseQuery) -> CasePages<'a> {
        query.limit = EXPORT_PAGE;
        CasePages { desk, query, done: false }
    }

    async fn next(&mut self) -> Result<Option<Vec<CaseSummary>>, netra_store::access::AccessError> {
        if self.done {
            return Ok(None);
        }
        let page = self.desk.list(self.query.clone()).await?;
        self.done = page.len() < EXPORT_PAGE as usize;
        let by_due = self.query.tab.by_due_date();
        self.query.after = page
            .last()
            .map(|last| Cursor { due_on: if by_due { last.next_due_on } else { None }, case_id: last.id.clone() });
        Ok(Some(page))
    }
}

/// `GET /kasus/ekspor?format=csv|xlsx&…`: the work list's cases (same filters and scope), every page of them.
pub async fn export(State(state): State<AppState>, Staff(user): Staff, Query(query): Query<ListQuery>) -> Response {
    let desk = match user.principal.case_desk(&state.store) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/kasus", &error),
    };
    let region = user.principal.office.region.unwrap_or(netra_core::region::RegionCode::province(31));
    let today = local_today(&region, (state.now)());
    let case_query = match list_query(&query, &desk, today) {
        Ok(q) => q,
        Err(_) => return (StatusCode::UNPROCESSABLE_ENTITY, "Filter tidak sah. / Invalid filters.").into_response(),
    };
    let stamp = today.to_string();
    match query.format.as_str() {
        "xlsx" => xlsx(state, user, case_query, stamp).await,
        "" | "csv" => csv(state, user, case_query, stamp),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "Format: csv atau xlsx. / Format: csv or xlsx.").into_response(),
    }
}

/// A finished temporary file as a response body, read in 64 KiB chunks. The open handle keeps the file readable
/// after the temporary path is removed.
pub(crate) fn file_body(file: tempfile::NamedTempFile) -> std::io::Result<Body> {
    let reader = tokio::fs::File::from_std(file.reopen()?);
    drop(file);
    let stream = futures_util::stream::unfold(reader, |mut reader| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0u8; 64 * 1024];
        match reader.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok::<_, std::io::Error>(buffer), reader))
            }
            Err(error) => Some((Err(error), reader)),
        }
    });
    Ok(Body::from_stream(stream))
}

pub(crate) fn attachment(content_type: &str, name: String, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// CSV, streamed: a task reads pages and sends each as one chunk; the client's pace holds the reading back.
fn csv(state: AppState, user: SessionUser, query: CaseQuery, stamp: String) -> Response {
    let l = user.locale;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut first = csv_line(headers(l).iter().map(|h| h.to_string()));
        first.splice(0..0, [0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark: spreadsheets then read the names right
        if sender.send(Ok(first)).await.is_err() {
            return;
        }
        let desk = match user.principal.case_desk(&state.store) {
            Ok(desk) => desk,
            Err(_) => return,
        };
        let mut pages = CasePages::new(desk, query);
        loop {
            match pages.next().await {
                Ok(Some(page)) => {
                    let mut chunk = Vec::new();
                    for case in &page {
                        chunk.extend(csv_line(cells(case, l).into_iter()));
                    }
                    // Waits while the channel is full: the reading keeps pace with the client.
                    if sender.send(Ok(chunk)).await.is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(%error, "case export stopped");
                    let _ = sender.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    });
    attachment("text/csv; charset=utf-8", format!("kasus-{stamp}.csv"), Body::from_stream(stream))
}

fn csv_line(cells: impl Iterator<Item = String>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let cells: Vec<String> = cells.map(|c| netra_core::export::neutralise(&c).into_owned()).collect();
    writer.write_record(&cells).expect("writing to memory");
    writer.into_inner().expect("writing to memory")
}

/// XLSX: rows go to the workbook in constant-memory mode (its temporary files), the file is saved to a temporary
/// path and streamed from there. Text cells are written as strings, never as formulas.
async fn xlsx(state: AppState, user: SessionUser, query: CaseQuery, stamp: String) -> Response {
    let l = user.locale;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let written = {
        let sheet = match workbook.add_worksheet_with_constant_memory() {
            Ok(sheet) => sheet,
            Err(error) => return internal(error),
        };
        let _ = sheet.set_name(l.pick("Kasus", "Cases"));
        for (c, h) in headers(l).iter().enumerate() {
            if let Err(error) = sheet.write_string_with_format(0, c as u16, *h, &bold) {
                return internal(error);
            }
        }
        let desk = match user.principal.case_desk(&state.store) {
            Ok(desk) => desk,
            Err(error) => return refusal(&user, "/kasus", &error),
        };
        let mut pages = CasePages::new(desk, query);
        let mut row = 0u32;
        loop {
            match pages.next().await {
                Ok(Some(page)) => {
                    for case in &page {
                        row += 1;
                        for (c, cell) in cells(case, l).iter().enumerate() {
                            if let Err(error) = sheet.write_string(row, c as u16, cell) {
                                return internal(error);
                            }
                        }
                    }
                }
                Ok(None) => break row,
                Err(error) => return refusal(&user, "/kasus", &error),
            }
        }
    };
    let file = match tempfile::NamedTempFile::new() {
        Ok(file) => file,
        Err(error) => return internal(error),
    };
    let path = file.path().to_path_buf();
    let saved = tokio::task::spawn_blocking(move || workbook.save(&path).map(|()| file)).await;
    let file = match saved {
        Ok(Ok(file)) => file,
        Ok(Err(error)) => return internal(error),
        Err(error) => return internal(error),
    };
    tracing::debug!(rows = written, "case export written");
    let body = match file_body(file) {
        Ok(body) => body,
        Err(error) => return internal(error),
    };
    attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", format!("kasus-{stamp}.xlsx"), body)
}

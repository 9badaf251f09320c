//! `netra registry`: import a registry file (CSV or XLSX) atomically, match names to persons, generate a
//! synthetic registry, and (for the benchmark) make noisy queries.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use netra_core::Locale;
use netra_core::patrol::LineProblem;
use netra_registry::generate::{Generator, SplitMix, cells, noisy_query};
use netra_registry::index::{Candidate, Query};
use netra_registry::rows::{COLUMNS, CsvRows, Duplicates, Header, RegistryRow, parse_row};
use netra_store::accounts::AuditContext;
use netra_store::registry::{IMPORT_BATCH, ImportMessage, ImportMeta};
use sha2::Digest;

use crate::StoreArgs;

#[derive(Debug, Args)]
pub struct RegistryArgs {
    #[command(subcommand)]
    command: RegistryCommand,
}

#[derive(Debug, Subcommand)]
enum RegistryCommand {
    /// Import a registry file (CSV or XLSX, header `nip,nama,gelar_depan,gelar_belakang,jenis_kelamin,
    /// tanggal_lahir,status_kepegawaian,jenis_jabatan,jabatan,unit_kerja,instansi,kode_wilayah`). Good rows are
    /// imported in one transaction (new NIPs added, known NIPs updated in place); bad rows are listed with line
    /// and reason in the error file. Interrupted, it leaves the registry as it was.
    Import(ImportArgs),
    /// Find registry persons from names as reporters write them (JSONL in, JSONL out, input order).
    Match(MatchArgs),
    /// Write a synthetic registry as CSV (realistic names, titles, agencies, positions and valid NIPs).
    Generate(GenerateArgs),
    /// Write noisy queries with their true NIP from a registry CSV (for the match benchmark).
    #[command(hide = true)]
    Queries(QueriesArgs),
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// The registry file, CSV (comma or semicolon, UTF-8).
    #[arg(long, conflicts_with = "xlsx", required_unless_present = "xlsx")]
    csv: Option<PathBuf>,
    /// The registry file as XLSX (first sheet, header on the first row).
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// Where to write the refused rows (`baris,kolom,masalah`); default: next to the input, `.errors.csv`.
    #[arg(long)]
    errors: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
struct MatchArgs {
    /// Queries, one JSON object per line: {"id", "nama", "instansi"?, "unit_kerja"?, "kode_wilayah"?, "jabatan"?,
    /// "jenis_kelamin"?}.
    #[arg(long)]
    input: PathBuf,
    /// Output: {"id", "candidates": [{"nip", "nama", "score", "reasons", …}]} per query, in input order.
    #[arg(long)]
    output: PathBuf,
    /// Candidates per query.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Write each query's latency in microseconds, one per line (benchmark).
    #[arg(long, hide = true)]
    timings: Option<PathBuf>,
    /// `netra` (the match index) or `pg-trgm` (PostgreSQL trigram similarity, for the benchmark).
    #[arg(long, hide = true, default_value = "netra")]
    engine: String,
    /// Stop after this many seconds of answering and write only the queries answered (benchmark of a slow engine).
    #[arg(long, hide = true)]
    budget_seconds: Option<u64>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// How many persons.
    #[arg(long)]
    count: u64,
    /// Output CSV.
    #[arg(long)]
    csv: PathBuf,
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// Only persons working in this province or regency (e.g. 32.04).
    #[arg(long)]
    region: Option<String>,
}

#[derive(Debug, Args)]
struct QueriesArgs {
    /// The registry CSV the queries are drawn from.
    #[arg(long)]
    csv: PathBuf,
    #[arg(long)]
    count: usize,
    #[arg(long)]
    output: PathBuf,
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

pub fn registry(args: RegistryArgs) -> anyhow::Result<()> {
    match args.command {
        RegistryCommand::Import(args) => crate::runtime()?.block_on(import(args)),
        RegistryCommand::Match(args) => crate::runtime()?.block_on(match_queries(args)),
        RegistryCommand::Generate(args) => generate(args),
        RegistryCommand::Queries(args) => queries(args),
    }
}

/// Hashes what passes through.
struct Hashing<R> {
    inner: R,
    hasher: sha2::Sha256,
    bar: indicatif::ProgressBar,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bar.inc(n as u64);
        Ok(n)
    }
}

fn describe(problem: &LineProblem) -> [String; 3] {
    [problem.line.to_string(), problem.field.to_string(), problem.id.clone()]
}

/// Reads the file on this (blocking) thread and sends batches; bad rows go to the error file.
fn read_file(
    path: &Path,
    xlsx: bool,
    errors: &Path,
    sender: &tokio::sync::mpsc::Sender<ImportMessage>,
    bar: indicatif::ProgressBar,
) -> anyhow::Result<(u64, u64)> {
    let mut error_file =
        csv::Writer::from_path(errors).with_context(|| format!("cannot write {}", errors.display()))?;
    error_file.write_record(["baris", "kolom", "masalah"])?;
    let mut refused = 0u64;
    let mut good = 0u64;
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut emit = |result: Result<RegistryRow, Vec<LineProblem>>,
                    batch: &mut Vec<RegistryRow>,
                    error_file: &mut csv::Writer<File>|
     -> anyhow::Result<()> {
        match result {
            Ok(row) => {
                good += 1;
                batch.push(row);
                if batch.len() == IMPORT_BATCH {
                    let full = std::mem::replace(batch, Vec::with_capacity(IMPORT_BATCH));
                    sender.blocking_send(ImportMessage::Rows(full)).context("the import stopped")?;
                }
            }
            Err(problems) => {
                refused += 1;
                for problem in &problems {
                    error_file.write_record(describe(problem))?;
                }
            }
        }
        Ok(())
    };
    let sha256 = if xlsx {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        bar.inc(bytes.len() as u64);
        let digest = sha2::Sha256::digest(&bytes);
        for result in xlsx_rows(bytes)? {
            emit(result, &mut batch, &mut error_file)?;
        }
        data_encoding::HEXLOWER.encode(&digest)
    } else {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut reader = BufReader::with_capacity(1 << 20, Hashing { inner: file, hasher: sha2::Sha256::new(), bar });
        let delimiter = netra_registry::rows::sniff(reader.fill_buf()?);
        let mut rows = match CsvRows::new(&mut reader, delimiter) {
            Ok(rows) => rows,
            Err(problem) => {
                error_file.write_record(describe(&problem))?;
                error_file.flush()?;
                bail!("{}", problem.describe(Locale::Id));
            }
        };
        for result in &mut rows {
            emit(result, &mut batch, &mut error_file)?;
        }
        drop(rows);
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest)?;
        data_encoding::HEXLOWER.encode(&reader.into_inner().hasher.finalize())
    };
    if !batch.is_empty() {
        sender.blocking_send(ImportMessage::Rows(batch)).context("the import stopped")?;
    }
    error_file.flush()?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    sender
        .blocking_send(ImportMessage::Done(ImportMeta { file_name, sha256, problem_count: refused }))
        .context("the import stopped")?;
    Ok((good, refused))
}

/// The rows of the first sheet of an XLSX file, checked like CSV rows (line = spreadsheet row).
fn xlsx_rows(bytes: Vec<u8>) -> anyhow::Result<Vec<Result<RegistryRow, Vec<LineProblem>>>> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).context("not a readable XLSX file")?;
    let range = workbook.worksheet_range_at(0).context("the workbook has no sheet")?.context("unreadable sheet")?;
    let mut rows = range.rows();
    let Some(header_cells) = rows.next() else { bail!("the sheet is empty") };
    let header_text: Vec<String> = header_cells.iter().map(|c| c.to_string()).collect();
    let header =
        Header::new(header_text.iter().map(String::as_str)).map_err(|p| anyhow::anyhow!(p.describe(Locale::Id)))?;
    let mut duplicates = Duplicates::default();
    let mut out = Vec::new();
    for (i, row) in rows.enumerate() {
        let line = i + 2;
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let mut problems = Vec::new();
        let texts: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(column, cell)| match cell {
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
                // An 18-digit number stored as a number has lost its last digits.
                Data::Float(_) => {
                    let field = if header_text.get(column).is_some_and(|h| h.trim().eq_ignore_ascii_case("nip")) {
                        "nip"
                    } else {
                        "baris"
                    };
                    problems.push(LineProblem::new(
                        line,
                        field,
                        "Angka terlalu panjang untuk sel angka; simpan kolom NIP sebagai teks.",
                        "Number too long for a numeric cell; store the NIP column as text.",
                    ));
                    String::new()
                }
                Data::DateTime(date) => excel_date(date.as_f64()),
                other => other.to_string(),
            })
            .collect();
        if !problems.is_empty() {
            out.push(Err(problems));
            continue;
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        out.push(match parse_row(&header, line, &refs) {
            Ok(row) => match duplicates.check(&row) {
                Some(problem) => Err(vec![problem]),
                None => Ok(row),
            },
            Err(problems) => Err(problems),
        });
    }
    Ok(out)
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let base = time::Date::from_calendar_date(1899, time::Month::December, 30).expect("valid date");
    base.checked_add(time::Duration::days(serial.floor() as i64)).map(|d| d.to_string()).unwrap_or_default()
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let (path, xlsx) = match (&args.csv, &args.xlsx) {
        (Some(csv), None) => (csv.clone(), false),
        (None, Some(xlsx)) => (xlsx.clone(), true),
        _ => bail!("give --csv or --xlsx"),
    };
    let errors = args.errors.clone().unwrap_or_else(|| {
        let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".errors.csv");
        path.with_file_name(name)
    });
    let store = crate::open_store(&args.store).await?;
    let size = std::fs::metadata(&path).with_context(|| format!("cannot read {}", path.display()))?.len();
    let bar = crate::screen::progress_bar(Some(size));
    let (sender, mut receiver) = tokio::sync::mpsc::channel(4);
    let reader = {
        let (path, errors, bar) = (path.clone(), errors.clone(), bar.clone());
        std::thread::spawn(move || {
            let result = read_file(&path, xlsx, &errors, &sender, bar);
            if let Err(error) = &result {
                let _ = sender.blocking_send(ImportMessage::Failed(format!("{error:#}")));
            }
            result
        })
    };
    let started = Instant::now();
    let ctx = AuditContext::system(time::OffsetDateTime::now_utc());
    let imported = store.import_registry(&ctx, &mut receiver).await;
    drop(receiver);
    let read = reader.join().map_err(|_| anyhow::anyhow!("the file reader stopped unexpectedly"))?;
    bar.finish_and_clear();
    let (_, refused) = read?;
    let summary = imported.context("the import failed; the registry is unchanged")?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{} rows imported in {seconds:.1} s ({:.0} rows/s): {} new, {} updated, {} moved; {refused} rows refused{}",
        summary.rows,
        summary.rows as f64 / seconds.max(1e-9),
        summary.new,
        summary.updated,
        summary.moved,
        if refused > 0 { format!(" (listed in {})", errors.display()) } else { String::new() },
    );
    Ok(())
}

#[derive(serde::Deserialize)]
struct QueryLine {
    id: serde_json::Value,
    #[serde(flatten)]
    query: Query,
}

pub fn candidate_json(candidate: &Candidate) -> serde_json::Value {
    serde_json::json!({
        "nip": candidate.nip,
        "nama": candidate.name,
        "score": candidate.score,
        "reasons": candidate.reasons.iter().map(|r| r.describe(Locale::Id)).collect::<Vec<_>>(),
        "jabatan": candidate.position,
        "unit_kerja": candidate.unit,
        "instansi": candidate.agency,
        "kode_wilayah": candidate.region.to_string(),
    })
}

/// Answers one query with its candidates as JSON.
type Engine = dyn Fn(&Query, usize) -> anyhow::Result<Vec<serde_json::Value>>;

async fn match_queries(args: MatchArgs) -> anyhow::Result<()> {
    let input = File::open(&args.input).with_context(|| format!("cannot open {}", args.input.display()))?;
    let mut output =
        BufWriter::new(File::create(&args.output).with_context(|| format!("cannot write {}", args.output.display()))?);
    let mut timings = match &args.timings {
        Some(path) => Some(BufWriter::new(File::create(path)?)),
        None => None,
    };
    let engine: Box<Engine> = match args.engine.as_str() {
        "netra" => {
            let store = crate::open_store(&args.store).await?;
            let started = Instant::now();
            let index = netra_store::registry::load_index(store.as_ref()).await?;
            eprintln!(
                "index: {} persons, {} name keys, ~{} MiB, built in {:.1} s",
                index.len(),
                index.vocabulary(),
                index.heap_bytes() >> 20,
                started.elapsed().as_secs_f64()
            );
            Box::new(move |query, top| Ok(index.search(query, top).iter().map(candidate_json).collect()))
        }
        "pg-trgm" => {
            let Some(url) = args.store.database_url.clone() else { bail!("pg-trgm needs --database-url") };
            let store = netra_store::postgres::PgStore::connect(&url).await?;
            let started = Instant::now();
            store.prepare_trigram_search().await?;
            eprintln!("pg_trgm index ready in {:.1} s", started.elapsed().as_secs_f64());
            let handle = tokio::runtime::Handle::current();
            Box::new(move |query, top| {
                let rows = tokio::task::block_in_place(|| {
                    handle.block_on(store.trigram_search(&query.nama, query.kode_wilayah.as_deref(), top))
                })?;
                Ok(rows
                    .into_iter()
                    .map(|(nip, name, score)| serde_json::json!({"nip": nip, "nama": name, "score": score, "reasons": []}))
                    .collect())
            })
        }
        other => bail!("unknown engine {other}"),
    };
    let mut problems = 0;
    let budget = args.budget_seconds.map(std::time::Duration::from_secs);
    let answering = Instant::now();
    for (i, line) in BufReader::new(input).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        if budget.is_some_and(|budget| answering.elapsed() >= budget) {
            eprintln!("time budget spent after {i} queries; the rest are not answered");
            break;
        }
        let parsed: Result<QueryLine, _> = serde_json::from_str(&line);
        let record = match parsed {
            Ok(q) if !q.query.nama.trim().is_empty() => {
                let started = Instant::now();
                let candidates = engine(&q.query, args.top)?;
                if let Some(timings) = timings.as_mut() {
                    writeln!(timings, "{}", started.elapsed().as_micros())?;
                }
                serde_json::json!({"id": q.id, "candidates": candidates})
            }
            Ok(q) => {
                problems += 1;
                eprintln!("line {}: field nama: empty", i + 1);
                serde_json::json!({"id": q.id, "error": format!("baris {}: nama kosong", i + 1)})
            }
            Err(error) => {
                problems += 1;
                eprintln!("line {}: {error}", i + 1);
                let id = serde_json::from_str::<serde_json::Value>(&line).ok().and_then(|v| v.get("id").cloned());
                serde_json::json!({"id": id, "error": format!("baris {}: {error}", i + 1)})
            }
        };
        serde_json::to_writer(&mut output, &record)?;
        output.write_all(b"\n")?;
    }
    output.flush()?;
    if let Some(mut timings) = timings {
        timings.flush()?;
    }
    if problems > 0 {
        eprintln!("{problems} lines could not be read (an \"error\" line was written for each)");
    }
    Ok(())
}

fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let within = match &args.region {
        Some(code) => Some(netra_core::region::RegionCode::parse(code).map_err(|e| anyhow::anyhow!("--region: {e}"))?),
        None => None,
    };
    let file = File::create(&args.csv).with_context(|| format!("cannot write {}", args.csv.display()))?;
    let mut out = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
    out.write_record(COLUMNS)?;
    let bar = crate::screen::progress_bar(Some(args.count));
    for (i, row) in Generator::new(args.seed, within).take(args.count as usize).enumerate() {
        out.write_record(cells(&row))?;
        if i % 10_000 == 0 {
            bar.set_position(i as u64);
        }
    }
    out.flush()?;
    bar.finish_and_clear();
    eprintln!("{} persons written to {}", args.count, args.csv.display());
    Ok(())
}

fn queries(args: QueriesArgs) -> anyhow::Result<()> {
    let file = File::open(&args.csv).with_context(|| format!("cannot open {}", args.csv.display()))?;
    let rows: Vec<RegistryRow> = CsvRows::new(BufReader::new(file), b',')
        .map_err(|p| anyhow::anyhow!(p.describe(Locale::En)))?
        .filter_map(Result::ok)
        .collect();
    if rows.is_empty() {
        bail!("no rows in {}", args.csv.display());
    }
    let mut rng = SplitMix(args.seed);
    let mut out = BufWriter::new(File::create(&args.output)?);
    for i in 0..args.count {
        let row = &rows[rng.below(rows.len())];
        let (query, noise) = noisy_query(row, &mut rng);
        let mut value = serde_json::to_value(&query)?;
        value["id"] = serde_json::json!(format!("q{i}"));
        value["truth"] = serde_json::json!(row.nip);
        value["noise"] = serde_json::json!(noise.iter().map(|n| n.as_str()).collect::<Vec<_>>());
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

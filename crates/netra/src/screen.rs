//! `netra screen` and `netra model train|eval`: the screening engine over JSONL files.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use netra_screen::CandidateSet;
use netra_screen::engine::Screener;
use netra_screen::eval::Evaluation;
use netra_screen::input::{parse_labelled, parse_post};
use netra_screen::model::Model;
use netra_screen::train::{Example, TrainOptions, train};

/// Lines per batch handed to the workers.
const BATCH: usize = 4096;

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// JSONL input, one object per line with at least `id` and `text` (`-` reads standard input).
    #[arg(long)]
    input: PathBuf,
    /// JSONL output, one verdict per input line in input order (`-` writes standard output). A file is written
    /// whole or not at all.
    #[arg(long)]
    output: PathBuf,
    /// Worker threads.
    #[arg(long, default_value = "1")]
    threads: usize,
    /// Name candidates of this election: the pairs entered in Netra's database (`--data-dir` or
    /// `--database-url`), or the list shipped for it (`pemilu-2024`, `pilkada-2024`) when the database has none.
    #[arg(long, conflicts_with = "candidates")]
    election: Option<String>,
    #[command(flatten)]
    store: crate::StoreArgs,
    /// Name candidates from this file (TOML, the format of data/screen/candidates/).
    #[arg(long)]
    candidates: Option<PathBuf>,
    /// Stop at the first malformed line instead of reporting and skipping it.
    #[arg(long)]
    strict: bool,
    /// Use this model file instead of the one built in.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Longest line accepted, in bytes; longer lines are reported and skipped.
    #[arg(long, default_value = "1048576")]
    max_line_bytes: usize,
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// Train the screening model from labelled JSONL (corpus rows with `labels`/`violation`, or posts with
    /// `partisan`), choosing each head's threshold on held-out folds.
    Train(TrainArgs),
    /// Print per-act precision, recall and F1, macro-F1 and the confusion of `violation` on labelled JSONL.
    Eval(EvalArgs),
    /// Cross-validate the training procedure: train on k-1 folds of the inputs (plus every `--always` file),
    /// evaluate on the held-out fold, and report the summed counts.
    Cv(CvArgs),
}

#[derive(Debug, Args)]
struct CvArgs {
    /// Labelled JSONL files split into folds.
    #[arg(long = "input", required = true)]
    inputs: Vec<PathBuf>,
    /// Labelled JSONL files added to every training part and never evaluated on.
    #[arg(long = "always")]
    always: Vec<PathBuf>,
    #[arg(long, default_value = "5")]
    folds: usize,
    #[arg(long, default_value = "2024")]
    seed: u64,
    #[arg(long, default_value = "18")]
    bits: u32,
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    epochs: u32,
}

#[derive(Debug, Args)]
struct TrainArgs {
    /// Labelled JSONL files (repeat the flag for several).
    #[arg(long = "input", required = true)]
    inputs: Vec<PathBuf>,
    /// Where to write the model (the repository's is data/screen/model.bin).
    #[arg(long)]
    output: PathBuf,
    /// Hashing width: 2^bits feature buckets.
    #[arg(long, default_value = "18")]
    bits: u32,
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    epochs: u32,
    #[arg(long, default_value_t = TrainOptions::default().folds)]
    folds: usize,
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    seed: u64,
}

#[derive(Debug, Args)]
struct EvalArgs {
    /// Labelled JSONL.
    #[arg(long)]
    input: PathBuf,
    /// Use this model file instead of the one built in.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Print the counts as JSON instead of the table.
    #[arg(long)]
    json: bool,
}

fn load_model(path: Option<&Path>) -> anyhow::Result<Arc<Model>> {
    match path {
        None => Ok(netra_screen::engine::builtin_model()),
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok(Arc::new(Model::from_bytes(&bytes).with_context(|| format!("{}", path.display()))?))
        }
    }
}

fn candidate_set(args: &ScreenArgs) -> anyhow::Result<Option<CandidateSet>> {
    if let Some(id) = &args.election {
        if let Some(set) = stored_candidates(&args.store, id)? {
            eprintln!("{} candidate pairs of {id} from the database", set.pairs.len());
            return Ok(Some(set));
        }
        return match CandidateSet::builtin(id) {
            Some(set) => {
                eprintln!("{} candidate pairs of {id} from the list shipped with Netra", set.pairs.len());
                Ok(Some(set))
            }
            None => bail!("no candidate pairs for election `{id}` in the database or shipped: use --candidates FILE"),
        };
    }
    if let Some(path) = &args.candidates {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        return Ok(Some(CandidateSet::from_toml(&text).with_context(|| format!("{}", path.display()))?));
    }
    Ok(None)
}

/// The pairs of election `id` entered in the database, when there is a database (an existing SQLite file or a
/// PostgreSQL URL; screening never creates one) and it has pairs for the election.
fn stored_candidates(store: &crate::StoreArgs, id: &str) -> anyhow::Result<Option<CandidateSet>> {
    let has_url = store.database_url.as_deref().is_some_and(|u| !u.trim().is_empty());
    if !has_url && !store.data_dir.join("netra.sqlite").exists() {
        return Ok(None);
    }
    let pairs = crate::runtime()?.block_on(async {
        let opened = crate::open_store(store).await?;
        opened.candidate_pairs(Some(id)).await.context("cannot read the candidate pairs")
    })?;
    if pairs.is_empty() {
        return Ok(None);
    }
    Ok(Some(netra_web::candidate_set(id, pairs)))
}

/// One input line of a batch: its number and byte range in the batch's buffer, or the fact it was too long.
#[derive(Debug, Clone, Copy)]
enum Line {
    Text { number: usize, start: usize, end: usize },
    TooLong { number: usize, bytes: usize },
}

/// Lines read into one buffer (no allocation per line).
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    lines: Vec<Line>,
}

/// Reads lines up to `max` bytes; a longer line is consumed without keeping it.
struct LineReader<R> {
    inner: R,
    max: usize,
    number: usize,
}

impl<R: BufRead> LineReader<R> {
    /// Appends the next line to `batch`; false at the end of the input. Returns the bytes consumed.
    fn read_into(&mut self, batch: &mut Batch) -> io::Result<Option<usize>> {
        let start = batch.bytes.len();
        let mut too_long = 0usize;
        let mut consumed = 0usize;
        loop {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                if consumed == 0 {
                    return Ok(None);
                }
                break;
            }
            let (chunk, done) = match memchr::memchr(b'\n', available) {
                Some(at) => (&available[..at], Some(at + 1)),
                None => (available, None),
            };
            let kept = batch.bytes.len() - start;
            if too_long > 0 || kept + chunk.len() > self.max {
                too_long += kept + chunk.len();
                batch.bytes.truncate(start);
            } else {
                batch.bytes.extend_from_slice(chunk);
            }
            let used = done.unwrap_or(available.len());
            consumed += used;
            self.inner.consume(used);
            if done.is_some() {
                break;
            }
        }
        self.number += 1;
        if too_long > 0 {
            batch.lines.push(Line::TooLong { number: self.number, bytes: too_long });
            return Ok(Some(consumed));
        }
        if batch.bytes.last() == Some(&b'\r') && batch.bytes.len() > start {
            batch.bytes.pop();
        }
        batch.lines.push(Line::Text { number: self.number, start, end: batch.bytes.len() });
        Ok(Some(consumed))
    }
}

/// What a run of lines produced: the output lines, in order, and the bad lines.
#[derive(Default)]
struct Screened {
    output: Vec<u8>,
    errors: Vec<(usize, String)>,
    screened: u64,
    flagged: u64,
}

fn screen_lines(screener: &Screener, bytes: &[u8], lines: &[Line]) -> Screened {
    let mut out = Screened { output: Vec::with_capacity(lines.len() * 160), ..Screened::default() };
    for line in lines {
        match *line {
            Line::TooLong { number, bytes } => {
                out.errors.push((number, format!("line is {bytes} bytes, over --max-line-bytes")));
            }
            Line::Text { number, start, end } => {
                let text = &bytes[start..end];
                if text.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                match parse_post(text) {
                    Err(error) => out.errors.push((number, error.to_string())),
                    Ok(post) => {
                        let verdict = screener.screen(&post.text, post.region.as_deref());
                        out.screened += 1;
                        out.flagged += u64::from(verdict.violation);
                        write_verdict(&mut out.output, &post.id, &verdict);
                    }
                }
            }
        }
    }
    out
}

fn write_verdict(out: &mut Vec<u8>, id: &serde_json::Value, verdict: &netra_screen::Verdict) {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        id: &'a serde_json::Value,
        violation: bool,
        score: f32,
        acts: &'a [netra_screen::ActScore],
        candidates: &'a [netra_screen::CandidateMention],
        explanation: &'a [netra_screen::Evidence],
    }
    let row = Row {
        id,
        violation: verdict.violation,
        score: verdict.score,
        acts: &verdict.acts,
        candidates: &verdict.candidates,
        explanation: &verdict.explanation,
    };
    serde_json::to_writer(&mut *out, &row).expect("a verdict serialises");
    out.push(b'\n');
}

fn open_input(path: &Path) -> anyhow::Result<(Box<dyn BufRead + Send>, Option<u64>)> {
    if path == Path::new("-") {
        return Ok((Box::new(BufReader::with_capacity(1 << 20, io::stdin())), None));
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(BufReader::with_capacity(1 << 20, file)), size))
}

/// An output written to `<path>.partial` and renamed into place on success.
struct Output {
    writer: BufWriter<Box<dyn Write>>,
    partial: Option<(PathBuf, PathBuf)>,
}

impl Output {
    fn create(path: &Path) -> anyhow::Result<Output> {
        if path == Path::new("-") {
            return Ok(Output { writer: BufWriter::with_capacity(1 << 20, Box::new(io::stdout())), partial: None });
        }
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
        Ok(Output {
            writer: BufWriter::with_capacity(1 << 20, Box::new(file)),
            partial: Some((partial, path.to_path_buf())),
        })
    }

    fn finish(mut self) -> anyhow::Result<()> {
        self.writer.flush().context("cannot write the output")?;
        drop(self.writer);
        if let Some((partial, path)) = self.partial.take() {
            std::fs::rename(&partial, &path)
                .with_context(|| format!("cannot move the output to {}", path.display()))?;
        }
        Ok(())
    }

    fn abandon(mut self) {
        if let Some((partial, _)) = self.partial.take() {
            let _ = std::fs::remove_file(partial);
        }
    }
}

pub(crate) fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    let bar = match total {
        Some(bytes) => indicatif::ProgressBar::new(bytes),
        None => indicatif::ProgressBar::no_length(),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} · {msg} · {elapsed_precise} (sisa {eta})",
    )
    .expect("the template parses");
    bar.set_style(style);
    bar
}

/// `netra screen`.
pub fn screen(args: ScreenArgs) -> anyhow::Result<()> {
    if args.threads == 0 {
        bail!("--threads must be at least 1");
    }
    let model = load_model(args.model.as_deref())?;
    let screener = Screener::with_model(model, candidate_set(&args)?).context("cannot compile the lexicon")?;
    let (input, size) = open_input(&args.input)?;
    let mut reader = LineReader { inner: input, max: args.max_line_bytes.max(1), number: 0 };
    let mut output = Output::create(&args.output)?;
    let bar = progress_bar(size);
    let started = Instant::now();
    let (mut screened, mut flagged, mut skipped, mut bytes_read) = (0u64, 0u64, 0u64, 0u64);
    let mut batch = Batch::default();
    let result = (|| -> anyhow::Result<()> {
        loop {
            batch.bytes.clear();
            batch.lines.clear();
            while batch.lines.len() < BATCH {
                match reader.read_into(&mut batch).context("cannot read the input")? {
                    Some(consumed) => bytes_read += consumed as u64,
                    None => break,
                }
            }
            if batch.lines.is_empty() {
                return Ok(());
            }
            for part in screen_batch(&screener, &batch, args.threads) {
                output.writer.write_all(&part.output).context("cannot write the output")?;
                screened += part.screened;
                flagged += part.flagged;
                if let Some((number, message)) = part.errors.first().filter(|_| args.strict) {
                    bail!("line {number}: {message}");
                }
                for (number, message) in &part.errors {
                    bar.suspend(|| eprintln!("line {number}: {message} (skipped)"));
                    skipped += 1;
                }
            }
            bar.set_position(bytes_read);
            let seconds = started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{screened} posts, {:.0} posts/s", screened as f64 / seconds));
        }
    })();
    bar.finish_and_clear();
    match result {
        Ok(()) => {
            output.finish()?;
            let seconds = started.elapsed().as_secs_f64();
            eprintln!(
                "screened {screened} posts in {seconds:.2} s ({:.0} posts/s, {:.1} MB/s): {flagged} flagged, {skipped} lines skipped",
                screened as f64 / seconds.max(1e-9),
                bytes_read as f64 / 1e6 / seconds.max(1e-9)
            );
            Ok(())
        }
        Err(error) => {
            output.abandon();
            Err(error)
        }
    }
}

/// Screens a batch on `threads` workers, each taking a contiguous run of lines; the runs come back in order.
fn screen_batch(screener: &Screener, batch: &Batch, threads: usize) -> Vec<Screened> {
    if threads == 1 || batch.lines.len() < 2 * threads {
        return vec![screen_lines(screener, &batch.bytes, &batch.lines)];
    }
    let chunk = batch.lines.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .lines
            .chunks(chunk)
            .map(|lines| scope.spawn(move || screen_lines(screener, &batch.bytes, lines)))
            .collect();
        handles.into_iter().map(|h| h.join().expect("a screening worker panicked")).collect()
    })
}

/// Reads labelled rows; a malformed line is an error naming the file and line.
fn read_labelled(path: &Path) -> anyhow::Result<Vec<netra_screen::input::Labelled>> {
    let mut text = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut text))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut rows = Vec::new();
    for (index, line) in text.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let row = parse_labelled(line).with_context(|| format!("{} line {}", path.display(), index + 1))?;
        rows.push(row);
    }
    Ok(rows)
}

/// `netra model …`.
pub fn model(args: ModelArgs) -> anyhow::Result<()> {
    match args.command {
        ModelCommand::Train(args) => model_train(args),
        ModelCommand::Eval(args) => model_eval(args),
        ModelCommand::Cv(args) => model_cv(args),
    }
}

fn model_train(args: TrainArgs) -> anyhow::Result<()> {
    if !(12..=22).contains(&args.bits) {
        bail!("--bits must be between 12 and 22");
    }
    let mut examples = Vec::new();
    let mut trained_from = Vec::new();
    for path in &args.inputs {
        let rows = read_labelled(path)?;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        trained_from.push(format!("{name}: {} rows", rows.len()));
        examples.extend(rows.into_iter().map(|r| Example { text: r.text, violation: r.violation, acts: r.acts }));
    }
    if examples.len() < 10 {
        bail!("{} labelled rows are too few to train on", examples.len());
    }
    let options = TrainOptions { epochs: args.epochs, folds: args.folds, seed: args.seed, ..TrainOptions::default() };
    let started = Instant::now();
    let featurizer = Screener::training_featurizer(args.bits);
    let model = train(&featurizer, &examples, &options, trained_from);
    let bytes = model.to_bytes();
    let mut partial = args.output.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, &bytes).with_context(|| format!("cannot write {}", args.output.display()))?;
    std::fs::rename(&partial, &args.output).with_context(|| format!("cannot write {}", args.output.display()))?;
    eprintln!(
        "trained on {} rows in {:.1} s; wrote {} ({} bytes)",
        examples.len(),
        started.elapsed().as_secs_f64(),
        args.output.display(),
        bytes.len()
    );
    eprintln!("head                        threshold  held-out F1");
    for (h, name) in model.info.heads.iter().enumerate() {
        eprintln!("{name:<27} {:>9.3}  {:>11.3}", model.info.thresholds[h], model.info.validation_f1[h]);
    }
    Ok(())
}

fn model_eval(args: EvalArgs) -> anyhow::Result<()> {
    let screener = Screener::with_model(load_model(args.model.as_deref())?, None)?;
    let rows = read_labelled(&args.input)?;
    let mut evaluation = Evaluation::default();
    for row in &rows {
        let (violation, acts) = screener.model().decide_acts(&screener.scores(&row.text));
        evaluation.add(row.violation, &row.acts, violation, &acts);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&evaluation)?);
    } else {
        print!("{}", evaluation.report());
    }
    Ok(())
}

fn examples_of(paths: &[PathBuf]) -> anyhow::Result<Vec<netra_screen::input::Labelled>> {
    let mut rows = Vec::new();
    for path in paths {
        rows.extend(read_labelled(path)?);
    }
    Ok(rows)
}

fn model_cv(args: CvArgs) -> anyhow::Result<()> {
    let rows = examples_of(&args.inputs)?;
    let always = examples_of(&args.always)?;
    if args.folds < 2 || rows.len() < args.folds {
        bail!("need at least 2 folds and a row per fold");
    }
    let folds = netra_screen::train::fold_of_rows(rows.len(), args.folds, args.seed);
    let featurizer = Screener::training_featurizer(args.bits);
    let options = TrainOptions { epochs: args.epochs, ..TrainOptions::default() };
    let example = |r: &netra_screen::input::Labelled| Example {
        text: r.text.clone(),
        violation: r.violation,
        acts: r.acts.clone(),
    };
    let mut evaluation = Evaluation::default();
    for k in 0..args.folds {
        let mut train_rows: Vec<Example> =
            rows.iter().zip(&folds).filter(|(_, f)| **f != k).map(|(r, _)| example(r)).collect();
        train_rows.extend(always.iter().map(example));
        let model = Arc::new(train(&featurizer, &train_rows, &options, Vec::new()));
        // Scored as `netra screen` and `netra model eval` score.
        let screener = Screener::with_model(model, None)?;
        for (row, _) in rows.iter().zip(&folds).filter(|(_, f)| **f == k) {
            let (violation, acts) = screener.model().decide_acts(&screener.scores(&row.text));
            evaluation.add(row.violation, &row.acts, violation, &acts);
        }
    }
    println!(
        "{}-fold cross-validation over {} rows (+{} always in training), seed {}\n",
        args.folds,
        rows.len(),
        always.len(),
        args.seed
    );
    print!("{}", evaluation.report());
    Ok(())
}

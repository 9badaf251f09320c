//! The `netra` command.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use netra_core::Localized;
use netra_core::clock::ClockKind;
use netra_core::region::RegionCode;
use netra_store::StoreConfig;

mod letter;
mod pact;
mod registry;
mod screen;
mod user;

/// The screening loop allocates a few small buffers per post; mimalloc serves those faster than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Netra: supervision of civil servants' (ASN) political neutrality in Indonesian elections.
#[derive(Debug, Parser)]
#[command(name = "netra", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server: the public home and catalogue pages, health check and JSON API.
    Serve(ServeArgs),
    /// Create or upgrade the database and load the reference data (regions, elections), then exit.
    Migrate(StoreArgs),
    /// Check the legal catalogue's data files and list what they contain.
    Catalogue(CatalogueArgs),
    /// Check the audit trail's hash chain.
    Audit(AuditArgs),
    /// Print the current TOTP code for a base32 secret (for the demo accounts that need a second factor).
    Totp(TotpArgs),
    /// Compute a statutory deadline: when a clock started on a date runs out, holidays counted as the law says.
    Deadline(DeadlineArgs),
    /// Screen social-media posts or report texts (JSONL) for neutrality violations, with explanations.
    Screen(screen::ScreenArgs),
    /// Train or evaluate the screening model.
    Model(screen::ModelArgs),
    /// The ASN registry: import (CSV/XLSX), match names to persons, generate a synthetic registry.
    Registry(registry::RegistryArgs),
    /// Neutrality pacts: verify a signed pact offline, export pacts and public keys, rotate the signing key.
    Pact(pact::PactArgs),
    /// Signed letters: verify a letter's PDF offline.
    Letter(letter::LetterArgs),
    /// Accounts: create the first system administrator of an instance.
    User(user::UserArgs),
}

#[derive(Debug, Args)]
pub(crate) struct StoreArgs {
    /// Directory for Netra's own data (the SQLite file). Ignored when a database URL is given.
    #[arg(long, env = "NETRA_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://user:password@host/db). Without it, Netra uses SQLite in the data directory.
    #[arg(long, env = "NETRA_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "NETRA_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    store: StoreArgs,
    /// Start on a fresh demo data directory (<data-dir>/demo, wiped at each start) seeded with the West Java
    /// Pilkada 2024 scenario and one demo login per role.
    #[arg(long)]
    demo: bool,
    /// Netra is reached over HTTPS (directly or behind a TLS-terminating proxy): mark cookies `Secure`.
    #[arg(long, env = "NETRA_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Minutes between deadline runs (0 turns them off). Each run flags cases whose PPK let the follow-up
    /// deadline pass (BKN is told) and tells the holding office of every case due within `--reminder-days` days,
    /// once per clock and due date.
    #[arg(long, env = "NETRA_REMINDER_MINUTES", default_value = "60")]
    reminder_minutes: u64,
    /// How many days ahead of a deadline the reminder goes out.
    #[arg(long, env = "NETRA_REMINDER_DAYS", default_value = "2")]
    reminder_days: i64,
    /// SMTP relay for e-mailing office notifications (offices without an address get none). Unset: in-app only.
    #[arg(long, env = "NETRA_SMTP_HOST")]
    smtp_host: Option<String>,
    #[arg(long, env = "NETRA_SMTP_PORT", default_value = "25")]
    smtp_port: u16,
    /// Sender of the notification mail.
    #[arg(long, env = "NETRA_SMTP_FROM", default_value = "Netra <netra@localhost>")]
    smtp_from: String,
    #[arg(long, env = "NETRA_SMTP_USERNAME")]
    smtp_username: Option<String>,
    #[arg(long, env = "NETRA_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// The address users reach Netra at, for links in mail (e.g. https://netra.bawaslu.go.id).
    #[arg(long, env = "NETRA_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Debug, Args)]
struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Re-compute the chain; name the first entry that was edited, deleted or reordered (exit status 2).
    Verify(StoreArgs),
}

#[derive(Debug, Args)]
struct TotpArgs {
    /// The base32 secret, as printed by `netra serve --demo`.
    secret: String,
}

#[derive(Debug, Args)]
struct CatalogueArgs {
    /// Directory with manifest.toml and the item files; without it, the catalogue built into this binary.
    #[arg(long)]
    dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DeadlineArgs {
    /// The clock: admissibility, kajian, kajian_extension, ppk_follow_up, summons, decision_delivery,
    /// sanction_effect, banding, banding_reply, gakkumdu_investigation, gakkumdu_prosecution, gakkumdu_trial,
    /// gakkumdu_appeal.
    #[arg(long)]
    clock: String,
    /// The date the clock starts, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Region code of the office (for its time zone), e.g. 32.04.
    #[arg(long, default_value = "32")]
    region: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NETRA_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let result = match cli.command {
        Command::Serve(args) => runtime().and_then(|rt| rt.block_on(serve(args))),
        Command::Migrate(args) => runtime().and_then(|rt| rt.block_on(migrate(args))),
        Command::Catalogue(args) => catalogue(args),
        Command::Audit(AuditArgs { command: AuditCommand::Verify(args) }) => {
            match runtime().and_then(|rt| rt.block_on(audit_verify(args))) {
                Ok(true) => Ok(()),
                Ok(false) => return ExitCode::from(2),
                Err(error) => Err(error),
            }
        }
        Command::Totp(args) => totp(args),
        Command::Deadline(args) => deadline(args),
        Command::Screen(args) => screen::screen(args),
        Command::Model(args) => screen::model(args),
        Command::Registry(args) => registry::registry(args),
        Command::Pact(args) => match pact::pact(args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(2),
            Err(error) => Err(error),
        },
        Command::User(args) => user::user(args),
        Command::Letter(args) => match letter::letter(args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(2),
            Err(error) => Err(error),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("netra: {error:#}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

fn store_config(args: &StoreArgs) -> StoreConfig {
    match &args.database_url {
        Some(url) if !url.trim().is_empty() => StoreConfig::Postgres { url: url.clone() },
        _ => StoreConfig::Sqlite { path: args.data_dir.join("netra.sqlite") },
    }
}

pub(crate) async fn open_store(args: &StoreArgs) -> anyhow::Result<std::sync::Arc<dyn netra_store::Store>> {
    let config = store_config(args);
    let store = netra_store::open(&config).await.with_context(|| format!("cannot open the database ({config:?})"))?;
    let report = netra_store::ensure_reference_data(store.as_ref(), time::OffsetDateTime::now_utc())
        .await
        .context("cannot load the reference data")?;
    if let Some(rows) = report.regions_loaded {
        tracing::info!(rows, "region tables loaded");
    }
    Ok(store)
}

/// Marks a directory as Netra's demo directory, the only kind `--demo` will wipe.
const DEMO_MARKER: &str = ".netra-demo";

fn fresh_demo_dir(data_dir: &Path) -> anyhow::Result<PathBuf> {
    let dir = data_dir.join("demo");
    if dir.exists() {
        if !dir.join(DEMO_MARKER).exists() && std::fs::read_dir(&dir)?.next().is_some() {
            bail!("{} exists and is not a Netra demo directory; refusing to wipe it", dir.display());
        }
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(dir.join(DEMO_MARKER), "Netra demo data: wiped at each `netra serve --demo`.\n")?;
    Ok(dir)
}

async fn serve(mut args: ServeArgs) -> anyhow::Result<()> {
    if args.demo {
        args.store.database_url = None;
        args.store.data_dir = fresh_demo_dir(&args.store.data_dir)?;
    }
    let store = open_store(&args.store).await?;
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.with_context(|| format!("cannot listen on {}", args.addr))?;
    let address = listener.local_addr()?;
    let backend = store.backend();
    println!("Netra berjalan di http://{address}/ (basis data: {backend}). Tekan Ctrl-C untuk berhenti.");
    if args.demo {
        let logins = netra_store::demo::seed(store.as_ref(), time::OffsetDateTime::now_utc())
            .await
            .context("cannot seed the demo scenario")?;
        let registry = netra_store::demo::seed_registry(
            store.as_ref(),
            time::OffsetDateTime::now_utc(),
            netra_store::demo::DEMO_REGISTRY_SIZE,
        )
        .await
        .context("cannot seed the demo ASN registry")?;
        println!("Mode demo (Pilkada 2024, Jawa Barat): data di {}", args.store.data_dir.display());
        println!("Registri ASN demo: {} orang (sintetis, Jawa Barat).", registry.new);
        println!("Masuk di http://{address}/masuk; kata sandi semua akun demo: {}", netra_store::demo::DEMO_PASSWORD);
        for login in &logins {
            print!("  {:<24} {:<34} {}", login.username, login.role.name(netra_core::Locale::Id), login.office);
            match &login.totp_secret {
                Some(secret) => println!(" (kunci TOTP {secret}; kode: `netra totp {secret}`)"),
                None => println!(),
            }
        }
    }
    // Evidence files and the seal key live in the data directory on either database.
    let (vault, swept) =
        netra_store::casework::Vault::open(store.as_ref(), &args.store.data_dir, time::OffsetDateTime::now_utc())
            .await
            .context("cannot open the evidence store and keys")?;
    if args.demo {
        let seeded = netra_store::demo::seed_prevention(&store, &vault.pact_keys, time::OffsetDateTime::now_utc())
            .await
            .context("cannot seed the demo pacts and briefings")?;
        println!(
            "Pencegahan demo: {} ASN Kabupaten Bandung menandatangani pakta (daftar hadir apel), {} hadir sosialisasi.",
            seeded.signed, seeded.attended
        );
        let cases = netra_store::demo::seed_cases(&store, &vault, time::OffsetDateTime::now_utc())
            .await
            .context("cannot seed the demo cases")?;
        println!(
            "Kasus demo: {} kasus di Jawa Barat, {} diteruskan ke BKN, {} diputus PPK. Akun PPK tambahan:",
            cases.cases, cases.forwarded, cases.decided
        );
        for (username, office) in &cases.ppk_logins {
            println!(
                "  {username:<24} {:<34} {office}",
                netra_core::role::Role::PpkOffice.name(netra_core::Locale::Id)
            );
        }
    }
    if swept.temporary + swept.unreferenced > 0 {
        tracing::info!(temporary = swept.temporary, unreferenced = swept.unreferenced, "evidence store swept");
    }
    if let Some(host) = args.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) {
        let config = netra_store::mail::MailConfig {
            host: host.to_string(),
            port: args.smtp_port,
            from: args.smtp_from.clone(),
            username: args.smtp_username.clone(),
            password: args.smtp_password.clone(),
            base_url: args.public_url.clone(),
        };
        let mailer = netra_store::mail::Mailer::new(&config).context("invalid mail settings")?;
        tokio::spawn(mail_periodically(store.clone(), mailer));
    }
    if args.reminder_minutes > 0 {
        tokio::spawn(remind_periodically(store.clone(), args.reminder_minutes, args.reminder_days));
    }
    let mut state = netra_web::AppState::new(store, vault);
    state.secure_cookies = args.secure_cookies;
    state.public_url = args.public_url.clone().filter(|u| !u.trim().is_empty());
    // The case pages' registry matches need the index; build it now rather than on the first case page.
    let (registry, store) = (state.registry.clone(), state.store.clone());
    tokio::spawn(async move {
        if let Err(error) = registry.rebuild(&store).await {
            tracing::warn!(%error, "building the registry match index failed; retrying on the next case page");
        }
    });
    netra_web::serve(listener, state, shutdown_signal()).await.context("server error")?;
    println!("Netra berhenti.");
    Ok(())
}

/// Every `minutes` (and at start): flags cases whose PPK let the follow-up deadline pass, then sends the
/// deadline reminders; a failed run is logged and retried next time.
async fn remind_periodically(store: std::sync::Arc<dyn netra_store::Store>, minutes: u64, days: i64) {
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(minutes * 60));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match netra_store::casework::flag_silent_ppks(store.as_ref(), time::OffsetDateTime::now_utc()).await {
            Ok(0) => {}
            Ok(flagged) => tracing::info!(flagged, "cases flagged: the PPK did not follow up in time"),
            Err(error) => tracing::warn!(%error, "flagging silent PPKs failed; retrying at the next run"),
        }
        match netra_store::casework::send_deadline_reminders(store.as_ref(), time::OffsetDateTime::now_utc(), days)
            .await
        {
            Ok(0) => {}
            Ok(added) => tracing::info!(added, "deadline reminders sent"),
            Err(error) => tracing::warn!(%error, "deadline reminders failed; retrying at the next run"),
        }
    }
}

/// Mails pending office notifications every 30 seconds; failures are logged and retried.
async fn mail_periodically(store: std::sync::Arc<dyn netra_store::Store>, mailer: netra_store::mail::Mailer) {
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(30));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match mailer.send_pending(store.as_ref(), time::OffsetDateTime::now_utc()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "notification mail sent"),
            Err(error) => tracing::warn!(%error, "notification mail failed; retrying"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn migrate(args: StoreArgs) -> anyhow::Result<()> {
    let store = open_store(&args).await?;
    let counts = store.region_counts().await?;
    println!(
        "Basis data {} siap: {} provinsi, {} kabupaten/kota, {} kecamatan; {} pemilihan.",
        store.backend(),
        counts.provinces,
        counts.regencies,
        counts.districts,
        store.elections().await?.len()
    );
    Ok(())
}

async fn audit_verify(args: StoreArgs) -> anyhow::Result<bool> {
    let config = store_config(&args);
    let store = netra_store::open(&config).await.with_context(|| format!("cannot open the database ({config:?})"))?;
    match netra_store::verify_audit_chain(store.as_ref()).await? {
        Ok(head) => {
            println!("Rantai audit utuh: {} entri; hash terakhir {}.", head.length, head.hash);
            Ok(true)
        }
        Err(broken) => {
            println!("Rantai audit RUSAK pada entri #{}: {broken}.", broken.seq());
            Ok(false)
        }
    }
}

fn totp(args: TotpArgs) -> anyhow::Result<()> {
    let secret = netra_core::totp::TotpSecret::from_base32(&args.secret)
        .context("the secret is not base32 (letters A–Z and digits 2–7, at least 16 characters)")?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let left = netra_core::totp::STEP_SECONDS - now.rem_euclid(netra_core::totp::STEP_SECONDS);
    println!("{} (berlaku {left} detik lagi)", secret.code_at(now));
    Ok(())
}

fn catalogue(args: CatalogueArgs) -> anyhow::Result<()> {
    let (catalogue, warnings) = match &args.dir {
        None => netra_core::builtin::load_catalogue()?,
        Some(dir) => {
            let manifest = std::fs::read_to_string(dir.join("manifest.toml"))
                .with_context(|| format!("cannot read {}", dir.join("manifest.toml").display()))?;
            let mut files = std::collections::BTreeMap::new();
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.extension().is_some_and(|ext| ext == "toml") {
                    let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
                    files.insert(name, std::fs::read_to_string(&path)?);
                }
            }
            netra_core::catalogue::Catalogue::load(&manifest, |name| files.get(name).map(String::as_str))?
        }
    };
    for item in catalogue.items() {
        println!(
            "{:<24} {:<3} {:<10} {}",
            item.code,
            item.level.severity_code(),
            format!("{:?}", item.confidence),
            item.title_id
        );
    }
    for warning in &warnings {
        println!("peringatan: {warning}");
    }
    println!(
        "Katalog versi {}: {} butir, {} peringatan.",
        catalogue.version(),
        catalogue.items().len(),
        warnings.len()
    );
    if warnings.is_empty() { Ok(()) } else { bail!("the catalogue has {} warnings", warnings.len()) }
}

fn deadline(args: DeadlineArgs) -> anyhow::Result<()> {
    let clocks = netra_core::builtin::clocks();
    let kind = ClockKind::ALL
        .into_iter()
        .find(|kind| kind.as_str() == args.clock)
        .with_context(|| format!("unknown clock {:?}; see `netra deadline --help`", args.clock))?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let start = time::Date::parse(&args.from, &format)
        .map_err(|e| anyhow::anyhow!("--from {:?} is not a date YYYY-MM-DD: {e}", args.from))?;
    let region = RegionCode::parse(&args.region)
        .map_err(|e| anyhow::anyhow!("--region: {}", e.message(netra_core::Locale::Id)))?;
    let zone = netra_core::builtin::time_zones()
        .for_region(&region)
        .with_context(|| format!("no time zone known for province {}", region.province_code()))?;
    let definition = clocks.get(kind);
    let due = clocks.due(kind, start, netra_core::builtin::calendar())?;
    println!("{}", definition.title_id);
    println!(
        "Mulai {start}, {} {}: batas akhir {due} pukul 23.59 {zone}.",
        definition.days,
        definition.counting.name(netra_core::Locale::Id)
    );
    for holiday in netra_core::builtin::calendar().holidays_between(start, due) {
        println!("  libur: {} {}", holiday.date, holiday.name);
    }
    println!("Dasar hukum: {}", definition.legal_basis);
    Ok(())
}

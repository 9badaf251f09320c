//! `netra pact`: verify an exported signed pact offline, export a signed pact and the instance's public keys, and
//! rotate the signing key.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use netra_core::Locale;
use netra_core::pact::{PublicKey, SignedPact};

use crate::StoreArgs;

#[derive(Debug, Args)]
pub struct PactArgs {
    #[command(subcommand)]
    command: PactCommand,
}

#[derive(Debug, Subcommand)]
enum PactCommand {
    /// Verify an exported signed pact without the server: with the instance's public keys (`netra pact keys`, or
    /// the page /pakta/kunci.json). Exit code 0: valid; 2: invalid.
    Verify(VerifyArgs),
    /// Write the instance's public signing keys (current and retired) as JSON.
    Keys(KeysArgs),
    /// Write one signed pact, by its verification code, as the JSON file `verify` checks.
    Export(ExportArgs),
    /// Make a new signing key; earlier keys are retired and their signatures stay valid.
    RotateKey(StoreArgs),
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The exported pact (JSON).
    file: PathBuf,
    /// The instance's public keys (JSON list of {"key_id", "public_key"}).
    #[arg(long)]
    keys: PathBuf,
}

#[derive(Debug, Args)]
struct KeysArgs {
    /// Output file (standard output when absent).
    #[arg(long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// The verification code printed on the pact (XXXX-XXXX-XXXX).
    code: String,
    #[arg(long)]
    output: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

/// Runs a `netra pact` command; `Ok(false)` when a pact did not verify.
pub fn pact(args: PactArgs) -> anyhow::Result<bool> {
    match args.command {
        PactCommand::Verify(args) => verify(args),
        PactCommand::Keys(args) => crate::runtime()?.block_on(keys(args)).map(|()| true),
        PactCommand::Export(args) => crate::runtime()?.block_on(export(args)).map(|()| true),
        PactCommand::RotateKey(args) => crate::runtime()?.block_on(rotate(args)).map(|()| true),
    }
}

/// Where the secret signing keys of an instance live.
pub fn pact_keys(store: &StoreArgs) -> netra_store::pacts::PactKeys {
    netra_store::pacts::PactKeys::new(store.data_dir.join("keys").join("pact"))
}

fn verify(args: VerifyArgs) -> anyhow::Result<bool> {
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let key_bytes = std::fs::read(&args.keys).with_context(|| format!("cannot read {}", args.keys.display()))?;
    let keys: Vec<PublicKey> = serde_json::from_slice(&key_bytes)
        .with_context(|| format!("{} is not a list of public keys", args.keys.display()))?;
    let verdict = SignedPact::from_file(&bytes).and_then(|pact| {
        netra_core::pact::verify(&pact, &keys)?;
        Ok(pact)
    });
    match verdict {
        Ok(pact) => {
            let d = &pact.document;
            println!("SAH: {} ditandatangani oleh {} (NIP {})", d.kind.name(Locale::Id), d.signer, d.nip);
            println!("  {} · {} · {}", d.position, d.unit, d.agency);
            println!("  pemilihan {}, teks versi {} (SHA-256 {})", d.election, d.text_version, d.text_digest);
            println!(
                "  waktu {} · {} · kunci {} · kode {}",
                d.signed_at,
                d.method.name(Locale::Id),
                pact.key_id,
                pact.code
            );
            Ok(true)
        }
        Err(error) => {
            println!("TIDAK SAH: {}", error.message(Locale::Id));
            Ok(false)
        }
    }
}

async fn keys(args: KeysArgs) -> anyhow::Result<()> {
    let store = crate::open_store(&args.store).await?;
    let keys: Vec<PublicKey> = store.signing_keys().await?.into_iter().map(|k| k.key).collect();
    let json = serde_json::to_string_pretty(&keys)? + "\n";
    match args.output {
        Some(path) => std::fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{json}"),
    }
    Ok(())
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let store = crate::open_store(&args.store).await?;
    let Some(code) = netra_core::pact::normalise_code(&args.code) else {
        bail!("{} is not a verification code", args.code)
    };
    let Some(signed) = store.pact_signature_by_code(&code).await? else { bail!("no signed pact has the code {code}") };
    std::fs::write(&args.output, signed.pact.to_file())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    println!("{} → {}", code, args.output.display());
    Ok(())
}

async fn rotate(args: StoreArgs) -> anyhow::Result<()> {
    let store = crate::open_store(&args).await?;
    let signer = pact_keys(&args).rotate(store.as_ref(), time::OffsetDateTime::now_utc()).await?;
    println!("Kunci tanda tangan baru: {} (kunci lama dipensiunkan; tanda tangan lama tetap sah)", signer.key_id());
    Ok(())
}

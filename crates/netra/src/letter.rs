//! `netra letter`: verify a letter's PDF offline with the instance's public keys.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use netra_core::Locale;
use netra_core::pact::PublicKey;

#[derive(Debug, Args)]
pub struct LetterArgs {
    #[command(subcommand)]
    command: LetterCommand,
}

#[derive(Debug, Subcommand)]
enum LetterCommand {
    /// Verify a letter's PDF without the server: its seal (an Ed25519 signature over the file's own bytes) with
    /// the instance's public keys (`netra pact keys`, or /pakta/kunci.json). Exit code 0: valid; 2: invalid.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The letter (PDF) as received.
    file: PathBuf,
    /// The instance's public keys (JSON list of {"key_id", "public_key"}).
    #[arg(long)]
    keys: PathBuf,
}

/// Runs a `netra letter` command; `Ok(false)` when a letter did not verify.
pub fn letter(args: LetterArgs) -> anyhow::Result<bool> {
    match args.command {
        LetterCommand::Verify(args) => {
            let pdf = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
            let keys = std::fs::read(&args.keys).with_context(|| format!("cannot read {}", args.keys.display()))?;
            let keys: Vec<PublicKey> = serde_json::from_slice(&keys)
                .with_context(|| format!("{} is not a list of public keys", args.keys.display()))?;
            match netra_core::letter::verify_pdf(&pdf, &keys) {
                Ok(key_id) => {
                    println!("SAH: segel tanda tangan Netra cocok dengan seluruh isi berkas (kunci {key_id}).");
                    Ok(true)
                }
                Err(error) => {
                    println!("TIDAK SAH: {}", error.message(Locale::Id));
                    Ok(false)
                }
            }
        }
    }
}

//! `netra user create-admin`: the first system administrator of a new instance (the web pages create every other
//! account). The temporary password is printed once; the administrator must change it and enrol a second factor
//! at the first sign-in.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use netra_core::role::Role;
use netra_store::AuditContext;
use netra_store::accounts::{Office, StaffUser};

use crate::StoreArgs;

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a system administrator with a one-time password (printed once), in a new or existing office.
    CreateAdmin(CreateAdminArgs),
}

#[derive(Debug, Args)]
struct CreateAdminArgs {
    /// Sign-in name: 3–32 lower-case letters, digits, dots, underscores or hyphens.
    #[arg(long)]
    username: String,
    /// The person's name as shown in the audit trail.
    #[arg(long)]
    name: String,
    /// The office the administrator belongs to (created when no office has this name).
    #[arg(long, default_value = "Pengelola Sistem Netra")]
    office: String,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn user(args: UserArgs) -> anyhow::Result<()> {
    match args.command {
        UserCommand::CreateAdmin(args) => crate::runtime()?.block_on(create_admin(args)),
    }
}

async fn create_admin(args: CreateAdminArgs) -> anyhow::Result<()> {
    let username = args.username.trim().to_lowercase();
    if let Some((_, problem)) = netra_core::access::username_problem(&username) {
        bail!("--username {:?}: {problem}", args.username);
    }
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        bail!("--name must have 1 to 120 characters");
    }
    let store = crate::open_store(&args.store).await?;
    if store.user_by_username(&username).await?.is_some() {
        bail!("a user named {username} already exists");
    }
    let now = time::OffsetDateTime::now_utc();
    let ctx = AuditContext::system(now);
    let office = match store.offices().await?.into_iter().find(|o| o.name == args.office.trim()) {
        Some(office) => office,
        None => {
            let office = Office {
                id: uuid::Uuid::now_v7().to_string(),
                name: args.office.trim().to_string(),
                region: None,
                agency: None,
                email: None,
            };
            store.create_office(&ctx, &office).await.context("cannot create the office")?;
            office
        }
    };
    // 80 random bits, typed like a receipt; it must be changed at the first sign-in.
    let password = netra_store::auth::new_receipt();
    let user = StaffUser {
        id: uuid::Uuid::now_v7().to_string(),
        username: username.clone(),
        display_name: name.to_string(),
        role: Role::SystemAdmin,
        office_id: office.id.clone(),
        must_change_password: true,
        totp_secret: None,
        disabled: false,
        created_at: now,
    };
    store.create_user(&ctx, &user, &netra_store::auth::hash_password(&password)).await?;
    println!("Administrator sistem {username} dibuat di kantor \"{}\".", office.name);
    println!("Kata sandi sementara (tampil sekali ini saja): {password}");
    println!("Saat masuk pertama kali, ganti kata sandi dan daftarkan faktor kedua (TOTP).");
    Ok(())
}

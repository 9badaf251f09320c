//! The migrations of each backend, embedded in the binary. Built by hand rather than with `sqlx::migrate!` so
//! that sqlx's compile-time macros stay out of the build.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

fn migrator(files: &[(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = files
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(version, Cow::Borrowed(description), MigrationType::Simple, sql.into_sql_str(), false)
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

/// Migrations for SQLite.
pub fn sqlite() -> Migrator {
    migrator(&[
        (1, "reference data", include_str!("../migrations/sqlite/0001_reference_data.sql")),
        (2, "accounts and audit", include_str!("../migrations/sqlite/0002_accounts_and_audit.sql")),
        (3, "cases", include_str!("../migrations/sqlite/0003_cases.sql")),
        (4, "mail", include_str!("../migrations/sqlite/0004_mail.sql")),
        (5, "patrol", include_str!("../migrations/sqlite/0005_patrol.sql")),
        (6, "registry", include_str!("../migrations/sqlite/0006_registry.sql")),
        (7, "pacts", include_str!("../migrations/sqlite/0007_pacts.sql")),
        (8, "sessions", include_str!("../migrations/sqlite/0008_sessions.sql")),
        (9, "letters", include_str!("../migrations/sqlite/0009_letters.sql")),
        (10, "totp_steps", include_str!("../migrations/sqlite/0010_totp_steps.sql")),
    ])
}

/// Migrations for PostgreSQL.
pub fn postgres() -> Migrator {
    migrator(&[
        (1, "reference data", include_str!("../migrations/postgres/0001_reference_data.sql")),
        (2, "accounts and audit", include_str!("../migrations/postgres/0002_accounts_and_audit.sql")),
        (3, "cases", include_str!("../migrations/postgres/0003_cases.sql")),
        (4, "mail", include_str!("../migrations/postgres/0004_mail.sql")),
        (5, "patrol", include_str!("../migrations/postgres/0005_patrol.sql")),
        (6, "registry", include_str!("../migrations/postgres/0006_registry.sql")),
        (7, "pacts", include_str!("../migrations/postgres/0007_pacts.sql")),
        (8, "sessions", include_str!("../migrations/postgres/0008_sessions.sql")),
        (9, "letters", include_str!("../migrations/postgres/0009_letters.sql")),
        (10, "totp_steps", include_str!("../migrations/postgres/0010_totp_steps.sql")),
    ])
}

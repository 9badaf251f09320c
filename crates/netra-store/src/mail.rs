//! E-mail for office notifications through a configured SMTP server.
//!
//! The `notification` table is the outbox: a notification is written in the same transaction as the case change
//! that caused it, and [`Mailer::send_pending`] mails what has not been mailed yet. A mail server that is down
//! delays mail; it never loses or blocks a change. Netra speaks plain SMTP (with AUTH when credentials are
//! given) to a relay it trusts, usually the local MTA on loopback, which handles TLS to the outside world.
//! Mail carries only what the in-app inbox shows (case number, kind, the short notice): never a reporter's
//! identity, which notifications never contain.

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::OffsetDateTime;

use crate::Store;
use crate::cases::Notification;

/// Where and how to send mail.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    /// The sender, e.g. `Netra <netra@bawaslu.go.id>`.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The address Netra is reached at, for links in the mail (e.g. `https://netra.bawaslu.go.id`).
    pub base_url: Option<String>,
}

/// Why mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// Notifications older than this are not mailed (an office that adds its address later is not flooded).
pub const MAIL_WINDOW: time::Duration = time::Duration::days(3);
/// Mails per run.
const BATCH: u32 = 200;

/// Sends the outbox over SMTP.
#[derive(Debug, Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    base_url: Option<String>,
}

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Mailer, MailError> {
        let from: Mailbox =
            config.from.parse().map_err(|e| MailError::Config(format!("sender {:?}: {e}", config.from)))?;
        if config.host.trim().is_empty() {
            return Err(MailError::Config("no SMTP host".into()));
        }
        // Plain SMTP to a trusted relay (see the module documentation).
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.trim()).port(config.port);
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            base_url: config.base_url.as_ref().map(|url| url.trim_end_matches('/').to_string()),
        })
    }

    fn message(&self, note: &Notification, to: Mailbox) -> Result<Message, MailError> {
        let mut body = format!("{}\n", note.body);
        if let (Some(base), Some(case)) = (&self.base_url, &note.case_id) {
            body.push_str(&format!("\nBuka kasus: {base}/kasus/{case}\n"));
        }
        body.push_str("\n— Netra (pesan otomatis; jangan dibalas)\n");
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("[Netra] {}", note.kind_name(netra_core::Locale::Id)))
            .body(body)
            .map_err(|e| MailError::Config(e.to_string()))
    }

    /// Mails every pending notification (oldest first) and marks it; stops at the first SMTP failure, so the
    /// rest is retried on the next run. An office address that does not parse is skipped and marked, so it
    /// does not block the queue. Returns how many were sent.
    pub async fn send_pending(&self, store: &dyn Store, now: OffsetDateTime) -> Result<u64, MailError> {
        let pending = store.unmailed_notifications(now - MAIL_WINDOW, BATCH).await?;
        let mut sent = 0;
        for (note, address) in pending {
            let outcome = match address.parse::<Mailbox>() {
                Ok(to) => {
                    let message = self.message(&note, to)?;
                    self.transport.send(message).await.map(|_| true)
                }
                Err(_) => {
                    tracing::warn!(office = %note.office_id, "office e-mail address does not parse; skipped");
                    Ok(false)
                }
            };
            match outcome {
                Ok(delivered) => {
                    store.mark_mailed(std::slice::from_ref(&note.id), now).await?;
                    sent += u64::from(delivered);
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_names_its_kind_and_links_to_the_case_without_anything_else() {
        let mailer = Mailer::new(&MailConfig {
            host: "127.0.0.1".into(),
            port: 2525,
            from: "Netra <netra@contoh.id>".into(),
            username: None,
            password: None,
            base_url: Some("https://netra.contoh.id/".into()),
        })
        .unwrap();
        let note = Notification {
            id: "n1".into(),
            office_id: "o1".into(),
            case_id: Some("0192-case".into()),
            kind: "deadline".into(),
            body: "Batas waktu mendekat: NTR-2024-000007 (kajian) jatuh tempo 2024-11-29".into(),
            dedupe_key: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            read_at: None,
        };
        let text =
            String::from_utf8(mailer.message(&note, "kantor@contoh.id".parse().unwrap()).unwrap().formatted()).unwrap();
        assert!(text.contains("Subject: [Netra] Pengingat batas waktu"), "{text}");
        assert!(text.contains("https://netra.contoh.id/kasus/0192-case"), "{text}");
        assert!(text.contains("NTR-2024-000007"));
    }
}

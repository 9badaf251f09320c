//! SQL and row mapping of the pact part of the store, shared by both backends: [`impl_pact_store!`] instantiates
//! `PactStore` for a backend that provides `reader()`, `writer()` and the audit append of `impl_account_store!`.

use netra_core::pact::{PactKind, PactText, PublicKey, SignedPact, SigningMethod};
use time::OffsetDateTime;

use crate::pacts::{PactCodeRecord, PactSignatureRecord, PactTextRecord, SigningKeyRecord};
use crate::{StoreError, StoreResult};

pub const TEXTS_OF: &str = "SELECT text_id, election_id, kind, version, title, opening, points, closing, digest, \
    created_by, created_at FROM pact_text WHERE election_id = $1 ORDER BY kind, version";
pub const TEXT_BY_ID: &str = "SELECT text_id, election_id, kind, version, title, opening, points, closing, digest, \
    created_by, created_at FROM pact_text WHERE text_id = $1";
pub const TEXT_INSERT: &str = "INSERT INTO pact_text (text_id, election_id, kind, version, title, opening, points, \
    closing, digest, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

pub const KEYS: &str =
    "SELECT key_id, public_key, created_at, retired_at FROM signing_key ORDER BY created_at DESC, key_id";
pub const KEY_RETIRE_OTHERS: &str = "UPDATE signing_key SET retired_at = $1 WHERE retired_at IS NULL";
pub const KEY_INSERT: &str =
    "INSERT INTO signing_key (key_id, public_key, created_at, retired_at) VALUES ($1, $2, $3, NULL)";

macro_rules! signature_select {
    ($tail:literal) => {
        concat!(
            "SELECT signature_id, text_id, person_id, method, document, key_id, signature, code, signed_by, signed_at \
             FROM pact_signature",
            $tail
        )
    };
}
pub const SIGNATURE_BY_CODE: &str = signature_select!(" WHERE code = $1");
pub const SIGNATURES_OF: &str = signature_select!(" WHERE person_id = $1 ORDER BY signed_at DESC, signature_id");
pub const SIGNATURE_EXISTS: &str = "SELECT 1 FROM pact_signature WHERE text_id = $1 AND person_id = $2";
pub const SIGNATURE_INSERT: &str = "INSERT INTO pact_signature (signature_id, code, text_id, person_id, nip, agency, \
    unit, region_code, method, document, key_id, signature, signed_by, signed_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

pub const CODE_BY_HASH: &str = "SELECT code_hash, text_id, person_id, issued_by, issued_at, expires_at, used_at \
    FROM pact_code WHERE code_hash = $1";
pub const CODE_DROP_UNUSED: &str = "DELETE FROM pact_code WHERE person_id = $1 AND text_id = $2 AND used_at IS NULL";
pub const CODE_INSERT: &str = "INSERT INTO pact_code (code_hash, text_id, person_id, issued_by, issued_at, expires_at, \
    used_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)";
pub const CODE_USE: &str =
    "UPDATE pact_code SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2";

pub const COVERAGE: &str = "SELECT p.unit, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM pact_signature s \
    JOIN pact_text t ON t.text_id = s.text_id WHERE s.person_id = p.person_id AND t.election_id = $1 \
    AND t.kind = 'pakta') THEN 1 ELSE 0 END), SUM(CASE WHEN EXISTS (SELECT 1 FROM session_attendance a \
    JOIN socialisation_session x ON x.session_id = a.session_id WHERE a.person_id = p.person_id \
    AND x.election_id = $1) THEN 1 ELSE 0 END) FROM registry_person p \
    WHERE lower(p.agency) = lower($2) AND p.employment_state = 'aktif' GROUP BY p.unit ORDER BY p.unit";

macro_rules! session_select {
    ($tail:literal) => {
        concat!(
            "SELECT session_id, election_id, title, held_on, place, organiser, agency, speakers, units, items, \
             checkin_token, created_by, created_at FROM socialisation_session",
            $tail
        )
    };
}
pub const SESSION_INSERT: &str = "INSERT INTO socialisation_session (session_id, election_id, title, held_on, place, \
    organiser, agency, speakers, units, items, checkin_token, created_by, created_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
pub const SESSIONS_OF: &str = session_select!(
    " WHERE election_id = $1 AND ($2 IS NULL OR lower(agency) = lower($2)) ORDER BY held_on DESC, session_id"
);
pub const SESSION_BY_ID: &str = session_select!(" WHERE session_id = $1");
pub const SESSIONS_ATTENDED: &str = session_select!(
    " WHERE session_id IN (SELECT session_id FROM session_attendance WHERE person_id = $1) ORDER BY held_on DESC"
);
pub const SESSION_BY_TOKEN: &str = session_select!(" WHERE checkin_token = $1");
pub const ATTENDANCE_INSERT: &str = "INSERT INTO session_attendance (session_id, person_id, method, checked_in_at, \
    quiz_score, quiz_total) VALUES ($1, $2, $3, $4, NULL, NULL) ON CONFLICT (session_id, person_id) DO NOTHING";
pub const ATTENDEES: &str = "SELECT a.person_id, p.nip, p.name, p.unit, a.method, a.checked_in_at, a.quiz_score, \
    a.quiz_total FROM session_attendance a JOIN registry_person p ON p.person_id = a.person_id \
    WHERE a.session_id = $1 ORDER BY p.unit, p.name";
pub const QUIZ_SCORE: &str = "UPDATE session_attendance SET quiz_score = $3, quiz_total = $4 \
    WHERE session_id = $1 AND person_id = $2 AND quiz_score IS NULL";

pub type SessionRow = (
    String,
    String,
    String,
    time::Date,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    OffsetDateTime,
);

pub fn session(row: SessionRow) -> StoreResult<crate::pacts::Briefing> {
    let list = |text: &str| serde_json::from_str::<Vec<String>>(text).map_err(|_| corrupt("a session list"));
    Ok(crate::pacts::Briefing {
        speakers: list(&row.7)?,
        units: list(&row.8)?,
        items: list(&row.9)?,
        id: row.0,
        election_id: row.1,
        title: row.2,
        held_on: row.3,
        place: row.4,
        organiser: row.5,
        agency: row.6,
        checkin_token: row.10,
        created_by: row.11,
        created_at: row.12,
    })
}

pub type AttendeeRow = (i64, String, String, String, String, OffsetDateTime, Option<i64>, Option<i64>);

pub fn attendee(row: AttendeeRow) -> crate::pacts::Attendee {
    crate::pacts::Attendee {
        person_id: row.0,
        nip: row.1,
        name: row.2,
        unit: row.3,
        method: row.4,
        checked_in_at: row.5,
        quiz: row.6.zip(row.7).map(|(s, t)| (s as u32, t as u32)),
    }
}

/// The audit entry of a prevention write (no region or agency scope: these objects are national).
pub fn audit(
    action: &str,
    kind: &str,
    id: &str,
    after: Option<String>,
    summary: String,
) -> crate::accounts::AuditRecord {
    crate::accounts::AuditRecord {
        action: action.into(),
        object_kind: kind.into(),
        object_id: id.into(),
        region: None,
        agency: None,
        before: None,
        after,
        summary,
    }
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("pacts: {what}"))
}

pub type TextRow = (String, String, String, i64, String, String, String, String, String, String, OffsetDateTime);

pub fn text(row: TextRow) -> StoreResult<PactTextRecord> {
    let points: Vec<String> = serde_json::from_str(&row.6).map_err(|_| corrupt("text points"))?;
    Ok(PactTextRecord {
        id: row.0,
        election_id: row.1,
        kind: PactKind::parse(&row.2).ok_or_else(|| corrupt(format!("kind {}", row.2)))?,
        version: u32::try_from(row.3).map_err(|_| corrupt("version"))?,
        text: PactText { title: row.4, opening: row.5, points, closing: row.7 },
        digest: row.8,
        created_by: row.9,
        created_at: row.10,
    })
}

pub type KeyRow = (String, String, OffsetDateTime, Option<OffsetDateTime>);

pub fn key(row: KeyRow) -> SigningKeyRecord {
    SigningKeyRecord { key: PublicKey { key_id: row.0, public_key: row.1 }, created_at: row.2, retired_at: row.3 }
}

pub type SignatureRow = (String, String, i64, String, String, String, String, String, Option<String>, OffsetDateTime);

pub fn signature(row: SignatureRow) -> StoreResult<PactSignatureRecord> {
    let document = serde_json::from_str(&row.4).map_err(|_| corrupt("signed document"))?;
    Ok(PactSignatureRecord {
        id: row.0,
        text_id: row.1,
        person_id: row.2,
        method: SigningMethod::parse(&row.3).ok_or_else(|| corrupt(format!("method {}", row.3)))?,
        pact: SignedPact { document, key_id: row.5, signature: row.6, code: row.7 },
        signed_by: row.8,
        signed_at: row.9,
    })
}

pub type CodeRow = (String, String, i64, String, OffsetDateTime, OffsetDateTime, Option<OffsetDateTime>);

pub fn code_record(row: CodeRow) -> PactCodeRecord {
    PactCodeRecord {
        code_hash: row.0,
        text_id: row.1,
        person_id: row.2,
        issued_by: row.3,
        issued_at: row.4,
        expires_at: row.5,
        used_at: row.6,
    }
}

/// Implements `PactStore` for a backend type.
macro_rules! impl_pact_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::pacts::PactStore for $store {
            async fn pact_coverage(
                &self,
                election_id: &str,
                agency: &str,
            ) -> $crate::StoreResult<Vec<$crate::pacts::UnitCoverage>> {
                use $crate::shared_pacts::*;
                let rows: Vec<(String, i64, i64, i64)> =
                    sqlx::query_as(COVERAGE).bind(election_id).bind(agency.trim()).fetch_all(self.reader()).await?;
                Ok(rows
                    .into_iter()
                    .map(|(unit, persons, signed, attended)| $crate::pacts::UnitCoverage {
                        unit,
                        persons: persons as u64,
                        signed: signed as u64,
                        attended: attended as u64,
                    })
                    .collect())
            }

            async fn create_socialisation(
                &self,
                ctx: &$crate::accounts::AuditContext,
                record: &$crate::pacts::Briefing,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_pacts::*;
                let list = |items: &[String]| serde_json::to_string(items).expect("strings serialise");
                let mut tx = self.writer().begin().await?;
                sqlx::query(SESSION_INSERT)
                    .bind(&record.id)
                    .bind(&record.election_id)
                    .bind(&record.title)
                    .bind(record.held_on)
                    .bind(&record.place)
                    .bind(&record.organiser)
                    .bind(&record.agency)
                    .bind(list(&record.speakers))
                    .bind(list(&record.units))
                    .bind(list(&record.items))
                    .bind(&record.checkin_token)
                    .bind(&record.created_by)
                    .bind($crate::shared_patrol::utc(record.created_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "sesi sosialisasi"))?;
                let audit = audit(
                    "session.create",
                    "socialisation_session",
                    &record.id,
                    Some(record.canonical()),
                    format!(
                        "Sosialisasi netralitas \"{}\" ({}, {}) untuk {}",
                        record.title, record.held_on, record.place, record.agency
                    ),
                );
                Self::append_audit(&mut tx, ctx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn socialisations(
                &self,
                election_id: &str,
                agency: Option<&str>,
            ) -> $crate::StoreResult<Vec<$crate::pacts::Briefing>> {
                use $crate::shared_pacts::*;
                let rows: Vec<SessionRow> =
                    sqlx::query_as(SESSIONS_OF).bind(election_id).bind(agency).fetch_all(self.reader()).await?;
                rows.into_iter().map(session).collect()
            }

            async fn socialisation(&self, id: &str) -> $crate::StoreResult<Option<$crate::pacts::Briefing>> {
                use $crate::shared_pacts::*;
                let row: Option<SessionRow> =
                    sqlx::query_as(SESSION_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                row.map(session).transpose()
            }

            async fn socialisation_by_token(
                &self,
                token: &str,
            ) -> $crate::StoreResult<Option<$crate::pacts::Briefing>> {
                use $crate::shared_pacts::*;
                let row: Option<SessionRow> =
                    sqlx::query_as(SESSION_BY_TOKEN).bind(token).fetch_optional(self.reader()).await?;
                row.map(session).transpose()
            }

            async fn record_attendance(
                &self,
                ctx: &$crate::accounts::AuditContext,
                session_id: &str,
                persons: &[i64],
                method: $crate::pacts::CheckIn,
                summary: &str,
            ) -> $crate::StoreResult<u64> {
                use $crate::shared_pacts::*;
                let at = $crate::shared_patrol::utc(ctx.at);
                let mut tx = self.writer().begin().await?;
                let mut added = 0;
                for person in persons {
                    added += sqlx::query(ATTENDANCE_INSERT)
                        .bind(session_id)
                        .bind(person)
                        .bind(method.as_str())
                        .bind(at)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $crate::shared_accounts::write_error(e, "kehadiran"))?
                        .rows_affected();
                }
                if added > 0 {
                    let audit =
                        audit("session.attendance", "socialisation_session", session_id, None, summary.to_string());
                    Self::append_audit(&mut tx, ctx, audit).await?;
                }
                tx.commit().await?;
                Ok(added)
            }

            async fn sessions_attended(&self, person_id: i64) -> $crate::StoreResult<Vec<$crate::pacts::Briefing>> {
                use $crate::shared_pacts::*;
                let rows: Vec<SessionRow> =
                    sqlx::query_as(SESSIONS_ATTENDED).bind(person_id).fetch_all(self.reader()).await?;
                rows.into_iter().map(session).collect()
            }

            async fn attendees(&self, session_id: &str) -> $crate::StoreResult<Vec<$crate::pacts::Attendee>> {
                use $crate::shared_pacts::*;
                let rows: Vec<AttendeeRow> =
                    sqlx::query_as(ATTENDEES).bind(session_id).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(attendee).collect())
            }

            async fn record_quiz_score(
                &self,
                session_id: &str,
                person_id: i64,
                score: u32,
                total: u32,
            ) -> $crate::StoreResult<bool> {
                use $crate::shared_pacts::*;
                let done = sqlx::query(QUIZ_SCORE)
                    .bind(session_id)
                    .bind(person_id)
                    .bind(i64::from(score))
                    .bind(i64::from(total))
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_pact_text(
                &self,
                ctx: &$crate::accounts::AuditContext,
                record: &$crate::pacts::PactTextRecord,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_pacts::*;
                let mut tx = self.writer().begin().await?;
                sqlx::query(TEXT_INSERT)
                    .bind(&record.id)
                    .bind(&record.election_id)
                    .bind(record.kind.as_str())
                    .bind(i64::from(record.version))
                    .bind(&record.text.title)
                    .bind(&record.text.opening)
                    .bind(serde_json::to_string(&record.text.points).expect("strings serialise"))
                    .bind(&record.text.closing)
                    .bind(&record.digest)
                    .bind(&record.created_by)
                    .bind($crate::shared_patrol::utc(record.created_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "versi teks pakta"))?;
                let audit = audit(
                    "pact_text.create",
                    "pact_text",
                    &record.id,
                    Some(record.canonical()),
                    format!(
                        "Teks {} {} versi {} (SHA-256 {})",
                        record.kind.as_str(),
                        record.election_id,
                        record.version,
                        record.digest
                    ),
                );
                Self::append_audit(&mut tx, ctx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn pact_texts(&self, election_id: &str) -> $crate::StoreResult<Vec<$crate::pacts::PactTextRecord>> {
                use $crate::shared_pacts::*;
                let rows: Vec<TextRow> = sqlx::query_as(TEXTS_OF).bind(election_id).fetch_all(self.reader()).await?;
                rows.into_iter().map(text).collect()
            }

            async fn pact_text(&self, text_id: &str) -> $crate::StoreResult<Option<$crate::pacts::PactTextRecord>> {
                use $crate::shared_pacts::*;
                let row: Option<TextRow> =
                    sqlx::query_as(TEXT_BY_ID).bind(text_id).fetch_optional(self.reader()).await?;
                row.map(text).transpose()
            }

            async fn signing_keys(&self) -> $crate::StoreResult<Vec<$crate::pacts::SigningKeyRecord>> {
                use $crate::shared_pacts::*;
                let rows: Vec<KeyRow> = sqlx::query_as(KEYS).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(key).collect())
            }

            async fn add_signing_key(
                &self,
                ctx: &$crate::accounts::AuditContext,
                public: &netra_core::pact::PublicKey,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_pacts::*;
                let at = $crate::shared_patrol::utc(ctx.at);
                let mut tx = self.writer().begin().await?;
                let retired = sqlx::query(KEY_RETIRE_OTHERS).bind(at).execute(&mut *tx).await?.rows_affected();
                sqlx::query(KEY_INSERT)
                    .bind(&public.key_id)
                    .bind(&public.public_key)
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "kunci tanda tangan"))?;
                let audit = audit(
                    "signing_key.create",
                    "signing_key",
                    &public.key_id,
                    Some(public.public_key.clone()),
                    format!(
                        "Kunci tanda tangan baru {} ({} kunci lama dipensiunkan; tanda tangan lamanya tetap sah)",
                        public.key_id, retired
                    ),
                );
                Self::append_audit(&mut tx, ctx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn record_pact_signatures(
                &self,
                ctx: &$crate::accounts::AuditContext,
                signatures: &[$crate::pacts::PactSignatureRecord],
                code_hash: Option<&str>,
                summary: &str,
            ) -> $crate::StoreResult<u64> {
                use $crate::shared_pacts::*;
                let mut tx = self.writer().begin().await?;
                if let Some(hash) = code_hash {
                    let used = sqlx::query(CODE_USE)
                        .bind(hash)
                        .bind($crate::shared_patrol::utc(ctx.at))
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if used == 0 {
                        return Err($crate::StoreError::Conflict(
                            "kode sekali pakai tidak berlaku (salah, sudah dipakai, atau kedaluwarsa)".into(),
                        ));
                    }
                }
                let mut stored = 0u64;
                let mut codes = Vec::new();
                for record in signatures {
                    let exists: Option<(i32,)> = sqlx::query_as(SIGNATURE_EXISTS)
                        .bind(&record.text_id)
                        .bind(record.person_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if exists.is_some() {
                        continue;
                    }
                    let document = &record.pact.document;
                    sqlx::query(SIGNATURE_INSERT)
                        .bind(&record.id)
                        .bind(&record.pact.code)
                        .bind(&record.text_id)
                        .bind(record.person_id)
                        .bind(&document.nip)
                        .bind(&document.agency)
                        .bind(&document.unit)
                        .bind(&document.region)
                        .bind(record.method.as_str())
                        .bind(String::from_utf8(document.canonical_bytes()).expect("JSON is UTF-8"))
                        .bind(&record.pact.key_id)
                        .bind(&record.pact.signature)
                        .bind(&record.signed_by)
                        .bind($crate::shared_patrol::utc(record.signed_at))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $crate::shared_accounts::write_error(e, "pakta bertanda tangan"))?;
                    codes.push(record.pact.code.as_str());
                    stored += 1;
                }
                if stored > 0 {
                    let first = &signatures[0];
                    let audit =
                        audit("pact.sign", "pact_text", &first.text_id, Some(codes.join(" ")), summary.to_string());
                    Self::append_audit(&mut tx, ctx, audit).await?;
                }
                tx.commit().await?;
                Ok(stored)
            }

            async fn pact_signature_by_code(
                &self,
                code: &str,
            ) -> $crate::StoreResult<Option<$crate::pacts::PactSignatureRecord>> {
                use $crate::shared_pacts::*;
                let row: Option<SignatureRow> =
                    sqlx::query_as(SIGNATURE_BY_CODE).bind(code).fetch_optional(self.reader()).await?;
                row.map(signature).transpose()
            }

            async fn pact_signatures_of(
                &self,
                person_id: i64,
            ) -> $crate::StoreResult<Vec<$crate::pacts::PactSignatureRecord>> {
                use $crate::shared_pacts::*;
                let rows: Vec<SignatureRow> =
                    sqlx::query_as(SIGNATURES_OF).bind(person_id).fetch_all(self.reader()).await?;
                rows.into_iter().map(signature).collect()
            }

            async fn issue_pact_code(
                &self,
                ctx: &$crate::accounts::AuditContext,
                record: &$crate::pacts::PactCodeRecord,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_pacts::*;
                let mut tx = self.writer().begin().await?;
                sqlx::query(CODE_DROP_UNUSED).bind(record.person_id).bind(&record.text_id).execute(&mut *tx).await?;
                sqlx::query(CODE_INSERT)
                    .bind(&record.code_hash)
                    .bind(&record.text_id)
                    .bind(record.person_id)
                    .bind(&record.issued_by)
                    .bind($crate::shared_patrol::utc(record.issued_at))
                    .bind($crate::shared_patrol::utc(record.expires_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "kode sekali pakai"))?;
                let audit = audit(
                    "pact_code.issue",
                    "registry_person",
                    &record.person_id.to_string(),
                    None,
                    format!(
                        "Kode sekali pakai untuk menandatangani pakta diterbitkan (berlaku sampai {})",
                        record.expires_at
                    ),
                );
                Self::append_audit(&mut tx, ctx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn pact_code(&self, code_hash: &str) -> $crate::StoreResult<Option<$crate::pacts::PactCodeRecord>> {
                use $crate::shared_pacts::*;
                let row: Option<CodeRow> =
                    sqlx::query_as(CODE_BY_HASH).bind(code_hash).fetch_optional(self.reader()).await?;
                Ok(row.map(code_record))
            }
        }
    };
}

pub(crate) use impl_pact_store;

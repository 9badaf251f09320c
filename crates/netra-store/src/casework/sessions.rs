//! Socialisation sessions (issue 7): an agency admin (for their agency) or a pact manager (for any agency)
//! schedules a session with its speakers, audience units and catalogue items; attendees check in by the session's
//! QR code with their NIP, or come from an imported attendance list; each attendee may answer the session's
//! "boleh atau tidak?" quiz once.

use netra_core::access::Permission;
use netra_core::ident::EmployeeNumber;
use netra_core::pact::same_agency;
use netra_core::patrol::LineProblem;
use netra_core::quiz::{Question, quiz};
use netra_core::{Locale, Localized};
use time::OffsetDateTime;

use super::pacts::{PactDesk, read_attendance};
use crate::Store;
use crate::access::{AccessError, AccessResult, FieldError};
use crate::pacts::{Attendee, Briefing, CheckIn};
use crate::registry::PersonRecord;

/// A session as entered in the form.
#[derive(Debug, Clone, Default)]
pub struct SessionInput {
    pub election_id: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub place: String,
    /// One speaker per line.
    pub speakers: String,
    /// One unit per line; empty: the whole agency.
    pub units: String,
    /// Catalogue codes, separated by spaces, commas or lines.
    pub items: String,
    /// For pact managers: the audience's agency (id). Agency admins always hold sessions for their own.
    pub agency_id: String,
}

/// What importing a session's attendance list did.
#[derive(Debug, Clone, Default)]
pub struct AttendanceImport {
    pub added: u64,
    pub already: u64,
    pub problems: Vec<LineProblem>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// The quiz of a session: the same questions for everyone in it.
pub fn session_quiz(session: &Briefing) -> Vec<Question> {
    let seed = session.checkin_token.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    quiz(netra_core::builtin::catalogue(), &session.items, seed)
}

impl PactDesk<'_> {
    /// The agency a session of this principal is for.
    async fn session_agency(&self, agency_id: &str) -> AccessResult<String> {
        if self.principal().role().can(Permission::SignPacts) {
            return self.own_agency().await;
        }
        match agency_id.trim() {
            "" => Err(AccessError::Invalid(vec![FieldError::new("agency_id", "Pilih instansi.", "Choose an agency.")])),
            id => Ok(self.store().agency(id).await?.ok_or(AccessError::NotFound)?.name),
        }
    }

    /// Whether the principal may see a session: managers all, agency admins their agency's.
    async fn covers_session(&self, session: &Briefing) -> AccessResult<bool> {
        if self.principal().role().can(Permission::ManagePacts) {
            return Ok(true);
        }
        let agency = self.own_agency().await?;
        Ok(same_agency(&session.agency, &agency))
    }

    /// Schedules a session; every problem is named by its field.
    pub async fn create_session(&self, input: &SessionInput, now: OffsetDateTime) -> AccessResult<Briefing> {
        let agency = self.session_agency(&input.agency_id).await?;
        let mut errors = Vec::new();
        if self.store().election(input.election_id.trim()).await?.is_none() {
            errors.push(FieldError::new("election", "Pilih pemilihan.", "Choose an election."));
        }
        let title = input.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new(
                "title",
                "Judul wajib diisi (maks. 200 karakter).",
                "A title is required (max 200 characters).",
            ));
        }
        let held_on =
            time::Date::parse(input.held_on.trim(), &time::format_description::well_known::Iso8601::DATE).ok();
        if held_on.is_none() {
            errors.push(FieldError::new("held_on", "Tanggal tidak sah (TTTT-BB-HH).", "Invalid date (YYYY-MM-DD)."));
        }
        if input.place.trim().is_empty() {
            errors.push(FieldError::new("place", "Tempat wajib diisi.", "A place is required."));
        }
        let speakers = lines(&input.speakers);
        if speakers.is_empty() {
            errors.push(FieldError::new(
                "speakers",
                "Sebutkan paling sedikit satu narasumber.",
                "Name at least one speaker.",
            ));
        }
        let catalogue = netra_core::builtin::catalogue();
        let mut items = Vec::new();
        for code in netra_core::catalogue::item_codes(&input.items) {
            if catalogue.get(&code).is_none() {
                errors.push(FieldError::new(
                    "items",
                    format!("Butir katalog {code} tidak dikenal."),
                    format!("Unknown item {code}."),
                ));
            } else if !items.contains(&code) {
                items.push(code);
            }
        }
        let (Some(held_on), true) = (held_on, errors.is_empty()) else { return Err(AccessError::Invalid(errors)) };
        let mut token = [0u8; 16];
        getrandom::fill(&mut token).map_err(|e| AccessError::Store(crate::StoreError::Config(e.to_string())))?;
        let session = Briefing {
            id: uuid::Uuid::now_v7().to_string(),
            election_id: input.election_id.trim().to_string(),
            title: title.to_string(),
            held_on,
            place: input.place.trim().to_string(),
            organiser: self.principal().office.id.clone(),
            agency,
            speakers,
            units: lines(&input.units),
            items,
            checkin_token: data_encoding::BASE32_NOPAD.encode(&token).to_lowercase(),
            created_by: self.principal().user.id.clone(),
            created_at: now,
        };
        self.store().create_socialisation(&self.principal().audit_context(now), &session).await?;
        Ok(session)
    }

    /// The election's sessions the principal may see.
    pub async fn sessions(&self, election_id: &str) -> AccessResult<Vec<Briefing>> {
        if self.principal().role().can(Permission::ManagePacts) {
            return Ok(self.store().socialisations(election_id, None).await?);
        }
        let agency = self.own_agency().await?;
        Ok(self.store().socialisations(election_id, Some(&agency)).await?)
    }

    /// A session with its attendees, or `NotFound` outside the principal's reach.
    pub async fn session(&self, id: &str) -> AccessResult<(Briefing, Vec<Attendee>)> {
        let session = self.store().socialisation(id).await?.ok_or(AccessError::NotFound)?;
        if !self.covers_session(&session).await? {
            return Err(AccessError::NotFound);
        }
        let attendees = self.store().attendees(&session.id).await?;
        Ok((session, attendees))
    }

    /// Adds the known NIPs of an attendance list (of the session's agency) to the session; the rest by line.
    pub async fn import_session_attendance(
        &self,
        session_id: &str,
        file_name: &str,
        bytes: &[u8],
        now: OffsetDateTime,
    ) -> AccessResult<AttendanceImport> {
        let (session, attendees) = self.session(session_id).await?;
        let rows = read_attendance(file_name, bytes).map_err(|p| {
            AccessError::Invalid(vec![FieldError::new("file", p.describe(Locale::Id), p.describe(Locale::En))])
        })?;
        let mut outcome = AttendanceImport::default();
        let mut persons = Vec::new();
        for (line, nip) in rows {
            match attendee_of(self.store().as_ref(), &session, &nip).await? {
                Ok(person) if attendees.iter().any(|a| a.person_id == person.id) || persons.contains(&person.id) => {
                    outcome.already += 1
                }
                Ok(person) => persons.push(person.id),
                Err((id, en)) => outcome.problems.push(LineProblem::new(line, "nip", id, en)),
            }
        }
        let summary = format!(
            "{} peserta dari daftar hadir {} ({} baris tidak dikenali)",
            persons.len(),
            crate::evidence::clean_file_name(file_name),
            outcome.problems.len()
        );
        outcome.added = self
            .store()
            .record_attendance(&self.principal().audit_context(now), &session.id, &persons, CheckIn::List, &summary)
            .await?;
        Ok(outcome)
    }
}

/// The registry person of a NIP who may attend a session (of the session's agency), or the reason not.
async fn attendee_of(
    store: &dyn Store,
    session: &Briefing,
    nip: &str,
) -> Result<Result<PersonRecord, (String, String)>, crate::StoreError> {
    let number = match EmployeeNumber::parse(nip) {
        Ok(number) => number.to_string(),
        Err(error) => return Ok(Err((error.message(Locale::Id), error.message(Locale::En)))),
    };
    Ok(match store.registry_person_by_nip(&number).await? {
        Some(person) if same_agency(&person.agency, &session.agency) => Ok(person),
        Some(_) => Err((
            format!("NIP {number} terdaftar di instansi lain."),
            format!("NIP {number} belongs to another agency."),
        )),
        None => Err((
            format!("NIP {number} tidak ada dalam registri ASN."),
            format!("NIP {number} is not in the ASN registry."),
        )),
    })
}

/// Checks a civil servant in by the session's QR code: `Ok(None)` for an unknown code, `Err` with the reason for
/// a NIP that cannot attend.
pub async fn check_in(
    store: &dyn Store,
    token: &str,
    nip: &str,
    now: OffsetDateTime,
) -> Result<Option<(Briefing, PersonRecord)>, AccessError> {
    let Some(session) = store.socialisation_by_token(token.trim()).await? else { return Ok(None) };
    let person = attendee_of(store, &session, nip)
        .await?
        .map_err(|(id, en)| AccessError::Invalid(vec![FieldError::new("nip", id, en)]))?;
    let ctx = crate::accounts::AuditContext { actor: format!("asn:{}", person.id), office: None, at: now };
    let summary = format!("{} hadir (kode QR)", person.display_name());
    store.record_attendance(&ctx, &session.id, &[person.id], CheckIn::Qr, &summary).await?;
    Ok(Some((session, person)))
}

/// Scores an attendee's answers (in question order) and keeps the first score; `None` when the NIP is not an
/// attendee of the session or already answered.
pub async fn answer_quiz(
    store: &dyn Store,
    token: &str,
    nip: &str,
    answers: &[Option<bool>],
) -> Result<Option<(u32, u32)>, crate::StoreError> {
    let Some(session) = store.socialisation_by_token(token.trim()).await? else { return Ok(None) };
    let Ok(Some(person)) = attendee_of(store, &session, nip).await.map(Result::ok) else { return Ok(None) };
    let questions = session_quiz(&session);
    let score = netra_core::quiz::score(&questions, answers);
    let total = questions.len() as u32;
    Ok(store.record_quiz_score(&session.id, person.id, score, total).await?.then_some((score, total)))
}

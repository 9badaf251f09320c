//! Writing a case's letters: which kinds the viewer may write now, the values a template is filled with, the
//! signed document, the rendered and sealed PDF, and saving it with its audit entry.

use std::collections::BTreeMap;

use data_encoding::{BASE64, HEXLOWER};
use netra_core::catalogue::SanctionLevel;
use netra_core::letter::{self, LetterDocument, LetterKind};
use netra_core::pact::verification_code;
use netra_core::region::RegionCode;
use netra_core::workflow::ActionKind;
use serde_json::Value;
use sha2::Digest;
use time::{Date, OffsetDateTime};

use super::{CaseDesk, local_today};
use crate::access::{AccessError, AccessResult, FieldError};
use crate::cases::{CaseEvent, CaseRecord};
use crate::letters::LetterRecord;
use crate::pacts::PactKeys;

/// What the writer gives on the form (besides what the case already says).
#[derive(Debug, Clone, Default)]
pub struct LetterInput {
    pub kind: String,
    /// The letter's number; for the summons, berita acara and decision draft (others use their step's number).
    pub number: String,
    /// The examination's date (`YYYY-MM-DD`), time (`HH:MM`) and place, for the summons and the berita acara.
    pub exam_date: String,
    pub exam_time: String,
    pub exam_place: String,
}

fn field(name: &'static str, id: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError { field: name, id: id.into(), en: en.into() }
}

fn detail(event: &CaseEvent, name: &str) -> String {
    serde_json::from_str::<Value>(&event.detail)
        .ok()
        .and_then(|v| v.get(name).and_then(Value::as_str).map(String::from))
        .unwrap_or_default()
}

fn last(events: &[CaseEvent], kind: ActionKind) -> Option<&CaseEvent> {
    events.iter().rev().find(|e| e.action == kind.as_str())
}

fn sanction_text(level: SanctionLevel) -> String {
    format!("hukuman {}", level.name(netra_core::Locale::Id).to_lowercase())
}

fn region_text(code: &RegionCode) -> String {
    let regions = netra_core::builtin::regions();
    let mut names = Vec::new();
    let mut at = Some(*code);
    while let Some(current) = at {
        if let Some(region) = regions.get(&current) {
            names.push(region.name.clone());
        }
        at = current.parent();
    }
    names.join(", ")
}

impl CaseDesk<'_> {
    /// The kinds of letter this viewer may write for `case` now.
    pub fn letter_kinds(&self, events: &[CaseEvent]) -> Vec<LetterKind> {
        let role = self.principal.role();
        LetterKind::ALL
            .into_iter()
            .filter(|kind| kind.issued_by(role) && last(events, kind.requires()).is_some())
            .collect()
    }

    /// The letters of a case in scope, oldest first.
    pub async fn letters(&self, case_id: &str) -> AccessResult<Vec<LetterRecord>> {
        let case = self.case(case_id).await?;
        Ok(self.store.letters_of_case(&case.id).await?)
    }

    /// A letter of a case in scope, with its PDF.
    pub async fn letter_pdf(&self, case_id: &str, letter_id: &str) -> AccessResult<(LetterRecord, Vec<u8>)> {
        let case = self.case(case_id).await?;
        let letter =
            self.store.letter(letter_id).await?.filter(|l| l.case_id == case.id).ok_or(AccessError::NotFound)?;
        let pdf = self.store.letter_pdf(&letter.id).await?.ok_or(AccessError::NotFound)?;
        Ok((letter, pdf))
    }

    /// Writes, signs, seals and saves a letter. `verify_base` is the public address of the instance, which the
    /// QR code and the verification line point to.
    pub async fn issue_letter(
        &self,
        case_id: &str,
        input: &LetterInput,
        keys: &PactKeys,
        verify_base: &str,
        now: OffsetDateTime,
    ) -> AccessResult<LetterRecord> {
        let case = self.case(case_id).await?;
        let events = self.store.case_events(&case.id).await?;
        let Some(kind) = LetterKind::parse(input.kind.trim()) else {
            return Err(AccessError::Invalid(vec![field("kind", "Pilih jenis surat.", "Choose a kind of letter.")]));
        };
        if !kind.issued_by(self.principal.role()) {
            return Err(AccessError::Denied);
        }
        let Some(step) = last(&events, kind.requires()) else {
            return Err(AccessError::Invalid(vec![field(
                "kind",
                format!(
                    "{} baru dapat dibuat setelah langkah \"{}\".",
                    kind.name(netra_core::Locale::Id),
                    kind.requires().name(netra_core::Locale::Id)
                ),
                format!(
                    "{} can be written only after the step \"{}\".",
                    kind.name(netra_core::Locale::En),
                    kind.requires().name(netra_core::Locale::En)
                ),
            )]));
        };
        let office_region = self.principal.office.region.unwrap_or(case.region);
        let today = local_today(&office_region, now);
        let (values, number, date) = self.letter_values(&case, &events, kind, step, input, today).await?;
        let template = &netra_core::builtin::letter_templates()[&kind];
        let filled = template.fill(&values);
        let letter_id = uuid::Uuid::now_v7().to_string();
        let document = LetterDocument {
            v: LetterDocument::FORMAT,
            id: letter_id.clone(),
            kind,
            number: number.clone(),
            date: date.to_string(),
            case_number: case.number.clone(),
            issuer: self.principal.office.name.clone(),
            letter: filled.clone(),
            issued_at: now
                .to_offset(time::UtcOffset::UTC)
                .format(&time::format_description::well_known::Rfc3339)
                .expect("a UTC time formats"),
        };
        let signer = keys.current(self.store.as_ref(), now).await?;
        let signature = signer.sign_bytes(&document.canonical_bytes());
        let code = verification_code(&signature);
        let verify_url = format!("{}/verifikasi/{code}", verify_base.trim_end_matches('/'));
        let utc = now.to_offset(time::UtcOffset::UTC);
        let place_date =
            format!("{}, {}", values.get("tempat_surat").cloned().unwrap_or_default(), letter::long_date(date));
        let layout = netra_letters::Letter {
            letterhead: vec![
                self.principal.office.name.clone(),
                "Dokumen elektronik Netra · sistem pengawasan netralitas ASN".into(),
            ],
            place_date,
            number: number.clone(),
            subject: filled.subject.clone(),
            title: filled.title.clone(),
            addressee: filled.addressee.clone(),
            paragraphs: filled.paragraphs.clone(),
            facts: filled.facts.clone(),
            closing: filled.closing.clone(),
            signer: filled.signer.clone(),
            signed_by: self.principal.user.display_name.clone(),
            copies: filled.copies.clone(),
            code: code.clone(),
            verify_url,
            seal: letter::seal_placeholder(signer.key_id()),
            issued: (utc.year() as u16, u8::from(utc.month()), utc.day(), utc.hour(), utc.minute(), utc.second()),
        };
        let mut pdf = netra_letters::render(&layout).map_err(|e| crate::StoreError::Invalid(e.to_string()))?;
        letter::seal_pdf(&mut pdf, &signer).map_err(|e| crate::StoreError::Invalid(e.to_string()))?;
        let record = LetterRecord {
            id: letter_id,
            code,
            case_id: case.id.clone(),
            kind,
            number,
            document,
            key_id: signer.key_id().to_string(),
            signature: BASE64.encode(&signature),
            pdf_sha256: HEXLOWER.encode(&sha2::Sha256::digest(&pdf)),
            issued_by: self.principal.user.id.clone(),
            office_id: Some(self.principal.office.id.clone()),
            issued_at: now,
        };
        self.store.create_letter(&self.principal.audit_context(now), &case, &record, &pdf).await?;
        Ok(record)
    }

    /// The template's values for this case, the letter's number and its date.
    async fn letter_values(
        &self,
        case: &CaseRecord,
        events: &[CaseEvent],
        kind: LetterKind,
        step: &CaseEvent,
        input: &LetterInput,
        today: Date,
    ) -> AccessResult<(BTreeMap<&'static str, String>, String, Date)> {
        let mut errors = Vec::new();
        let catalogue = netra_core::builtin::catalogue();
        let mut values: BTreeMap<&'static str, String> = BTreeMap::new();
        let agency_name = match case.ppk_agency_id.as_ref().or(case.agency_id.as_ref()) {
            Some(id) => self.store.agency(id).await?.map(|a| a.name),
            None => None,
        }
        .unwrap_or_else(|| case.person.agency_text.clone());
        let office_region = self.principal.office.region;
        values.insert(
            "tempat_surat",
            office_region
                .and_then(|code| netra_core::builtin::regions().get(&code).map(|r| r.name.clone()))
                .unwrap_or_else(|| "Jakarta".into()),
        );
        values.insert("pengirim", self.principal.office.name.clone());
        values.insert("nomor_kasus", case.number.clone());
        values.insert("nama", case.person.name.clone());
        values.insert("nip", case.person.nip.clone().unwrap_or_else(|| "-".into()));
        values.insert("jabatan", case.person.position.clone());
        values.insert("instansi", agency_name.clone());
        values.insert("wilayah", region_text(&case.region));
        values.insert("tanggal_kejadian", letter::long_date(case.occurred_on));
        values.insert("uraian", case.description.clone());
        let items: Vec<String> = case
            .items
            .iter()
            .map(|code| match catalogue.get(code) {
                Some(item) => format!("{} ({})", item.title_id, item.legal_basis.join("; ")),
                None => code.clone(),
            })
            .collect();
        values.insert("butir", items.join("; "));
        if let Some(register) = last(events, ActionKind::Register) {
            values.insert("nomor_registrasi", detail(register, "number"));
        }
        if let Some(forward) = last(events, ActionKind::ForwardToBkn) {
            values.insert("nomor_penerusan", detail(forward, "letter_number"));
            values.insert("tanggal_penerusan", letter::long_date(forward.on));
        }
        let recommended = last(events, ActionKind::Recommend);
        if let Some(recommend) = recommended {
            values.insert("nomor_rekomendasi", detail(recommend, "letter_number"));
            values.insert("tanggal_rekomendasi", letter::long_date(recommend.on));
        }
        let level = last(events, ActionKind::IssueSanction)
            .or(recommended)
            .and_then(|event| SanctionLevel::parse(&detail(event, "level")));
        if let Some(level) = level {
            values.insert("tingkat_sanksi", sanction_text(level));
        }
        match kind {
            LetterKind::Penerusan => {
                let bkn = match &case.bkn_office_id {
                    Some(id) => self.store.office(id).await?.map(|o| o.name),
                    None => None,
                };
                values.insert("penerima", bkn.unwrap_or_else(|| "Badan Kepegawaian Negara".into()));
            }
            LetterKind::Rekomendasi => {
                values.insert("penerima", format!("Pejabat Pembina Kepegawaian {agency_name}"));
            }
            _ => {
                values.insert("penerima", case.person.name.clone());
            }
        }
        // The forwarding and recommendation letters are those of their steps: number and date as recorded.
        let (number, date) = if kind.asks_for_number() {
            let number = input.number.trim();
            if number.chars().count() > 100 {
                errors.push(field("number", "Nomor surat terlalu panjang.", "The letter number is too long."));
            }
            let number = if number.is_empty() {
                format!("{}/{}/{}", case.number, kind.as_str().to_uppercase(), today.year())
            } else {
                number.to_string()
            };
            (number, today)
        } else {
            (detail(step, "letter_number"), step.on)
        };
        values.insert("nomor_surat", number.clone());
        values.insert("tanggal_surat", letter::long_date(date));
        if kind.asks_for_examination() {
            let recorded = last(events, ActionKind::RecordExamination).map(|e| e.on);
            let exam_date = match input.exam_date.trim() {
                "" => recorded.ok_or(()),
                text => Date::parse(text, &time::format_description::well_known::Iso8601::DATE).map_err(|_| ()),
            };
            match exam_date {
                Ok(day) if kind == LetterKind::Panggilan && day < date => errors.push(field(
                    "exam_date",
                    "Tanggal pemeriksaan tidak boleh sebelum tanggal surat panggilan.",
                    "The examination cannot be before the summons.",
                )),
                Ok(day) => {
                    values.insert("tanggal_pemeriksaan", letter::day_and_date(day));
                }
                Err(()) => errors.push(field(
                    "exam_date",
                    "Isi tanggal pemeriksaan (TTTT-BB-HH).",
                    "Give the examination's date (YYYY-MM-DD).",
                )),
            }
            let time_ok = input.exam_time.trim().len() == 5
                && time::Time::parse(input.exam_time.trim(), time::macros::format_description!("[hour]:[minute]"))
                    .is_ok();
            if time_ok {
                let zone = super::zone_of(&self.principal.office.region.unwrap_or(case.region));
                values.insert("jam_pemeriksaan", format!("{} {}", input.exam_time.trim(), zone.abbreviation()));
            } else {
                errors.push(field("exam_time", "Isi jam pemeriksaan (JJ:MM).", "Give the examination's time (HH:MM)."));
            }
            let place = input.exam_place.trim();
            if place.is_empty() || place.chars().count() > 200 {
                errors.push(field(
                    "exam_place",
                    "Isi tempat pemeriksaan (paling panjang 200 huruf).",
                    "Give the examination's place (at most 200 characters).",
                ));
            } else {
                values.insert("tempat_pemeriksaan", place.to_string());
            }
        }
        if errors.is_empty() { Ok((values, number, date)) } else { Err(AccessError::Invalid(errors)) }
    }
}

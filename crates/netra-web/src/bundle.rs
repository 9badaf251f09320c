//! `GET /kasus/{id}/berkas.zip`: a case's bundle for Gakkumdu or a court — the record (`kasus.json`), every
//! evidence file as stored, the signed letters, the audit trail (`audit.json`), a checksum list (`SHA256SUMS`,
//! `sha256sum -c` format) and a note on what is inside. Written to a temporary file off the async runtime (evidence
//! can be large) and streamed; the download is audited with the checksum list's SHA-256.

use std::io::{Read, Write};

use axum::extract::{Path, State};
use axum::response::Response;
use netra_core::Locale;
use netra_store::casework::CaseBundle;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::AppState;
use crate::auth::Staff;
use crate::staff::{internal, now, refusal};

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A name safe inside the archive: no directories, no control characters.
fn safe_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    let cleaned = cleaned.trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() { "berkas".into() } else { cleaned }
}

fn record_json(bundle: &CaseBundle, evidence: &[Value]) -> Value {
    let case = &bundle.file.case;
    let catalogue = netra_core::builtin::catalogue();
    json!({
        "case_number": case.number,
        "state": { "code": case.state().code(), "name": case.state().name(Locale::Id) },
        "origin": case.origin.as_str(),
        "election": case.election_id,
        "occurred_on": case.occurred_on.to_string(),
        "known_on": case.known_on.to_string(),
        "received_on": case.received_on.to_string(),
        "region": { "code": case.region.to_string(), "name": crate::cases::region_name(&case.region) },
        "place": case.place,
        "coordinates": case.latitude.zip(case.longitude),
        "description": case.description,
        "reported_person": {
            "name": case.person.name, "position": case.person.position,
            "agency_as_reported": case.person.agency_text, "nip": case.person.nip,
            "agency_id": case.agency_id, "registry_person_id": case.registry_person_id,
        },
        "items": case.items.iter().map(|code| match catalogue.get(code) {
            Some(item) => json!({ "code": code, "title": item.title_id, "legal_basis": item.legal_basis,
                                  "level": item.level.as_str() }),
            None => json!({ "code": code }),
        }).collect::<Vec<_>>(),
        "ppk_agency_id": case.ppk_agency_id,
        // Reporters: how they reported; a name only for open reports (confidential identities stay sealed).
        "reports": bundle.file.reports.iter().map(|r| json!({
            "id": r.id, "channel": r.channel.as_str(), "mode": r.mode.as_str(),
            "reporter": r.identity.as_ref().map(|i| i.name.clone()),
            "description": r.description, "submitted_at": rfc3339(r.submitted_at),
        })).collect::<Vec<_>>(),
        "events": bundle.file.events.iter().map(|e| json!({
            "seq": e.seq, "action": e.action, "from": e.from_state.as_str(), "to": e.to_state.as_str(),
            "on": e.on.to_string(), "actor": e.actor, "office": e.office_id,
            "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::Null), "at": rfc3339(e.at),
        })).collect::<Vec<_>>(),
        "messages": bundle.file.messages.iter().map(|m| json!({
            "from_reporter": m.from_reporter, "body": m.body, "at": rfc3339(m.at),
        })).collect::<Vec<_>>(),
        "links": bundle.file.links.iter().map(|l| json!({ "case": l.other_case_id, "kind": l.kind })).collect::<Vec<_>>(),
        "evidence": evidence,
        "letters": bundle.letters.iter().map(|(letter, _)| json!({
            "file": format!("surat/{}-{}.pdf", letter.kind.as_str(), letter.code),
            "kind": letter.kind.as_str(), "number": letter.number, "code": letter.code,
            "key_id": letter.key_id, "sha256": letter.pdf_sha256, "issued_at": rfc3339(letter.issued_at),
        })).collect::<Vec<_>>(),
    })
}

fn audit_json(bundle: &CaseBundle) -> Value {
    json!({
        "entries_verified": bundle.entries_verified,
        "entries": bundle.audit.iter().map(|e| json!({
            "seq": e.seq, "at": rfc3339(e.at), "actor": e.actor, "office": e.office, "action": e.action,
            "summary": e.summary, "before_digest": e.before_digest, "after_digest": e.after_digest,
            "prev_hash": e.prev_hash, "hash": e.hash,
        })).collect::<Vec<_>>(),
    })
}

const README: &str = "Berkas perkara Netra\n\
\n\
kasus.json   catatan kasus: fakta, butir katalog, laporan (identitas pelapor rahasia tidak disertakan),\n\
             riwayat tindakan, pesan, bukti (nama berkas, SHA-256, ukuran, jenis) dan surat\n\
bukti/       berkas bukti sebagaimana tersimpan; SHA-256 masing-masing tercatat di kasus.json dan SHA256SUMS\n\
surat/       surat PDF bertanda tangan; periksa dengan `netra letter verify` atau di /verifikasi/{kode}\n\
audit.json   jejak audit kasus (rantai hash); seluruh rantai diperiksa dengan `netra audit verify`\n\
SHA256SUMS   SHA-256 setiap berkas di arsip ini (periksa: sha256sum -c SHA256SUMS)\n";

/// Writes the archive; returns the file and the SHA-256 of its checksum list and how many files it lists.
fn write_zip(
    bundle: &CaseBundle,
    blobs: &netra_store::blobs::BlobStore,
) -> std::io::Result<(tempfile::NamedTempFile, String, usize)> {
    let file = tempfile::NamedTempFile::new()?;
    let mut zip = zip::ZipWriter::new(file.reopen()?);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    // Media is already compressed: stored as is, read in one pass.
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).large_file(true);
    let mut sums = Vec::new();
    let mut evidence = Vec::new();
    for (n, item) in bundle.file.evidence.iter().enumerate() {
        let name = format!("bukti/{:02}-{}", n + 1, safe_name(&item.file_name));
        let path = blobs.path_of(&item.sha256).ok_or_else(|| std::io::Error::other("malformed evidence hash"))?;
        let mut source = std::fs::File::open(&path)?;
        zip.start_file(name.as_str(), stored)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = source.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            zip.write_all(&buffer[..read])?;
        }
        let on_disk = data_encoding::HEXLOWER.encode(&hasher.finalize());
        sums.push(format!("{on_disk}  {name}"));
        evidence.push(json!({
            "file": name, "name": item.file_name, "sha256": item.sha256, "sha256_on_disk": on_disk,
            "intact": on_disk == item.sha256, "size": item.size, "content_type": item.content_type,
            "metadata": serde_json::from_str::<Value>(&item.metadata).unwrap_or(Value::Null),
            "uploaded_by": item.uploaded_by, "uploaded_at": rfc3339(item.uploaded_at),
        }));
    }
    let mut add = |zip: &mut zip::ZipWriter<std::fs::File>, name: String, bytes: &[u8], options| {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
        sums.push(format!("{}  {name}", data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))));
        Ok::<(), std::io::Error>(())
    };
    for (letter, pdf) in &bundle.letters {
        add(&mut zip, format!("surat/{}-{}.pdf", letter.kind.as_str(), letter.code), pdf, deflated)?;
    }
    let record = serde_json::to_vec_pretty(&record_json(bundle, &evidence)).map_err(std::io::Error::other)?;
    add(&mut zip, "kasus.json".into(), &record, deflated)?;
    let audit = serde_json::to_vec_pretty(&audit_json(bundle)).map_err(std::io::Error::other)?;
    add(&mut zip, "audit.json".into(), &audit, deflated)?;
    add(&mut zip, "BACA-SAYA.txt".into(), README.as_bytes(), deflated)?;
    let listed = sums.len();
    let mut list = sums.join("\n");
    list.push('\n');
    zip.start_file("SHA256SUMS", deflated)?;
    zip.write_all(list.as_bytes())?;
    zip.finish()?;
    Ok((file, data_encoding::HEXLOWER.encode(&Sha256::digest(list.as_bytes())), listed))
}

/// `GET /kasus/{id}/berkas.zip`.
pub async fn download(State(state): State<AppState>, Staff(user): Staff, Path(id): Path<String>) -> Response {
    let desk = match user.principal.case_desk(&state.store) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/kasus", &error),
    };
    let bundle = match desk.bundle(&id).await {
        Ok(bundle) => std::sync::Arc::new(bundle),
        Err(error) => return refusal(&user, "/kasus", &error),
    };
    let vault = state.vault.clone();
    let job = bundle.clone();
    let written = tokio::task::spawn_blocking(move || write_zip(&job, &vault.blobs)).await;
    let (file, sums, listed) = match written {
        Ok(Ok(done)) => done,
        Ok(Err(error)) => return internal(error),
        Err(error) => return internal(error),
    };
    if let Err(error) = desk.record_bundle(&bundle, &sums, listed, now(&state)).await {
        return refusal(&user, "/kasus", &error);
    }
    let body = match crate::export::file_body(file) {
        Ok(body) => body,
        Err(error) => return internal(error),
    };
    crate::export::attachment("application/zip", format!("berkas-{}.zip", bundle.file.case.number), body)
}

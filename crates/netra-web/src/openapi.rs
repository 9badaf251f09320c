//! The OpenAPI 3.1 document of every JSON endpoint, served at `/api/openapi.json`: the public reporting API
//! (receipts in the `Authorization: Receipt …` header), the public reference data and key list, and the staff
//! endpoints (session cookie). A test holds it to a snapshot and to the route table; `scripts/api-fuzz.sh` runs
//! schemathesis against a live server with it.

use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// `GET /api/openapi.json`.
pub async fn serve() -> Response {
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(document())).into_response()
}

fn schema(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_response(description: &str, body: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": body } } })
}

fn errors(description: &str) -> Value {
    json_response(description, schema("Errors"))
}

fn refusal(description: &str) -> Value {
    json_response(description, schema("Refusal"))
}

/// The responses every staff endpoint may give besides its own.
fn staff_responses(ok: Value) -> Value {
    json!({
        "200": ok,
        "401": { "description": "Not signed in, or the second factor or a password change is still owed" },
        "403": refusal("The role may not read this"),
        "404": refusal("Nothing with this id in the caller's jurisdiction"),
    })
}

fn query(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "string" } })
}

fn path_parameter(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

/// The whole document.
pub fn document() -> Value {
    let receipt = json!([{ "receipt": [] }]);
    let session = json!([{ "session": [] }]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Netra API",
            "version": "1",
            "description": "Reporting ASN neutrality violations and following a report with its receipt (public; receipts travel only in the `Authorization: Receipt <receipt>` header, never in URLs), the reference data and public keys anyone may read, and the JSON views staff read with their session."
        },
        "paths": {
            "/healthz": { "get": {
                "summary": "Health check",
                "responses": {
                    "200": json_response("Up", schema("Health")),
                    "503": json_response("Database unreachable", schema("Health"))
                }
            }},
            "/api/openapi.json": { "get": {
                "summary": "This document",
                "responses": { "200": json_response("The OpenAPI document", json!({ "type": "object" })) }
            }},
            "/api/v1/regions": { "get": {
                "summary": "Regions: the provinces, the children of `parent`, or those whose name contains `q`",
                "parameters": [query("parent", "A region code, e.g. 32 or 32.04"), query("q", "Part of a name, at most 100 characters")],
                "responses": {
                    "200": json_response("Regions", json!({ "type": "array", "items": schema("Region") })),
                    "422": errors("`parent` is not a region code, or `q` is too long")
                }
            }},
            "/api/v1/catalogue": { "get": {
                "summary": "The legal catalogue of prohibited acts",
                "responses": { "200": json_response("Catalogue", schema("Catalogue")) }
            }},
            "/pakta/kunci.json": { "get": {
                "summary": "The instance's public signing keys (current and retired), to verify pacts and letters offline",
                "responses": { "200": json_response("Keys", json!({ "type": "array", "items": schema("PublicKey") })) }
            }},
            "/api/v1/reports": { "post": {
                "summary": "File a report",
                "requestBody": { "required": true, "content": { "application/json": { "schema": schema("NewReport") } } },
                "responses": {
                    "201": json_response("Filed; the receipt is shown only in this answer", schema("Filed")),
                    "400": errors("Malformed JSON"),
                    "413": { "description": "Body too large" },
                    "415": errors("Not JSON"),
                    "422": errors("Invalid fields, one error per field")
                }
            }},
            "/api/v1/reports/status": { "get": {
                "summary": "The report's public status and the messages for the reporter",
                "security": receipt,
                "responses": {
                    "200": json_response("Status", schema("Status")),
                    "401": errors("Missing or unknown receipt"),
                    "429": errors("Too many wrong receipts from this address")
                }
            }},
            "/api/v1/reports/messages": { "post": {
                "summary": "Reply to staff or add information",
                "security": receipt,
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["body"], "properties": { "body": { "type": "string", "maxLength": 5000 } } } } } },
                "responses": {
                    "201": json_response("Sent", json!({ "type": "object", "required": ["ok"], "properties": { "ok": { "const": true } } })),
                    "400": errors("Malformed JSON"),
                    "401": errors("Missing or unknown receipt"),
                    "404": { "description": "The report is gone (merged into another case)" },
                    "413": { "description": "Body too large" },
                    "422": errors("Invalid"),
                    "429": errors("Too many wrong receipts from this address")
                }
            }},
            "/api/v1/reports/evidence": { "post": {
                "summary": "Add evidence files (photo, video, audio, PDF, text; at most 10 files of 20 MB per request)",
                "security": receipt,
                "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                    "type": "object", "properties": { "files": { "type": "array", "items": { "type": "string", "format": "binary" } } } } } } },
                "responses": {
                    "201": json_response("Stored; each file's SHA-256", json!({ "type": "object", "required": ["files"], "properties": {
                        "files": { "type": "array", "items": { "type": "object", "required": ["sha256", "content_type", "size", "name"], "properties": {
                            "sha256": { "type": "string" }, "content_type": { "type": "string" }, "size": { "type": "integer" }, "name": { "type": "string" } } } } } })),
                    "400": { "description": "Not a multipart body" },
                    "401": errors("Missing or unknown receipt"),
                    "413": { "description": "Body too large" },
                    "415": { "description": "Not multipart/form-data" },
                    "422": errors("A refused file, or none"),
                    "429": errors("Too many wrong receipts from this address")
                }
            }},
            "/api/v1/candidate-pairs": { "get": {
                "summary": "Candidate pairs relevant to the caller's jurisdiction",
                "security": session,
                "parameters": [query("election", "An election id, e.g. pilkada-2024")],
                "responses": staff_responses(json_response("Pairs", json!({ "type": "array", "items": schema("CandidatePair") })))
            }},
            "/api/v1/audit/{kind}/{id}": { "get": {
                "summary": "The audit trail of one object (office, user, agency, case, …) in the caller's jurisdiction",
                "security": session,
                "parameters": [path_parameter("kind", "The object's kind, e.g. case or office"), path_parameter("id", "The object's id")],
                "responses": staff_responses(json_response("Entries, newest first", json!({ "type": "array", "items": schema("AuditEntry") })))
            }},
            "/api/v1/indeks": { "get": {
                "summary": "The neutrality index of an election per agency or kabupaten/kota, with every intermediate value",
                "security": session,
                "parameters": [query("pemilihan", "An election id; the current one when empty"), query("tingkat", "instansi (default) or wilayah")],
                "responses": staff_responses(json_response("The index", schema("Index")))
            }}
        },
        "components": {
            "securitySchemes": {
                "receipt": { "type": "http", "scheme": "Receipt", "description": "The receipt returned when the report was filed." },
                "session": { "type": "apiKey", "in": "cookie", "name": "netra_sesi", "description": "A staff session from signing in at /masuk." }
            },
            "schemas": {
                "Health": { "type": "object", "required": ["status", "database"], "properties": {
                    "status": { "enum": ["ok", "unavailable"] }, "database": { "type": "string" } } },
                "Region": { "type": "object", "required": ["code", "name", "level"], "properties": {
                    "code": { "type": "string" }, "name": { "type": "string" },
                    "level": { "enum": ["province", "regency", "district", "village"] } } },
                "Catalogue": { "type": "object", "required": ["version", "items"], "properties": {
                    "version": { "type": "string" },
                    "items": { "type": "array", "items": { "type": "object",
                        "required": ["code", "parent", "title_id", "title_en", "legal_basis", "category", "level", "acts"],
                        "properties": {
                            "code": { "type": "string" }, "parent": { "type": ["string", "null"] },
                            "title_id": { "type": "string" }, "title_en": { "type": "string" },
                            "legal_basis": { "type": "array", "items": { "type": "string" } },
                            "category": { "type": "string" }, "level": { "type": "string" },
                            "acts": { "type": "array", "items": { "type": "string" } } } } } } },
                "PublicKey": { "type": "object", "required": ["key_id", "public_key"], "properties": {
                    "key_id": { "type": "string" }, "public_key": { "type": "string", "description": "32-byte Ed25519 key, base64" } } },
                "NewReport": {
                    "type": "object",
                    "required": ["description", "occurred_on", "known_on", "region_code", "reported_person", "reporter"],
                    "properties": {
                        "description": { "type": "string", "minLength": 20, "maxLength": 10000 },
                        "occurred_on": { "type": "string", "format": "date" },
                        "known_on": { "type": "string", "format": "date", "description": "When the reporter learned of the act; the 7-day limit runs from it" },
                        "region_code": { "type": "string", "pattern": "^[0-9]{2}\\.[0-9]{2}(\\.[0-9]{2})?$", "examples": ["32.04", "32.04.05"], "description": "Kemendagri code of a regency/city or district" },
                        "place": { "type": "string", "maxLength": 300 },
                        "latitude": { "type": "number" },
                        "longitude": { "type": "number" },
                        "reported_person": { "type": "object", "required": ["name"], "properties": {
                            "name": { "type": "string" }, "position": { "type": "string" }, "agency": { "type": "string" }, "nip": { "type": "string" } } },
                        "links": { "type": "array", "maxItems": 20, "items": { "type": "string", "format": "uri" } },
                        "reporter": { "type": "object", "required": ["mode"], "properties": {
                            "mode": { "enum": ["anonymous", "confidential", "open"] },
                            "name": { "type": "string" }, "contact": { "type": "string" } } }
                    }
                },
                "Filed": { "type": "object", "required": ["receipt", "case_number"], "properties": {
                    "receipt": { "type": "string", "examples": ["ABCD-EFGH-JKLM-NPQR"] }, "case_number": { "type": "string" },
                    "status": { "type": "string" }, "evidence": { "type": "string" } } },
                "Status": { "type": "object", "required": ["case_number", "state", "status", "messages"], "properties": {
                    "case_number": { "type": "string" }, "state": { "type": "string" }, "status": { "type": "string" }, "status_en": { "type": "string" },
                    "received_on": { "type": "string", "format": "date" }, "updated_at": { "type": "string", "format": "date-time" },
                    "evidence_count": { "type": "integer" },
                    "messages": { "type": "array", "items": { "type": "object", "required": ["from", "body", "at"], "properties": {
                        "from": { "enum": ["staff", "reporter"] }, "body": { "type": "string" }, "at": { "type": "string", "format": "date-time" } } } } } },
                "CandidatePair": { "type": "object",
                    "required": ["id", "election", "region", "ballot_number", "head", "deputy", "nicknames", "parties", "slogans", "hashtags"],
                    "properties": {
                        "id": { "type": "string" }, "election": { "type": "string" }, "region": { "type": "string" },
                        "ballot_number": { "type": "integer" }, "head": { "type": "string" }, "deputy": { "type": "string" },
                        "nicknames": { "type": "array", "items": { "type": "string" } }, "parties": { "type": "array", "items": { "type": "string" } },
                        "slogans": { "type": "array", "items": { "type": "string" } }, "hashtags": { "type": "array", "items": { "type": "string" } } } },
                "AuditEntry": { "type": "object", "required": ["seq", "at", "actor", "office", "action", "summary", "before", "after", "hash"],
                    "properties": {
                        "seq": { "type": "integer" }, "at": { "type": "integer", "description": "Unix time" }, "actor": { "type": "string" },
                        "office": { "type": ["string", "null"] }, "action": { "type": "string" }, "summary": { "type": "string" },
                        "before": { "type": ["string", "null"] }, "after": { "type": ["string", "null"] }, "hash": { "type": "string" } } },
                "Index": { "type": "object", "required": ["election", "level", "indicators", "method", "units"], "properties": {
                    "election": { "type": "string" }, "level": { "enum": ["instansi", "wilayah"] },
                    "indicators": { "type": "array", "items": { "type": "string" } },
                    "method": { "type": "object" },
                    "units": { "type": "array", "items": { "type": "object",
                        "required": ["key", "name", "group", "persons", "cases", "index", "rank", "unranked"],
                        "properties": {
                            "key": { "type": "string" }, "name": { "type": "string" }, "group": { "type": "string" },
                            "persons": { "type": "integer" }, "cases": { "type": "integer" },
                            "violations": { "type": "array", "items": { "type": "number" } },
                            "index": { "type": "number" }, "rank": { "type": ["integer", "null"] },
                            "unranked": { "enum": ["few_persons", "few_expected", null] } } } } } },
                "Errors": { "type": "object", "required": ["errors"], "properties": { "errors": { "type": "array", "items": {
                    "type": "object", "required": ["field", "message"], "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } } } },
                "Refusal": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } }
            }
        }
    })
}

//! JSON endpoints.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use netra_core::Localized;
use netra_core::region::RegionCode;
use serde::{Deserialize, Serialize};

use crate::AppState;

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: String,
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn health(State(state): State<AppState>) -> Response {
    let database = state.store.backend().to_string();
    match state.store.ping().await {
        Ok(()) => Json(Health { status: "ok", database }).into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable", database })).into_response()
        }
    }
}

/// A field's problem, as every invalid API input is reported.
#[derive(Serialize)]
pub struct FieldError {
    field: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Errors {
    errors: Vec<FieldError>,
}

fn unprocessable(errors: Vec<FieldError>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(Errors { errors })).into_response()
}

fn internal(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(serde_json::json!({"errors": [{"field": "", "message": "internal error"}]})),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct RegionQuery {
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    q: Option<String>,
}

#[derive(Serialize)]
struct RegionView {
    code: String,
    name: String,
    level: &'static str,
}

/// `GET /api/v1/regions?parent=32.04` (children; provinces without `parent`) or `?q=bandung` (search).
pub async fn regions(State(state): State<AppState>, Query(query): Query<RegionQuery>) -> Response {
    let parent = match query.parent.as_deref().filter(|p| !p.trim().is_empty()).map(RegionCode::parse).transpose() {
        Ok(parent) => parent,
        Err(error) => {
            return unprocessable(vec![FieldError { field: "parent", message: error.message(netra_core::Locale::Id) }]);
        }
    };
    let result = match query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        Some(text) if text.chars().count() > 100 => {
            return unprocessable(vec![FieldError {
                field: "q",
                message: "Kata kunci paling banyak 100 karakter.".into(),
            }]);
        }
        Some(text) => state.store.search_regions(text, None, 50).await,
        None => state.store.region_children(parent).await,
    };
    match result {
        Ok(regions) => Json(
            regions
                .into_iter()
                .map(|r| RegionView { code: r.code.to_string(), level: r.level().as_str(), name: r.name })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(error) => internal(error),
    }
}

#[derive(Serialize)]
struct CatalogueItemView<'a> {
    code: &'a str,
    parent: Option<&'a str>,
    title_id: &'a str,
    title_en: &'a str,
    legal_basis: &'a [String],
    category: &'static str,
    level: &'static str,
    acts: Vec<&'static str>,
}

/// `GET /api/v1/catalogue`: every item with its legal basis and sanction level.
pub async fn catalogue(State(state): State<AppState>) -> Response {
    let items: Vec<CatalogueItemView> = state
        .catalogue
        .items()
        .iter()
        .map(|item| CatalogueItemView {
            code: &item.code,
            parent: item.parent.as_deref(),
            title_id: &item.title_id,
            title_en: &item.title_en,
            legal_basis: &item.legal_basis,
            category: item.category.name(netra_core::Locale::En),
            level: item.level.severity_code(),
            acts: item.acts.iter().map(|act| act.as_str()).collect(),
        })
        .collect();
    Json(serde_json::json!({"version": state.catalogue.version(), "items": items})).into_response()
}

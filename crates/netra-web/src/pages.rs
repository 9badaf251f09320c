//! Public HTML pages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use netra_core::Locale;
use netra_core::catalogue::SanctionCategory;
use serde::Deserialize;

use crate::AppState;

/// What the shared layout needs.
#[derive(Debug)]
pub struct Chrome {
    pub lang: &'static str,
    pub en: bool,
    /// `?lang=en` when browsing in English, so links keep the language.
    pub lang_query: &'static str,
    pub nav: &'static str,
    pub path: String,
}

impl Chrome {
    fn new(locale: Locale, nav: &'static str, path: &str) -> Chrome {
        let en = locale == Locale::En;
        Chrome { lang: locale.tag(), en, lang_query: if en { "?lang=en" } else { "" }, nav, path: path.to_string() }
    }
}

/// `?lang=` on any page.
#[derive(Debug, Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

fn locale_of(lang: &Option<String>) -> Locale {
    lang.as_deref().map_or(Locale::Id, Locale::from_tag)
}

fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "Terjadi kesalahan / internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    forbidden: Vec<String>,
    item_count: usize,
    election_today: Option<String>,
}

pub async fn home(State(state): State<AppState>, Query(query): Query<LangQuery>) -> Response {
    let locale = locale_of(&query.lang);
    // A short list drawn from the catalogue: the top-level discipline items, so the home page never drifts from
    // the rules.
    let forbidden = state
        .catalogue
        .items()
        .iter()
        .filter(|item| item.parent.is_none() && item.code.starts_with("D-") && item.code != "D-OTHER")
        .take(8)
        .map(|item| item.title(locale).to_string())
        .collect();
    let today = netra_core::calendar::TimeZone::Wib.local_date((state.now)());
    let election_today = netra_core::builtin::elections().iter().find_map(|election| {
        let stages = election.stages_on(today);
        let stage = stages.first()?;
        Some(match locale {
            Locale::Id => format!("Hari ini: {}: tahapan {}.", election.name(locale), stage.name(locale)),
            Locale::En => format!("Today: {}: {}.", election.name(locale), stage.name(locale)),
        })
    });
    let page = HomePage {
        chrome: Chrome::new(locale, "home", "/"),
        forbidden,
        item_count: state.catalogue.items().len(),
        election_today,
    };
    render(&page, StatusCode::OK)
}

#[derive(Debug, Deserialize, Default)]
pub struct CatalogueQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    kategori: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

struct ItemView {
    code: String,
    parent: Option<String>,
    title: String,
    text: String,
    legal_basis: String,
    category: &'static str,
    category_id: &'static str,
    level: &'static str,
    level_id: &'static str,
    sanction: String,
    phase: &'static str,
    note: Option<String>,
}

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    chrome: Chrome,
    title: String,
    version: String,
    query: String,
    category: String,
    categories: Vec<(&'static str, &'static str)>,
    items: Vec<ItemView>,
    total: usize,
}

fn category_id(category: SanctionCategory) -> &'static str {
    match category {
        SanctionCategory::KodeEtik => "kode_etik",
        SanctionCategory::Disiplin => "disiplin",
        SanctionCategory::Pidana => "pidana",
    }
}

pub async fn catalogue(State(state): State<AppState>, Query(query): Query<CatalogueQuery>) -> Response {
    let locale = locale_of(&query.lang);
    let text = query.q.unwrap_or_default();
    let category = query.kategori.unwrap_or_default();
    let items = state
        .catalogue
        .search(&text)
        .into_iter()
        .filter(|item| category.is_empty() || category_id(item.category) == category)
        .map(|item| ItemView {
            code: item.code.clone(),
            parent: item.parent.clone(),
            title: item.title(locale).to_string(),
            text: item.text(locale).to_string(),
            legal_basis: item.legal_basis.join("; "),
            category: item.category.name(locale),
            category_id: category_id(item.category),
            level: item.level.name(locale),
            level_id: item.level.as_str(),
            sanction: item.sanction(locale).to_string(),
            phase: item.phase.name(locale),
            note: item.note.clone(),
        })
        .collect();
    let categories = [SanctionCategory::KodeEtik, SanctionCategory::Disiplin, SanctionCategory::Pidana]
        .into_iter()
        .map(|c| (category_id(c), c.name(locale)))
        .collect();
    let page = CataloguePage {
        chrome: Chrome::new(locale, "katalog", "/katalog"),
        title: state.catalogue.title(locale).to_string(),
        version: state.catalogue.version().to_string(),
        query: text,
        category,
        categories,
        items,
        total: state.catalogue.items().len(),
    };
    render(&page, StatusCode::OK)
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/netra.css"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    chrome: Chrome,
}

pub async fn not_found(uri: Uri) -> Response {
    let locale = if uri.query().is_some_and(|q| q.contains("lang=en")) { Locale::En } else { Locale::Id };
    render(&NotFoundPage { chrome: Chrome::new(locale, "", uri.path()) }, StatusCode::NOT_FOUND)
}

//! Reference-data administration (offices, users, agencies and units, elections, candidate pairs) and the
//! audit trail pages. Every operation goes through a capability-scoped handle from `netra_store::access`.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use netra_core::Locale;
use netra_core::audit::AuditEntry;
use netra_store::access::{AccessError, AgencyInput, CandidatePairInput, NewUserInput, OfficeInput, UserEditInput};
use netra_store::accounts::{AgencyKind, CandidatePair, Office};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SessionUser, Staff};
use crate::staff::{
    Cell, Field, FieldKind, FormSpec, NoticeQuery, Section, StaffPage, Table, form_failed as failed, now, refusal,
};

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn region_text(code: Option<netra_core::region::RegionCode>) -> String {
    code.map_or_else(|| "—".to_string(), |c| c.to_string())
}

fn trail_link(l: Locale, kind: &str, id: &str) -> Section {
    Section::Links(vec![(
        format!("/audit/{kind}/{id}"),
        l.pick("Jejak audit objek ini", "This object's audit trail").into(),
        l.pick("Semua perubahan, dengan pelaku dan waktu.", "Every change, with actor and time.").into(),
    )])
}

// ----- Offices -----

#[derive(Debug, Deserialize, Default)]
pub struct OfficeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    email: String,
}

impl From<&OfficeForm> for OfficeInput {
    fn from(form: &OfficeForm) -> OfficeInput {
        OfficeInput {
            name: form.name.clone(),
            region: form.region.clone(),
            agency: form.agency.clone(),
            email: form.email.clone(),
        }
    }
}

fn office_form(l: Locale, action: &str, form: &OfficeForm, submit: &str) -> FormSpec {
    FormSpec::new(
        action,
        submit,
        vec![
            Field::new("name", l.pick("Nama kantor", "Office name"), FieldKind::Text, &form.name),
            Field::new("region", l.pick("Kode wilayah", "Region code"), FieldKind::Text, &form.region).help(l.pick(
                "Mis. 32 (provinsi) atau 32.04 (kabupaten/kota); kosong untuk kantor pusat.",
                "E.g. 32 (province) or 32.04 (regency/city); empty for a national office.",
            )),
            Field::new("agency", l.pick("Instansi (id)", "Agency (id)"), FieldKind::Text, &form.agency).help(l.pick(
                "Mis. pemkab-bandung; kosong bila bukan kantor instansi.",
                "E.g. pemkab-bandung; empty when not an agency office.",
            )),
            Field::new("email", l.pick("Surel pemberitahuan", "Notification e-mail"), FieldKind::Text, &form.email)
                .autocomplete("email")
                .help(l.pick(
                    "Boleh kosong. Pelimpahan, balasan pelapor dan pengingat batas waktu dikirim ke sini bila SMTP diatur.",
                    "Optional. Hand-offs, reporters' replies and deadline reminders are sent here when SMTP is set up.",
                )),
        ],
    )
}

async fn offices_page(state: &AppState, user: &SessionUser, form: &OfficeForm) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let admin = user.principal.office_admin(&state.store)?;
    let rows = admin
        .list()
        .await?
        .into_iter()
        .map(|o| {
            vec![
                Cell::link(o.name.clone(), format!("/admin/kantor/{}", o.id)),
                Cell::text(region_text(o.region)),
                Cell::text(o.agency.unwrap_or_default()),
            ]
        })
        .collect();
    Ok(StaffPage::for_user(user, "/admin/kantor", l.pick("Kantor", "Offices"))
        .section(Section::Form(
            office_form(l, "/admin/kantor", form, l.pick("Tambah kantor", "Add office"))
                .heading(l.pick("Kantor baru", "New office")),
        ))
        .section(Section::Table(Table {
            caption: l.pick("Semua kantor", "All offices").into(),
            headers: vec![
                l.pick("Nama", "Name").into(),
                l.pick("Wilayah", "Region").into(),
                l.pick("Instansi", "Agency").into(),
            ],
            rows,
            empty: l.pick("Belum ada kantor.", "No offices yet.").into(),
        })))
}

pub async fn offices(State(state): State<AppState>, Staff(user): Staff, Query(notice): Query<NoticeQuery>) -> Response {
    match offices_page(&state, &user, &OfficeForm::default()).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/admin/kantor", &error),
    }
}

pub async fn office_create(
    State(state): State<AppState>,
    Staff(user): Staff,
    Form(form): Form<OfficeForm>,
) -> Response {
    let result = match user.principal.office_admin(&state.store) {
        Ok(admin) => admin.create(&(&form).into(), now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(office) => see_other(&format!("/admin/kantor/{}?ok=dibuat", office.id)),
        Err(error) => match offices_page(&state, &user, &form).await {
            Ok(page) => failed(page, 0, error, &user, "/admin/kantor"),
            Err(error) => refusal(&user, "/admin/kantor", &error),
        },
    }
}

async fn office_page(
    state: &AppState,
    user: &SessionUser,
    id: &str,
    form: Option<&OfficeForm>,
) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let office = user.principal.office_admin(&state.store)?.get(id).await?;
    let current = OfficeForm {
        name: office.name.clone(),
        region: region_text(office.region).replace('—', ""),
        agency: office.agency.clone().unwrap_or_default(),
        email: office.email.clone().unwrap_or_default(),
    };
    let form = form.unwrap_or(&current);
    Ok(StaffPage::for_user(user, &format!("/admin/kantor/{id}"), &office.name)
        .section(Section::Form(office_form(l, &format!("/admin/kantor/{id}"), form, l.pick("Simpan", "Save"))))
        .section(trail_link(l, "office", &office.id)))
}

pub async fn office_show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Response {
    match office_page(&state, &user, &id, None).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/admin/kantor", &error),
    }
}

pub async fn office_update(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<OfficeForm>,
) -> Response {
    let result = match user.principal.office_admin(&state.store) {
        Ok(admin) => admin.update(&id, &(&form).into(), now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => see_other(&format!("/admin/kantor/{id}?ok=disimpan")),
        Err(error) => match office_page(&state, &user, &id, Some(&form)).await {
            Ok(page) => failed(page, 0, error, &user, "/admin/kantor"),
            Err(error) => refusal(&user, "/admin/kantor", &error),
        },
    }
}

// ----- Users -----

#[derive(Debug, Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    office_id: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    disabled: Option<String>,
}

fn role_options(l: Locale, roles: &[netra_core::role::Role]) -> Vec<(String, String)> {
    roles.iter().map(|r| (r.as_str().to_string(), r.name(l).to_string())).collect()
}

fn office_options(offices: &[Office]) -> Vec<(String, String)> {
    offices.iter().map(|o| (o.id.clone(), o.name.clone())).collect()
}

async fn users_page(state: &AppState, user: &SessionUser, form: &UserForm) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let admin = user.principal.user_admin(&state.store)?;
    let offices = admin.offices().await?;
    let rows = admin
        .list()
        .await?
        .into_iter()
        .map(|(u, office)| {
            vec![
                Cell::link(u.username.clone(), format!("/admin/pengguna/{}", u.id)),
                Cell::text(u.display_name),
                Cell::text(u.role.name(l)),
                Cell::text(office.name),
                Cell::text(if u.disabled { l.pick("nonaktif", "disabled") } else { l.pick("aktif", "active") }),
            ]
        })
        .collect();
    let fields = vec![
        Field::new("username", l.pick("Nama pengguna", "Username"), FieldKind::Text, &form.username),
        Field::new("display_name", l.pick("Nama lengkap", "Full name"), FieldKind::Text, &form.display_name),
        Field::new(
            "role",
            l.pick("Peran", "Role"),
            FieldKind::Select(role_options(l, &admin.grantable_roles())),
            &form.role,
        ),
        Field::new(
            "office_id",
            l.pick("Kantor", "Office"),
            FieldKind::Select(office_options(&offices)),
            &form.office_id,
        ),
        Field::new("password", l.pick("Kata sandi sementara", "Temporary password"), FieldKind::Password, "")
            .autocomplete("new-password")
            .help(
                l.pick("Pengguna wajib menggantinya saat pertama masuk.", "The user must change it at first sign-in."),
            ),
    ];
    Ok(StaffPage::for_user(user, "/admin/pengguna", l.pick("Pengguna", "Users"))
        .section(Section::Form(
            FormSpec::new("/admin/pengguna", l.pick("Buat pengguna", "Create user"), fields)
                .heading(l.pick("Pengguna baru", "New user")),
        ))
        .section(Section::Table(Table {
            caption: l.pick("Pengguna dalam wewenang Anda", "Users within your jurisdiction").into(),
            headers: vec![
                l.pick("Nama pengguna", "Username").into(),
                l.pick("Nama", "Name").into(),
                l.pick("Peran", "Role").into(),
                l.pick("Kantor", "Office").into(),
                "Status".into(),
            ],
            rows,
            empty: l.pick("Belum ada pengguna.", "No users yet.").into(),
        })))
}

pub async fn users(State(state): State<AppState>, Staff(user): Staff, Query(notice): Query<NoticeQuery>) -> Response {
    match users_page(&state, &user, &UserForm::default()).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/admin/pengguna", &error),
    }
}

pub async fn user_create(State(state): State<AppState>, Staff(user): Staff, Form(form): Form<UserForm>) -> Response {
    let input = NewUserInput {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        office_id: form.office_id.clone(),
        password: form.password.clone(),
    };
    let result = match user.principal.user_admin(&state.store) {
        Ok(admin) => admin.create(&input, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(created) => see_other(&format!("/admin/pengguna/{}?ok=dibuat", created.id)),
        Err(error) => match users_page(&state, &user, &form).await {
            Ok(page) => failed(page, 0, error, &user, "/admin/pengguna"),
            Err(error) => refusal(&user, "/admin/pengguna", &error),
        },
    }
}

async fn user_page(
    state: &AppState,
    user: &SessionUser,
    id: &str,
    form: Option<&UserForm>,
) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let admin = user.principal.user_admin(&state.store)?;
    let (target, office) = admin.get(id).await?;
    let offices = admin.offices().await?;
    let current = UserForm {
        display_name: target.display_name.clone(),
        role: target.role.as_str().into(),
        office_id: target.office_id.clone(),
        disabled: target.disabled.then(|| "1".to_string()),
        ..UserForm::default()
    };
    let form = form.unwrap_or(&current);
    let sessions = state.store.session_count(&target.id).await.map_err(AccessError::Store)?;
    let base = format!("/admin/pengguna/{id}");
    Ok(StaffPage::for_user(user, &base, &target.username)
        .section(Section::Facts(vec![
            (l.pick("Kantor", "Office").into(), office.name),
            (
                l.pick("Faktor kedua", "Second factor").into(),
                if target.totp_secret.is_some() { l.pick("aktif", "enabled") } else { l.pick("belum", "not enrolled") }
                    .into(),
            ),
            (l.pick("Sesi aktif", "Active sessions").into(), sessions.to_string()),
        ]))
        .section(Section::Form(FormSpec::new(
            &base,
            l.pick("Simpan", "Save"),
            vec![
                Field::new("display_name", l.pick("Nama lengkap", "Full name"), FieldKind::Text, &form.display_name),
                Field::new(
                    "role",
                    l.pick("Peran", "Role"),
                    FieldKind::Select(role_options(l, &admin.grantable_roles())),
                    &form.role,
                ),
                Field::new(
                    "office_id",
                    l.pick("Kantor", "Office"),
                    FieldKind::Select(office_options(&offices)),
                    &form.office_id,
                ),
                Field::new(
                    "disabled",
                    l.pick("Nonaktifkan akun (mengakhiri semua sesi)", "Disable the account (ends all sessions)"),
                    FieldKind::Checkbox,
                    form.disabled.clone().unwrap_or_default(),
                ),
            ],
        )))
        .section(Section::Form(
            FormSpec::new(
                format!("{base}/reset-sandi"),
                l.pick("Setel ulang kata sandi", "Reset password"),
                vec![
                    Field::new(
                        "password",
                        l.pick("Kata sandi sementara", "Temporary password"),
                        FieldKind::Password,
                        "",
                    )
                    .autocomplete("new-password"),
                ],
            )
            .heading(l.pick("Setel ulang kata sandi", "Reset password"))
            .danger(),
        ))
        .section(Section::Form(
            FormSpec::new(format!("{base}/cabut-sesi"), l.pick("Cabut semua sesi", "Revoke all sessions"), vec![])
                .danger(),
        ))
        .section(Section::Form(
            FormSpec::new(format!("{base}/reset-totp"), l.pick("Reset faktor kedua", "Reset second factor"), vec![])
                .danger(),
        ))
        .section(trail_link(l, "user", &target.id)))
}

pub async fn user_show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Response {
    match user_page(&state, &user, &id, None).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/admin/pengguna", &error),
    }
}

pub async fn user_update(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<UserForm>,
) -> Response {
    let input = UserEditInput {
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        office_id: form.office_id.clone(),
        disabled: form.disabled.is_some(),
    };
    let result = match user.principal.user_admin(&state.store) {
        Ok(admin) => admin.update(&id, &input, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => see_other(&format!("/admin/pengguna/{id}?ok=disimpan")),
        Err(error) => match user_page(&state, &user, &id, Some(&form)).await {
            Ok(page) => failed(page, 1, error, &user, "/admin/pengguna"),
            Err(error) => refusal(&user, "/admin/pengguna", &error),
        },
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct PasswordResetForm {
    #[serde(default)]
    password: String,
}

pub async fn user_reset_password(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<PasswordResetForm>,
) -> Response {
    let result = match user.principal.user_admin(&state.store) {
        Ok(admin) => admin.reset_password(&id, &form.password, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => see_other(&format!("/admin/pengguna/{id}?ok=sandi")),
        Err(error) => match user_page(&state, &user, &id, None).await {
            Ok(page) => failed(page, 2, error, &user, "/admin/pengguna"),
            Err(error) => refusal(&user, "/admin/pengguna", &error),
        },
    }
}

pub async fn user_revoke_sessions(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> Response {
    let result = match user.principal.user_admin(&state.store) {
        Ok(admin) => admin.revoke_sessions(&id, now(&state)).await.map(|_| ()),
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => see_other(&format!("/admin/pengguna/{id}?ok=sesi")),
        Err(error) => refusal(&user, "/admin/pengguna", &error),
    }
}

pub async fn user_reset_totp(State(state): State<AppState>, Staff(user): Staff, Path(id): Path<String>) -> Response {
    let result = match user.principal.user_admin(&state.store) {
        Ok(admin) => admin.reset_second_factor(&id, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => see_other(&format!("/admin/pengguna/{id}?ok=totp")),
        Err(error) => refusal(&user, "/admin/pengguna", &error),
    }
}

// ----- Agencies and units -----

#[derive(Debug, Deserialize, Default)]
pub struct AgencyForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region: String,
}

impl From<&AgencyForm> for AgencyInput {
    fn from(form: &AgencyForm) -> AgencyInput {
        AgencyInput {
            id: form.id.clone(),
            name: form.name.clone(),
            kind: form.kind.clone(),
            region: form.region.clone(),
        }
    }
}

fn agency_fields(l: Locale, form: &AgencyForm, with_id: bool) -> Vec<Field> {
    let kinds = AgencyKind::ALL.iter().map(|k| (k.as_str().to_string(), k.name_id().to_string())).collect();
    let mut fields = Vec::new();
    if with_id {
        fields.push(Field::new("id", l.pick("Kode instansi", "Agency id"), FieldKind::Text, &form.id).help(l.pick(
            "Huruf kecil dan tanda hubung, mis. pemkab-bandung. Tidak dapat diubah.",
            "Lower case and hyphens, e.g. pemkab-bandung. Cannot be changed.",
        )));
    }
    fields.push(Field::new("name", l.pick("Nama instansi", "Agency name"), FieldKind::Text, &form.name));
    fields.push(Field::new("kind", l.pick("Jenis", "Kind"), FieldKind::Select(kinds), &form.kind));
    fields.push(
        Field::new("region", l.pick("Kode wilayah", "Region code"), FieldKind::Text, &form.region)
            .help(l.pick("Wajib untuk pemerintah daerah.", "Required for regional governments.")),
    );
    fields
}

async fn agencies_page(state: &AppState, user: &SessionUser, form: &AgencyForm) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let admin = user.principal.agency_admin(&state.store)?;
    let rows = admin
        .list()
        .await?
        .into_iter()
        .map(|a| {
            vec![
                Cell::link(a.name.clone(), format!("/admin/instansi/{}", a.id)),
                Cell::text(a.id),
                Cell::text(a.kind.name_id()),
                Cell::text(region_text(a.region)),
            ]
        })
        .collect();
    let mut page = StaffPage::for_user(user, "/admin/instansi", l.pick("Instansi", "Agencies"));
    if user.principal.jurisdiction == netra_core::access::Jurisdiction::National {
        page = page.section(Section::Form(
            FormSpec::new("/admin/instansi", l.pick("Tambah instansi", "Add agency"), agency_fields(l, form, true))
                .heading(l.pick("Instansi baru", "New agency")),
        ));
    }
    Ok(page.section(Section::Table(Table {
        caption: l.pick("Instansi dalam wewenang Anda", "Agencies within your jurisdiction").into(),
        headers: vec![
            l.pick("Nama", "Name").into(),
            l.pick("Kode", "Id").into(),
            l.pick("Jenis", "Kind").into(),
            l.pick("Wilayah", "Region").into(),
        ],
        rows,
        empty: l.pick("Belum ada instansi.", "No agencies yet.").into(),
    })))
}

pub async fn agencies(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(notice): Query<NoticeQuery>,
) -> Response {
    match agencies_page(&state, &user, &AgencyForm::default()).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/admin/instansi", &error),
    }
}

pub async fn agency_create(
    State(state): State<AppState>,
    Staff(user): Staff,
    Form(form): Form<AgencyForm>,
) -> Response {
    let result = match user.principal.agency_admin(&state.store) {
        Ok(admin) => admin.create(&(&form).into(), now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(agency) => see_other(&format!("/admin/instansi/{}?ok=dibuat", agency.id)),
        Err(error) => match agencies_page(&state, &user, &form).await {
            Ok(page) => failed(page, 0, error, &user, "/admin/instansi"),
            Err(error) => refusal(&user, "/admin/instansi", &error),
        },
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct UnitForm {
    #[serde(default)]
    name: String,
}

async fn agency_page(
    state: &AppState,
    user: &SessionUser,
    id: &str,
    form: Option<&AgencyForm>,
) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let admin = user.principal.agency_admin(&state.store)?;
    let agency = admin.get(id).await?;
    let units = admin.units(id).await?;
    let current = AgencyForm {
        id: agency.id.clone(),
        name: agency.name.clone(),
        kind: agency.kind.as_str().into(),
        region: region_text(agency.region).replace('—', ""),
    };
    let form = form.unwrap_or(&current);
    let base = format!("/admin/instansi/{id}");
    let mut page = StaffPage::for_user(user, &base, &agency.name);
    if user.principal.jurisdiction == netra_core::access::Jurisdiction::National {
        page =
            page.section(Section::Form(FormSpec::new(&base, l.pick("Simpan", "Save"), agency_fields(l, form, false))));
    } else {
        page = page.section(Section::Facts(vec![
            (l.pick("Jenis", "Kind").into(), agency.kind.name_id().into()),
            (l.pick("Wilayah", "Region").into(), region_text(agency.region)),
        ]));
    }
    let rows = units
        .iter()
        .map(|u| {
            vec![
                Cell::text(u.name.clone()),
                Cell::link(l.pick("hapus…", "delete…"), format!("{base}/unit/{}/hapus", u.id)),
            ]
        })
        .collect();
    Ok(page
        .section(Section::Table(Table {
            caption: l.pick("Unit kerja", "Work units").into(),
            headers: vec![l.pick("Nama", "Name").into(), String::new()],
            rows,
            empty: l.pick("Belum ada unit kerja.", "No units yet.").into(),
        }))
        .section(Section::Form(
            FormSpec::new(
                format!("{base}/unit"),
                l.pick("Tambah unit", "Add unit"),
                vec![Field::new("name", l.pick("Nama unit kerja", "Unit name"), FieldKind::Text, "")],
            )
            .heading(l.pick("Unit kerja baru", "New work unit")),
        ))
        .section(trail_link(l, "agency", &agency.id)))
}

pub async fn agency_show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Response {
    match agency_page(&state, &user, &id, None).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/admin/instansi", &error),
    }
}

pub async fn agency_update(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<AgencyForm>,
) -> Response {
    let result = match user.principal.agency_admin(&state.store) {
        Ok(admin) => admin.update(&id, &(&form).into(), now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => see_other(&format!("/admin/instansi/{id}?ok=disimpan")),
        Err(error) => match agency_page(&state, &user, &id, Some(&form)).await {
            Ok(page) => failed(page, 0, error, &user, "/admin/instansi"),
            Err(error) => refusal(&user, "/admin/instansi", &error),
        },
    }
}

pub async fn unit_create(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<UnitForm>,
) -> Response {
    let result = match user.principal.agency_admin(&state.store) {
        Ok(admin) => admin.add_unit(&id, &form.name, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => see_other(&format!("/admin/instansi/{id}?ok=dibuat")),
        Err(error) => match agency_page(&state, &user, &id, None).await {
            Ok(page) => {
                let index = page.sections.iter().rposition(|s| matches!(s, Section::Form(_))).unwrap_or(0);
                failed(page, index, error, &user, "/admin/instansi")
            }
            Err(error) => refusal(&user, "/admin/instansi", &error),
        },
    }
}

pub async fn unit_delete_confirm(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((id, unit)): Path<(String, String)>,
) -> Response {
    let l = user.locale;
    let units = match user.principal.agency_admin(&state.store) {
        Ok(admin) => admin.units(&id).await,
        Err(error) => Err(error),
    };
    match units.map(|units| units.into_iter().find(|u| u.id == unit)) {
        Ok(Some(found)) => StaffPage::for_user(
            &user,
            "/admin/instansi",
            format!("{} {}", l.pick("Hapus unit", "Delete unit"), found.name),
        )
        .section(Section::Form(
            FormSpec::new(
                format!("/admin/instansi/{id}/unit/{unit}/hapus"),
                l.pick("Ya, hapus", "Yes, delete"),
                vec![],
            )
            .danger(),
        ))
        .render(StatusCode::OK),
        Ok(None) => refusal(&user, "/admin/instansi", &AccessError::NotFound),
        Err(error) => refusal(&user, "/admin/instansi", &error),
    }
}

pub async fn unit_delete(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((id, unit)): Path<(String, String)>,
) -> Response {
    let result = match user.principal.agency_admin(&state.store) {
        Ok(admin) => admin.delete_unit(&id, &unit, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => see_other(&format!("/admin/instansi/{id}?ok=dihapus")),
        Err(error) => refusal(&user, "/admin/instansi", &error),
    }
}

// ----- Elections -----

pub async fn elections(State(state): State<AppState>, Staff(user): Staff) -> Response {
    let l = user.locale;
    let list = match user.principal.election_admin(&state.store) {
        Ok(admin) => admin.list().await,
        Err(error) => Err(error),
    };
    match list {
        Ok(list) => {
            let rows = list
                .iter()
                .map(|e| {
                    vec![
                        Cell::link(e.name(l), format!("/admin/pemilihan/{}", e.id)),
                        Cell::text(e.voting_day.to_string()),
                        Cell::text(e.stages.len().to_string()),
                    ]
                })
                .collect();
            StaffPage::for_user(&user, "/admin/pemilihan", l.pick("Pemilihan", "Elections"))
                .section(Section::Table(Table {
                    caption: l.pick("Pemilihan dan tahapannya", "Elections and their stages").into(),
                    headers: vec![
                        l.pick("Pemilihan", "Election").into(),
                        l.pick("Hari pemungutan suara", "Voting day").into(),
                        l.pick("Tahapan", "Stages").into(),
                    ],
                    rows,
                    empty: l.pick("Belum ada pemilihan.", "No elections.").into(),
                }))
                .render(StatusCode::OK)
        }
        Err(error) => refusal(&user, "/admin/pemilihan", &error),
    }
}

async fn election_page(state: &AppState, user: &SessionUser, id: &str) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let election = user.principal.election_admin(&state.store)?.get(id).await?;
    let mut page = StaffPage::for_user(user, &format!("/admin/pemilihan/{id}"), election.name(l))
        .lead(election.legal_basis.clone());
    for stage in &election.stages {
        page = page.section(Section::Form(
            FormSpec::new(
                format!("/admin/pemilihan/{id}/tahapan/{}", stage.id),
                l.pick("Simpan tahapan", "Save stage"),
                vec![
                    Field::new("start", l.pick("Mulai", "Start"), FieldKind::Date, stage.start.to_string()),
                    Field::new("end", l.pick("Selesai", "End"), FieldKind::Date, stage.end.to_string()),
                ],
            )
            .heading(stage.name(l)),
        ));
    }
    Ok(page.section(trail_link(l, "election", &election.id)))
}

pub async fn election_show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Response {
    match election_page(&state, &user, &id).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/admin/pemilihan", &error),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct StageForm {
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
}

pub async fn stage_update(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((id, stage)): Path<(String, String)>,
    Form(form): Form<StageForm>,
) -> Response {
    let result = match user.principal.election_admin(&state.store) {
        Ok(admin) => admin.update_stage(&id, &stage, &form.start, &form.end, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => see_other(&format!("/admin/pemilihan/{id}?ok=disimpan")),
        Err(error) => match election_page(&state, &user, &id).await {
            Ok(page) => {
                let index = page
                    .sections
                    .iter()
                    .position(|s| matches!(s, Section::Form(f) if f.action.ends_with(&format!("/tahapan/{stage}"))))
                    .unwrap_or(0);
                failed(page, index, error, &user, "/admin/pemilihan")
            }
            Err(error) => refusal(&user, "/admin/pemilihan", &error),
        },
    }
}

// ----- Candidate pairs -----

#[derive(Debug, Deserialize, Default, Clone)]
pub struct PairForm {
    #[serde(default)]
    election_id: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    ballot_number: String,
    #[serde(default)]
    head_name: String,
    #[serde(default)]
    deputy_name: String,
    #[serde(default)]
    nicknames: String,
    #[serde(default)]
    parties: String,
    #[serde(default)]
    slogans: String,
    #[serde(default)]
    hashtags: String,
}

impl From<&PairForm> for CandidatePairInput {
    fn from(f: &PairForm) -> CandidatePairInput {
        CandidatePairInput {
            election_id: f.election_id.clone(),
            region: f.region.clone(),
            ballot_number: f.ballot_number.clone(),
            head_name: f.head_name.clone(),
            deputy_name: f.deputy_name.clone(),
            nicknames: f.nicknames.clone(),
            parties: f.parties.clone(),
            slogans: f.slogans.clone(),
            hashtags: f.hashtags.clone(),
        }
    }
}

impl From<&CandidatePair> for PairForm {
    fn from(p: &CandidatePair) -> PairForm {
        PairForm {
            election_id: p.election_id.clone(),
            region: p.region.to_string(),
            ballot_number: p.ballot_number.to_string(),
            head_name: p.head_name.clone(),
            deputy_name: p.deputy_name.clone(),
            nicknames: p.nicknames.join(", "),
            parties: p.parties.join(", "),
            slogans: p.slogans.join("\n"),
            hashtags: p.hashtags.join(" ").replace(' ', ", "),
        }
    }
}

fn pair_form(l: Locale, action: &str, form: &PairForm, elections: &[(String, String)], submit: &str) -> FormSpec {
    FormSpec::new(
        action,
        submit,
        vec![
            Field::new(
                "election_id",
                l.pick("Pemilihan", "Election"),
                FieldKind::Select(elections.to_vec()),
                &form.election_id,
            ),
            Field::new("region", l.pick("Kode wilayah", "Region code"), FieldKind::Text, &form.region).help(l.pick(
                "Provinsi (gubernur) atau kabupaten/kota, mis. 32.04.",
                "Province (governor) or regency/city, e.g. 32.04.",
            )),
            Field::new("ballot_number", l.pick("Nomor urut", "Ballot number"), FieldKind::Text, &form.ballot_number),
            Field::new(
                "head_name",
                l.pick("Calon kepala daerah", "Candidate for head"),
                FieldKind::Text,
                &form.head_name,
            ),
            Field::new(
                "deputy_name",
                l.pick("Calon wakil", "Candidate for deputy"),
                FieldKind::Text,
                &form.deputy_name,
            ),
            Field::new(
                "nicknames",
                l.pick("Nama panggilan dan singkatan", "Nicknames and abbreviations"),
                FieldKind::Textarea,
                &form.nicknames,
            )
            .help(l.pick("Pisahkan dengan koma atau baris baru.", "Separate with commas or new lines.")),
            Field::new("parties", l.pick("Partai pengusung", "Coalition parties"), FieldKind::Textarea, &form.parties),
            Field::new(
                "slogans",
                l.pick("Slogan/jargon (satu per baris)", "Slogans (one per line)"),
                FieldKind::Textarea,
                &form.slogans,
            ),
            Field::new("hashtags", l.pick("Tagar kampanye", "Campaign hashtags"), FieldKind::Textarea, &form.hashtags),
        ],
    )
}

pub(crate) async fn election_options(state: &AppState, l: Locale) -> Vec<(String, String)> {
    state.store.elections().await.unwrap_or_default().iter().map(|e| (e.id.clone(), e.name(l).to_string())).collect()
}

async fn pairs_page(state: &AppState, user: &SessionUser, form: &PairForm) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let desk = user.principal.candidate_desk(&state.store)?;
    let pairs = desk.list(None).await?;
    let mut names = std::collections::HashMap::new();
    for pair in &pairs {
        if let std::collections::hash_map::Entry::Vacant(entry) = names.entry(pair.region) {
            let name =
                state.store.region(pair.region).await.map_err(AccessError::Store)?.map(|r| r.name).unwrap_or_default();
            entry.insert(name);
        }
    }
    let rows = pairs
        .iter()
        .map(|p| {
            vec![
                Cell::text(format!("{} ({})", names.get(&p.region).cloned().unwrap_or_default(), p.region)),
                Cell::text(p.ballot_number.to_string()),
                Cell::link(format!("{} – {}", p.head_name, p.deputy_name), format!("/paslon/{}", p.id)),
                Cell::text(p.parties.join(", ")),
                Cell::text(p.hashtags.join(" ")),
            ]
        })
        .collect();
    let mut page = StaffPage::for_user(user, "/paslon", l.pick("Pasangan calon", "Candidate pairs"))
        .lead(l.pick("Daftar ini dipakai mesin penyaring untuk mengenali dukungan kepada calon dalam unggahan media sosial dan laporan.", "The screening engine uses this list to recognise support for candidates in social-media posts and reports."));
    if desk.may_edit() {
        let elections = election_options(state, l).await;
        page = page.section(Section::Form(
            pair_form(l, "/paslon", form, &elections, l.pick("Tambah pasangan calon", "Add candidate pair"))
                .heading(l.pick("Pasangan calon baru", "New candidate pair")),
        ));
    }
    Ok(page.section(Section::Table(Table {
        caption: l.pick("Pasangan calon di wilayah Anda", "Candidate pairs in your region").into(),
        headers: vec![
            l.pick("Wilayah", "Region").into(),
            l.pick("No.", "No.").into(),
            l.pick("Pasangan", "Pair").into(),
            l.pick("Partai", "Parties").into(),
            l.pick("Tagar", "Hashtags").into(),
        ],
        rows,
        empty: l.pick("Belum ada pasangan calon.", "No candidate pairs yet.").into(),
    })))
}

pub async fn pairs(State(state): State<AppState>, Staff(user): Staff, Query(notice): Query<NoticeQuery>) -> Response {
    let form = PairForm { election_id: "pilkada-2024".into(), ..PairForm::default() };
    match pairs_page(&state, &user, &form).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/paslon", &error),
    }
}

pub async fn pair_create(State(state): State<AppState>, Staff(user): Staff, Form(form): Form<PairForm>) -> Response {
    let result = match user.principal.candidate_desk(&state.store) {
        Ok(desk) => desk.create(&(&form).into(), now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(pair) => see_other(&format!("/paslon/{}?ok=dibuat", pair.id)),
        Err(error) => match pairs_page(&state, &user, &form).await {
            Ok(page) => failed(page, 0, error, &user, "/paslon"),
            Err(error) => refusal(&user, "/paslon", &error),
        },
    }
}

async fn pair_page(
    state: &AppState,
    user: &SessionUser,
    id: &str,
    form: Option<&PairForm>,
) -> Result<StaffPage, AccessError> {
    let l = user.locale;
    let desk = user.principal.candidate_desk(&state.store)?;
    let pair = desk.get(id).await?;
    let title = format!("{} {} – {}", pair.ballot_number, pair.head_name, pair.deputy_name);
    let base = format!("/paslon/{id}");
    let mut page = StaffPage::for_user(user, &base, title);
    let editable =
        desk.may_edit() && user.principal.jurisdiction.covers(&netra_core::access::ObjectScope::region(pair.region));
    if editable {
        let current = PairForm::from(&pair);
        let elections = election_options(state, l).await;
        page = page
            .section(Section::Form(pair_form(l, &base, form.unwrap_or(&current), &elections, l.pick("Simpan", "Save"))))
            .section(Section::Form(
                FormSpec::new(format!("{base}/hapus"), l.pick("Hapus pasangan calon", "Delete candidate pair"), vec![])
                    .danger(),
            ));
    } else {
        page = page.section(Section::Facts(vec![
            (l.pick("Wilayah", "Region").into(), pair.region.to_string()),
            (l.pick("Nama panggilan", "Nicknames").into(), pair.nicknames.join(", ")),
            (l.pick("Partai", "Parties").into(), pair.parties.join(", ")),
            (l.pick("Slogan", "Slogans").into(), pair.slogans.join("; ")),
            (l.pick("Tagar", "Hashtags").into(), pair.hashtags.join(" ")),
        ]));
    }
    Ok(page.section(trail_link(l, "candidate_pair", &pair.id)))
}

pub async fn pair_show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Response {
    match pair_page(&state, &user, &id, None).await {
        Ok(page) => page.notice_from(&notice, user.locale).render(StatusCode::OK),
        Err(error) => refusal(&user, "/paslon", &error),
    }
}

pub async fn pair_update(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<PairForm>,
) -> Response {
    let result = match user.principal.candidate_desk(&state.store) {
        Ok(desk) => desk.update(&id, &(&form).into(), now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => see_other(&format!("/paslon/{id}?ok=disimpan")),
        Err(error @ (AccessError::Invalid(_) | AccessError::Conflict(_))) => {
            match pair_page(&state, &user, &id, Some(&form)).await {
                Ok(page) => failed(page, 0, error, &user, "/paslon"),
                Err(error) => refusal(&user, "/paslon", &error),
            }
        }
        Err(error) => refusal(&user, "/paslon", &error),
    }
}

pub async fn pair_delete(State(state): State<AppState>, Staff(user): Staff, Path(id): Path<String>) -> Response {
    let result = match user.principal.candidate_desk(&state.store) {
        Ok(desk) => desk.delete(&id, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => see_other("/paslon?ok=dihapus"),
        Err(error) => refusal(&user, "/paslon", &error),
    }
}

// ----- Audit trail -----

fn audit_table(l: Locale, caption: String, entries: &[AuditEntry]) -> Section {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                Cell::text(format!("#{}", e.seq)),
                Cell::text(e.at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()),
                Cell::text(e.actor.clone()),
                Cell::text(e.action.clone()),
                Cell::link(e.summary.clone(), format!("/audit/{}/{}", e.object_kind, e.object_id)),
                Cell::text(e.hash[..12].to_string()),
            ]
        })
        .collect();
    Section::Table(Table {
        caption,
        headers: vec![
            "#".into(),
            l.pick("Waktu", "Time").into(),
            l.pick("Pelaku", "Actor").into(),
            l.pick("Tindakan", "Action").into(),
            l.pick("Ringkasan", "Summary").into(),
            "Hash".into(),
        ],
        rows,
        empty: l.pick("Belum ada entri.", "No entries.").into(),
    })
}

pub async fn audit_recent(State(state): State<AppState>, Staff(user): Staff) -> Response {
    let l = user.locale;
    let entries = match user.principal.audit_reader(&state.store) {
        Ok(reader) => reader.recent(200).await,
        Err(error) => Err(error),
    };
    match entries {
        Ok(entries) => StaffPage::for_user(&user, "/audit", l.pick("Jejak audit", "Audit trail"))
            .lead(l.pick("Setiap perubahan tercatat dalam rantai hash; `netra audit verify` memeriksa bahwa tidak ada entri yang diubah, dihapus atau ditukar.", "Every change is recorded in a hash chain; `netra audit verify` checks that no entry was edited, deleted or reordered."))
            .section(audit_table(l, l.pick("200 entri terbaru dalam wewenang Anda", "The latest 200 entries within your jurisdiction").into(), &entries))
            .render(StatusCode::OK),
        Err(error) => refusal(&user, "/audit", &error),
    }
}

pub async fn audit_object(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let l = user.locale;
    let entries = match user.principal.audit_reader(&state.store) {
        Ok(reader) => reader.object_trail(&kind, &id).await,
        Err(error) => Err(error),
    };
    match entries {
        Ok(entries) => {
            StaffPage::for_user(&user, "/audit", format!("{} {kind} {id}", l.pick("Jejak audit", "Audit trail of")))
                .section(audit_table(
                    l,
                    l.pick("Semua perubahan objek ini", "Every change to this object").into(),
                    &entries,
                ))
                .render(StatusCode::OK)
        }
        Err(error) => refusal(&user, "/audit", &error),
    }
}

/// `GET /api/v1/candidate-pairs?election=`: pairs within the caller's jurisdiction.
pub async fn api_pairs(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let pairs = match user.principal.candidate_desk(&state.store) {
        Ok(desk) => desk.list(query.get("election").map(String::as_str)).await,
        Err(error) => Err(error),
    };
    match pairs {
        Ok(pairs) => axum::Json(
            pairs
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "id": p.id, "election": p.election_id, "region": p.region.to_string(),
                        "ballot_number": p.ballot_number, "head": p.head_name, "deputy": p.deputy_name,
                        "nicknames": p.nicknames, "parties": p.parties, "slogans": p.slogans, "hashtags": p.hashtags,
                    })
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(error) => api_refusal(error),
    }
}

/// `GET /api/v1/audit/{kind}/{id}`: an object's trail.
pub async fn api_audit(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let entries = match user.principal.audit_reader(&state.store) {
        Ok(reader) => reader.object_trail(&kind, &id).await,
        Err(error) => Err(error),
    };
    match entries {
        Ok(entries) => axum::Json(
            entries
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "seq": e.seq, "at": e.at.unix_timestamp(), "actor": e.actor, "office": e.office,
                        "action": e.action, "summary": e.summary, "before": e.before_digest, "after": e.after_digest,
                        "hash": e.hash,
                    })
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(error) => api_refusal(error),
    }
}

pub(crate) fn api_refusal(error: AccessError) -> Response {
    let status = match error {
        AccessError::Denied => StatusCode::FORBIDDEN,
        AccessError::NotFound => StatusCode::NOT_FOUND,
        AccessError::Invalid(_) | AccessError::Conflict(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AccessError::Store(error) => return crate::staff::internal(error),
    };
    (status, axum::Json(serde_json::json!({"error": status.canonical_reason()}))).into_response()
}

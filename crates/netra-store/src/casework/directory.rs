//! Which office handles a case and who is told: hand-off targets and notification recipients.

use std::collections::BTreeSet;

use netra_core::region::RegionCode;
use netra_core::role::Role;
use netra_core::workflow::Holder;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::Office;
use crate::cases::*;
use crate::{Store, StoreError};

/// The offices with active users, and their users' roles: hand-off targets and notification recipients are
/// chosen from it. Loaded once per operation (a reminder run over thousands of cases reads it once).
pub(crate) struct OfficeDirectory {
    offices: Vec<(Office, BTreeSet<Role>)>,
}

impl OfficeDirectory {
    pub(crate) async fn load(store: &dyn Store) -> Result<OfficeDirectory, StoreError> {
        let users = store.users().await?;
        let offices = store
            .offices()
            .await?
            .into_iter()
            .map(|office| {
                let roles = users
                    .iter()
                    .filter(|user| user.office_id == office.id && !user.disabled)
                    .map(|user| user.role)
                    .collect::<BTreeSet<Role>>();
                (office, roles)
            })
            .filter(|(_, roles)| !roles.is_empty())
            .collect();
        Ok(OfficeDirectory { offices })
    }

    pub(crate) fn with_role(&self, role: Role) -> impl Iterator<Item = &Office> {
        self.offices.iter().filter(move |(_, roles)| roles.contains(&role)).map(|(office, _)| office)
    }

    /// The Bawaslu office that handles cases in `region`: the kabupaten/kota office, else the province's.
    pub(crate) fn bawaslu_for(&self, region: &RegionCode) -> Option<&Office> {
        let regency = region.regency_code();
        let province = Some(region.province_code());
        self.with_role(Role::BawasluKabKota)
            .find(|office| regency.is_some() && office.region == regency)
            .or_else(|| self.with_role(Role::BawasluProvinsi).find(|office| office.region == province))
    }

    /// The BKN office for cases in `region`: the regional office covering the province, else BKN headquarters.
    pub(crate) fn bkn_for(&self, region: &RegionCode) -> Option<&Office> {
        let province = Some(region.province_code());
        self.with_role(Role::BknRegional)
            .find(|office| office.region == province)
            .or_else(|| self.with_role(Role::BknPusat).next())
    }

    /// The offices of an agency's PPK and inspectorate.
    pub(crate) fn ppk_offices_of(&self, agency: &str) -> Vec<&Office> {
        self.offices
            .iter()
            .filter(|(office, roles)| {
                office.agency.as_deref() == Some(agency)
                    && (roles.contains(&Role::PpkOffice) || roles.contains(&Role::Inspektorat))
            })
            .map(|(office, _)| office)
            .collect()
    }

    /// The offices that hold a case now.
    pub(crate) fn holders_of(&self, case: &CaseRecord) -> Vec<String> {
        match case.state().holder() {
            Holder::Bkn => case.bkn_office_id.iter().cloned().collect(),
            Holder::Ppk => match &case.ppk_agency_id {
                Some(agency) => self.ppk_offices_of(agency).into_iter().map(|office| office.id.clone()).collect(),
                None => Vec::new(),
            },
            _ => case.bawaslu_office_id.iter().cloned().collect(),
        }
    }
}

pub(crate) fn notification(
    office_id: &str,
    case: &CaseRecord,
    kind: &str,
    body: String,
    at: OffsetDateTime,
) -> Notification {
    Notification {
        id: Uuid::now_v7().to_string(),
        office_id: office_id.to_string(),
        case_id: Some(case.id.clone()),
        kind: kind.to_string(),
        body,
        dedupe_key: None,
        created_at: at,
        read_at: None,
    }
}

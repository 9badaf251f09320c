//! Who may do what, and where. Pure rules; the store's capability-scoped handles (`netra_store::access`) apply
//! them, so that code without a permission cannot even obtain the handle that performs the operation.
//!
//! Two questions are kept apart:
//! - a [`Permission`] is what a role may do at all (manage users, edit candidate pairs, ...);
//! - a [`Jurisdiction`] is where: the region or agency of the user's office.

use crate::Locale;
use crate::region::{RegionCode, RegionLevel};
use crate::role::Role;

/// Something a role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create and edit offices.
    ManageOffices,
    /// Create, edit, disable users and reset their passwords (agency admins: within their agency).
    ManageUsers,
    /// Create and edit agencies (system admin) and their units (agency admins: their own agency).
    ManageAgencies,
    /// Edit elections and their stages.
    ManageElections,
    /// Create, edit, delete candidate pairs within the jurisdiction.
    ManageCandidates,
    /// See candidate pairs relevant to the jurisdiction.
    ViewCandidates,
    /// Read the audit trail of objects within the jurisdiction.
    ViewAudit,
    /// Unseal a reporter's identity, with a recorded reason.
    UnsealReporterIdentity,
    /// See the cases in the jurisdiction and take the workflow actions the role may take.
    HandleCases,
    /// Enter findings (temuan) and reports received in person.
    IntakeCases,
    /// Cyber patrol: keep civil servants' known accounts, screen batches of social-media posts and review the
    /// flagged posts of known accounts (opening a finding needs `IntakeCases` too).
    Patrol,
    /// Revise an election's pact and declaration texts (each change is a new version).
    ManagePacts,
    /// Issue one-time signing codes and sign ceremonies' attendance lists, for the civil servants of one's own
    /// agency.
    SignPacts,
    /// See dashboards of the cases in one's scope and the neutrality index.
    ViewStatistics,
}

impl Role {
    /// Whether this role has a permission at all (the jurisdiction still limits where).
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::SystemAdmin => matches!(
                permission,
                ManageOffices
                    | ManageUsers
                    | ManageAgencies
                    | ManageElections
                    | ManageCandidates
                    | ViewCandidates
                    | ViewAudit
                    | ManagePacts
                    | ViewStatistics
            ),
            Role::AgencyAdmin => {
                matches!(permission, ManageUsers | ManageAgencies | ViewAudit | SignPacts | ViewStatistics)
            }
            Role::BawasluRi => matches!(
                permission,
                ManageCandidates
                    | ViewCandidates
                    | ViewAudit
                    | HandleCases
                    | IntakeCases
                    | Patrol
                    | ManagePacts
                    | ViewStatistics
            ),
            Role::BawasluKabKota | Role::BawasluProvinsi => {
                matches!(
                    permission,
                    ManageCandidates | ViewCandidates | ViewAudit | HandleCases | IntakeCases | Patrol | ViewStatistics
                )
            }
            Role::BknPusat => {
                matches!(permission, ViewCandidates | ViewAudit | HandleCases | ManagePacts | ViewStatistics)
            }
            Role::BknRegional | Role::PpkOffice | Role::Inspektorat => {
                matches!(permission, ViewCandidates | ViewAudit | HandleCases | ViewStatistics)
            }
            Role::Custodian => matches!(permission, UnsealReporterIdentity | HandleCases),
            Role::AsnSelfService => false,
        }
    }

    /// Whether the role must use a second factor (TOTP) to sign in.
    pub fn requires_second_factor(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::Custodian)
    }

    /// The roles an agency admin may hand out (never Bawaslu, BKN, system or custodian roles).
    pub fn grantable_by_agency_admin(self) -> bool {
        matches!(self, Role::PpkOffice | Role::Inspektorat | Role::AgencyAdmin | Role::AsnSelfService)
    }

    /// What the office of a user with this role must have.
    pub fn office_requirement(self) -> OfficeRequirement {
        match self {
            Role::BawasluKabKota => OfficeRequirement::Region(RegionLevel::Regency),
            Role::BawasluProvinsi => OfficeRequirement::Region(RegionLevel::Province),
            Role::BknRegional => OfficeRequirement::Region(RegionLevel::Province),
            Role::PpkOffice | Role::Inspektorat | Role::AgencyAdmin | Role::AsnSelfService => OfficeRequirement::Agency,
            Role::BawasluRi | Role::BknPusat | Role::SystemAdmin | Role::Custodian => OfficeRequirement::None,
        }
    }
}

/// Which cases a user may see at all: their jurisdiction over cases, which follows the case's path from Bawaslu
/// to BKN to the PPK rather than the user's office alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseScope {
    /// Every case (Bawaslu RI, the custodian).
    All,
    /// Cases in a province or regency (Bawaslu provinsi and kabupaten/kota).
    Region(RegionCode),
    /// Cases forwarded to BKN, optionally only in one province (BKN kantor regional; BKN pusat: all).
    Forwarded(Option<RegionCode>),
    /// Cases whose recommendation went to this agency's PPK (PPK office, Inspektorat).
    PpkAgency(String),
    /// Nothing (roles without casework, or an office missing its region or agency).
    Nothing,
}

impl CaseScope {
    /// Whether a user with this scope may enter a new case (finding, report in person) in `region`: only where
    /// the case would then be theirs.
    pub fn admits_intake(&self, region: &RegionCode) -> bool {
        match self {
            CaseScope::All => true,
            CaseScope::Region(mine) => region.is_within(mine),
            _ => false,
        }
    }
}

impl Role {
    /// The case scope of a user with this role in an office with this region and agency.
    pub fn case_scope(self, region: Option<RegionCode>, agency: Option<&str>) -> CaseScope {
        match (self, region, agency) {
            (Role::BawasluKabKota | Role::BawasluProvinsi, Some(region), _) => CaseScope::Region(region),
            (Role::BawasluRi | Role::Custodian, _, _) => CaseScope::All,
            (Role::BknRegional, Some(region), _) => CaseScope::Forwarded(Some(region)),
            (Role::BknPusat, _, _) => CaseScope::Forwarded(None),
            (Role::PpkOffice | Role::Inspektorat, _, Some(agency)) => CaseScope::PpkAgency(agency.to_string()),
            _ => CaseScope::Nothing,
        }
    }
}

/// What a user's office must carry for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeRequirement {
    /// A region code at this level.
    Region(RegionLevel),
    /// An agency.
    Agency,
    /// Nothing: a national office.
    None,
}

impl OfficeRequirement {
    /// Checks an office's region and agency; the error is a sentence for the admin form.
    pub fn check(self, region: Option<&RegionCode>, agency: Option<&str>, locale: Locale) -> Result<(), String> {
        match self {
            OfficeRequirement::Region(level) => match region {
                Some(code) if code.level() == level => Ok(()),
                _ => Err(match level {
                    RegionLevel::Province => locale
                        .pick(
                            "Peran ini memerlukan kantor dengan kode wilayah provinsi.",
                            "This role needs an office with a province code.",
                        )
                        .to_string(),
                    _ => locale
                        .pick(
                            "Peran ini memerlukan kantor dengan kode wilayah kabupaten/kota.",
                            "This role needs an office with a regency/city code.",
                        )
                        .to_string(),
                }),
            },
            OfficeRequirement::Agency if agency.is_none() => Err(locale
                .pick(
                    "Peran ini memerlukan kantor yang terhubung ke sebuah instansi.",
                    "This role needs an office linked to an agency.",
                )
                .to_string()),
            OfficeRequirement::Agency | OfficeRequirement::None => Ok(()),
        }
    }
}

/// Where an object lives, for jurisdiction checks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectScope {
    pub region: Option<RegionCode>,
    pub agency: Option<String>,
    /// The user the object belongs to (an ASN's own records).
    pub owner: Option<String>,
}

impl ObjectScope {
    /// An object placed in a region.
    pub fn region(code: RegionCode) -> ObjectScope {
        ObjectScope { region: Some(code), ..ObjectScope::default() }
    }

    /// An object of an agency (which may itself sit in a region).
    pub fn agency(agency: &str, region: Option<RegionCode>) -> ObjectScope {
        ObjectScope { region, agency: Some(agency.to_string()), owner: None }
    }
}

/// The part of the country or of the civil service a user acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Jurisdiction {
    /// Everything (Bawaslu RI, BKN pusat, system admin, custodian).
    National,
    /// Objects in this region or below (Bawaslu kabupaten/kota and provinsi, BKN kantor regional).
    Region(RegionCode),
    /// Objects of this agency; `region` is the agency's own region, for region-wide reference data such as
    /// the candidates standing there.
    Agency { agency: String, region: Option<RegionCode> },
    /// Only the user's own records (ASN self-service).
    Own { user: String },
}

impl Jurisdiction {
    /// The jurisdiction of a user with `role` in an office with this region and agency.
    pub fn of(
        role: Role,
        user: &str,
        region: Option<RegionCode>,
        agency: Option<&str>,
        agency_region: Option<RegionCode>,
    ) -> Jurisdiction {
        match role.office_requirement() {
            OfficeRequirement::None => Jurisdiction::National,
            OfficeRequirement::Region(_) => match region {
                Some(code) => Jurisdiction::Region(code),
                // A misconfigured office sees nothing rather than everything.
                None => Jurisdiction::Own { user: user.to_string() },
            },
            OfficeRequirement::Agency if role == Role::AsnSelfService => Jurisdiction::Own { user: user.to_string() },
            OfficeRequirement::Agency => match agency {
                Some(agency) => Jurisdiction::Agency { agency: agency.to_string(), region: agency_region.or(region) },
                None => Jurisdiction::Own { user: user.to_string() },
            },
        }
    }

    /// Whether an object lies inside this jurisdiction (to see it in full, or to change it).
    pub fn covers(&self, object: &ObjectScope) -> bool {
        match self {
            Jurisdiction::National => true,
            Jurisdiction::Region(mine) => object.region.as_ref().is_some_and(|theirs| theirs.is_within(mine)),
            Jurisdiction::Agency { agency, .. } => object.agency.as_deref() == Some(agency.as_str()),
            Jurisdiction::Own { user } => object.owner.as_deref() == Some(user.as_str()),
        }
    }

    /// Whether region-wide reference data of `region` concerns this jurisdiction: the region contains the
    /// jurisdiction or lies inside it (a kabupaten office sees its own and its governor's candidates).
    pub fn overlaps_region(&self, region: &RegionCode) -> bool {
        let overlaps = |mine: &RegionCode| region.is_within(mine) || mine.is_within(region);
        match self {
            Jurisdiction::National => true,
            Jurisdiction::Region(mine) => overlaps(mine),
            Jurisdiction::Agency { region: Some(mine), .. } => overlaps(mine),
            Jurisdiction::Agency { region: None, .. } | Jurisdiction::Own { .. } => false,
        }
    }

    /// A description for people, e.g. "wilayah 32.04".
    pub fn describe(&self, locale: Locale) -> String {
        match self {
            Jurisdiction::National => locale.pick("nasional", "national").to_string(),
            Jurisdiction::Region(code) => format!("{} {code}", locale.pick("wilayah", "region")),
            Jurisdiction::Agency { agency, .. } => format!("{} {agency}", locale.pick("instansi", "agency")),
            Jurisdiction::Own { .. } => locale.pick("data milik sendiri", "own records").to_string(),
        }
    }
}

/// Minimum password length for staff accounts.
pub const MIN_PASSWORD_LENGTH: usize = 10;

/// What is wrong with a username (3–32 lower-case letters, digits, dots, underscores or hyphens), in Indonesian
/// and English; `None` when it is fine. The name is compared after trimming and lower-casing.
pub fn username_problem(username: &str) -> Option<(&'static str, &'static str)> {
    let valid = (3..=32).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    (!valid).then_some((
        "3–32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.",
        "3–32 characters: lower-case letters, digits, dot, underscore or hyphen.",
    ))
}

/// Why a new password is refused, in Indonesian and English.
pub fn password_problem(password: &str, username: &str) -> Option<(&'static str, &'static str)> {
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return Some(("Kata sandi minimal 10 karakter.", "The password needs at least 10 characters."));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) {
        return Some(("Kata sandi tidak boleh memuat nama pengguna.", "The password must not contain the username."));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> RegionCode {
        RegionCode::parse(text).unwrap()
    }

    #[test]
    fn case_scope_follows_the_case_path_and_a_misconfigured_office_sees_nothing() {
        let kab = Some(code("32.04"));
        assert_eq!(Role::BawasluKabKota.case_scope(kab, None), CaseScope::Region(code("32.04")));
        assert_eq!(Role::BawasluKabKota.case_scope(None, None), CaseScope::Nothing);
        assert!(Role::BawasluKabKota.case_scope(kab, None).admits_intake(&code("32.04.05")));
        assert!(!Role::BawasluKabKota.case_scope(kab, None).admits_intake(&code("32.73")));
        assert!(!Role::BknPusat.case_scope(None, None).admits_intake(&code("32.04")));
        assert_eq!(Role::BawasluRi.case_scope(None, None), CaseScope::All);
        assert_eq!(Role::BknRegional.case_scope(Some(code("32")), None), CaseScope::Forwarded(Some(code("32"))));
        assert_eq!(Role::BknPusat.case_scope(None, None), CaseScope::Forwarded(None));
        let agency = Role::PpkOffice.case_scope(kab, Some("pemkab-bandung"));
        assert_eq!(agency, CaseScope::PpkAgency("pemkab-bandung".into()));
        assert_eq!(Role::Inspektorat.case_scope(kab, None), CaseScope::Nothing);
        for role in [Role::AgencyAdmin, Role::SystemAdmin, Role::AsnSelfService] {
            assert_eq!(role.case_scope(kab, Some("pemkab-bandung")), CaseScope::Nothing, "{role:?}");
            assert!(!role.can(Permission::HandleCases));
        }
    }

    #[test]
    fn regions_cover_what_lies_inside() {
        let kab = Jurisdiction::Region(code("32.04"));
        assert!(kab.covers(&ObjectScope::region(code("32.04.01"))));
        assert!(!kab.covers(&ObjectScope::region(code("32.73"))));
        assert!(!kab.covers(&ObjectScope::region(code("32"))));
        assert!(kab.overlaps_region(&code("32")));
        assert!(!kab.overlaps_region(&code("35.78")));
        assert!(!kab.covers(&ObjectScope::default()), "an object without a region is not in any region");
    }

    #[test]
    fn agencies_cover_only_their_objects() {
        let ppk = Jurisdiction::of(Role::PpkOffice, "u1", None, Some("pemkab-bandung"), Some(code("32.04")));
        assert!(ppk.covers(&ObjectScope::agency("pemkab-bandung", None)));
        assert!(!ppk.covers(&ObjectScope::agency("pemkot-surabaya", None)));
        assert!(!ppk.covers(&ObjectScope::region(code("32.04"))));
        assert!(ppk.overlaps_region(&code("32.04")));
    }

    #[test]
    fn misconfigured_offices_see_nothing_and_asn_only_themselves() {
        let lost = Jurisdiction::of(Role::BawasluKabKota, "u1", None, None, None);
        assert!(!lost.covers(&ObjectScope::region(code("32.04"))));
        let asn = Jurisdiction::of(Role::AsnSelfService, "u9", None, Some("pemkab-bandung"), None);
        assert!(asn.covers(&ObjectScope { owner: Some("u9".into()), ..ObjectScope::default() }));
        assert!(!asn.covers(&ObjectScope::agency("pemkab-bandung", None)));
    }

    #[test]
    fn only_admins_and_custodians_need_a_second_factor() {
        let required: Vec<Role> = Role::ALL.into_iter().filter(|r| r.requires_second_factor()).collect();
        assert_eq!(required, vec![Role::SystemAdmin, Role::Custodian]);
        assert!(Role::Custodian.can(Permission::UnsealReporterIdentity));
        assert!(Role::ALL.iter().filter(|r| r.can(Permission::UnsealReporterIdentity)).count() == 1);
    }

    #[test]
    fn short_passwords_and_passwords_with_the_username_are_refused() {
        assert!(password_problem("pendek", "budi").is_some());
        assert!(password_problem("budi-rahasia-panjang", "budi").is_some());
        assert!(password_problem("rahasia-panjang-sekali", "budi").is_none());
    }
}

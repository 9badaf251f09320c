//! Staff roles. Which role may perform which case action is decided in [`crate::workflow`]; which objects a
//! user may see (jurisdiction) is decided by the store's capability-scoped handles.

use crate::Locale;

/// A staff role (or ASN self-service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    BawasluKabKota,
    BawasluProvinsi,
    BawasluRi,
    BknRegional,
    BknPusat,
    /// The PPK's personnel office (BKPSDM/BKD) of an agency.
    PpkOffice,
    Inspektorat,
    AgencyAdmin,
    SystemAdmin,
    /// The only role that may unseal a reporter's identity, with a recorded reason.
    Custodian,
    AsnSelfService,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 11] = [
        Role::BawasluKabKota,
        Role::BawasluProvinsi,
        Role::BawasluRi,
        Role::BknRegional,
        Role::BknPusat,
        Role::PpkOffice,
        Role::Inspektorat,
        Role::AgencyAdmin,
        Role::SystemAdmin,
        Role::Custodian,
        Role::AsnSelfService,
    ];

    /// Stable id for storage and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::BawasluKabKota => "bawaslu_kabkota",
            Role::BawasluProvinsi => "bawaslu_provinsi",
            Role::BawasluRi => "bawaslu_ri",
            Role::BknRegional => "bkn_regional",
            Role::BknPusat => "bkn_pusat",
            Role::PpkOffice => "ppk_office",
            Role::Inspektorat => "inspektorat",
            Role::AgencyAdmin => "agency_admin",
            Role::SystemAdmin => "system_admin",
            Role::Custodian => "custodian",
            Role::AsnSelfService => "asn",
        }
    }

    /// Inverse of [`Role::as_str`].
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Name for people.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            Role::BawasluKabKota => locale.pick("Bawaslu Kabupaten/Kota", "Bawaslu regency/city"),
            Role::BawasluProvinsi => locale.pick("Bawaslu Provinsi", "Bawaslu province"),
            Role::BawasluRi => locale.pick("Bawaslu RI", "Bawaslu (national)"),
            Role::BknRegional => locale.pick("BKN Kantor Regional", "BKN regional office"),
            Role::BknPusat => locale.pick("BKN Pusat", "BKN headquarters"),
            Role::PpkOffice => locale.pick("PPK / BKPSDM", "PPK office (BKPSDM)"),
            Role::Inspektorat => locale.pick("Inspektorat", "Inspectorate"),
            Role::AgencyAdmin => locale.pick("Admin instansi", "Agency admin"),
            Role::SystemAdmin => locale.pick("Admin sistem", "System admin"),
            Role::Custodian => locale.pick("Kustodian identitas pelapor", "Reporter-identity custodian"),
            Role::AsnSelfService => locale.pick("ASN (layanan mandiri)", "Civil servant (self-service)"),
        }
    }

    /// Bawaslu at any level.
    pub fn is_bawaslu(self) -> bool {
        matches!(self, Role::BawasluKabKota | Role::BawasluProvinsi | Role::BawasluRi)
    }

    /// BKN at any level.
    pub fn is_bkn(self) -> bool {
        matches!(self, Role::BknRegional | Role::BknPusat)
    }
}

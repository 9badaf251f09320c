//! Casework: intake of reports and findings, the workflow through a capability-scoped handle, the reporter's
//! access by receipt, and the custodian's audited unseal.
//!
//! - [`validate_report`] parses a report's fields into a [`ValidReport`] or one error per field;
//! - [`submit_public_report`] files a public report and returns its receipt (shown once);
//! - [`ReporterDesk`] is what a receipt opens: the public status, messages, replies and more evidence;
//! - [`CaseDesk`] (from [`Principal::case_desk`]) is every staff operation on cases; the cases a principal can
//!   reach at all are its [`CaseScope`], applied in SQL for lists and re-checked for every single case;
//! - [`Unsealer`] (from [`Principal::unsealer`]) opens a confidential reporter's identity, with a reason, audited;
//! - [`PactDesk`] (from [`Principal::pact_desk`]) revises pact texts and signs pacts; [`sign_with_code`] and
//!   [`verify_code`] are the public side.

mod bundle;
mod custody;
mod desk;
mod directory;
mod filing;
mod letters;
mod pacts;
mod patrol;
mod reporter;
mod sessions;
mod stats;

pub use bundle::*;
pub use custody::*;
pub use desk::*;
use directory::*;
pub use filing::*;
pub use letters::*;
pub use pacts::*;
pub use patrol::*;
pub use reporter::*;
pub use sessions::*;
pub use stats::*;

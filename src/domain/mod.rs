//! Domain rules: the run status machine, the domain's enumerations and input validation.
//! Nothing here knows about HTTP, GraphQL or the database.

pub mod enums;
pub mod run_status;
pub mod validation;

pub use enums::{ContactAlertType, Direction, DocumentType, EndSystemType, IntegrationType};
pub use run_status::{RunAction, RunStatus, Transition, TransitionRefused};

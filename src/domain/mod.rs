//! Domain rules: the run status machine, the domain's enumerations, input validation, and the
//! words of access (scopes, refused credentials). Nothing here knows about HTTP, GraphQL or the
//! database.

pub mod access;
pub mod enums;
/// Bounds on client input values (depth, list lengths, filter sizes, printable text).
pub mod input;
pub mod run_status;
pub mod validation;

pub use access::{AuthError, Scope, Scopes};
pub use enums::{ContactAlertType, Direction, DocumentType, EndSystemType, IntegrationType};
pub use run_status::{RunAction, RunStatus, Transition, TransitionRefused};

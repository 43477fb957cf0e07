//! Domain rules: the run status machine, the domain's enumerations, input validation, and the
//! words of access (scopes, refused credentials). Nothing here knows about HTTP, GraphQL or the
//! database.

pub mod access;
pub mod alert_mail;
pub mod enums;
/// Bounds on client input values (depth, list lengths, filter sizes, printable text).
pub mod input;
pub mod run_status;
pub mod validation;
/// Webhooks and deliveries: which events an endpoint gets, which targets are refused (SSRF),
/// what an answer means for a delivery, and when to try again.
pub mod webhooks;

pub use access::{AuthError, Scope, Scopes};
pub use enums::{
    ContactAlertType, DeliveryChannel, DeliveryStatus, Direction, DocumentType, EndSystemType,
    IntegrationType, WebhookEventType,
};
pub use run_status::{RunAction, RunStatus, Transition, TransitionRefused};

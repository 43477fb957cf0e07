//! SeaORM entities of the integration gateway: one module per table.
//!
//! Enum-like columns are plain `String`s; the domain layer parses them (the
//! accepted values are the lists in `migration::enums`, enforced by CHECKs).

/// `api_tokens`: hashed bearer tokens of API clients.
pub mod api_token;
/// `deliveries`: the delivery outbox, one row per event and endpoint (or recipient).
pub mod delivery;
/// `delivery_attempts`: every try of a delivery.
pub mod delivery_attempt;
/// `delivery_cursor`: the last event the delivery expander handled.
pub mod delivery_cursor;
/// `document_exports`: the export state of one document.
pub mod document_export;
/// `email_digests`: what each email delivery reports, to whom, over which window.
pub mod email_digest;
/// `email_digest_alerts`: the alerts each email digest reports.
pub mod email_digest_alert;
/// `event_sequence`: the counter that orders events in commit order.
pub mod event_sequence;
/// `integrations`: the configured integrations.
pub mod integration;
/// `integration_alerts`: alerts raised to an integration's contacts.
pub mod integration_alert;
/// `integration_contacts`: the people an integration's alerts reach.
pub mod integration_contact;
/// `integration_errors`: the errors a run hits.
pub mod integration_error;
/// `integration_events`: the transactional outbox of changes.
pub mod integration_event;
/// `integration_history_records`: per document, what happened to it in an integration.
pub mod integration_history_record;
/// `integration_record_responses`: what the external system answered to a record or an error.
pub mod integration_record_response;
/// `integration_runs`: one batch of an integration.
pub mod integration_run;
/// `users`: the principals (users and API clients) named by `created_by_id` / `updated_by_id`.
pub mod user;
/// `webhook_endpoints`: where events are sent, signed.
pub mod webhook_endpoint;

/// Re-exports every entity under its table's singular name (`Integration`, `IntegrationRun`, …).
pub mod prelude;

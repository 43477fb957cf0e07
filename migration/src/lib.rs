//! Schema migrations of the integration gateway.
//!
//! The same migrations run on SQLite and PostgreSQL 15: every CHECK, UNIQUE
//! and FOREIGN KEY constraint is declared (and named) inside `CREATE TABLE`,
//! because SQLite cannot add them later with `ALTER TABLE`. No column has a
//! database-side timestamp default; the application sets every timestamp.

pub use sea_orm_migration::prelude::*;

mod common;
pub mod enums;
mod m20261123_000001_create_users;
mod m20261123_000002_create_integrations;
mod m20261123_000003_create_integration_runs;
mod m20261123_000004_create_integration_errors;
mod m20261123_000005_create_integration_history_records;
mod m20261123_000006_create_integration_record_responses;
mod m20261123_000007_create_document_exports;
mod m20261123_000008_create_integration_alerts;
mod m20261123_000009_create_integration_events;
mod m20261123_000010_create_api_tokens;
mod m20261206_000011_create_integration_event_outbox;
mod m20261206_000012_create_deliveries;
mod m20261206_000013_create_integration_contacts;
mod m20261206_000014_add_expected_durations;
mod m20261206_000015_create_email_digests;
mod m20261207_000016_index_delivery_leases;
mod m20261207_000017_delivery_churn;

/// Runs the gateway's migrations in foreign-key order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_users::Migration),
            Box::new(m20261123_000002_create_integrations::Migration),
            Box::new(m20261123_000003_create_integration_runs::Migration),
            Box::new(m20261123_000004_create_integration_errors::Migration),
            Box::new(m20261123_000005_create_integration_history_records::Migration),
            Box::new(m20261123_000006_create_integration_record_responses::Migration),
            Box::new(m20261123_000007_create_document_exports::Migration),
            Box::new(m20261123_000008_create_integration_alerts::Migration),
            Box::new(m20261123_000009_create_integration_events::Migration),
            Box::new(m20261123_000010_create_api_tokens::Migration),
            Box::new(m20261206_000011_create_integration_event_outbox::Migration),
            Box::new(m20261206_000012_create_deliveries::Migration),
            Box::new(m20261206_000013_create_integration_contacts::Migration),
            Box::new(m20261206_000014_add_expected_durations::Migration),
            Box::new(m20261206_000015_create_email_digests::Migration),
            Box::new(m20261207_000016_index_delivery_leases::Migration),
            Box::new(m20261207_000017_delivery_churn::Migration),
        ]
    }
}

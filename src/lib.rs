//! integration-gateway: a GraphQL server over integration data — integrations, runs, errors,
//! history records and the responses external systems send back.

/// The whole application: connect, migrate, build the schema and router, serve.
pub mod app;
/// Who is calling: bearer tokens, scopes, the rate limit.
pub mod auth;
/// Fan-out of committed events to subscribers.
pub mod broker;
/// The CLI commands beyond one service call: import, token.
pub mod cli;
/// Command line and environment configuration.
pub mod config;
/// The optional TOML configuration file, fed to clap as defaults.
pub mod config_file;
/// Database connection and migrations.
pub mod db;
/// The delivery worker: claims due deliveries and sends them through each channel's sender
/// (signed webhooks now), with bounded concurrency, retries and leases.
pub mod delivery;
/// Domain rules: the run status machine, enumerations, validation, scopes.
pub mod domain;
/// The one error type and its mapping to GraphQL errors.
pub mod error;
/// The GraphQL schema: types, resolvers, loaders, filters, connections.
pub mod graphql;
/// The HTTP surface: router, GraphQL over HTTP, health.
pub mod http;
/// Alert emails over SMTP (lettre): the transport, the sender, the send timeout.
pub mod mailer;
/// Operations: metrics, structured logs and trace export.
pub mod observability;
/// Requests in flight, so background work yields to them when the server is saturated.
pub mod pressure;
/// The vendor-compatible REST API under `/api`, with its OpenAPI document.
pub mod rest;
/// Demo data.
pub mod seed;
/// Use cases over the database, in transactions.
pub mod service;
/// The process-wide shutdown signal (SIGTERM / SIGINT, heard on a thread of its own) that
/// long-lived connections watch, and the watchdog that ends the process past the grace period.
pub mod shutdown;

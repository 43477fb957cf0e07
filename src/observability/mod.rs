//! Operations: Prometheus metrics, structured logs (text or JSON) and OpenTelemetry export.

pub mod logging;
pub mod metrics;

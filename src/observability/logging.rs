//! The tracing subscriber: `RUST_LOG` filtering, text or JSON lines on stderr, and optionally
//! every span exported over OTLP/HTTP.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::{Resource, trace::SdkTracerProvider};
use tracing_subscriber::{
    EnvFilter, Layer,
    filter::{LevelFilter, Targets},
    layer::SubscriberExt,
    util::SubscriberInitExt,
};

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, with the current span and its parents (request id, operation).
    Json,
}

/// Flushes exported spans when dropped (keep it alive until the process ends).
#[derive(Debug)]
pub struct TelemetryGuard(Option<SdkTracerProvider>);

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.0.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("flushing OpenTelemetry spans failed: {e}");
        }
    }
}

/// The OTLP/HTTP traces URL of a collector address: `http://collector:4318` gets `/v1/traces`.
pub fn traces_url(endpoint: &str) -> String {
    let trimmed = endpoint.trim_end_matches('/');
    if trimmed.ends_with("/v1/traces") {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/v1/traces")
    }
}

/// Installs the global subscriber. `RUST_LOG` filters (default `info`); `otlp_endpoint` turns on
/// span export to an OpenTelemetry collector.
pub fn init(format: LogFormat, otlp_endpoint: Option<&str>) -> Result<TelemetryGuard, String> {
    let (targets, env_filter) = filter(std::env::var(EnvFilter::DEFAULT_ENV).ok().as_deref());
    let fmt = match format {
        // Colours only for a person at a terminal: escape codes are noise in a log file, and
        // writing them cost 5% of a one-row read's CPU (the request span's fields).
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let (otel, provider) = match otlp_endpoint {
        Some(endpoint) => {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_endpoint(traces_url(endpoint))
                .build()
                .map_err(|e| format!("--otlp-endpoint: {e}"))?;
            let provider = SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(
                    Resource::builder()
                        .with_service_name(env!("CARGO_PKG_NAME"))
                        .build(),
                )
                .build();
            let tracer = provider.tracer(env!("CARGO_PKG_NAME"));
            (
                Some(tracing_opentelemetry::layer().with_tracer(tracer)),
                Some(provider),
            )
        }
        None => (None, None),
    };
    tracing_subscriber::registry()
        .with(targets)
        .with(env_filter)
        .with(fmt)
        .with(otel)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(TelemetryGuard(provider))
}

/// The filter of `RUST_LOG` (default `info`; a value neither filter reads counts as unset).
/// Directives of targets and levels only, the usual kind, make a [`Targets`] filter, which decides
/// once per call site; [`EnvFilter`], needed for span and field directives, also looks every span
/// up under a lock each time it is entered or left, several times per request.
fn filter(directives: Option<&str>) -> (Option<Targets>, Option<EnvFilter>) {
    let default = || (Some(Targets::new().with_default(LevelFilter::INFO)), None);
    let Some(directives) = directives.map(str::trim).filter(|d| !d.is_empty()) else {
        return default();
    };
    // EnvFilter's reading is the reference: what it refuses is the default, as before.
    let Ok(env_filter) = EnvFilter::try_new(directives) else {
        return default();
    };
    // Span and field directives are written in brackets and braces.
    let plain = !directives.contains(['[', ']', '{', '}']);
    match directives.parse::<Targets>() {
        Ok(targets) if plain => (Some(targets), None),
        _ => (None, Some(env_filter)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_directives_make_a_targets_filter_and_span_directives_an_env_filter() {
        use tracing::Level;
        let (targets, env) = filter(None);
        let targets = targets.expect("default");
        assert!(env.is_none());
        assert!(targets.would_enable("integration_gateway", &Level::INFO));
        assert!(!targets.would_enable("integration_gateway", &Level::DEBUG));

        let (targets, env) = filter(Some("warn,integration_gateway::graphql=debug,sqlx"));
        let targets = targets.expect("plain directives");
        assert!(env.is_none());
        assert!(targets.would_enable("integration_gateway::graphql::gateway", &Level::DEBUG));
        assert!(!targets.would_enable("integration_gateway::db", &Level::INFO));
        assert!(targets.would_enable("integration_gateway::db", &Level::WARN));
        assert!(targets.would_enable("sqlx::query", &Level::TRACE));

        let (targets, env) = filter(Some("info,[request{path=/graphql}]=debug"));
        assert!(targets.is_none());
        assert!(env.is_some(), "span directives need EnvFilter");

        // What neither reads is the default.
        let (targets, env) = filter(Some("[unclosed"));
        assert!(env.is_none());
        assert!(targets.expect("default").would_enable("x", &Level::INFO));
        let (targets, _) = filter(Some("  "));
        assert!(targets.expect("default").would_enable("x", &Level::INFO));
    }

    #[test]
    fn a_collector_address_gets_the_traces_path_once() {
        assert_eq!(traces_url("http://c:4318"), "http://c:4318/v1/traces");
        assert_eq!(traces_url("http://c:4318/"), "http://c:4318/v1/traces");
        assert_eq!(
            traces_url("http://c:4318/v1/traces"),
            "http://c:4318/v1/traces"
        );
    }
}

//! The `integration-gateway` binary: parse the configuration, then serve, migrate, print the schema or seed.

use std::{process::ExitCode, time::Duration};

use clap::{CommandFactory, FromArgMatches};
use integration_gateway::{
    app::Application,
    config::{Cli, Command},
    config_file, db, graphql, observability, seed, shutdown,
};

/// mimalloc instead of glibc malloc: a large read allocates and frees thousands of small values,
/// and glibc's arenas spent a quarter of the CPU of a 50-run query (bench/run) on it and its locks.
/// The stack of each runtime thread (tokio's default is 2 MiB).
const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long main waits for the runtime's threads once its work is done. A worker held by a
/// request past the grace period is left behind: returning from main ends the process anyway.
const RUNTIME_SHUTDOWN: Duration = Duration::from_secs(1);

/// The runtime is built by hand (not `#[tokio::main]`, whose runtime waits for every worker when
/// dropped) so that a stuck worker cannot keep the process from ending.
fn main() -> ExitCode {
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let telemetry = match observability::logging::init(
        cli.telemetry.log_format,
        cli.telemetry.otlp_endpoint.as_deref(),
    ) {
        Ok(guard) => guard,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    // Input values are bounded before anything parses them (--max-input-depth); the larger
    // stack is the margin beyond that bound, for async-graphql's recursive input parsing whose
    // frames are large (about 80 KiB per filter level in a debug build). Only touched pages
    // cost memory.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK_BYTES)
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
    let status = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    };
    // Flushes the exported spans, the runtime's tasks having ended (or been left behind).
    drop(telemetry);
    status
}

/// Flags, environment and the configuration file (as clap defaults, see config_file.rs).
/// Without a subcommand the arguments are parsed again as `serve`, so `serve`'s environment
/// variables and file settings apply to the default command too.
fn parse_cli() -> Result<Cli, String> {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut command = Cli::command();
    if let Some(path) = config_file::path_from(&args) {
        command = config_file::apply(command, &config_file::read(&path)?)?;
    }
    let matches = command.clone().get_matches_from(&args);
    let cli = Cli::from_arg_matches(&matches).map_err(|e| e.to_string())?;
    if cli.command.is_some() {
        return Ok(cli);
    }
    args.push("serve".into());
    let matches = command.get_matches_from(&args);
    Cli::from_arg_matches(&matches).map_err(|e| e.to_string())
}

async fn run(cli: Cli) -> Result<(), String> {
    let Some(command) = cli.command else {
        return Err("no command".into());
    };
    match command {
        Command::Serve(serve) => {
            let app = Application::build(&cli.database, &serve)
                .await
                .map_err(|e| format!("cannot start: {e}"))?;
            let addr = app.local_addr().map_err(|e| e.to_string())?;
            tracing::info!("serving GraphQL and GraphiQL at http://{addr}/graphql");
            tracing::info!(
                "serving the dashboard at http://{addr}{}",
                integration_gateway::http::dashboard::DASHBOARD_PATH
            );
            shutdown::listen(app.shutdown_grace())
                .map_err(|e| format!("cannot listen for signals: {e}"))?;
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let conn = db::connect(&cli.database)
                .await
                .map_err(|e| e.to_string())?;
            db::migrate_with_progress(&conn)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Import(config) => {
            let conn = db::connect(&cli.database)
                .await
                .map_err(|e| e.to_string())?;
            db::migrate(&conn).await.map_err(|e| e.to_string())?;
            let report = integration_gateway::cli::import(&conn, &config).await?;
            // All or nothing: a rolled-back file is a failure of the command.
            if report.rows > 0 && !report.committed {
                return Err("import failed: nothing was written".into());
            }
            Ok(())
        }
        Command::Token(command) => {
            let conn = db::connect(&cli.database)
                .await
                .map_err(|e| e.to_string())?;
            db::migrate(&conn).await.map_err(|e| e.to_string())?;
            integration_gateway::cli::token(&conn, command).await
        }
        Command::Seed(_) => {
            let conn = db::connect(&cli.database)
                .await
                .map_err(|e| e.to_string())?;
            db::migrate(&conn).await.map_err(|e| e.to_string())?;
            let report = seed::demo_with_progress(&conn)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(
                integrations = report.integrations,
                runs = report.runs,
                records = report.records,
                errors = report.errors,
                past_alerts = report.past_alerts,
                "demo data loaded"
            );
            Ok(())
        }
    }
}

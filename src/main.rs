//! The `integration-gateway` binary: parse the configuration, then serve, migrate, print the schema or seed.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use integration_gateway::{
    app::Application,
    config::{Cli, Command},
    config_file, db, graphql, observability, seed,
};

/// mimalloc instead of glibc malloc: a large read allocates and frees thousands of small values,
/// and glibc's arenas spent a quarter of the CPU of a 50-run query (bench/run) on it and its locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let _telemetry = match observability::logging::init(
        cli.telemetry.log_format,
        cli.telemetry.otlp_endpoint.as_deref(),
    ) {
        Ok(guard) => guard,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
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
                "demo data loaded"
            );
            Ok(())
        }
    }
}

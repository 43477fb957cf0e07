//! The `integration-gateway` binary: parse the configuration, then serve, migrate, print the schema or seed.

use std::process::ExitCode;

use clap::Parser;
use integration_gateway::{
    app::Application,
    config::{Cli, Command, ServeConfig},
    db, graphql, seed,
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli
        .command
        .unwrap_or(Command::Serve(ServeConfig::default()))
    {
        Command::Serve(serve) => {
            let app = Application::build(&cli.database, &serve)
                .await
                .map_err(|e| format!("cannot start: {e}"))?;
            let addr = app.local_addr().map_err(|e| e.to_string())?;
            tracing::info!("serving GraphQL and GraphiQL at http://{addr}/graphql");
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let conn = db::connect(&cli.database)
                .await
                .map_err(|e| e.to_string())?;
            db::migrate(&conn).await.map_err(|e| e.to_string())?;
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
            let report = seed::demo(&conn).await.map_err(|e| e.to_string())?;
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

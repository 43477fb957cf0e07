//! `token create | list | revoke`: API tokens from the command line.

use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;

use crate::{
    auth::{Scope, Scopes},
    config::TokenCommand,
    service::tokens,
};

/// Runs a `token` subcommand; the secret of a new token is the only thing printed on stdout.
pub async fn token(db: &DatabaseConnection, command: TokenCommand) -> Result<(), String> {
    match command {
        TokenCommand::Create {
            name,
            scopes,
            expires_in_days,
        } => {
            let names: Vec<&str> = scopes.iter().flat_map(|s| s.split_whitespace()).collect();
            if let Some(unknown) = names.iter().find(|n| Scope::parse(n).is_none()) {
                return Err(format!(
                    "unknown scope {unknown:?}: use {}, {} and/or {}",
                    Scope::Read,
                    Scope::Write,
                    Scope::Admin
                ));
            }
            let expires_at =
                expires_in_days.map(|days| Utc::now() + Duration::days(i64::from(days)));
            let created = tokens::create(db, &name, Scopes::from_names(names), expires_at)
                .await
                .map_err(|e| e.to_string())?;
            eprintln!(
                "created API token {:?} with {}{}; it is shown once, store it now:",
                created.token.name,
                created.token.scopes,
                created
                    .token
                    .expires_at
                    .map(|at| format!(", expiring {}", at.to_rfc3339()))
                    .unwrap_or_default()
            );
            println!("{}", created.secret);
            Ok(())
        }
        TokenCommand::List => {
            let all = tokens::list(db).await.map_err(|e| e.to_string())?;
            println!(
                "{:<24} {:<14} {:<45} {:<20} {:<20} REVOKED",
                "NAME", "PREFIX", "SCOPES", "CREATED", "EXPIRES"
            );
            let day = |at: Option<chrono::DateTime<Utc>>| {
                at.map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "-".into())
            };
            for t in all {
                println!(
                    "{:<24} {:<14} {:<45} {:<20} {:<20} {}",
                    t.name,
                    format!("{}…", t.prefix),
                    t.scopes,
                    day(Some(t.created_at)),
                    day(t.expires_at),
                    day(t.revoked_at)
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { name } => {
            let revoked = tokens::revoke(db, &name).await.map_err(|e| e.to_string())?;
            eprintln!("revoked API token {:?}", revoked.name);
            Ok(())
        }
    }
}

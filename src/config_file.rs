//! The optional TOML configuration file (`--config FILE` / `GATEWAY_CONFIG`).
//!
//! Its values become clap *defaults* of the matching arguments, so clap alone decides precedence
//! (flag > environment > file > built-in default) and every setting keeps one definition, its
//! `#[arg]` in config.rs. Keys are the long flag names (`database-url`; `database_url` works too)
//! at the top level of the file, whichever subcommand the flag belongs to.

use std::{ffi::OsString, path::PathBuf};

/// The configuration file named by the arguments (`--config FILE`, `--config=FILE`) or by
/// `GATEWAY_CONFIG`.
pub fn path_from(args: &[OsString]) -> Option<PathBuf> {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    std::env::var_os("GATEWAY_CONFIG").map(PathBuf::from)
}

/// Reads and parses a configuration file.
pub fn read(path: &std::path::Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("configuration file {}: {e}", path.display()))?;
    text.parse::<toml::Table>()
        .map_err(|e| format!("configuration file {}: {e}", path.display()))
}

fn value_text(key: &str, value: &toml::Value) -> Result<String, String> {
    match value {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        _ => Err(format!(
            "configuration file: `{key}` must be a string, number or boolean"
        )),
    }
}

fn has_long(cmd: &clap::Command, long: &str) -> bool {
    cmd.get_arguments().any(|a| a.get_long() == Some(long))
}

fn set_default(cmd: clap::Command, long: &str, value: &str) -> clap::Command {
    let id = cmd
        .get_arguments()
        .find(|a| a.get_long() == Some(long))
        .map(|a| a.get_id().clone());
    let Some(id) = id else { return cmd };
    let value = value.to_owned();
    cmd.mut_arg(id, move |a| {
        a.default_value(clap::builder::OsStr::from(clap::builder::Str::from(value)))
    })
}

/// `cmd` with the file's values as defaults; an unknown key is an error (a typo must not be
/// silently ignored).
pub fn apply(mut cmd: clap::Command, table: &toml::Table) -> Result<clap::Command, String> {
    for (key, value) in table {
        let long = key.replace('_', "-");
        if long == "config" {
            return Err("configuration file: `config` cannot name another file".into());
        }
        let text = value_text(key, value)?;
        let mut known = false;
        if has_long(&cmd, &long) {
            known = true;
            cmd = set_default(cmd, &long, &text);
        }
        let subcommands: Vec<String> = cmd
            .get_subcommands()
            .filter(|sub| has_long(sub, &long))
            .map(|sub| sub.get_name().to_owned())
            .collect();
        for name in subcommands {
            known = true;
            let text = text.clone();
            let long = long.clone();
            cmd = cmd.mut_subcommand(name, move |sub| set_default(sub, &long, &text));
        }
        if !known {
            return Err(format!("configuration file: unknown setting `{key}`"));
        }
    }
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches};

    use super::*;
    use crate::config::{Cli, Command};

    fn parse(file: &str, args: &[&str]) -> Result<Cli, String> {
        let table: toml::Table = file.parse().map_err(|e| format!("{e}"))?;
        let cmd = apply(Cli::command(), &table)?;
        let matches = cmd.try_get_matches_from(args).map_err(|e| e.to_string())?;
        Cli::from_arg_matches(&matches).map_err(|e| e.to_string())
    }

    fn serve(cli: &Cli) -> &crate::config::ServeConfig {
        match &cli.command {
            Some(Command::Serve(serve)) => serve,
            other => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn the_file_overrides_built_in_defaults() {
        let cli = parse(
            "database-url = \"sqlite://from-file.db\"\nlisten = \"127.0.0.1:9999\"\n\
             shutdown_grace_secs = 5\ndisable-introspection = true\nlog-format = \"json\"",
            &["gw", "serve"],
        )
        .unwrap();
        assert_eq!(cli.database.database_url, "sqlite://from-file.db");
        assert_eq!(serve(&cli).listen.to_string(), "127.0.0.1:9999");
        assert_eq!(serve(&cli).shutdown_grace_secs, 5);
        assert!(serve(&cli).disable_introspection);
        assert_eq!(
            cli.telemetry.log_format,
            crate::observability::logging::LogFormat::Json
        );
    }

    #[test]
    fn flags_override_the_file() {
        let cli = parse(
            "database-url = \"sqlite://from-file.db\"\nlisten = \"127.0.0.1:9999\"",
            &[
                "gw",
                "--database-url",
                "sqlite://flag.db",
                "serve",
                "--listen",
                "127.0.0.1:1",
            ],
        )
        .unwrap();
        assert_eq!(cli.database.database_url, "sqlite://flag.db");
        assert_eq!(serve(&cli).listen.to_string(), "127.0.0.1:1");
    }

    #[test]
    fn settings_missing_from_the_file_keep_their_defaults() {
        let cli = parse("listen = \"127.0.0.1:9999\"", &["gw", "serve"]).unwrap();
        assert_eq!(serve(&cli).max_body_bytes, 1024 * 1024);
        assert_eq!(serve(&cli).shutdown_grace_secs, 30);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(
            parse("lisen = \"x\"", &["gw", "serve"])
                .unwrap_err()
                .contains("lisen")
        );
        assert!(parse("listen = \"not an address\"", &["gw", "serve"]).is_err());
        assert!(parse("listen = [1]", &["gw", "serve"]).is_err());
    }

    #[test]
    fn the_file_is_found_in_the_arguments() {
        let args: Vec<OsString> = ["gw", "--config", "a.toml", "serve"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(path_from(&args), Some(PathBuf::from("a.toml")));
        let args: Vec<OsString> = ["gw", "serve", "--config=b.toml"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(path_from(&args), Some(PathBuf::from("b.toml")));
    }
}

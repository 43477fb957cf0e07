//! What the benchmarks share: the gateway's release binary started on a database, a throwaway
//! PostgreSQL, GraphQL over HTTP, a process's CPU and memory, percentiles.

#![allow(dead_code)] // each benchmark uses its part

use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

pub(crate) async fn gql(
    client: &reqwest::Client,
    url: &str,
    query: &str,
    variables: Value,
) -> Value {
    let body: Value = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

#[path = "../../tests/common/procfs.rs"]
mod procfs;

/// The resident memory of process `pid`, in KiB (0 once it is gone).
pub(crate) fn rss_kib(pid: u32) -> u64 {
    procfs::rss_kib(pid).unwrap_or(0)
}

/// The process's user + system CPU time, in clock ticks (1/100 s on Linux).
pub(crate) fn cpu_ticks(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // The command name may hold spaces: fields count from after its ')'.
            let rest = s.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0)
}

pub(crate) fn open_files_limit() -> u64 {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(1024)
}

/// The `p` quantile of sorted values (nearest rank).
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// A gateway process.
pub(crate) struct Gateway {
    child: tokio::process::Child,
    /// `http://HOST:PORT`.
    pub(crate) url: String,
    /// Its process id.
    pub(crate) pid: u32,
}

impl Gateway {
    /// Whether the process is still running.
    pub(crate) fn alive(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }
}

/// Starts the gateway on `database_url` with these extra `serve` flags.
pub(crate) async fn start_gateway(database_url: &str, flags: &[&str]) -> Gateway {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_integration-gateway"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(flags)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn,integration_gateway=info")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the gateway");
    let pid = child.id().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the gateway started");
        if let Some(rest) = line.split("serving GraphQL and GraphiQL at ").nth(1) {
            break rest.trim().trim_end_matches("/graphql").to_owned();
        }
    };
    // BENCH_GATEWAY_LOG=1 passes its log on to stderr.
    let show = std::env::var_os("BENCH_GATEWAY_LOG").is_some();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            if show {
                eprintln!("gateway: {line}");
            }
        }
    });
    Gateway { child, url, pid }
}

/// A throwaway PostgreSQL server (scripts/postgres), stopped when dropped.
pub(crate) struct Postgres {
    dir: std::path::PathBuf,
    /// Its admin URL.
    pub(crate) url: String,
}

impl Postgres {
    /// Starts one (`None`, said on stderr, when it cannot).
    pub(crate) fn start() -> Option<Self> {
        Self::start_with("")
    }

    /// Starts one with these server options (`-c name=value …`).
    pub(crate) fn start_with(options: &str) -> Option<Self> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/postgres");
        let dir =
            std::env::temp_dir().join(format!("bench-pg-{}-{}", std::process::id(), rand_suffix()));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let out = std::process::Command::new(script)
            .args(["start", dir.to_str()?, &port.to_string()])
            .env("POSTGRES_OPTS", options)
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!(
                "PostgreSQL did not start: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return None;
        }
        let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        Some(Self { dir, url })
    }
}

impl Postgres {
    /// The CPU time (clock ticks) of the server's processes: the postmaster and its children
    /// (the backends of pooled connections live as long as the pool).
    pub(crate) fn cpu_ticks(&self) -> u64 {
        let Some(postmaster) = std::fs::read_to_string(self.dir.join("data/postmaster.pid"))
            .ok()
            .and_then(|s| s.lines().next()?.trim().parse::<u32>().ok())
        else {
            return 0;
        };
        let mut ticks = cpu_ticks(postmaster);
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let parent = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    s.rsplit_once(')')?
                        .1
                        .split_whitespace()
                        .nth(1)?
                        .parse::<u32>()
                        .ok()
                });
            if parent == Some(postmaster) {
                ticks += cpu_ticks(pid);
            }
        }
        ticks
    }

    /// Runs SQL with `psql` on database `postgres`; its output, unaligned.
    pub(crate) fn psql(&self, sql: &str) -> String {
        let out = std::process::Command::new("psql")
            .args([self.url.as_str(), "-XAtq", "-F", "\t", "-c", sql])
            .output()
            .expect("psql");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/postgres");
        let _ = std::process::Command::new(script)
            .args(["stop", &self.dir.to_string_lossy()])
            .output();
    }
}

/// Tells two servers started by one process apart.
fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

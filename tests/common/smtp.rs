//! A real SMTP server for the tests: aiosmtpd (PyPI) running `tests/email/smtp_sink.py`, which
//! records every message it accepts with what Python's email parser reads from it.

use std::{path::PathBuf, time::Duration};

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, BufReader};

/// aiosmtpd, pinned.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";
/// trustme (a throwaway CA and server certificates for TLS tests), pinned.
const TRUSTME: &str = "trustme==1.2.1";

/// A message the server accepted.
#[derive(Clone, Debug, Deserialize)]
pub struct Received {
    /// The envelope's sender (MAIL FROM).
    pub mail_from: String,
    /// The envelope's recipients (RCPT TO).
    pub rcpt_tos: Vec<String>,
    /// Whether the client authenticated.
    pub authenticated: bool,
    /// Whether the message came over TLS (STARTTLS or implicit).
    pub tls: bool,
    /// The decoded Subject.
    pub subject: String,
    /// The decoded From.
    pub from: String,
    /// The decoded To.
    pub to: String,
    /// Every header, decoded, in order.
    pub headers: Vec<(String, String)>,
    /// The message's content type.
    pub content_type: String,
    /// The decoded plain-text body.
    pub body: Option<String>,
    /// The raw data.
    pub raw: String,
}

impl Received {
    /// The values of the headers named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// How the server runs.
#[derive(Clone, Debug, Default)]
pub struct SinkOptions {
    /// Require AUTH with this user and password.
    pub auth: Option<(String, String)>,
    /// Listen on this port (0: any free one).
    pub port: u16,
    /// Serve TLS with a certificate of a throwaway CA ([`SmtpSink::ca_pem`]).
    pub tls: Option<SinkTls>,
}

/// How the server speaks TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkTls {
    /// STARTTLS, required before MAIL (and before AUTH).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// A running SMTP server and what it received.
pub struct SmtpSink {
    /// The port it listens on.
    pub port: u16,
    options: SinkOptions,
    child: Option<tokio::process::Child>,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts a server that accepts everything without authentication.
    pub async fn start() -> Self {
        Self::start_with(SinkOptions::default()).await
    }

    /// Starts a server with `options`.
    pub async fn start_with(options: SinkOptions) -> Self {
        let dir = tempfile::tempdir().expect("a directory for the sink");
        let mut sink = Self {
            port: options.port,
            options,
            child: None,
            dir,
        };
        sink.spawn().await;
        sink
    }

    async fn spawn(&mut self) {
        let python =
            tokio::task::spawn_blocking(|| super::python::venv("smtp", &[AIOSMTPD, TRUSTME]))
                .await
                .expect("make the aiosmtpd venv");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/email/smtp_sink.py");
        let mut command = tokio::process::Command::new(python);
        command
            .arg(script)
            .arg("--out")
            .arg(self.out())
            .arg("--port")
            .arg(self.port.to_string())
            .arg("--reply-file")
            .arg(self.reply_file())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true);
        if let Some((user, password)) = &self.options.auth {
            command.arg("--auth").arg(format!("{user}:{password}"));
        }
        if let Some(tls) = self.options.tls {
            command
                .arg("--tls")
                .arg(match tls {
                    SinkTls::StartTls => "starttls",
                    SinkTls::Implicit => "implicit",
                })
                .arg("--tls-dir")
                .arg(self.dir.path());
        }
        let mut child = command.spawn().expect("start the SMTP sink");
        let stdout = child.stdout.take().expect("the sink's output");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the SMTP sink starts within 30 s")
            .expect("read the sink's output")
            .expect("the sink prints its port");
        let ready: serde_json::Value = serde_json::from_str(&first).expect("the port line");
        self.port = ready["port"].as_u64().expect("a port") as u16;
        self.child = Some(child);
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("received.jsonl")
    }

    fn reply_file(&self) -> PathBuf {
        self.dir.path().join("reply")
    }

    /// The server's URL: `smtp://127.0.0.1:PORT` (`?tls=required` with STARTTLS, `smtps://`
    /// with implicit TLS), with the credentials when the server requires them.
    pub fn url(&self) -> String {
        let user = match &self.options.auth {
            Some((user, password)) => format!("{user}:{password}@"),
            None => String::new(),
        };
        match self.options.tls {
            None => format!("smtp://{user}127.0.0.1:{}", self.port),
            Some(SinkTls::StartTls) => {
                format!("smtp://{user}127.0.0.1:{}?tls=required", self.port)
            }
            Some(SinkTls::Implicit) => format!("smtps://{user}127.0.0.1:{}", self.port),
        }
    }

    /// The PEM certificate of the CA that issued the server's certificate (with TLS).
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.dir.path().join("ca.pem")).expect("the sink's CA certificate")
    }

    /// Answers every DATA with `reply` (an SMTP reply line such as `451 4.3.0 try later`),
    /// recording nothing, until called with `None`.
    pub fn reply_with(&self, reply: Option<&str>) {
        std::fs::write(self.reply_file(), reply.unwrap_or_default()).expect("write the reply");
    }

    /// Stops the server (connections are refused until [`SmtpSink::restart`]).
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("stop the SMTP sink");
        }
    }

    /// Starts the server again on the same port, keeping what it received.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.spawn().await;
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<Received> {
        let Ok(text) = std::fs::read_to_string(self.out()) else {
            return Vec::new();
        };
        text.lines()
            .map(|line| serde_json::from_str(line).expect("a record of the sink"))
            .collect()
    }

    /// Waits until at least `n` messages arrived (at most `within`), and answers all received.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= n || tokio::time::Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

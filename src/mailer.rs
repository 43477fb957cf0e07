//! Sending alert emails over SMTP with lettre: the transport configured by `--smtp-url`
//! (plain, STARTTLS or implicit TLS, with authentication from the URL's user and password), the
//! sender `--smtp-from` and a send timeout. A message is built with lettre's typed builder from
//! a [`MailText`](crate::domain::alert_mail::MailText), so its headers are lettre's to encode:
//! nothing in a subject or a name can add one.
//!
//! What the server answers is sorted for retries by [`SendError::is_permanent`]: SMTP's own
//! split (4xx transient, 5xx permanent, RFC 5321 §4.2.1), with timeouts and connection, TLS and
//! network failures transient, and an address lettre cannot parse permanent.

use std::{fmt, net::SocketAddr, str::FromStr, sync::OnceLock, time::Duration};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox,
        header::{ContentType, HeaderName, HeaderValue},
    },
    transport::smtp::client::{Certificate, Tls, TlsParameters},
};

use crate::{
    config::EmailConfig,
    domain::alert_mail::{DashboardLinks, MAX_LABEL_CHARS, MailText, one_line},
};

/// An SMTP server URL as `--smtp-url` takes it (`smtp://`, `smtp://…?tls=required`,
/// `smtps://`), checked by lettre when parsed; its password never shows in `Debug` or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// The URL without its password, for logs (`smtps://alerts@mail.example.com:465`).
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                url.to_string()
            }
            Err(_) => "(unreadable URL)".into(),
        }
    }
}

impl FromStr for SmtpUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // lettre reads the scheme, the `tls` parameter, the host, port, user and password.
        AsyncSmtpTransport::<Tokio1Executor>::from_url(s).map_err(|e| {
            format!(
                "{e} (expected smtp://HOST:PORT, smtp://HOST:PORT?tls=required or \
                 smtps://HOST:PORT, with USER:PASSWORD@ before the host to authenticate)"
            )
        })?;
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// How to reach the SMTP server and whom messages come from.
#[derive(Clone, Debug)]
pub struct MailerSettings {
    /// The server.
    pub url: SmtpUrl,
    /// The `From` of every message.
    pub from: Mailbox,
    /// How long one send may take (connecting, TLS, authentication and the transaction).
    pub timeout: Duration,
    /// CA certificates (PEM) trusted for the server's TLS besides the system's: a relay whose
    /// certificate an internal CA issued.
    pub ca_pem: Option<Vec<u8>>,
}

/// One recipient of a message: a contact's name and address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The contact's name (shown in `To`).
    pub name: String,
    /// The contact's address.
    pub email: String,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The recipient's address is not one lettre can send to.
    #[error("the address `{0}` cannot be sent to")]
    BadAddress(String),
    /// The message could not be built.
    #[error("the message cannot be built: {0}")]
    Message(String),
    /// The send took longer than the timeout.
    #[error("no answer from the SMTP server within {} ms", .0.as_millis())]
    Timeout(Duration),
    /// The server refused (a 4xx or 5xx reply).
    #[error("the SMTP server refused with {code}: {message}")]
    Refused {
        /// The reply code.
        code: u16,
        /// What lettre reports.
        message: String,
    },
    /// The server could not be reached or the connection failed (network, TLS, protocol).
    #[error("SMTP connection failed: {0}")]
    Connection(String),
}

impl SendError {
    /// Whether sending the same message again cannot succeed: a 5xx reply, a bad address, a
    /// message that cannot be built. Everything else (4xx, timeouts, connections) is retried.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::BadAddress(_) | Self::Message(_) => true,
            Self::Refused { code, .. } => *code >= 500,
            Self::Timeout(_) | Self::Connection(_) => false,
        }
    }

    /// The server's reply code, when it answered one.
    pub fn code(&self) -> Option<u16> {
        match self {
            Self::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// What the server said when it took a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The reply code (250).
    pub code: u16,
    /// The reply's first line (often the server's queue id).
    pub message: String,
}

/// The SMTP transport (a pool of connections) and the sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    settings: MailerSettings,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): auto-responders do not answer alerts.
fn auto_submitted() -> HeaderValue {
    static NAME: OnceLock<HeaderName> = OnceLock::new();
    let name = NAME.get_or_init(|| HeaderName::new_from_ascii_str("Auto-Submitted"));
    HeaderValue::new(name.clone(), "auto-generated".into())
}

impl Mailer {
    /// The transport for `settings` (connections are opened when the first message is sent).
    pub fn new(settings: MailerSettings) -> Result<Self, String> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url.0)
            .map_err(|e| format!("--smtp-url {}: {e}", settings.url.redacted()))?
            .timeout(Some(settings.timeout));
        if let Some(pem) = &settings.ca_pem {
            builder = builder.tls(tls_trusting(&settings.url, pem)?);
        }
        let transport = builder.build();
        Ok(Self {
            transport,
            settings,
        })
    }

    /// The settings it sends with.
    pub fn settings(&self) -> &MailerSettings {
        &self.settings
    }

    /// Sends `text` to one recipient, within the timeout.
    pub async fn send(&self, to: &Recipient, text: &MailText) -> Result<Accepted, SendError> {
        let message = self.message(to, text)?;
        let sending = self.transport.send(message);
        match tokio::time::timeout(self.settings.timeout, sending).await {
            Err(_) => Err(SendError::Timeout(self.settings.timeout)),
            Ok(Ok(response)) => Ok(Accepted {
                code: response.code().into(),
                message: response.first_line().unwrap_or_default().to_owned(),
            }),
            Ok(Err(e)) => Err(self.failure(e)),
        }
    }

    /// The message for one recipient: plain text, UTF-8, lettre's headers.
    pub fn message(&self, to: &Recipient, text: &MailText) -> Result<Message, SendError> {
        let address = to
            .email
            .trim()
            .parse()
            .map_err(|_| SendError::BadAddress(one_line(&to.email, MAX_LABEL_CHARS)))?;
        let name = one_line(&to.name, MAX_LABEL_CHARS);
        let to = Mailbox::new((!name.is_empty()).then_some(name), address);
        Message::builder()
            .from(self.settings.from.clone())
            .to(to)
            .subject(text.subject.as_str())
            .raw_header(auto_submitted())
            .header(ContentType::TEXT_PLAIN)
            .body(text.body.clone())
            .map_err(|e| SendError::Message(e.to_string()))
    }

    fn failure(&self, e: lettre::transport::smtp::Error) -> SendError {
        if e.is_timeout() {
            return SendError::Timeout(self.settings.timeout);
        }
        match e.status() {
            Some(code) => SendError::Refused {
                code: code.into(),
                message: bounded_error(&e),
            },
            None => SendError::Connection(bounded_error(&e)),
        }
    }
}

/// Everything alert emails need: the mailer, the dashboard's links and the digest window.
#[derive(Debug)]
pub struct AlertEmails {
    /// The transport and sender.
    pub mailer: Mailer,
    /// The pages messages link to.
    pub links: DashboardLinks,
    /// How long alerts of one integration are gathered into one message per contact (zero:
    /// one message per alert).
    pub digest_window: Duration,
}

impl AlertEmails {
    /// The alert emails `config` asks for, linking to the dashboard of the gateway bound to
    /// `bound` unless `--dashboard-url` says otherwise; `None` without `--smtp-url` (email off).
    pub fn from_config(config: &EmailConfig, bound: SocketAddr) -> Result<Option<Self>, String> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let Some(from) = &config.smtp_from else {
            return Err(
                "--smtp-url needs --smtp-from (the sender of alert emails, e.g. \
                 `Integration gateway <gateway@example.com>`)"
                    .into(),
            );
        };
        let dashboard = match &config.dashboard_url {
            Some(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => url.clone(),
            Some(url) => {
                return Err(format!(
                    "--dashboard-url {url}: an http or https URL with a host is needed"
                ));
            }
            None => {
                if bound.ip().is_unspecified() {
                    tracing::warn!(
                        "alert emails link to http://{bound}/dashboard, which contacts cannot \
                         open: set --dashboard-url"
                    );
                }
                url::Url::parse(&format!("http://{bound}/dashboard"))
                    .map_err(|e| format!("the dashboard's URL on {bound}: {e}"))?
            }
        };
        let ca_pem = match &config.smtp_ca_file {
            Some(path) => Some(read_bounded(path, MAX_CA_FILE_BYTES)?),
            None => None,
        };
        let mailer = Mailer::new(MailerSettings {
            url: url.clone(),
            from: from.clone(),
            timeout: Duration::from_secs(config.smtp_timeout_secs),
            ca_pem,
        })?;
        Ok(Some(Self {
            mailer,
            links: DashboardLinks::new(dashboard),
            digest_window: Duration::from_secs(config.alert_digest_window_secs),
        }))
    }
}

/// The largest `--smtp-ca-file` read (a bundle of a few hundred certificates).
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// A file's bytes, refusing a file larger than `max`.
fn read_bounded(path: &std::path::Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| format!("--smtp-ca-file {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("--smtp-ca-file {}: {e}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "--smtp-ca-file {}: larger than {max} bytes",
            path.display()
        ));
    }
    Ok(bytes)
}

/// The TLS mode `url` asks for (as lettre reads it), trusting the CA certificates of `pem` as
/// well as the system's.
fn tls_trusting(url: &SmtpUrl, pem: &[u8]) -> Result<Tls, String> {
    let parsed = url::Url::parse(&url.0).map_err(|e| format!("--smtp-url: {e}"))?;
    let host = parsed.host_str().unwrap_or_default().to_owned();
    // lettre reads PEM leniently: text without a certificate would trust nothing more, silently.
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err("--smtp-ca-file: no PEM certificate in it".into());
    }
    let certificate = Certificate::from_pem(pem)
        .map_err(|e| format!("--smtp-ca-file: not PEM certificates: {e}"))?;
    let parameters = TlsParameters::builder(host)
        .add_root_certificate(certificate)
        .build_rustls()
        .map_err(|e| format!("--smtp-ca-file: {e}"))?;
    let tls = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    match (parsed.scheme(), tls.as_deref()) {
        ("smtps", _) => Ok(Tls::Wrapper(parameters)),
        ("smtp", Some("required")) => Ok(Tls::Required(parameters)),
        ("smtp", Some("opportunistic")) => Ok(Tls::Opportunistic(parameters)),
        _ => Err(format!(
            "--smtp-ca-file is for TLS, but --smtp-url {} is unencrypted (use smtps:// or \
             ?tls=required)",
            url.redacted()
        )),
    }
}

/// An error's text with its causes, one line, bounded (it is stored with the attempt).
fn bounded_error(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    one_line(&text, 1_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        Mailer::new(MailerSettings {
            url: "smtp://127.0.0.1:2525".parse().unwrap(),
            from: "Gateway <gateway@example.com>".parse().unwrap(),
            timeout: Duration::from_secs(5),
            ca_pem: None,
        })
        .unwrap()
    }

    #[test]
    fn the_three_kinds_of_url_parse_and_others_are_refused() {
        for ok in [
            "smtp://mail.example.com:25",
            "smtp://user:p%40ss@mail.example.com:587?tls=required",
            "smtps://user:pass@mail.example.com",
        ] {
            assert!(ok.parse::<SmtpUrl>().is_ok(), "{ok}");
        }
        for bad in [
            "http://mail.example.com",
            "smtp://mail.example.com?tls=sometimes",
            "mail.example.com:25",
            "smtp://",
        ] {
            assert!(bad.parse::<SmtpUrl>().is_err(), "{bad}");
        }
    }

    // The pool of connections starts a task: a runtime is needed.
    #[tokio::test]
    async fn the_password_never_shows() {
        let url: SmtpUrl = "smtps://alerts:s3cret@mail.example.com:465"
            .parse()
            .unwrap();
        assert_eq!(url.redacted(), "smtps://alerts:***@mail.example.com:465");
        assert!(!format!("{url:?}").contains("s3cret"));
        let settings = MailerSettings {
            url,
            from: "g@example.com".parse().unwrap(),
            timeout: Duration::from_secs(1),
            ca_pem: None,
        };
        assert!(!format!("{:?}", Mailer::new(settings).unwrap()).contains("s3cret"));
    }

    // The pool of connections starts a task: a runtime is needed.
    #[tokio::test]
    async fn a_name_with_line_breaks_stays_in_its_header() {
        let text = MailText {
            subject: "Alert from X".into(),
            body: "hello\n".into(),
        };
        let message = mailer()
            .message(
                &Recipient {
                    name: "Eve\r\nBcc: victim@example.com".into(),
                    email: "eve@example.com".into(),
                },
                &text,
            )
            .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        let headers: Vec<&str> = raw
            .split("\r\n\r\n")
            .next()
            .unwrap()
            .split("\r\n")
            .collect();
        assert!(
            !headers
                .iter()
                .any(|h| h.to_ascii_lowercase().starts_with("bcc")),
            "{raw}"
        );
        assert!(headers.contains(&"Auto-Submitted: auto-generated"), "{raw}");
        assert_eq!(message.envelope().to().len(), 1);
        assert_eq!(message.envelope().to()[0].to_string(), "eve@example.com");
    }

    // The pool of connections starts a task: a runtime is needed.
    #[tokio::test]
    async fn a_bad_address_is_a_permanent_failure() {
        let err = mailer()
            .message(
                &Recipient {
                    name: "X".into(),
                    email: "not an address".into(),
                },
                &MailText {
                    subject: "s".into(),
                    body: "b".into(),
                },
            )
            .unwrap_err();
        assert!(matches!(err, SendError::BadAddress(_)));
        assert!(err.is_permanent());
        assert!(!SendError::Timeout(Duration::from_secs(1)).is_permanent());
        assert!(
            !SendError::Refused {
                code: 451,
                message: String::new()
            }
            .is_permanent()
        );
        assert!(
            SendError::Refused {
                code: 550,
                message: String::new()
            }
            .is_permanent()
        );
    }
}

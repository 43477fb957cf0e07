//! Alert emails against a real SMTP server (aiosmtpd, `tests/email/smtp_sink.py`): what the
//! mailer sends, as Python's email parser reads it; authentication from the URL; how refusals
//! and an unreachable server are told apart for retries; the gateway's email settings; and the
//! gateway's email channel of the delivery outbox, on SQLite and PostgreSQL (`TEST_DATABASE_URL`):
//! recipients by contact type, inactive contacts, digests of a burst, a server that is down,
//! redelivery.

mod common;

use std::{net::SocketAddr, time::Duration};

use chrono::{TimeZone, Utc};
use common::{
    TestApp, fresh_database_url, gql_at,
    smtp::{Received, SinkOptions, SinkTls, SmtpSink},
    spawn_app_with, start_process_with,
};
use integration_gateway::{
    app::Application,
    config::{DatabaseConfig, ServeConfig},
    domain::{
        ContactAlertType,
        alert_mail::{AlertLine, DashboardLinks, Digest, IntegrationLabel, compose},
    },
    mailer::{Mailer, MailerSettings, Recipient, SendError},
};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

fn mailer(url: &str) -> Mailer {
    mailer_trusting(url, None).expect("a mailer")
}

fn mailer_trusting(url: &str, ca_pem: Option<Vec<u8>>) -> Result<Mailer, String> {
    Mailer::new(MailerSettings {
        url: url.parse().expect("an SMTP URL"),
        from: "Integration gateway <gateway@example.com>"
            .parse()
            .expect("a mailbox"),
        timeout: Duration::from_secs(10),
        ca_pem,
    })
}

fn sap() -> IntegrationLabel {
    IntegrationLabel {
        id: 7,
        code: "SAP-INVOICES".into(),
        name: "SAP invoice export".into(),
    }
}

fn alerts(n: i32) -> Vec<AlertLine> {
    let start = Utc.with_ymd_and_hms(2026, 12, 6, 23, 0, 0).unwrap();
    (0..n)
        .map(|i| AlertLine {
            id: i + 1,
            raised_at: start + chrono::Duration::milliseconds(i64::from(i) * 50),
            audience: ContactAlertType::Technical,
            run_id: Some(42),
            document_type: Some("InvoiceHeader".into()),
            document_id: Some(4711 + i),
            message: Some(format!("supplier {i} is blocked")),
        })
        .collect()
}

fn links() -> DashboardLinks {
    DashboardLinks::new("https://gateway.example.com/dashboard".parse().unwrap())
}

#[tokio::test]
async fn a_digest_reaches_each_recipient_alone_with_its_subject_and_body() {
    let sink = SmtpSink::start().await;
    let mailer = mailer(&sink.url());
    let label = sap();
    let first = alerts(20);
    let text = compose(
        &Digest {
            integration: &label,
            total: 1000,
            alerts: &first,
        },
        &links(),
    );
    let recipients = [
        Recipient {
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
        },
        Recipient {
            // A name with a line break must not become a header of its own.
            name: "Grace\r\nBcc: victim@example.com".into(),
            email: "grace@example.com".into(),
        },
    ];
    for to in &recipients {
        let accepted = mailer.send(to, &text).await.expect("sent");
        assert_eq!(accepted.code, 250);
    }

    let received = sink.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 2, "{received:#?}");
    assert_eq!(received[0].rcpt_tos, ["ada@example.com"]);
    assert_eq!(received[1].rcpt_tos, ["grace@example.com"]);
    assert_eq!(received[0].to, "Ada Lovelace <ada@example.com>");
    // Quoted, as a display name with a colon must be (RFC 5322 §3.4).
    assert_eq!(
        received[1].to,
        "\"Grace Bcc: victim@example.com\" <grace@example.com>"
    );
    for message in &received {
        assert_eq!(message.mail_from, "gateway@example.com");
        assert_eq!(message.from, "Integration gateway <gateway@example.com>");
        assert_eq!(
            message.subject,
            "1000 alerts from SAP invoice export (SAP-INVOICES)"
        );
        assert!(message.header("Bcc").is_empty(), "{:?}", message.headers);
        assert_eq!(message.header("Auto-Submitted"), ["auto-generated"]);
        assert_eq!(message.content_type, "text/plain");
        assert!(!message.authenticated);
        let body = message.body.as_deref().expect("a plain-text body");
        assert!(
            body.starts_with(
                "The integration SAP invoice export (SAP-INVOICES) raised 1000 alerts from \
                 2026-12-06 23:00:00 UTC on.\n\nThe first 20:\n\n1. 2026-12-06 23:00:00 UTC · for \
                 technical contacts · run #42 · InvoiceHeader 4711\n   supplier 0 is blocked\n   \
                 https://gateway.example.com/dashboard/runs/42\n"
            ),
            "{body}"
        );
        assert!(body.contains("\n20. 2026-12-06 23:00:00 UTC"), "{body}");
        assert!(body.contains("    supplier 19 is blocked\n"), "{body}");
        assert!(body.contains("… and 980 more.\n"), "{body}");
        assert!(body.contains(
            "The integration's runs in the dashboard: \
             https://gateway.example.com/dashboard/runs?integration=SAP-INVOICES\n"
        ));
    }
}

#[tokio::test]
async fn one_alert_names_integration_run_document_and_message_and_survives_unicode() {
    let sink = SmtpSink::start().await;
    let label = IntegrationLabel {
        id: 1,
        code: "DATEV-ÜBERWEISUNG".into(),
        name: "Zahlungsläufe → DATEV".into(),
    };
    let mut alert = alerts(1);
    alert[0].message = Some("Lieferant gesperrt\nzweite Zeile: 名前".into());
    let text = compose(
        &Digest {
            integration: &label,
            total: 1,
            alerts: &alert,
        },
        &links(),
    );
    mailer(&sink.url())
        .send(
            &Recipient {
                name: "Jörg Müller".into(),
                email: "joerg@example.com".into(),
            },
            &text,
        )
        .await
        .expect("sent");
    let received = sink.wait_for(1, Duration::from_secs(10)).await;
    let message = &received[0];
    assert_eq!(
        message.subject,
        "Alert from Zahlungsläufe → DATEV (DATEV-ÜBERWEISUNG): Lieferant gesperrt zweite Zeile: 名前"
    );
    assert_eq!(message.to, "Jörg Müller <joerg@example.com>");
    // Non-ASCII headers travel encoded (RFC 2047): the raw data is 7-bit headers.
    let raw_headers = message.raw.split("\r\n\r\n").next().unwrap();
    assert!(raw_headers.is_ascii(), "{raw_headers}");
    let body = message.body.as_deref().unwrap();
    assert!(
        body.contains("Run:       #42  https://gateway.example.com/dashboard/runs/42\n"),
        "{body:?}"
    );
    assert!(body.contains("Document:  InvoiceHeader 4711\n"));
    assert!(body.contains("Message:   Lieferant gesperrt\n           zweite Zeile: 名前\n"));
    assert!(body.contains("For:       technical contacts\n"));
}

#[tokio::test]
async fn the_urls_credentials_authenticate_and_a_wrong_password_is_refused_for_good() {
    let sink = SmtpSink::start_with(SinkOptions {
        auth: Some(("alerts".into(), "s3cret".into())),
        ..SinkOptions::default()
    })
    .await;
    let text = compose(
        &Digest {
            integration: &sap(),
            total: 1,
            alerts: &alerts(1),
        },
        &links(),
    );
    let to = Recipient {
        name: "Ada".into(),
        email: "ada@example.com".into(),
    };
    mailer(&sink.url()).send(&to, &text).await.expect("sent");
    let received = sink.wait_for(1, Duration::from_secs(10)).await;
    assert!(received[0].authenticated);

    let wrong = format!("smtp://alerts:wrong@127.0.0.1:{}", sink.port);
    let err = mailer(&wrong).send(&to, &text).await.unwrap_err();
    assert_eq!(err.code(), Some(535), "{err}");
    assert!(err.is_permanent(), "{err}");
    // Without credentials the server refuses the transaction (530): permanent too.
    let none = format!("smtp://127.0.0.1:{}", sink.port);
    let err = mailer(&none).send(&to, &text).await.unwrap_err();
    assert!(err.is_permanent(), "{err}");
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn starttls_and_implicit_tls_with_the_servers_ca_deliver_encrypted_and_an_unknown_ca_is_refused()
 {
    let text = compose(
        &Digest {
            integration: &sap(),
            total: 1,
            alerts: &alerts(1),
        },
        &links(),
    );
    let to = Recipient {
        name: "Ada".into(),
        email: "ada@example.com".into(),
    };
    // STARTTLS required by the server, AUTH only after it.
    let sink = SmtpSink::start_with(SinkOptions {
        auth: Some(("alerts".into(), "s3cret".into())),
        tls: Some(SinkTls::StartTls),
        ..SinkOptions::default()
    })
    .await;
    assert!(sink.url().ends_with("?tls=required"), "{}", sink.url());
    mailer_trusting(&sink.url(), Some(sink.ca_pem()))
        .expect("a mailer")
        .send(&to, &text)
        .await
        .expect("sent over STARTTLS");
    let received = sink.wait_for(1, Duration::from_secs(10)).await;
    assert!(
        received[0].tls && received[0].authenticated,
        "{:?}",
        received[0]
    );
    // The same server, without its CA: the certificate is not trusted, nothing is sent (a TLS
    // failure: retried, since the operator may fix the trust).
    let err = mailer(&sink.url()).send(&to, &text).await.unwrap_err();
    assert!(!err.is_permanent(), "{err}");
    // Unencrypted to a server that requires STARTTLS: refused for good.
    let plain = format!("smtp://127.0.0.1:{}", sink.port);
    let err = mailer(&plain).send(&to, &text).await.unwrap_err();
    assert!(err.is_permanent(), "{err}");
    assert_eq!(sink.received().len(), 1);
    // A CA file with an unencrypted URL is a configuration error, said at start.
    let err = mailer_trusting(&plain, Some(sink.ca_pem())).unwrap_err();
    assert!(err.contains("--smtp-ca-file is for TLS"), "{err}");
    let err = mailer_trusting(&sink.url(), Some(b"not a certificate".to_vec())).unwrap_err();
    assert!(err.contains("--smtp-ca-file"), "{err}");

    // TLS from the first byte (smtps://).
    let sink = SmtpSink::start_with(SinkOptions {
        tls: Some(SinkTls::Implicit),
        ..SinkOptions::default()
    })
    .await;
    assert!(sink.url().starts_with("smtps://"), "{}", sink.url());
    mailer_trusting(&sink.url(), Some(sink.ca_pem()))
        .expect("a mailer")
        .send(&to, &text)
        .await
        .expect("sent over implicit TLS");
    let received = sink.wait_for(1, Duration::from_secs(10)).await;
    assert!(received[0].tls, "{:?}", received[0]);
    let err = mailer(&sink.url()).send(&to, &text).await.unwrap_err();
    assert!(!err.is_permanent(), "{err}");
}

#[tokio::test]
async fn an_unreachable_server_and_a_4xx_are_retried_a_5xx_is_not() {
    let mut sink = SmtpSink::start().await;
    let text = compose(
        &Digest {
            integration: &sap(),
            total: 1,
            alerts: &alerts(1),
        },
        &links(),
    );
    let to = Recipient {
        name: "Ada".into(),
        email: "ada@example.com".into(),
    };
    let mailer = mailer(&sink.url());

    sink.reply_with(Some("451 4.3.0 try again later"));
    let err = mailer.send(&to, &text).await.unwrap_err();
    assert_eq!(err.code(), Some(451), "{err}");
    assert!(!err.is_permanent(), "{err}");

    sink.reply_with(Some("554 5.7.1 rejected as spam"));
    let err = mailer.send(&to, &text).await.unwrap_err();
    assert_eq!(err.code(), Some(554), "{err}");
    assert!(err.is_permanent(), "{err}");

    sink.reply_with(None);
    sink.stop().await;
    let err = mailer.send(&to, &text).await.unwrap_err();
    assert!(matches!(err, SendError::Connection(_)), "{err}");
    assert!(!err.is_permanent(), "{err}");
    assert!(sink.received().is_empty());

    // Back on the same port, the same mailer delivers (its pooled connection is not reused).
    sink.restart().await;
    mailer
        .send(&to, &text)
        .await
        .expect("sent once the server is back");
    assert_eq!(sink.wait_for(1, Duration::from_secs(10)).await.len(), 1);
}

async fn build(serve: &ServeConfig) -> Result<Application, String> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let app = Application::build(&DatabaseConfig::new(url), serve)
        .await
        .map_err(|e| e.to_string());
    drop(dir);
    app
}

#[tokio::test]
async fn email_is_off_without_an_smtp_url_and_needs_a_sender_with_one() {
    let serve = ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..ServeConfig::default()
    };
    let app = build(&serve).await.expect("starts");
    assert!(app.alert_emails().is_none());

    let mut with_url = serve.clone();
    with_url.email.smtp_url = Some("smtp://127.0.0.1:2525".parse().unwrap());
    let err = build(&with_url).await.unwrap_err();
    assert!(err.contains("--smtp-url needs --smtp-from"), "{err}");

    with_url.email.smtp_from = Some("gateway@example.com".parse().unwrap());
    let app = build(&with_url).await.expect("starts");
    let emails = app.alert_emails().expect("email on");
    let addr = app.local_addr().unwrap();
    // Links default to the dashboard on the address bound.
    assert_eq!(
        emails.links.run(5).as_str(),
        format!("http://{addr}/dashboard/runs/5")
    );
    assert_eq!(emails.digest_window, Duration::from_secs(60));

    with_url.email.dashboard_url = Some("ftp://example.com/dashboard".parse().unwrap());
    let err = build(&with_url).await.unwrap_err();
    assert!(err.contains("--dashboard-url"), "{err}");
    with_url.email.dashboard_url = Some("https://ops.example.com/gw/dashboard".parse().unwrap());
    let app = build(&with_url).await.expect("starts");
    assert_eq!(
        app.alert_emails().unwrap().links.run(5).as_str(),
        "https://ops.example.com/gw/dashboard/runs/5"
    );

    // A CA file that cannot be read, or one for an unencrypted URL, stops the start.
    let dir = tempfile::tempdir().unwrap();
    with_url.email.smtp_ca_file = Some(dir.path().join("missing.pem"));
    let err = build(&with_url).await.unwrap_err();
    assert!(err.contains("--smtp-ca-file"), "{err}");
    let ca = dir.path().join("ca.pem");
    std::fs::write(
        &ca,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    with_url.email.smtp_ca_file = Some(ca);
    let err = build(&with_url).await.unwrap_err();
    assert!(err.contains("--smtp-ca-file"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The email channel of the delivery outbox, through the real gateway.

/// Settings that email alerts to the SMTP server at `url` with digests of `window_secs`,
/// retrying fast, and taking up to 100 aliased mutations per request (the bursts below).
fn emailing(
    url: String,
    window_secs: u64,
) -> impl FnOnce(&mut integration_gateway::config::ServeConfig) {
    move |s| {
        s.email.smtp_url = Some(url.parse().unwrap());
        s.email.smtp_from = Some("Integration gateway <gateway@example.com>".parse().unwrap());
        s.email.smtp_timeout_secs = 2;
        s.email.alert_digest_window_secs = window_secs;
        s.email.dashboard_url = Some("https://ops.example.com/dashboard".parse().unwrap());
        s.delivery.delivery_poll_ms = 100;
        s.delivery.webhook_backoff_base_ms = 100;
        s.delivery.webhook_backoff_cap_ms = 400;
        s.delivery.webhook_max_attempts = 50;
        s.delivery.delivery_lease_secs = 5;
        s.max_root_fields = 100;
        s.max_aliases = 100;
        s.max_query_complexity = 10_000;
    }
}

/// A gateway that emails alerts to `sink` (see [`emailing`]).
async fn gateway(sink: &SmtpSink, window_secs: u64) -> TestApp {
    spawn_app_with(emailing(sink.url(), window_secs)).await
}

/// Adds a contact (`TECHNICAL` or `FUNCTIONAL`) to the integration `code`; answers its id.
async fn contact(app: &TestApp, code: &str, name: &str, email: &str, kind: &str) -> i64 {
    let data = app
        .data(
            "mutation($input: CreateIntegrationContactInput!) { \
               createIntegrationContact(input: $input) { id } }",
            json!({ "input": {
                "integration": { "code": code }, "name": name, "email": email, "contactType": kind
            }}),
        )
        .await;
    data["createIntegrationContact"]["id"].as_i64().unwrap()
}

/// Raises `n` alerts for `audience` (`TECHNICAL`, `FUNCTIONAL`, `BOTH`) on run `run` (or on no
/// integration), 100 per request; answers how long it took.
async fn raise(app: &TestApp, run: Option<i64>, audience: &str, n: usize) -> Duration {
    raise_at(app.addr, run, audience, n).await
}

/// [`raise`] through the gateway at `addr`.
async fn raise_at(addr: SocketAddr, run: Option<i64>, audience: &str, n: usize) -> Duration {
    let started = std::time::Instant::now();
    let mut document = 0;
    while document < n {
        let batch = (n - document).min(100);
        let fields: String = (0..batch)
            .map(|i| {
                let run = run.map(|r| format!(", integrationRunId: {r}")).unwrap_or_default();
                format!(
                    "a{i}: createIntegrationHistoryAlert(input: {{contactAlertType: {audience}, \
                     documentType: INVOICE_HEADER, documentId: {}, status: \"Error\"{run}}}) {{ id }} ",
                    document + i + 1
                )
            })
            .collect();
        gql_at(addr, &format!("mutation {{ {fields} }}"), json!({})).await;
        document += batch;
    }
    started.elapsed()
}

const EMAIL_DELIVERIES: &str = "query { \
    webhookDeliveries(filter: {channel: EMAIL}, first: 100) { totalCount nodes { \
      id channel status recipient attemptCount lastStatusCode lastError \
      attempts { statusCode error } } } }";

async fn email_deliveries(app: &TestApp) -> Value {
    app.data(EMAIL_DELIVERIES, json!({})).await["webhookDeliveries"].clone()
}

/// Waits until there are at least `n` email deliveries and every one is settled (none
/// pending), at most `within`.
async fn settled(app: &TestApp, n: usize, within: Duration) -> Value {
    let deadline = std::time::Instant::now() + within;
    loop {
        let deliveries = email_deliveries(app).await;
        let pending = deliveries["nodes"].as_array().unwrap().len() < n
            || deliveries["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["status"] == "PENDING");
        if !pending || std::time::Instant::now() >= deadline {
            return deliveries;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn to(received: &[Received], address: &str) -> Vec<Received> {
    received
        .iter()
        .filter(|m| m.rcpt_tos == [address])
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_reach_the_active_contacts_of_their_type_and_nobody_else() {
    let sink = SmtpSink::start().await;
    let app = gateway(&sink, 0).await;
    app.integration("SAP").await;
    app.integration("OTHER").await;
    contact(
        &app,
        "SAP",
        "Tess Technical",
        "tess@example.com",
        "TECHNICAL",
    )
    .await;
    contact(
        &app,
        "SAP",
        "Fred Functional",
        "fred@example.com",
        "FUNCTIONAL",
    )
    .await;
    let idle = contact(&app, "SAP", "Ivy Inactive", "ivy@example.com", "TECHNICAL").await;
    contact(&app, "OTHER", "Olga Other", "olga@example.com", "TECHNICAL").await;
    app.data(
        "mutation($id: Int!) { deactivateIntegrationContact(id: $id) { active } }",
        json!({ "id": idle }),
    )
    .await;
    let run = app.run("SAP").await;

    raise(&app, Some(run), "TECHNICAL", 1).await;
    raise(&app, Some(run), "FUNCTIONAL", 1).await;
    raise(&app, Some(run), "BOTH", 1).await;
    // An alert without an integration reaches nobody.
    raise(&app, None, "BOTH", 1).await;

    let deliveries = settled(&app, 4, Duration::from_secs(20)).await;
    assert_eq!(deliveries["totalCount"], 4, "{deliveries:#}");
    for d in deliveries["nodes"].as_array().unwrap() {
        assert_eq!(d["status"], "DELIVERED", "{d:#}");
        assert_eq!(d["channel"], "EMAIL");
        assert_eq!(d["attemptCount"], 1);
        assert_eq!(d["lastStatusCode"], 250);
        assert_eq!(d["attempts"][0]["statusCode"], 250);
    }
    let received = sink.wait_for(4, Duration::from_secs(10)).await;
    // Nothing more arrives.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = if sink.received().len() > received.len() {
        sink.received()
    } else {
        received
    };
    assert_eq!(received.len(), 4, "{received:#?}");
    let tess = to(&received, "tess@example.com");
    let fred = to(&received, "fred@example.com");
    assert_eq!(
        tess.len(),
        2,
        "TECHNICAL and BOTH reach the technical contact"
    );
    assert_eq!(
        fred.len(),
        2,
        "FUNCTIONAL and BOTH reach the functional contact"
    );
    assert!(to(&received, "ivy@example.com").is_empty(), "inactive");
    assert!(
        to(&received, "olga@example.com").is_empty(),
        "another integration"
    );
    let bodies: Vec<&str> = tess.iter().map(|m| m.body.as_deref().unwrap()).collect();
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("For:       technical contacts\n"))
    );
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("For:       all contacts\n"))
    );
    assert!(!bodies.iter().any(|b| b.contains("functional contacts")));
    for m in &tess {
        assert_eq!(m.to, "Tess Technical <tess@example.com>");
        assert!(
            m.subject
                .starts_with("Alert from SAP name (SAP): InvoiceHeader "),
            "{}",
            m.subject
        );
        let body = m.body.as_deref().unwrap();
        assert!(
            body.contains(&format!(
                "Run:       #{run}  https://ops.example.com/dashboard/runs/{run}\n"
            )),
            "{body}"
        );
        assert!(body.contains("Document:  InvoiceHeader "), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_1000_alerts_is_one_email_per_contact_saying_1000() {
    let sink = SmtpSink::start().await;
    // Long enough to raise the burst on a busy machine (a few seconds here).
    let window = 15;
    let app = gateway(&sink, window).await;
    app.integration("SAP").await;
    contact(
        &app,
        "SAP",
        "Tess Technical",
        "tess@example.com",
        "TECHNICAL",
    )
    .await;
    contact(
        &app,
        "SAP",
        "Fred Functional",
        "fred@example.com",
        "FUNCTIONAL",
    )
    .await;
    let run = app.run("SAP").await;
    // Four clients at once, 250 alerts each.
    let started = std::time::Instant::now();
    futures_util::future::join_all((0..4).map(|_| raise(&app, Some(run), "BOTH", 250))).await;
    let took = started.elapsed();
    eprintln!("1000 alerts raised in {took:?}");
    assert!(
        took < Duration::from_secs(window),
        "raising the burst took {took:?}, longer than the {window} s window"
    );
    // Nothing leaves before the window closes.
    assert!(sink.received().is_empty());
    let deliveries = email_deliveries(&app).await;
    assert_eq!(deliveries["totalCount"], 2, "{deliveries:#}");

    let deliveries = settled(&app, 2, Duration::from_secs(window + 20)).await;
    assert_eq!(deliveries["totalCount"], 2, "{deliveries:#}");
    let received = sink.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 2, "{received:#?}");
    for address in ["tess@example.com", "fred@example.com"] {
        let messages = to(&received, address);
        assert_eq!(messages.len(), 1, "{address}");
        let m = &messages[0];
        assert_eq!(m.subject, "1000 alerts from SAP name (SAP)");
        let body = m.body.as_deref().unwrap();
        assert!(body.contains("raised 1000 alerts"), "{body}");
        assert!(body.contains("The first 20:\n"), "{body}");
        assert!(body.contains("\n20. "), "{body}");
        assert!(!body.contains("\n21. "), "{body}");
        assert!(body.contains("InvoiceHeader 1\n"), "{body}");
        assert!(body.contains("… and 980 more.\n"), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_is_retried_and_the_email_delivered_when_it_is_back() {
    let mut sink = SmtpSink::start().await;
    let app = gateway(&sink, 0).await;
    app.integration("SAP").await;
    contact(
        &app,
        "SAP",
        "Tess Technical",
        "tess@example.com",
        "TECHNICAL",
    )
    .await;
    let run = app.run("SAP").await;
    sink.stop().await;
    raise(&app, Some(run), "TECHNICAL", 1).await;

    // Failed attempts pile up while the server is down.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let failing = loop {
        let deliveries = email_deliveries(&app).await;
        let d = deliveries["nodes"][0].clone();
        if d["attemptCount"].as_i64().unwrap_or(0) >= 2 || std::time::Instant::now() >= deadline {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(failing["status"], "PENDING", "{failing:#}");
    assert!(
        failing["attemptCount"].as_i64().unwrap() >= 2,
        "{failing:#}"
    );
    assert!(
        failing["lastError"]
            .as_str()
            .unwrap()
            .contains("SMTP connection failed"),
        "{failing:#}"
    );

    sink.restart().await;
    let deliveries = settled(&app, 1, Duration::from_secs(20)).await;
    let d = &deliveries["nodes"][0];
    assert_eq!(d["status"], "DELIVERED", "{d:#}");
    let attempts = d["attempts"].as_array().unwrap();
    assert_eq!(attempts.last().unwrap()["statusCode"], 250, "{d:#}");
    assert!(
        attempts[..attempts.len() - 1]
            .iter()
            .all(|a| a["statusCode"].is_null() && a["error"].is_string())
    );
    let received = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_tos, ["tess@example.com"]);

    // A delivered email can be sent again by hand.
    let id = d["id"].as_i64().unwrap();
    app.data(
        "mutation($id: Int!) { redeliverWebhookDelivery(id: $id) { id status } }",
        json!({ "id": id }),
    )
    .await;
    let received = sink.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].subject, received[0].subject);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_final_and_a_temporary_refusal_is_retried() {
    let sink = SmtpSink::start().await;
    let app = gateway(&sink, 0).await;
    app.integration("SAP").await;
    contact(
        &app,
        "SAP",
        "Tess Technical",
        "tess@example.com",
        "TECHNICAL",
    )
    .await;
    let run = app.run("SAP").await;
    sink.reply_with(Some("550 5.1.1 mailbox unavailable"));
    raise(&app, Some(run), "TECHNICAL", 1).await;
    let deliveries = settled(&app, 1, Duration::from_secs(20)).await;
    let d = &deliveries["nodes"][0];
    assert_eq!(d["status"], "DEAD", "{d:#}");
    assert_eq!(d["attemptCount"], 1, "{d:#}");
    assert_eq!(d["lastStatusCode"], 550, "{d:#}");

    sink.reply_with(Some("451 4.3.0 try again later"));
    raise(&app, Some(run), "TECHNICAL", 1).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let deliveries = email_deliveries(&app).await;
        let retried = deliveries["nodes"].as_array().unwrap().iter().any(|d| {
            d["status"] == "PENDING"
                && d["attemptCount"].as_i64() >= Some(2)
                && d["lastStatusCode"] == 451
        });
        if retried {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{deliveries:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sink.reply_with(None);
    let deliveries = settled(&app, 2, Duration::from_secs(20)).await;
    let statuses: Vec<&str> = deliveries["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "DELIVERED").count(),
        1,
        "{deliveries:#}"
    );
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_on_one_database_send_each_digest_once() {
    let sink = SmtpSink::start().await;
    let window = 20;
    let app = gateway(&sink, window).await;
    let twin = app.twin_with(emailing(sink.url(), window)).await;
    app.integration("SAP").await;
    contact(
        &app,
        "SAP",
        "Tess Technical",
        "tess@example.com",
        "TECHNICAL",
    )
    .await;
    contact(
        &app,
        "SAP",
        "Fred Functional",
        "fred@example.com",
        "FUNCTIONAL",
    )
    .await;
    let run = app.run("SAP").await;
    // Both instances raise alerts at once; both expand and both claim.
    let (a, b) = tokio::join!(
        raise(&app, Some(run), "BOTH", 200),
        raise(&twin, Some(run), "BOTH", 200)
    );
    assert!(a.max(b) < Duration::from_secs(window), "{a:?} {b:?}");
    let deliveries = settled(&app, 2, Duration::from_secs(window + 20)).await;
    assert_eq!(deliveries["totalCount"], 2, "{deliveries:#}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = sink.received();
    assert_eq!(received.len(), 2, "{received:#?}");
    for address in ["tess@example.com", "fred@example.com"] {
        let messages = to(&received, address);
        assert_eq!(messages.len(), 1, "{address}");
        assert_eq!(messages[0].subject, "400 alerts from SAP name (SAP)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_open_when_the_gateway_is_killed_is_sent_after_the_restart() {
    let sink = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database_url(dir.path()).await;
    let url = sink.url();
    let flags = [
        "--smtp-url",
        url.as_str(),
        "--smtp-from",
        "gateway@example.com",
        "--alert-digest-window-secs",
        "4",
        "--delivery-poll-ms",
        "100",
        "--max-root-fields",
        "100",
        "--max-aliases",
        "100",
        "--max-query-complexity",
        "10000",
    ];
    let mut gateway = start_process_with(&database, &flags).await;
    let addr = gateway.addr;
    gql_at(
        addr,
        "mutation { createIntegration(input: {code: \"SAP\", name: \"SAP name\", \
         businessObject: \"Invoice\", direction: FROM_COUPA, endSystem: \"SAP\", \
         endSystemType: ERP, integrationType: API}) { id } }",
        json!({}),
    )
    .await;
    gql_at(
        addr,
        "mutation { createIntegrationContact(input: {integration: {code: \"SAP\"}, \
         name: \"Tess\", email: \"tess@example.com\", contactType: TECHNICAL}) { id } }",
        json!({}),
    )
    .await;
    let run = gql_at(
        addr,
        "mutation { createIntegrationRun(input: {integration: {code: \"SAP\"}}) { id } }",
        json!({}),
    )
    .await["createIntegrationRun"]["id"]
        .as_i64()
        .unwrap();
    raise_at(addr, Some(run), "TECHNICAL", 50).await;
    // Every alert has joined the digest (an alert expanded only after its digest was claimed
    // would go into the next one)...
    let db = sea_orm::Database::connect(&database).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        let joined = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) FROM email_digest_alerts",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        if joined == 50 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{joined} alerts joined"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    db.close().await.unwrap();
    // ...and the gateway is killed while its window is open: nothing was sent.
    gateway.kill().await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(sink.received().is_empty());

    let _restarted = start_process_with(&database, &flags).await;
    let received = sink.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1, "{received:#?}");
    assert_eq!(received[0].subject, "50 alerts from SAP name (SAP)");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.received().len(), 1);
}

//! Alert emails against a real SMTP server (aiosmtpd, `tests/email/smtp_sink.py`): what the
//! mailer sends, as Python's email parser reads it; authentication from the URL; how refusals
//! and an unreachable server are told apart for retries; the gateway's email settings.

mod common;

use std::time::Duration;

use chrono::{TimeZone, Utc};
use common::smtp::{SinkOptions, SmtpSink};
use integration_gateway::{
    app::Application,
    config::{DatabaseConfig, ServeConfig},
    domain::{
        ContactAlertType,
        alert_mail::{AlertLine, DashboardLinks, Digest, IntegrationLabel, compose},
    },
    mailer::{Mailer, MailerSettings, Recipient, SendError},
};

fn mailer(url: &str) -> Mailer {
    Mailer::new(MailerSettings {
        url: url.parse().expect("an SMTP URL"),
        from: "Integration gateway <gateway@example.com>"
            .parse()
            .expect("a mailbox"),
        timeout: Duration::from_secs(10),
    })
    .expect("a mailer")
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
}

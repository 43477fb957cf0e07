//! What an alert email says: the subject and plain-text body of the message one contact gets for
//! one alert, or for a digest of a burst of alerts from one integration (how many, and the first
//! [`MAX_LISTED`] of them).
//!
//! Only text is made here. The mailer (`crate::mailer`) hands it to lettre's typed message
//! builder, which encodes the subject as one header value (RFC 2047 where needed) and the body
//! as the message's only part, so no text can add or end a header. Every text that comes from
//! input (integration names and codes, alert messages, document types) is bounded here, and is
//! made one line wherever it stands on a line of its own meaning (the subject, list items): a
//! message with line breaks is indented under its alert instead of breaking the layout.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use url::Url;

use super::ContactAlertType;

/// The most alerts a digest lists; the others are counted.
pub const MAX_LISTED: usize = 20;
/// The longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest alert message a body shows, in characters (the rest is cut with `…`).
pub const MAX_MESSAGE_CHARS: usize = 2_000;
/// The longest name, code or document type a message shows, in characters.
pub const MAX_LABEL_CHARS: usize = 255;

/// The integration whose alerts a message reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrationLabel {
    /// Its id.
    pub id: i32,
    /// Its code (`SAP-INVOICES`).
    pub code: String,
    /// Its name (`SAP invoice export`).
    pub name: String,
}

/// One alert as a message shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertLine {
    /// The alert's id.
    pub id: i32,
    /// When it was raised.
    pub raised_at: DateTime<Utc>,
    /// Which contacts it is for.
    pub audience: ContactAlertType,
    /// The run concerned.
    pub run_id: Option<i32>,
    /// The document concerned: its type (stored form, the vendor's class name).
    pub document_type: Option<String>,
    /// The document concerned: its id.
    pub document_id: Option<i32>,
    /// What the alert says.
    pub message: Option<String>,
}

/// The alerts one message reports: all of one integration, raised within one digest window.
#[derive(Clone, Copy, Debug)]
pub struct Digest<'a> {
    /// The integration that raised them.
    pub integration: &'a IntegrationLabel,
    /// How many alerts the window holds.
    pub total: u64,
    /// The first of them, oldest first (at most [`MAX_LISTED`] are shown).
    pub alerts: &'a [AlertLine],
}

/// The dashboard's pages that messages link to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardLinks {
    /// The dashboard's base URL, ending with `/` (`https://gateway.example.com/dashboard/`).
    base: Url,
}

impl DashboardLinks {
    /// The links of the dashboard served at `base` (`https://gateway.example.com/dashboard`).
    pub fn new(mut base: Url) -> Self {
        // Url::join replaces the last segment of a base without a trailing slash.
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        base.set_query(None);
        base.set_fragment(None);
        Self { base }
    }

    /// The dashboard's base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// A run's page (`/dashboard/runs/42`, the dashboard's `RunDetail` route).
    pub fn run(&self, run_id: i32) -> Url {
        self.page(&format!("runs/{run_id}"))
    }

    /// The runs of an integration (`/dashboard/runs?integration=CODE`, the `Runs` route's filter).
    pub fn runs_of(&self, code: &str) -> Url {
        let mut url = self.page("runs");
        url.query_pairs_mut().append_pair("integration", code);
        url
    }

    fn page(&self, path: &str) -> Url {
        // A relative path of ASCII digits and letters always joins onto an http(s) base.
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }
}

/// A message's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailText {
    /// The subject: one line, at most [`MAX_SUBJECT_CHARS`] characters.
    pub subject: String,
    /// The plain-text body, lines ending with `\n`.
    pub body: String,
}

/// The text of the message a contact gets for `digest`: the alert itself when the window holds
/// one, otherwise how many and the first [`MAX_LISTED`].
pub fn compose(digest: &Digest<'_>, links: &DashboardLinks) -> MailText {
    let integration = integration_phrase(digest.integration);
    let listed = &digest.alerts[..digest.alerts.len().min(MAX_LISTED)];
    match listed {
        [alert] if digest.total <= 1 => single(&integration, digest.integration, alert, links),
        _ => several(&integration, digest, listed, links),
    }
}

/// One alert: every detail on a line of its own.
fn single(
    integration: &str,
    label: &IntegrationLabel,
    alert: &AlertLine,
    links: &DashboardLinks,
) -> MailText {
    let summary = alert
        .message
        .as_deref()
        .map(|m| one_line(m, MAX_SUBJECT_CHARS))
        .filter(|m| !m.is_empty());
    let subject = match &summary {
        Some(message) => format!("Alert from {integration}: {message}"),
        None => format!("Alert from {integration}"),
    };
    let mut body = format!("An alert was raised on the integration {integration}.\n\n");
    let _ = writeln!(body, "Raised:    {}", timestamp(alert.raised_at));
    let _ = writeln!(body, "For:       {}", audience(alert.audience));
    if let Some(run_id) = alert.run_id {
        let _ = writeln!(body, "Run:       #{run_id}  {}", links.run(run_id));
    }
    if let Some(document) = document(alert) {
        let _ = writeln!(body, "Document:  {document}");
    }
    match alert.message.as_deref().map(paragraph) {
        Some(message) if !message.is_empty() => {
            let _ = writeln!(body, "Message:   {}", indent(&message, 11));
        }
        _ => body.push_str("Message:   (none)\n"),
    }
    body.push('\n');
    match alert.run_id {
        Some(run_id) => {
            let _ = writeln!(body, "Open the run in the dashboard: {}", links.run(run_id));
        }
        None => {
            let _ = writeln!(
                body,
                "The integration's runs in the dashboard: {}",
                links.runs_of(&label.code)
            );
        }
    }
    body.push_str(FOOTER);
    MailText {
        subject: bounded(&subject, MAX_SUBJECT_CHARS),
        body,
    }
}

/// A burst: how many, then the first ones, one numbered item each.
fn several(
    integration: &str,
    digest: &Digest<'_>,
    listed: &[AlertLine],
    links: &DashboardLinks,
) -> MailText {
    // The count is the window's, but never less than what is listed.
    let total = digest.total.max(listed.len() as u64);
    let subject = format!("{total} alerts from {integration}");
    let mut body = format!("The integration {integration} raised {total} alerts");
    if let (Some(first), Some(last)) = (listed.first(), listed.last()) {
        if total as usize == listed.len() && first.raised_at != last.raised_at {
            let _ = write!(
                body,
                " between {} and {}",
                timestamp(first.raised_at),
                timestamp(last.raised_at)
            );
        } else {
            let _ = write!(body, " from {} on", timestamp(first.raised_at));
        }
    }
    body.push_str(".\n\n");
    if (listed.len() as u64) < total {
        let _ = writeln!(body, "The first {}:\n", listed.len());
    }
    for (n, alert) in listed.iter().enumerate() {
        let mut item = format!("{}. {}", n + 1, timestamp(alert.raised_at));
        let _ = write!(item, " · for {}", audience(alert.audience));
        if let Some(run_id) = alert.run_id {
            let _ = write!(item, " · run #{run_id}");
        }
        if let Some(document) = document(alert) {
            let _ = write!(item, " · {document}");
        }
        let _ = writeln!(body, "{item}");
        let width = format!("{}. ", n + 1).len();
        let pad = " ".repeat(width);
        if let Some(message) = alert.message.as_deref().map(paragraph)
            && !message.is_empty()
        {
            let _ = writeln!(body, "{pad}{}", indent(&message, width));
        }
        if let Some(run_id) = alert.run_id {
            let _ = writeln!(body, "{pad}{}", links.run(run_id));
        }
        body.push('\n');
    }
    let more = total - listed.len() as u64;
    if more > 0 {
        let _ = writeln!(body, "… and {more} more.\n");
    }
    let _ = writeln!(
        body,
        "The integration's runs in the dashboard: {}",
        links.runs_of(&digest.integration.code)
    );
    body.push_str(FOOTER);
    MailText {
        subject: bounded(&subject, MAX_SUBJECT_CHARS),
        body,
    }
}

/// The closing lines of every message: why the reader gets it.
const FOOTER: &str =
    "\n-- \nYou get this message as a contact of the integration in the integration gateway.\n";

/// `SAP invoice export (SAP-INVOICES)`, each part one line and bounded.
fn integration_phrase(label: &IntegrationLabel) -> String {
    let name = one_line(&label.name, MAX_LABEL_CHARS);
    let code = one_line(&label.code, MAX_LABEL_CHARS);
    if name.is_empty() || name == code {
        code
    } else {
        format!("{name} ({code})")
    }
}

/// `InvoiceHeader 4711`, when the alert names a document.
fn document(alert: &AlertLine) -> Option<String> {
    let kind = alert
        .document_type
        .as_deref()
        .map(|t| one_line(t, MAX_LABEL_CHARS));
    match (kind, alert.document_id) {
        (Some(kind), Some(id)) => Some(format!("{kind} {id}")),
        (Some(kind), None) => Some(kind),
        (None, Some(id)) => Some(format!("document {id}")),
        (None, None) => None,
    }
}

fn audience(audience: ContactAlertType) -> &'static str {
    match audience {
        ContactAlertType::Technical => "technical contacts",
        ContactAlertType::Functional => "functional contacts",
        ContactAlertType::Both => "all contacts",
    }
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `text` as one line: every control character (line breaks, tabs, …) and Unicode line or
/// paragraph separator becomes a space, runs of spaces one space, then cut to `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    bounded(&out, max)
}

/// `text` as lines: `\r\n` and `\r` become `\n`, a tab a space, other control characters are
/// dropped, trailing blanks trimmed, then cut to [`MAX_MESSAGE_CHARS`] characters.
fn paragraph(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\u{2028}' | '\u{2029}' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    bounded(cleaned.trim(), MAX_MESSAGE_CHARS)
}

/// The lines of `text` after its first indented by `width` spaces, so they stand under it.
fn indent(text: &str, width: usize) -> String {
    let pad = format!("\n{}", " ".repeat(width));
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(&pad)
}

/// `text` cut to `max` characters, the cut marked with `…`.
fn bounded(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn links() -> DashboardLinks {
        DashboardLinks::new(Url::parse("https://gw.example.com/dashboard").unwrap())
    }

    fn sap() -> IntegrationLabel {
        IntegrationLabel {
            id: 3,
            code: "SAP-INVOICES".into(),
            name: "SAP invoice export".into(),
        }
    }

    fn alert(id: i32, message: &str) -> AlertLine {
        AlertLine {
            id,
            raised_at: Utc.with_ymd_and_hms(2026, 12, 6, 22, 41, 9).unwrap()
                + chrono::Duration::seconds(i64::from(id)),
            audience: ContactAlertType::Functional,
            run_id: Some(42),
            document_type: Some("InvoiceHeader".into()),
            document_id: Some(4711),
            message: Some(message.into()),
        }
    }

    #[test]
    fn links_point_at_the_dashboards_routes_with_or_without_a_trailing_slash() {
        for base in [
            "https://gw.example.com/dashboard",
            "https://gw.example.com/dashboard/",
        ] {
            let links = DashboardLinks::new(Url::parse(base).unwrap());
            assert_eq!(
                links.run(42).as_str(),
                "https://gw.example.com/dashboard/runs/42"
            );
            assert_eq!(
                links.runs_of("SAP INVOICES&x=1").as_str(),
                "https://gw.example.com/dashboard/runs?integration=SAP+INVOICES%26x%3D1"
            );
        }
    }

    #[test]
    fn one_alert_names_the_integration_run_document_and_message_with_a_link() {
        let label = sap();
        let alerts = [alert(0, "supplier is blocked")];
        let text = compose(
            &Digest {
                integration: &label,
                total: 1,
                alerts: &alerts,
            },
            &links(),
        );
        assert_eq!(
            text.subject,
            "Alert from SAP invoice export (SAP-INVOICES): supplier is blocked"
        );
        assert!(
            text.body.starts_with(
                "An alert was raised on the integration SAP invoice export (SAP-INVOICES).\n"
            ),
            "{}",
            text.body
        );
        assert!(text.body.contains("Raised:    2026-12-06 22:41:09 UTC\n"));
        assert!(text.body.contains("For:       functional contacts\n"));
        assert!(
            text.body
                .contains("Run:       #42  https://gw.example.com/dashboard/runs/42\n")
        );
        assert!(text.body.contains("Document:  InvoiceHeader 4711\n"));
        assert!(text.body.contains("Message:   supplier is blocked\n"));
        assert!(
            text.body.contains(
                "Open the run in the dashboard: https://gw.example.com/dashboard/runs/42\n"
            )
        );
    }

    #[test]
    fn an_alert_without_run_or_document_links_to_the_integrations_runs() {
        let label = sap();
        let alerts = [AlertLine {
            run_id: None,
            document_type: None,
            document_id: None,
            message: None,
            ..alert(0, "")
        }];
        let text = compose(
            &Digest {
                integration: &label,
                total: 1,
                alerts: &alerts,
            },
            &links(),
        );
        assert_eq!(text.subject, "Alert from SAP invoice export (SAP-INVOICES)");
        assert!(!text.body.contains("Run:"));
        assert!(!text.body.contains("Document:"));
        assert!(text.body.contains("Message:   (none)\n"));
        assert!(text.body.contains(
            "The integration's runs in the dashboard: https://gw.example.com/dashboard/runs?integration=SAP-INVOICES\n"
        ));
    }

    #[test]
    fn a_burst_says_how_many_and_lists_the_first_twenty() {
        let label = sap();
        let alerts: Vec<_> = (0..25).map(|i| alert(i, &format!("problem {i}"))).collect();
        let text = compose(
            &Digest {
                integration: &label,
                total: 1000,
                alerts: &alerts,
            },
            &links(),
        );
        assert_eq!(
            text.subject,
            "1000 alerts from SAP invoice export (SAP-INVOICES)"
        );
        assert!(text.body.starts_with(
            "The integration SAP invoice export (SAP-INVOICES) raised 1000 alerts from 2026-12-06 22:41:09 UTC on.\n\nThe first 20:\n\n1. 2026-12-06 22:41:09 UTC · for functional contacts · run #42 · InvoiceHeader 4711\n   problem 0\n   https://gw.example.com/dashboard/runs/42\n"
        ), "{}", text.body);
        assert!(text.body.contains("\n20. 2026-12-06 22:41:28 UTC"));
        assert!(text.body.contains("    problem 19\n"));
        assert!(!text.body.contains("problem 20"));
        assert!(text.body.contains("… and 980 more.\n"));
    }

    #[test]
    fn a_small_burst_lists_every_alert_between_the_first_and_last_time() {
        let label = sap();
        let alerts = [alert(0, "a"), alert(5, "b")];
        let text = compose(
            &Digest {
                integration: &label,
                total: 2,
                alerts: &alerts,
            },
            &links(),
        );
        assert_eq!(
            text.subject,
            "2 alerts from SAP invoice export (SAP-INVOICES)"
        );
        assert!(text.body.contains(
            "raised 2 alerts between 2026-12-06 22:41:09 UTC and 2026-12-06 22:41:14 UTC.\n"
        ));
        assert!(!text.body.contains("The first"));
        assert!(!text.body.contains("more."));
    }

    #[test]
    fn line_breaks_in_names_and_messages_never_leave_their_place() {
        let label = IntegrationLabel {
            id: 1,
            code: "X\r\nBcc: victim@example.com".into(),
            name: "Evil\nSubject: hi\u{2028}there\t\u{0}".into(),
        };
        let alerts = [alert(
            0,
            "first line\r\nBcc: victim@example.com\rthird\u{7}",
        )];
        let text = compose(
            &Digest {
                integration: &label,
                total: 1,
                alerts: &alerts,
            },
            &links(),
        );
        assert!(
            !text.subject.chars().any(char::is_control),
            "{:?}",
            text.subject
        );
        assert_eq!(
            text.subject,
            "Alert from Evil Subject: hi there (X Bcc: victim@example.com): first line Bcc: victim@example.com third"
        );
        // In the body the message keeps its lines, each indented under the label.
        assert!(
            text.body.contains(
                "Message:   first line\n           Bcc: victim@example.com\n           third\n"
            ),
            "{}",
            text.body
        );
        assert!(!text.body.contains('\r'));
        assert!(!text.body.contains('\u{7}'));
    }

    #[test]
    fn every_text_is_bounded() {
        let label = IntegrationLabel {
            id: 1,
            code: "C".repeat(10_000),
            name: "N".repeat(10_000),
        };
        let long = "m".repeat(100_000);
        let alerts: Vec<_> = (0..MAX_LISTED as i32 + 5)
            .map(|i| alert(i, &long))
            .collect();
        let text = compose(
            &Digest {
                integration: &label,
                total: u64::MAX,
                alerts: &alerts,
            },
            &links(),
        );
        assert_eq!(text.subject.chars().count(), MAX_SUBJECT_CHARS);
        assert!(text.subject.ends_with('…'));
        // Twenty messages of 2,000 characters, their details and links; nothing grows with input.
        let bound = MAX_LISTED * (MAX_MESSAGE_CHARS + 4 * MAX_LABEL_CHARS) + 8 * MAX_LABEL_CHARS;
        assert!(text.body.chars().count() < bound, "{}", text.body.len());
        assert!(!text.body.contains(&"m".repeat(MAX_MESSAGE_CHARS)));
        assert!(
            text.body
                .contains(&format!("{}…", "m".repeat(MAX_MESSAGE_CHARS - 1)))
        );
    }

    #[test]
    fn one_line_collapses_blanks_and_cuts_on_characters() {
        assert_eq!(one_line("  a \n\n b\t\tc  ", 10), "a b c");
        assert_eq!(one_line("ééééé", 3), "éé…");
        assert_eq!(one_line("", 3), "");
    }
}

//! The rules of webhooks and deliveries, without I/O: which events an endpoint gets, which
//! target addresses are refused (SSRF), what an answer means for a delivery, and how long to
//! wait before the next attempt.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    time::{Duration, SystemTime},
};

use super::{RunStatus, WebhookEventType, validation::FieldError};

/// The longest target URL accepted.
pub const MAX_URL_CHARS: usize = 2048;

/// The longest description accepted.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

/// The longest error text kept with an attempt.
pub const MAX_ERROR_CHARS: usize = 1000;

/// The longest rotation grace period: the old secret signs at most this long.
pub const MAX_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);

/// The longest `Retry-After` honoured; a receiver asking for more is retried after this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// The webhook event types an event of the log counts as (`record.*` are history-record
/// changes; a run's status change to `failed` is both a status change and a failure).
pub fn categories(event_type: &str, new_status: Option<&str>) -> Vec<WebhookEventType> {
    match event_type {
        "alert.raised" => vec![WebhookEventType::AlertRaised],
        "run.status_changed" if new_status == Some(RunStatus::Failed.as_str()) => vec![
            WebhookEventType::RunStatusChanged,
            WebhookEventType::RunFailed,
        ],
        "run.status_changed" => vec![WebhookEventType::RunStatusChanged],
        t if t.starts_with("record.") => vec![WebhookEventType::HistoryRecordChanged],
        _ => Vec::new(),
    }
}

/// The stored form of a set of event types: distinct, in declaration order, comma-separated.
pub fn store_event_types(types: &[WebhookEventType]) -> Result<String, FieldError> {
    let chosen: Vec<&str> = WebhookEventType::ALL
        .iter()
        .filter(|t| types.contains(t))
        .map(|t| t.as_str())
        .collect();
    if chosen.is_empty() {
        return Err(FieldError::new(
            "eventTypes",
            "must name at least one event type",
        ));
    }
    Ok(chosen.join(","))
}

/// Reads a stored set of event types (unknown names, which only a newer version could have
/// written, are skipped).
pub fn parse_event_types(stored: &str) -> Vec<WebhookEventType> {
    stored.split(',').filter_map(|s| s.parse().ok()).collect()
}

/// The stored form of the categories of a delivery, each between commas (`,A,B,`) so that one
/// `LIKE '%,A,%'` finds it.
pub fn store_categories(types: &[WebhookEventType]) -> String {
    let mut out = String::from(",");
    for t in types {
        out.push_str(t.as_str());
        out.push(',');
    }
    out
}

/// Whether an address is not a public unicast one: loopback, private, link-local, unique-local,
/// unspecified, multicast, broadcast, shared (CGNAT), documentation, benchmarking or reserved —
/// also when written as an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address.
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT), 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments, 192.0.0/24
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, 198.18/15
        || a >= 240 // reserved, 240/4
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_forbidden_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) and the deprecated IPv4-compatible form (::a.b.c.d) embed an IPv4
    // address that the network may well reach.
    let embedded = Ipv4Addr::new(
        (segments[6] >> 8) as u8,
        segments[6] as u8,
        (segments[7] >> 8) as u8,
        segments[7] as u8,
    );
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || segments[..6] == [0, 0, 0, 0, 0, 0] {
        return ip.is_unspecified() || ip.is_loopback() || is_forbidden_v4(embedded);
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation, 2001:db8::/32
        || (segments[0] == 0x0100 && segments[1..4] == [0, 0, 0]) // discard-only, 100::/64
}

/// Checks a target URL: http or https, a host, no credentials, at most [`MAX_URL_CHARS`]; an IP
/// literal host must be public unless `allow_private`. Host names are checked when they are
/// resolved, at every send.
pub fn validate_url(value: &str, allow_private: bool) -> Result<url::Url, FieldError> {
    let field = "url";
    let value = value.trim();
    if value.chars().count() > MAX_URL_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_URL_CHARS} characters"),
        ));
    }
    let url = url::Url::parse(value)
        .map_err(|e| FieldError::new(field, format!("is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FieldError::new(field, "must be an http or https URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FieldError::new(field, "must not carry credentials"));
    }
    let Some(host) = url.host() else {
        return Err(FieldError::new(field, "must name a host"));
    };
    if !allow_private {
        let ip = match host {
            url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            // A name (even `localhost`) is checked where it counts: at every send, on the
            // addresses it resolves to then.
            url::Host::Domain(_) => None,
        };
        if ip.is_some_and(is_forbidden_ip) {
            return Err(FieldError::new(
                field,
                "targets a loopback, private, link-local or otherwise non-public address",
            ));
        }
    }
    Ok(url)
}

/// What one attempt's result means for its delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted (2xx): delivered, never sent again.
    Delivered,
    /// Try again later (timeout, connection error, 5xx, 429); after this long if the receiver
    /// said so (`Retry-After`, bounded), else after the backoff.
    Retry(Option<Duration>),
    /// Refused for good (another 4xx, a target the sender refuses): dead, not retried.
    Dead,
    /// The target is gone (410): dead, and its endpoint disabled for this reason.
    Gone(String),
}

/// The verdict of an HTTP answer (`None`: no answer, a timeout or a connection error);
/// `retry_after` is the answer's parsed `Retry-After`, honoured on 429 and 503.
pub fn http_verdict(status: Option<u16>, retry_after: Option<Duration>) -> Verdict {
    match status {
        None => Verdict::Retry(None),
        Some(s) if (200..300).contains(&s) => Verdict::Delivered,
        Some(410) => Verdict::Gone("the endpoint answered 410 Gone".into()),
        Some(429 | 503) => Verdict::Retry(retry_after.map(|d| d.min(MAX_RETRY_AFTER))),
        Some(s) if s >= 500 => Verdict::Retry(None),
        // 1xx/3xx (redirects are not followed) and other 4xx: the receiver will not take it.
        Some(_) => Verdict::Dead,
    }
}

/// Reads a `Retry-After` value: delay-seconds or an HTTP date (a date in the past is no delay).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// Exponential backoff with full jitter: a uniformly random wait between zero and
/// `min(cap, base · 2^(attempt − 1))`, `jitter` being the random fraction in `[0, 1)`.
/// `attempt` counts from 1 (the attempt that just failed).
pub fn backoff(attempt: u32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let exponent = attempt.saturating_sub(1).min(30);
    let ceiling = base.saturating_mul(1u32 << exponent).min(cap);
    ceiling.mul_f64(jitter.clamp(0.0, 1.0))
}

/// An error text cut to [`MAX_ERROR_CHARS`] characters.
pub fn bounded_error(text: &str) -> String {
    text.chars().take(MAX_ERROR_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_forbidden_public_ones_are_not() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_forbidden_ip(ip.parse().unwrap()), "{ip} must be refused");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_forbidden_ip(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn urls_are_checked_for_scheme_credentials_length_and_literal_addresses() {
        assert!(validate_url("https://example.com/hook", false).is_ok());
        assert!(validate_url("http://127.0.0.1:9/x", false).is_err());
        assert!(validate_url("http://[::ffff:7f00:1]/x", false).is_err());
        assert!(validate_url("http://localhost/x", false).is_ok());
        assert!(validate_url("http://127.0.0.1:9/x", true).is_ok());
        assert!(validate_url("ftp://example.com/x", true).is_err());
        assert!(validate_url("https://u:p@example.com/x", true).is_err());
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert_eq!(validate_url(&long, true).unwrap_err().field, "url");
    }

    #[test]
    fn answers_map_to_verdicts() {
        assert_eq!(http_verdict(Some(204), None), Verdict::Delivered);
        assert_eq!(http_verdict(None, None), Verdict::Retry(None));
        assert_eq!(http_verdict(Some(500), None), Verdict::Retry(None));
        assert_eq!(
            http_verdict(Some(429), Some(Duration::from_secs(2))),
            Verdict::Retry(Some(Duration::from_secs(2)))
        );
        assert_eq!(
            http_verdict(Some(503), Some(Duration::from_secs(99_999))),
            Verdict::Retry(Some(MAX_RETRY_AFTER))
        );
        assert!(matches!(http_verdict(Some(410), None), Verdict::Gone(_)));
        assert_eq!(http_verdict(Some(400), None), Verdict::Dead);
        assert_eq!(http_verdict(Some(302), None), Verdict::Dead);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_to_the_cap_with_full_jitter() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(1);
        assert_eq!(backoff(1, base, cap, 0.999_999).as_millis(), 99);
        assert_eq!(backoff(3, base, cap, 0.5), Duration::from_millis(200));
        assert_eq!(backoff(20, base, cap, 1.0), cap);
        assert_eq!(backoff(5, base, cap, 0.0), Duration::ZERO);
    }

    #[test]
    fn run_failures_count_as_status_changes_and_failures() {
        assert_eq!(
            categories("run.status_changed", Some("failed")),
            [
                WebhookEventType::RunStatusChanged,
                WebhookEventType::RunFailed
            ]
        );
        assert_eq!(
            categories("record.resolved", None),
            [WebhookEventType::HistoryRecordChanged]
        );
        assert!(categories("error.created", None).is_empty());
        assert_eq!(
            store_categories(&categories("alert.raised", None)),
            ",ALERT_RAISED,"
        );
    }
}

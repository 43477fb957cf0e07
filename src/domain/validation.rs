//! Input validation rules shared by every entry point: a value that passes is valid to store.

/// A rule broken by one input field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The input field, in the API's camelCase (`totalRecords`).
    pub field: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl FieldError {
    /// A field error with its message.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `totalRecords` → `total-records`, `end_system_type` → `end-system-type`: a field name in the
/// vendor's dash-case, as its REST messages and flat-file columns spell it.
pub fn dash_case(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// The longest string a `string(255)` column takes.
pub const MAX_STRING: usize = 255;

/// Checks a required short string: not blank, at most 255 characters; returns it trimmed.
pub fn required_string(field: &str, value: &str) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be blank"));
    }
    bounded_string(field, trimmed).map(str::to_owned)
}

/// Checks an optional short string's length.
pub fn bounded_string<'a>(field: &str, value: &'a str) -> Result<&'a str, FieldError> {
    if value.chars().count() > MAX_STRING {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_STRING} characters"),
        ));
    }
    Ok(value)
}

/// Checks a required email address: trimmed, at most 255 characters, and an address by the
/// `email_address` crate's reading of RFC 5321/5322 (an address only: no display name such as
/// `Ann <ann@example.com>`, no IP-address literal, and a domain with a dot, as mail between
/// organisations needs).
pub fn email_address(field: &str, value: &str) -> Result<String, FieldError> {
    let value = required_string(field, value)?;
    let options = email_address::Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld();
    match email_address::EmailAddress::parse_with_options(&value, options) {
        Ok(_) => Ok(value),
        Err(e) => Err(FieldError::new(
            field,
            format!("is not an email address: {e}"),
        )),
    }
}

/// The longest expected run duration an integration takes: 30 days.
pub const MAX_EXPECTED_DURATION_SECONDS: i32 = 30 * 24 * 60 * 60;

/// Checks an expected run duration: a whole number of seconds, from 1 to 30 days.
pub fn expected_duration(field: &str, seconds: i32) -> Result<i32, FieldError> {
    if (1..=MAX_EXPECTED_DURATION_SECONDS).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(FieldError::new(
            field,
            format!("must be between 1 and {MAX_EXPECTED_DURATION_SECONDS} seconds (30 days)"),
        ))
    }
}

/// A run's progress: both counts ≥ 0 and processed ≤ total when both are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordsProgress {
    /// How many records the run has to move.
    pub total: Option<i32>,
    /// How many it has moved so far.
    pub processed: Option<i32>,
}

impl RecordsProgress {
    /// Validates the progress a run would have after an update.
    pub fn parse(total: Option<i32>, processed: Option<i32>) -> Result<Self, FieldError> {
        if total.is_some_and(|t| t < 0) {
            return Err(FieldError::new(
                "totalRecords",
                "must be greater than or equal to 0",
            ));
        }
        if processed.is_some_and(|p| p < 0) {
            return Err(FieldError::new(
                "recordsProcessed",
                "must be greater than or equal to 0",
            ));
        }
        if let (Some(t), Some(p)) = (total, processed)
            && p > t
        {
            return Err(FieldError::new(
                "recordsProcessed",
                format!("must not exceed totalRecords ({p} > {t})"),
            ));
        }
        Ok(Self { total, processed })
    }
}

/// Checks that a run's `flow` is a JSON object, as the vendor stores it.
pub fn flow_object(value: &serde_json::Value) -> Result<(), FieldError> {
    if value.is_object() {
        Ok(())
    } else {
        Err(FieldError::new("flow", "must be a JSON object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_rejects_negative_counts_and_processed_beyond_total() {
        assert!(RecordsProgress::parse(Some(10), Some(10)).is_ok());
        assert!(RecordsProgress::parse(None, Some(10)).is_ok());
        assert_eq!(
            RecordsProgress::parse(Some(-1), None).unwrap_err().field,
            "totalRecords"
        );
        assert_eq!(
            RecordsProgress::parse(None, Some(-1)).unwrap_err().field,
            "recordsProcessed"
        );
        let err = RecordsProgress::parse(Some(5), Some(6)).unwrap_err();
        assert_eq!(err.field, "recordsProcessed");
        assert!(err.message.contains("6 > 5"));
    }

    #[test]
    fn strings_are_trimmed_and_bounded() {
        assert_eq!(required_string("code", "  SAP ").unwrap(), "SAP");
        assert!(required_string("code", "   ").is_err());
        assert!(required_string("code", &"x".repeat(256)).is_err());
        assert!(bounded_string("endSystem", &"é".repeat(255)).is_ok());
    }

    #[test]
    fn dash_case_handles_camel_and_snake() {
        assert_eq!(dash_case("totalRecords"), "total-records");
        assert_eq!(dash_case("end_system_type"), "end-system-type");
        assert_eq!(
            dash_case("inputs[2].integrationRunId"),
            "inputs[2].integration-run-id"
        );
    }

    #[test]
    fn flow_must_be_an_object() {
        assert!(flow_object(&serde_json::json!({"steps": 3})).is_ok());
        assert!(flow_object(&serde_json::json!([1])).is_err());
    }
}

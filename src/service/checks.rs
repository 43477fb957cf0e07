//! The field checks of one input, collected so that a client hears of every broken rule at once.

use crate::{
    domain::validation::{FieldError, bounded_string, required_string},
    error::{AppError, AppResult},
};

/// Collects the field errors of one input instead of stopping at the first.
#[derive(Debug, Default)]
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    /// Checks a required string(255): not blank, returned trimmed (empty when refused).
    pub fn required(&mut self, field: &str, value: &str) -> String {
        required_string(field, value).unwrap_or_else(|e| {
            self.0.push(e);
            String::new()
        })
    }

    /// Checks an optional string(255).
    pub fn short(&mut self, field: &str, value: &Option<String>) {
        if let Some(v) = value
            && let Err(e) = bounded_string(field, v)
        {
            self.0.push(e);
        }
    }

    /// Records a broken rule.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// The collected errors as one VALIDATION error, if any.
    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

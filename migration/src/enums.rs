//! The closed value lists that the schema's CHECK constraints enforce.
//!
//! The domain layer parses these strings into its own enums; the lists here
//! are the single source of truth for what the database accepts.

/// `users.kind`: who a principal is.
pub const USER_KINDS: [&str; 2] = ["user", "api_client"];

/// `integrations.direction`.
pub const DIRECTIONS: [&str; 2] = ["to_coupa", "from_coupa"];

/// `integrations.end_system_type`.
pub const END_SYSTEM_TYPES: [&str; 7] = [
    "internal",
    "payroll",
    "erp",
    "hr",
    "third_party_partner",
    "third_party_vendor",
    "other",
];

/// `integrations.integration_type` (nullable).
pub const INTEGRATION_TYPES: [&str; 6] = [
    "flat_file",
    "api",
    "corporate_credit_card_file",
    "json",
    "xml",
    "original_format",
];

/// `integration_runs.status`.
pub const RUN_STATUSES: [&str; 5] = ["pending", "running", "paused", "successful", "failed"];

/// `contact_alert_type` of integration errors and history records.
pub const CONTACT_ALERT_TYPES: [&str; 3] = ["Technical", "Functional", "Both"];

/// `contact_type` of integration contacts: a contact-alert-type other than `Both` (an alert for
/// `Both` reaches both kinds of contact).
pub const CONTACT_TYPES: [&str; 2] = ["Technical", "Functional"];

/// `document_type` of integration errors, history records and document exports.
pub const DOCUMENT_TYPES: [&str; 31] = [
    "ExternalOrderHeader",
    "OrderHeader",
    "InventoryTransaction",
    "InvoiceHeader",
    "ExpenseReport",
    "RequisitionHeader",
    "Account",
    "Supplier",
    "User",
    "Address",
    "RemitToAddress",
    "Contract",
    "ExchangeRate",
    "Invoice",
    "Requisition",
    "Payment",
    "ApprovalChain",
    "LookupValue",
    "Item",
    "SupplierInformation",
    "Asn::Header",
    "AccountValidationRule",
    "ContingentWorkOrderHeader",
    "Payables::External::Payable",
    "Charge",
    "Payables::Invoice",
    "Payables::Expense",
    "CoupaPay::Payment",
    "CoupaPay::Statement",
    "ReceiptRequest",
    "InventoryRequestHeader",
];

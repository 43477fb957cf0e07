//! GraphQL enums, each mirroring a domain enum (`remote`) so the conversion is generated, not
//! written, and the stored form the enum filters compare with.

use async_graphql::{Enum, InputType};

use crate::domain;

/// The status of an integration run.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::RunStatus")]
pub enum RunStatus {
    /// Created or requeued; waiting to run.
    Pending,
    /// Moving documents.
    Running,
    /// Stopped for now; can be resumed.
    Paused,
    /// Finished without unresolved errors (final).
    Successful,
    /// Finished with a failure (final).
    Failed,
}

/// Which way an integration moves documents.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::Direction")]
pub enum Direction {
    /// Into the procurement platform (`to_coupa`).
    ToCoupa,
    /// Out of the procurement platform (`from_coupa`).
    FromCoupa,
}

/// The kind of system at the other end of an integration.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::EndSystemType")]
pub enum EndSystemType {
    /// An internal system.
    Internal,
    /// A payroll system.
    Payroll,
    /// An ERP.
    Erp,
    /// An HR system.
    Hr,
    /// A third-party partner.
    ThirdPartyPartner,
    /// A third-party vendor.
    ThirdPartyVendor,
    /// Anything else.
    Other,
}

/// The transport/format of an integration.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::IntegrationType")]
pub enum IntegrationType {
    /// Flat files (CSV).
    FlatFile,
    /// The REST API.
    Api,
    /// Corporate credit card files.
    CorporateCreditCardFile,
    /// JSON files.
    Json,
    /// XML files.
    Xml,
    /// The original format of the documents.
    OriginalFormat,
}

/// Who is alerted about a history record or error (BOTH: every contact); as a contact's type,
/// TECHNICAL or FUNCTIONAL: which alerts reach the contact.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::ContactAlertType")]
pub enum ContactAlertType {
    /// The integration's technical contacts (`Technical`).
    Technical,
    /// The integration's functional contacts (`Functional`).
    Functional,
    /// Every contact (`Both`).
    Both,
}

/// The kind of document; the REST and stored value is the vendor's class name (shown in each description).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::DocumentType")]
pub enum DocumentType {
    /// `ExternalOrderHeader`.
    ExternalOrderHeader,
    /// `OrderHeader`.
    OrderHeader,
    /// `InventoryTransaction`.
    InventoryTransaction,
    /// `InvoiceHeader`.
    InvoiceHeader,
    /// `ExpenseReport`.
    ExpenseReport,
    /// `RequisitionHeader`.
    RequisitionHeader,
    /// `Account`.
    Account,
    /// `Supplier`.
    Supplier,
    /// `User`.
    User,
    /// `Address`.
    Address,
    /// `RemitToAddress`.
    RemitToAddress,
    /// `Contract`.
    Contract,
    /// `ExchangeRate`.
    ExchangeRate,
    /// `Invoice`.
    Invoice,
    /// `Requisition`.
    Requisition,
    /// `Payment`.
    Payment,
    /// `ApprovalChain`.
    ApprovalChain,
    /// `LookupValue`.
    LookupValue,
    /// `Item`.
    Item,
    /// `SupplierInformation`.
    SupplierInformation,
    /// `Asn::Header`.
    AsnHeader,
    /// `AccountValidationRule`.
    AccountValidationRule,
    /// `ContingentWorkOrderHeader`.
    ContingentWorkOrderHeader,
    /// `Payables::External::Payable`.
    PayablesExternalPayable,
    /// `Charge`.
    Charge,
    /// `Payables::Invoice`.
    PayablesInvoice,
    /// `Payables::Expense`.
    PayablesExpense,
    /// `CoupaPay::Payment`.
    CoupaPayPayment,
    /// `CoupaPay::Statement`.
    CoupaPayStatement,
    /// `ReceiptRequest`.
    ReceiptRequest,
    /// `InventoryRequestHeader`.
    InventoryRequestHeader,
}

/// A lifecycle action of a run.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::RunAction")]
pub enum RunAction {
    /// Start or resume.
    Run,
    /// Pause.
    Pause,
    /// Requeue.
    Pending,
    /// Finish successfully.
    Success,
    /// The vendor's alias of SUCCESS.
    Finish,
    /// Finish as failed.
    Fail,
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum OrderDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// The kinds of events a webhook endpoint can be sent.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::WebhookEventType")]
pub enum WebhookEventType {
    /// An alert was raised (`alert.raised`).
    AlertRaised,
    /// A run's status changed (`run.status_changed`).
    RunStatusChanged,
    /// A run failed (`run.status_changed` to `FAILED`; also a RUN_STATUS_CHANGED).
    RunFailed,
    /// A history record was created or changed (`record.*`).
    HistoryRecordChanged,
}

/// Where a delivery stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::DeliveryStatus")]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// Accepted by the receiver (2xx); not sent again unless redelivered.
    Delivered,
    /// Given up: refused (4xx, 410) or out of attempts.
    Dead,
}

/// How a delivery is sent.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::DeliveryChannel")]
pub enum DeliveryChannel {
    /// A signed HTTP POST to a webhook endpoint.
    Webhook,
    /// An email to a contact.
    Email,
}

/// A GraphQL enum stored as the domain's string form.
pub trait StoredEnum: InputType + Copy {
    /// The stored form of the value.
    fn stored(self) -> &'static str;
}

impl StoredEnum for RunStatus {
    fn stored(self) -> &'static str {
        domain::RunStatus::from(self).as_str()
    }
}

impl StoredEnum for Direction {
    fn stored(self) -> &'static str {
        domain::Direction::from(self).as_str()
    }
}

impl StoredEnum for EndSystemType {
    fn stored(self) -> &'static str {
        domain::EndSystemType::from(self).as_str()
    }
}

impl StoredEnum for IntegrationType {
    fn stored(self) -> &'static str {
        domain::IntegrationType::from(self).as_str()
    }
}

impl StoredEnum for ContactAlertType {
    fn stored(self) -> &'static str {
        domain::ContactAlertType::from(self).as_str()
    }
}

impl StoredEnum for DocumentType {
    fn stored(self) -> &'static str {
        domain::DocumentType::from(self).as_str()
    }
}

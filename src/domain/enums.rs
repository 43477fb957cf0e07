//! The domain's closed value sets, each with its stored (and REST) string form.

use std::{fmt, str::FromStr};

/// Declares a closed set of values stored as fixed strings, with `ALL`, `as_str`,
/// `Display` and `FromStr`, so every layer converts the same way.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored and REST form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| format!(concat!("unknown ", $what, " `{}`"), s))
            }
        }
    };
}

stored_enum!(
    /// Which way an integration moves documents.
    Direction, "direction" {
        /// Into the procurement platform.
        ToCoupa => "to_coupa",
        /// Out of the procurement platform.
        FromCoupa => "from_coupa",
    }
);

stored_enum!(
    /// The kind of system at the other end of an integration.
    EndSystemType, "end system type" {
        /// An internal system.
        Internal => "internal",
        /// A payroll system.
        Payroll => "payroll",
        /// An ERP.
        Erp => "erp",
        /// An HR system.
        Hr => "hr",
        /// A third-party partner.
        ThirdPartyPartner => "third_party_partner",
        /// A third-party vendor.
        ThirdPartyVendor => "third_party_vendor",
        /// Anything else.
        Other => "other",
    }
);

stored_enum!(
    /// The transport/format of an integration.
    IntegrationType, "integration type" {
        /// Flat files (CSV).
        FlatFile => "flat_file",
        /// The REST API.
        Api => "api",
        /// Corporate credit card files.
        CorporateCreditCardFile => "corporate_credit_card_file",
        /// JSON files.
        Json => "json",
        /// XML files.
        Xml => "xml",
        /// The original format of the documents.
        OriginalFormat => "original_format",
    }
);

stored_enum!(
    /// Who is alerted about a history record or error.
    ContactAlertType, "contact alert type" {
        /// The integration's technical contacts.
        Technical => "Technical",
        /// The integration's functional (business) contacts.
        Functional => "Functional",
        /// Every contact.
        Both => "Both",
    }
);

impl ContactAlertType {
    /// Whether this is a contact's type: a contact is `Technical` or `Functional`, and `Both` is
    /// only an alert's audience (it reaches contacts of either type, see [`Self::reaches`]).
    pub fn is_contact_type(self) -> bool {
        self != ContactAlertType::Both
    }

    /// Whether an alert of this type reaches contacts of type `audience` (`Both` reaches all).
    pub fn reaches(self, audience: ContactAlertType) -> bool {
        self == ContactAlertType::Both || audience == ContactAlertType::Both || self == audience
    }
}

stored_enum!(
    /// The kind of document a history record or error is about, stored as the vendor's class name.
    DocumentType, "document type" {
        /// `ExternalOrderHeader`.
        ExternalOrderHeader => "ExternalOrderHeader",
        /// `OrderHeader`.
        OrderHeader => "OrderHeader",
        /// `InventoryTransaction`.
        InventoryTransaction => "InventoryTransaction",
        /// `InvoiceHeader`.
        InvoiceHeader => "InvoiceHeader",
        /// `ExpenseReport`.
        ExpenseReport => "ExpenseReport",
        /// `RequisitionHeader`.
        RequisitionHeader => "RequisitionHeader",
        /// `Account`.
        Account => "Account",
        /// `Supplier`.
        Supplier => "Supplier",
        /// `User`.
        User => "User",
        /// `Address`.
        Address => "Address",
        /// `RemitToAddress`.
        RemitToAddress => "RemitToAddress",
        /// `Contract`.
        Contract => "Contract",
        /// `ExchangeRate`.
        ExchangeRate => "ExchangeRate",
        /// `Invoice`.
        Invoice => "Invoice",
        /// `Requisition`.
        Requisition => "Requisition",
        /// `Payment`.
        Payment => "Payment",
        /// `ApprovalChain`.
        ApprovalChain => "ApprovalChain",
        /// `LookupValue`.
        LookupValue => "LookupValue",
        /// `Item`.
        Item => "Item",
        /// `SupplierInformation`.
        SupplierInformation => "SupplierInformation",
        /// `Asn::Header`.
        AsnHeader => "Asn::Header",
        /// `AccountValidationRule`.
        AccountValidationRule => "AccountValidationRule",
        /// `ContingentWorkOrderHeader`.
        ContingentWorkOrderHeader => "ContingentWorkOrderHeader",
        /// `Payables::External::Payable`.
        PayablesExternalPayable => "Payables::External::Payable",
        /// `Charge`.
        Charge => "Charge",
        /// `Payables::Invoice`.
        PayablesInvoice => "Payables::Invoice",
        /// `Payables::Expense`.
        PayablesExpense => "Payables::Expense",
        /// `CoupaPay::Payment`.
        CoupaPayPayment => "CoupaPay::Payment",
        /// `CoupaPay::Statement`.
        CoupaPayStatement => "CoupaPay::Statement",
        /// `ReceiptRequest`.
        ReceiptRequest => "ReceiptRequest",
        /// `InventoryRequestHeader`.
        InventoryRequestHeader => "InventoryRequestHeader",
    }
);

impl DocumentType {
    /// Whether an integration error may name this document type: the run API's list of 19 (seed 001).
    pub fn allowed_for_errors(self) -> bool {
        use DocumentType::*;
        matches!(
            self,
            OrderHeader
                | InventoryTransaction
                | InvoiceHeader
                | ExpenseReport
                | RequisitionHeader
                | Account
                | Supplier
                | User
                | Address
                | RemitToAddress
                | Contract
                | ExchangeRate
                | Invoice
                | Requisition
                | Payment
                | ApprovalChain
                | LookupValue
                | Item
                | SupplierInformation
        )
    }
}

stored_enum!(
    /// The kinds of events a webhook endpoint can be sent.
    WebhookEventType, "webhook event type" {
        /// An alert was raised (`alert.raised`).
        AlertRaised => "ALERT_RAISED",
        /// A run's status changed (`run.status_changed`).
        RunStatusChanged => "RUN_STATUS_CHANGED",
        /// A run's status changed to failed (`run.status_changed` to `failed`).
        RunFailed => "RUN_FAILED",
        /// A history record was created or changed (`record.*`).
        HistoryRecordChanged => "HISTORY_RECORD_CHANGED",
    }
);

stored_enum!(
    /// Where a delivery stands.
    DeliveryStatus, "delivery status" {
        /// Waiting for its (next) attempt.
        Pending => "PENDING",
        /// Accepted by the receiver (a 2xx answer); never sent again unless redelivered.
        Delivered => "DELIVERED",
        /// Given up: refused for good, or out of attempts.
        Dead => "DEAD",
    }
);

stored_enum!(
    /// How a delivery is sent.
    DeliveryChannel, "delivery channel" {
        /// A signed HTTP POST to a webhook endpoint.
        Webhook => "WEBHOOK",
        /// An email to a contact.
        Email => "EMAIL",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_stored_form() {
        for v in Direction::ALL {
            assert_eq!(v.as_str().parse::<Direction>(), Ok(*v));
        }
        for v in EndSystemType::ALL {
            assert_eq!(v.as_str().parse::<EndSystemType>(), Ok(*v));
        }
        for v in IntegrationType::ALL {
            assert_eq!(v.as_str().parse::<IntegrationType>(), Ok(*v));
        }
        for v in ContactAlertType::ALL {
            assert_eq!(v.as_str().parse::<ContactAlertType>(), Ok(*v));
        }
        assert_eq!(DocumentType::ALL.len(), 31);
        for v in DocumentType::ALL {
            assert_eq!(v.as_str().parse::<DocumentType>(), Ok(*v));
        }
        assert_eq!(
            DocumentType::ALL
                .iter()
                .filter(|d| d.allowed_for_errors())
                .count(),
            19
        );
        assert_eq!(
            "sideways".parse::<Direction>(),
            Err("unknown direction `sideways`".to_string())
        );
    }
}

#[cfg(test)]
mod alert_tests {
    use super::ContactAlertType::*;

    #[test]
    fn an_alert_for_both_reaches_every_contact_type() {
        assert!(Both.reaches(Technical) && Both.reaches(Functional) && Both.reaches(Both));
        assert!(Technical.reaches(Technical) && !Technical.reaches(Functional));
        assert!(Functional.reaches(Both));
    }
}

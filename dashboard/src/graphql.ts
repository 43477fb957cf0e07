// gql.tada: every operation is typed from ../schema.graphql (through the introspection types that
// `gql.tada generate output` writes to graphql-env.d.ts), so a schema change that breaks an
// operation fails `npm run build` (tsc and `gql.tada check`).
import { initGraphQLTada } from 'gql.tada';

import type { introspection, introspection_types } from './graphql-env';

// Fragments are unmasked: the views are small and read their fragments' fields directly.
export const graphql = initGraphQLTada<{
  disableMasking: true;
  introspection: introspection;
  scalars: { DateTime: string; JSON: unknown };
}>();

export type { ResultOf, VariablesOf } from 'gql.tada';

/** A run status, as the schema spells it. */
export type RunStatus = introspection_types['RunStatus']['enumValues'];
/** A document type, as the schema spells it. */
export type DocumentType = introspection_types['DocumentType']['enumValues'];

/** Every run status in lifecycle order (the columns of the overview). */
export const RUN_STATUSES = [
  'PENDING',
  'RUNNING',
  'PAUSED',
  'SUCCESSFUL',
  'FAILED',
] as const satisfies readonly RunStatus[];

// `satisfies` keeps the list honest against the schema; a value the schema drops fails the build.
/** Every document type (the filters' choices). */
export const DOCUMENT_TYPES = [
  'EXTERNAL_ORDER_HEADER',
  'ORDER_HEADER',
  'INVENTORY_TRANSACTION',
  'INVOICE_HEADER',
  'EXPENSE_REPORT',
  'REQUISITION_HEADER',
  'ACCOUNT',
  'SUPPLIER',
  'USER',
  'ADDRESS',
  'REMIT_TO_ADDRESS',
  'CONTRACT',
  'EXCHANGE_RATE',
  'INVOICE',
  'REQUISITION',
  'PAYMENT',
  'APPROVAL_CHAIN',
  'LOOKUP_VALUE',
  'ITEM',
  'SUPPLIER_INFORMATION',
  'ASN_HEADER',
  'ACCOUNT_VALIDATION_RULE',
  'CONTINGENT_WORK_ORDER_HEADER',
  'PAYABLES_EXTERNAL_PAYABLE',
  'CHARGE',
  'PAYABLES_INVOICE',
  'PAYABLES_EXPENSE',
  'COUPA_PAY_PAYMENT',
  'COUPA_PAY_STATEMENT',
  'RECEIPT_REQUEST',
  'INVENTORY_REQUEST_HEADER',
] as const satisfies readonly DocumentType[];

/** Whether `value` names a run status. */
export function isRunStatus(value: string | null): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value ?? '');
}

/** Whether `value` names a document type. */
export function isDocumentType(value: string | null): value is DocumentType {
  return (DOCUMENT_TYPES as readonly string[]).includes(value ?? '');
}

/** Where a delivery stands, as the schema spells it. */
export type DeliveryStatus = introspection_types['DeliveryStatus']['enumValues'];
/** How a delivery is sent (webhook, email). */
export type DeliveryChannel = introspection_types['DeliveryChannel']['enumValues'];
/** A kind of event a delivery carries. */
export type WebhookEventType = introspection_types['WebhookEventType']['enumValues'];
/** A contact's type (TECHNICAL or FUNCTIONAL; BOTH is an alert's audience only). */
export type ContactAlertType = introspection_types['ContactAlertType']['enumValues'];

/** Every delivery status (the deliveries filter's choices). */
export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'DEAD'] as const satisfies readonly DeliveryStatus[];
/** Every delivery channel. */
export const DELIVERY_CHANNELS = ['WEBHOOK', 'EMAIL'] as const satisfies readonly DeliveryChannel[];
/** Every event type a delivery can carry. */
export const WEBHOOK_EVENT_TYPES = [
  'ALERT_RAISED',
  'RUN_STATUS_CHANGED',
  'RUN_FAILED',
  'HISTORY_RECORD_CHANGED',
] as const satisfies readonly WebhookEventType[];
/** The types a contact can have. */
export const CONTACT_TYPES = ['TECHNICAL', 'FUNCTIONAL'] as const satisfies readonly ContactAlertType[];

/** `value` if it is one of `choices`, else null (a URL parameter read as an enum value). */
export function oneOf<T extends string>(choices: readonly T[], value: string | null): T | null {
  return (choices as readonly string[]).includes(value ?? '') ? (value as T) : null;
}

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

// Small shared pieces: links that navigate without a reload, the pager of a connection, status
// badges and times.
import type { ComponentChildren, JSX } from 'preact';

import { href, navigate } from './router';

/** A link inside the dashboard: plain clicks navigate in place (the token would not survive a reload). */
export function Link(props: { to: string; children: ComponentChildren; class?: string; testid?: string }) {
  const onClick = (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} onClick={onClick} class={props.class} data-testid={props.testid}>
      {props.children}
    </a>
  );
}

/** The page size of every list. */
export const PAGE_SIZE = 20;

/** Paging variables from the URL: `before` pages backwards, anything else forwards from `after`. */
export function pageVariables(params: URLSearchParams, prefix = '') {
  const before = params.get(`${prefix}before`);
  if (before) return { last: PAGE_SIZE, before, first: null, after: null };
  return { first: PAGE_SIZE, after: params.get(`${prefix}after`), last: null, before: null };
}

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/**
 * "Previous" and "Next" for a connection, as links that keep the other query parameters. A page
 * reached forwards always has one before it, and one reached backwards one after it, whatever
 * pageInfo says of the direction it was not asked about.
 */
export function Pager(props: {
  path: string;
  params: URLSearchParams;
  pageInfo: PageInfo;
  totalCount: number;
  shown: number;
  prefix?: string;
}) {
  const prefix = props.prefix ?? '';
  const keep = Object.fromEntries(
    [...props.params.entries()].filter(([key]) => key !== `${prefix}after` && key !== `${prefix}before`),
  );
  const { pageInfo } = props;
  const hasPrevious = pageInfo.hasPreviousPage || props.params.has(`${prefix}after`);
  const hasNext = pageInfo.hasNextPage || props.params.has(`${prefix}before`);
  return (
    <nav class="pager">
      <span class="muted">
        {props.shown} shown of {props.totalCount}
      </span>
      {hasPrevious && pageInfo.startCursor ? (
        <Link to={href(props.path, { ...keep, [`${prefix}before`]: pageInfo.startCursor })} testid={`${prefix}previous`}>
          ‹ Previous
        </Link>
      ) : (
        <span class="disabled">‹ Previous</span>
      )}
      {hasNext && pageInfo.endCursor ? (
        <Link to={href(props.path, { ...keep, [`${prefix}after`]: pageInfo.endCursor })} testid={`${prefix}next`}>
          Next ›
        </Link>
      ) : (
        <span class="disabled">Next ›</span>
      )}
    </nav>
  );
}

/** A run status or a record's transaction status as a coloured badge. */
export function Badge(props: { value: string | null | undefined }) {
  const value = props.value ?? '—';
  return <span class={`badge badge-${value.toLowerCase()}`}>{value}</span>;
}

/** A DateTime as `YYYY-MM-DD HH:MM:SS` UTC: compact and the same in every browser locale. */
export function Time(props: { value: string | null | undefined }) {
  if (!props.value) return <span class="muted">—</span>;
  const date = new Date(props.value);
  const text = Number.isNaN(date.getTime()) ? props.value : date.toISOString().slice(0, 19).replace('T', ' ');
  return <time dateTime={props.value}>{text}</time>;
}

/** An error line, or nothing. */
export function ErrorLine(props: { error: string | null | undefined }) {
  return props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;
}

/** A document type and id as a link to the document's history records. */
export function DocumentLink(props: { type: string | null | undefined; id: number | null | undefined; resolved?: string }) {
  if (!props.type || props.id === null || props.id === undefined) return <span class="muted">—</span>;
  return (
    <Link to={href('/records', { documentType: props.type, documentId: props.id, resolved: props.resolved ?? 'false' })}>
      {props.type} {props.id}
    </Link>
  );
}

// The deliveries of events (webhooks, and emails once they are sent): filtered by status, channel,
// event type and endpoint from the URL, paged by cursor, newest first, each row expandable to its
// attempts, and a Redeliver button. Deliveries change without an event the dashboard can subscribe
// to (the worker retries on its own schedule), so the page asks again every few seconds while it
// is open. The fields need the `core.integration.admin` scope; without it the error says so.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

import {
  DELIVERY_CHANNELS,
  DELIVERY_STATUSES,
  graphql,
  oneOf,
  WEBHOOK_EVENT_TYPES,
  type ResultOf,
} from '../graphql';
import { useGateway, useQuery } from '../hooks';
import { href, navigate, type Location } from '../router';
import { Badge, ErrorLine, Pager, pageVariables, Time } from '../ui';

const DeliveriesQuery = graphql(`
  query DashboardDeliveries(
    $filter: WebhookDeliveryFilter
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    webhookEndpoints {
      id
      url
    }
    webhookDeliveries(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        channel
        endpoint {
          id
          url
        }
        recipient
        eventType
        status
        attemptCount
        nextAttemptAt
        lastError
        lastStatusCode
        createdAt
        deliveredAt
        attempts {
          id
          attemptedAt
          statusCode
          latencyMs
          error
        }
      }
    }
  }
`);

const Redeliver = graphql(`
  mutation DashboardRedeliver($id: Int!) {
    redeliverWebhookDelivery(id: $id) {
      id
      status
      nextAttemptAt
    }
  }
`);

type Delivery = ResultOf<typeof DeliveriesQuery>['webhookDeliveries']['nodes'][number];

/** How often (ms) the open page asks for the deliveries again. */
const REFRESH_MS = 3_000;

/** The deliveries page. */
export function Deliveries(props: { location: Location }) {
  const gateway = useGateway();
  const { params } = props.location;
  const status = oneOf(DELIVERY_STATUSES, params.get('status'));
  const channel = oneOf(DELIVERY_CHANNELS, params.get('channel'));
  const eventType = oneOf(WEBHOOK_EVENT_TYPES, params.get('eventType'));
  const endpointText = params.get('endpoint') ?? '';
  const endpointId = /^\d+$/.test(endpointText) ? Number(endpointText) : null;
  const filter = {
    ...(status ? { status } : {}),
    ...(channel ? { channel } : {}),
    ...(eventType ? { eventType } : {}),
    ...(endpointId !== null ? { endpointId } : {}),
  };
  const deliveries = useQuery(DeliveriesQuery, { filter, ...pageVariables(params) });
  const { refetch } = deliveries;
  // The latest refetch, for the timer started once.
  const latestRefetch = useRef(refetch);
  latestRefetch.current = refetch;
  useEffect(() => {
    const timer = window.setInterval(() => latestRefetch.current(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);

  // Expanded rows stay expanded across refreshes and pages.
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setExpanded((ids) => {
      const next = new Set(ids);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const [busy, setBusy] = useState<number | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const redeliver = async (delivery: Delivery) => {
    setBusy(delivery.id);
    setActionError(null);
    try {
      const result = await gateway.request(Redeliver, { id: delivery.id });
      const again = result.redeliverWebhookDelivery;
      setNotice(`Delivery #${again.id} redelivered: now ${again.status}.`);
      refetch();
    } catch (error) {
      setActionError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  };

  // A changed filter starts again at the first page.
  const onFilter = (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setNotice(null);
    navigate(
      href('/deliveries', {
        status: String(form.get('status') ?? ''),
        channel: String(form.get('channel') ?? ''),
        eventType: String(form.get('eventType') ?? ''),
        endpoint: String(form.get('endpoint') ?? ''),
      }),
    );
  };

  const connection = deliveries.data?.webhookDeliveries;
  const endpoints = deliveries.data?.webhookEndpoints ?? [];
  return (
    <section class="card">
      <h2>Deliveries</h2>
      <form class="filters" onSubmit={onFilter} onChange={(e) => e.currentTarget.requestSubmit()}>
        <label>
          Status{' '}
          <select name="status" value={status ?? ''} data-testid="filter-delivery-status">
            <option value="">all</option>
            {DELIVERY_STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Channel{' '}
          <select name="channel" value={channel ?? ''} data-testid="filter-channel">
            <option value="">all</option>
            {DELIVERY_CHANNELS.map((c) => (
              <option value={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Event type{' '}
          <select name="eventType" value={eventType ?? ''} data-testid="filter-event-type">
            <option value="">all</option>
            {WEBHOOK_EVENT_TYPES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Endpoint{' '}
          <select name="endpoint" value={endpointId === null ? '' : String(endpointId)} data-testid="filter-endpoint">
            <option value="">all</option>
            {endpoints.map((endpoint) => (
              <option value={String(endpoint.id)}>
                #{endpoint.id} {endpoint.url}
              </option>
            ))}
            {/* An endpoint from the URL that is not (or no longer) listed stays selectable. */}
            {endpointId !== null && deliveries.data && !endpoints.some((e) => e.id === endpointId) ? (
              <option value={String(endpointId)}>#{endpointId}</option>
            ) : null}
          </select>
        </label>
      </form>
      <ErrorLine error={deliveries.error ?? actionError} />
      {notice ? (
        <p class="notice" data-testid="notice" role="status">
          {notice}
        </p>
      ) : null}
      {connection ? (
        <>
          {/* Busy while rows are on their way: the rows shown may be the old filter's. */}
          <table data-testid="deliveries" aria-busy={deliveries.loading ? 'true' : 'false'}>
            <thead>
              <tr>
                <th>Delivery</th>
                <th>Time</th>
                <th>Channel</th>
                <th>Endpoint / recipient</th>
                <th>Event</th>
                <th>Status</th>
                <th class="num">Attempts</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            {connection.nodes.map((delivery) => (
              <DeliveryRows
                delivery={delivery}
                open={expanded.has(delivery.id)}
                onToggle={() => toggle(delivery.id)}
                onRedeliver={() => redeliver(delivery)}
                busy={busy !== null}
              />
            ))}
          </table>
          {connection.nodes.length === 0 ? (
            <p class="muted" data-testid="no-deliveries">
              No deliveries match.
            </p>
          ) : null}
          <Pager
            path="/deliveries"
            params={params}
            pageInfo={connection.pageInfo}
            totalCount={connection.totalCount}
            shown={connection.nodes.length}
          />
        </>
      ) : deliveries.error ? null : (
        <p class="muted">Loading…</p>
      )}
    </section>
  );
}

/** One delivery's row and, when open, the row of its attempts (one tbody per delivery). */
function DeliveryRows(props: {
  delivery: Delivery;
  open: boolean;
  onToggle: () => void;
  onRedeliver: () => void;
  busy: boolean;
}) {
  const { delivery } = props;
  const attemptsId = `delivery-${delivery.id}-attempts`;
  return (
    <tbody data-delivery-id={delivery.id}>
      <tr>
        <td>
          <button
            type="button"
            class="link"
            aria-expanded={props.open ? 'true' : 'false'}
            aria-controls={attemptsId}
            onClick={props.onToggle}
            title="Show the attempts"
          >
            {props.open ? '▾' : '▸'} #{delivery.id}
          </button>
        </td>
        <td>
          <Time value={delivery.createdAt} />
        </td>
        <td>{delivery.channel}</td>
        <td class="wrap">
          {delivery.endpoint ? delivery.endpoint.url : delivery.recipient ?? <span class="muted">—</span>}
        </td>
        <td>
          <code>{delivery.eventType}</code>
        </td>
        <td>
          <Badge value={delivery.status} />
          {delivery.status === 'PENDING' && delivery.nextAttemptAt ? (
            <div class="muted small">
              next <Time value={delivery.nextAttemptAt} />
            </div>
          ) : null}
        </td>
        <td class="num" data-testid="attempt-count">
          {delivery.attemptCount}
        </td>
        <td class="wrap small">
          {/* The error names the status code when there is one; a refusing code without an error is
              shown alone, a 2xx is no error. */}
          {delivery.lastError ??
            (delivery.lastStatusCode !== null && delivery.lastStatusCode >= 300 ? (
              <code>{delivery.lastStatusCode}</code>
            ) : (
              <span class="muted">—</span>
            ))}
        </td>
        <td class="actions">
          <button
            type="button"
            disabled={props.busy}
            onClick={props.onRedeliver}
            aria-label={`Redeliver delivery #${delivery.id}`}
          >
            Redeliver
          </button>
        </td>
      </tr>
      {props.open ? (
        <tr class="attempts" id={attemptsId}>
          <td />
          <td colSpan={8}>
            {delivery.attempts.length === 0 ? (
              <p class="muted small">No attempt yet.</p>
            ) : (
              <table data-testid="attempts" aria-label={`Attempts of delivery #${delivery.id}`}>
                <thead>
                  <tr>
                    <th>Attempt</th>
                    <th>Time</th>
                    <th class="num">Status code</th>
                    <th class="num">Latency</th>
                    <th>Error</th>
                  </tr>
                </thead>
                <tbody>
                  {delivery.attempts.map((attempt, index) => (
                    <tr data-attempt-id={attempt.id}>
                      <td>{index + 1}</td>
                      <td>
                        <Time value={attempt.attemptedAt} />
                      </td>
                      <td class="num">{attempt.statusCode ?? <span class="muted">—</span>}</td>
                      <td class="num">{attempt.latencyMs} ms</td>
                      <td class="wrap small">{attempt.error ?? <span class="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

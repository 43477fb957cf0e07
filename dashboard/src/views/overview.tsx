// The overview: runs by status per integration (integrationRunCounts grouped by integration and
// status), re-counted on every run status change, and the alert feed, live. On an empty
// database (no integration yet) it says so and shows the command that loads the demo data.
import { useState } from 'preact/hooks';

import { graphql, RUN_STATUSES, type ResultOf, type RunStatus } from '../graphql';
import { useLiveQuery, useQuery, useSubscription } from '../hooks';
import { href } from '../router';
import { Badge, DocumentLink, ErrorLine, Link, Time } from '../ui';

const CountsQuery = graphql(`
  query DashboardRunCounts {
    integrations(first: 200) {
      nodes {
        id
        code
        name
      }
    }
    integrationRunCounts(groupBy: [INTEGRATION, STATUS]) {
      integrationId
      status
      count
    }
  }
`);

const RunChanged = graphql(`
  subscription DashboardRunChanged {
    integrationRunChanged {
      sequence
      at
      change
      action
      previousStatus
      status
      run {
        id
        integration {
          code
        }
      }
    }
  }
`);

const AlertFields = graphql(`
  fragment DashboardAlert on IntegrationAlert {
    id
    contactAlertType
    integration {
      code
    }
    integrationRunId
    documentType
    documentId
    message
    createdAt
  }
`);

/** How many alerts the feed shows. */
const FEED_SIZE = 10;

const AlertsQuery = graphql(
  `
    query DashboardAlerts($first: Int!) {
      integrationAlerts(orderBy: { direction: DESC }, first: $first) {
        totalCount
        nodes {
          ...DashboardAlert
        }
      }
    }
  `,
  [AlertFields],
);

const AlertRaised = graphql(
  `
    subscription DashboardAlertRaised {
      integrationAlertRaised {
        sequence
        alert {
          ...DashboardAlert
        }
      }
    }
  `,
  [AlertFields],
);

type Alert = ResultOf<typeof AlertFields>;
type RunChange = ResultOf<typeof RunChanged>['integrationRunChanged'];

/** The overview page. */
export function Overview() {
  return (
    <div class="overview">
      <RunCounts />
      <AlertFeed />
    </div>
  );
}

function RunCounts() {
  const [last, setLast] = useState<RunChange | null>(null);
  // Each committed transition moves one run between two cells and a created run adds one;
  // counting again keeps the table exact even when events were missed while the socket
  // reconnected. The line under the table names the last status change.
  const counts = useLiveQuery(CountsQuery, {}, RunChanged, {}, (event) => {
    if (event.integrationRunChanged.change === 'STATUS_CHANGED') setLast(event.integrationRunChanged);
  });

  const cell = new Map<string, number>();
  for (const group of counts.data?.integrationRunCounts ?? []) {
    cell.set(`${group.integrationId}:${group.status}`, group.count);
  }
  const integrations = counts.data?.integrations.nodes ?? [];
  const columnTotal = (status: RunStatus) =>
    integrations.reduce((sum, integration) => sum + (cell.get(`${integration.id}:${status}`) ?? 0), 0);

  // A first start: nothing to count yet, so say so and how to load the demo data, not zeros.
  if (counts.data && integrations.length === 0) {
    return (
      <section class="card first-start" data-testid="first-start">
        <h2>This gateway holds no data yet</h2>
        <p>
          No integration has reported to it yet. To look around with thirty days of demo data (three integrations,
          their runs, failures and alerts), run this in the gateway's source folder, then reload this page:
        </p>
        <pre data-testid="first-start-command">
          <code>cargo run --release -- seed --demo</code>
        </pre>
        <p class="muted small">
          It writes to the same database as the gateway (give it the same <code>--database-url</code> if you gave the
          gateway one). Integrations created through the API show up here too.
        </p>
      </section>
    );
  }

  return (
    <section class="card">
      <h2>
        Runs by status{' '}
        <span class="small right">
          <Link to={href('/trends')} testid="trends-link">
            Trends over 24 hours to 30 days ›
          </Link>
        </span>
      </h2>
      <ErrorLine error={counts.error ?? counts.subscriptionError} />
      {counts.data ? (
        <table class="counts" data-testid="run-counts">
          <thead>
            <tr>
              <th>Integration</th>
              {RUN_STATUSES.map((status) => (
                <th class="num">
                  <Badge value={status} />
                </th>
              ))}
              <th class="num">All</th>
            </tr>
          </thead>
          <tbody>
            {integrations.map((integration) => {
              const total = RUN_STATUSES.reduce((sum, s) => sum + (cell.get(`${integration.id}:${s}`) ?? 0), 0);
              return (
                <tr>
                  <th>
                    <Link to={href('/runs', { integration: integration.code })}>{integration.code}</Link>
                    <div class="muted small">
                      <Link to={href(`/integrations/${encodeURIComponent(integration.code)}`)} testid={`integration-${integration.code}`}>
                        {integration.name}
                      </Link>
                    </div>
                  </th>
                  {RUN_STATUSES.map((status) => {
                    const count = cell.get(`${integration.id}:${status}`) ?? 0;
                    return (
                      <td class={`num${count === 0 ? ' zero' : ''}`}>
                        <Link
                          to={href('/runs', { integration: integration.code, status })}
                          testid={`count-${integration.code}-${status}`}
                        >
                          {count}
                        </Link>
                      </td>
                    );
                  })}
                  <td class="num">{total}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th>All integrations</th>
              {RUN_STATUSES.map((status) => (
                <td class="num" data-testid={`count-all-${status}`}>
                  {columnTotal(status)}
                </td>
              ))}
              <td class="num">{RUN_STATUSES.reduce((sum, s) => sum + columnTotal(s), 0)}</td>
            </tr>
          </tfoot>
        </table>
      ) : (
        <p class="muted">Loading…</p>
      )}
      <p class="muted small live" data-testid="last-status-change">
        <span class="dot" /> Live.{' '}
        {last ? (
          <>
            Last change: run <Link to={href(`/runs/${last.run.id}`)}>#{last.run.id}</Link> ({last.run.integration.code}){' '}
            <Badge value={last.previousStatus} /> → <Badge value={last.status} /> at <Time value={last.at} />
          </>
        ) : (
          'Waiting for run status changes…'
        )}
      </p>
    </section>
  );
}

function AlertFeed() {
  const [live, setLive] = useState<Alert[]>([]);
  // The subscription starts before the query, so no alert falls between them; one raised while
  // the query runs arrives both ways, so the feed merges by id.
  const subscriptionError = useSubscription(AlertRaised, {}, (event) => {
    setLive((alerts) => [event.integrationAlertRaised.alert, ...alerts]);
  });
  const initial = useQuery(AlertsQuery, { first: FEED_SIZE });
  const known = new Set(initial.data?.integrationAlerts.nodes.map((alert) => alert.id) ?? []);
  const fresh = live.filter((alert) => !known.has(alert.id));
  const alerts = [...fresh, ...(initial.data?.integrationAlerts.nodes ?? [])]
    .sort((a, b) => b.id - a.id)
    .slice(0, FEED_SIZE);
  const total = (initial.data?.integrationAlerts.totalCount ?? 0) + fresh.length;
  const freshIds = new Set(fresh.map((alert) => alert.id));

  return (
    <section class="card">
      <h2>
        Alerts <span class="muted" data-testid="alert-total">{initial.data ? total : ''}</span>
      </h2>
      <ErrorLine error={initial.error ?? subscriptionError} />
      {!initial.data && !initial.error ? <p class="muted">Loading…</p> : null}
      {initial.data && alerts.length === 0 ? <p class="muted">No alerts.</p> : null}
      <ol class="feed" data-testid="alert-feed">
        {alerts.map((alert) => (
          <li class={freshIds.has(alert.id) ? 'fresh' : ''} data-alert-id={alert.id}>
            <div class="feed-head">
              <strong>#{alert.id}</strong> <Badge value={alert.contactAlertType} /> {alert.integration?.code ?? '—'}
              {alert.integrationRunId ? (
                <>
                  {' '}
                  · <Link to={href(`/runs/${alert.integrationRunId}`)}>run #{alert.integrationRunId}</Link>
                </>
              ) : null}{' '}
              · <DocumentLink type={alert.documentType} id={alert.documentId} />
              <span class="muted small right">
                <Time value={alert.createdAt} />
              </span>
            </div>
            {alert.message ? <div class="small">{alert.message}</div> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

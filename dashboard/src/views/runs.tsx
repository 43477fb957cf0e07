// The runs list: filtered by integration, status and creation (or start) time from the URL, paged by cursor, newest first,
// refreshed on every change of a run.
import type { JSX } from 'preact';

import { graphql, isRunStatus, RUN_STATUSES } from '../graphql';
import { useLiveQuery } from '../hooks';
import { href, navigate, type Location } from '../router';
import { Badge, ErrorLine, Link, Pager, pageVariables, Time } from '../ui';

const RunsQuery = graphql(`
  query DashboardRuns($filter: IntegrationRunFilter, $first: Int, $after: String, $last: Int, $before: String) {
    integrations(first: 200) {
      nodes {
        code
      }
    }
    integrationRuns(
      filter: $filter
      orderBy: { field: ID, direction: DESC }
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        status
        integration {
          code
        }
        startTime
        endTime
        totalRecords
        recordsProcessed
        openErrors: integrationErrors(filter: { resolved: { eq: false } }) {
          totalCount
        }
      }
    }
  }
`);

// Every change of a run: a created run joins the list and an update changes its records.
const RunChanged = graphql(`
  subscription DashboardRunsChanged {
    integrationRunChanged {
      sequence
    }
  }
`);

/** `value` as an ISO date-time if it reads as one (a URL parameter), else null. */
function instant(value: string | null): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The runs page. */
export function Runs(props: { location: Location }) {
  const { params } = props.location;
  const integration = params.get('integration') ?? '';
  const status = params.get('status');
  // A time range (the trends' bars link here with one): runs created from `from` until before `to`,
  // or with `time=start` started in it (the trends count runs per period by their start).
  const from = instant(params.get('from'));
  const to = instant(params.get('to'));
  const byStart = params.get('time') === 'start';
  const range = from || to ? { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } : null;
  const filter = {
    ...(integration ? { integration: { code: { eq: integration } } } : {}),
    ...(isRunStatus(status) ? { status: { eq: status } } : {}),
    ...(range ? (byStart ? { startTime: range } : { createdAt: range }) : {}),
  };
  const runs = useLiveQuery(RunsQuery, { filter, ...pageVariables(params) }, RunChanged, {});

  // A changed filter starts again at the first page.
  const onFilter = (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      href('/runs', {
        integration: String(form.get('integration') ?? ''),
        status: String(form.get('status') ?? ''),
        from,
        to,
        time: byStart ? 'start' : null,
      }),
    );
  };

  const connection = runs.data?.integrationRuns;
  return (
    <section class="card">
      <h2>Runs</h2>
      <form class="filters" onSubmit={onFilter} onChange={(e) => e.currentTarget.requestSubmit()}>
        <label>
          Integration{' '}
          <select name="integration" value={integration} data-testid="filter-integration">
            <option value="">all</option>
            {runs.data?.integrations.nodes.map((node) => (
              <option value={node.code}>{node.code}</option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select name="status" value={isRunStatus(status) ? status : ''} data-testid="filter-status">
            <option value="">all</option>
            {RUN_STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        {from || to ? (
          <span class="range" data-testid="filter-range">
            {byStart ? 'Started' : 'Created'} {from ? <>from <Time value={from} /></> : null} {to ? <>until before <Time value={to} /></> : null}{' '}
            <Link to={href('/runs', { integration, status: isRunStatus(status) ? status : null })} testid="clear-range">
              (any time)
            </Link>
          </span>
        ) : null}
      </form>
      <ErrorLine error={runs.error ?? runs.subscriptionError} />
      {connection ? (
        <>
          {/* Busy while a changed filter's rows are on their way: the rows shown are the old ones. */}
          <table data-testid="runs" aria-busy={runs.loading ? 'true' : 'false'}>
            <thead>
              <tr>
                <th>Run</th>
                <th>Integration</th>
                <th>Status</th>
                <th>Started</th>
                <th>Ended</th>
                <th class="num">Processed</th>
                <th class="num">Open errors</th>
              </tr>
            </thead>
            <tbody>
              {connection.nodes.map((run) => (
                <tr data-run-id={run.id}>
                  <td>
                    <Link to={href(`/runs/${run.id}`)}>#{run.id}</Link>
                  </td>
                  <td>{run.integration.code}</td>
                  <td>
                    <Badge value={run.status} />
                  </td>
                  <td>
                    <Time value={run.startTime} />
                  </td>
                  <td>
                    <Time value={run.endTime} />
                  </td>
                  <td class="num">
                    {run.recordsProcessed ?? '—'} / {run.totalRecords ?? '—'}
                  </td>
                  <td class={`num${run.openErrors.totalCount ? ' alert' : ' zero'}`}>{run.openErrors.totalCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {connection.nodes.length === 0 ? <p class="muted">No runs match.</p> : null}
          <Pager
            path="/runs"
            params={params}
            pageInfo={connection.pageInfo}
            totalCount={connection.totalCount}
            shown={connection.nodes.length}
          />
        </>
      ) : runs.error ? null : (
        <p class="muted">Loading…</p>
      )}
    </section>
  );
}

// Trends: runs, failures, records and alerts over a window (24 hours by hour, 7 or 30 days by
// day), optionally of one integration. Every number comes from the gateway's aggregates (SQL
// GROUP BY), asked again, debounced, whenever a run is created, updated or changes status, a
// record changes or an alert is raised; every bar links to the runs it counts.
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

import { BarChart } from '../chart';
import { graphql, type ContactAlertType, type RunStatus } from '../graphql';
import { useQuery, useSubscription } from '../hooks';
import { href, navigate, type Location } from '../router';
import { ErrorLine } from '../ui';

const TrendsQuery = graphql(`
  query DashboardTrends(
    $filter: IntegrationRunFilter
    $startedFilter: IntegrationRunFilter
    $alertFilter: IntegrationAlertFilter
    $perPeriod: [IntegrationRunGroupBy!]!
    $alertsPerPeriod: [IntegrationAlertGroupBy!]!
  ) {
    integrations(first: 200) {
      nodes {
        code
      }
    }
    perPeriod: integrationRunCounts(filter: $startedFilter, groupBy: $perPeriod, periodsOf: START_TIME) {
      day
      hour
      status
      count
      recordsProcessed
    }
    perIntegration: integrationRunCounts(filter: $filter, groupBy: [INTEGRATION, STATUS]) {
      integration {
        code
      }
      status
      count
    }
    durations: integrationRunDurations(filter: $filter, groupBy: [INTEGRATION]) {
      integration {
        code
      }
      count
      medianSeconds
      p95Seconds
      maxSeconds
    }
    alerts: integrationAlertCounts(filter: $alertFilter, groupBy: $alertsPerPeriod) {
      day
      hour
      contactAlertType
      count
    }
  }
`);

// Every change of a run, not only its status: a created run adds to the runs per period and an
// update of recordsProcessed or endTime changes the records and durations.
const RunChanged = graphql(`
  subscription DashboardTrendsRunChanged($integration: IntegrationRefInput) {
    integrationRunChanged(integration: $integration) {
      sequence
    }
  }
`);

const RecordChanged = graphql(`
  subscription DashboardTrendsRecordChanged($integration: IntegrationRefInput) {
    integrationHistoryRecordChanged(integration: $integration) {
      sequence
    }
  }
`);

const AlertRaised = graphql(`
  subscription DashboardTrendsAlertRaised($integration: IntegrationRefInput) {
    integrationAlertRaised(integration: $integration) {
      sequence
    }
  }
`);

/** The windows a user can choose: how far back, in periods of which length. */
export const WINDOWS = {
  '24h': { label: '24 hours, by hour', unit: 'HOUR', periods: 24 },
  '7d': { label: '7 days, by day', unit: 'DAY', periods: 7 },
  '30d': { label: '30 days, by day', unit: 'DAY', periods: 30 },
} as const;
type WindowName = keyof typeof WINDOWS;

/** Final statuses first: the stack grows from what is settled to what is still open. */
const STACK: { status: RunStatus; color: string }[] = [
  { status: 'SUCCESSFUL', color: '#2e9d48' },
  { status: 'FAILED', color: '#d64545' },
  { status: 'RUNNING', color: '#2557d6' },
  { status: 'PAUSED', color: '#e0a800' },
  { status: 'PENDING', color: '#9aa3b5' },
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The periods of a window ending with the current one, in UTC. */
export function periodsOf(name: WindowName, now = Date.now()) {
  const { unit, periods } = WINDOWS[name];
  const length = unit === 'HOUR' ? HOUR : DAY;
  const current = Math.floor(now / length) * length;
  const starts = Array.from({ length: periods }, (_, i) => current - (periods - 1 - i) * length);
  return {
    unit,
    length,
    starts,
    from: new Date(starts[0]).toISOString(),
    // The end of the current period: the links of charts over the whole window carry it, so the
    // runs list shows the same window even when opened later.
    to: new Date(current + length).toISOString(),
  };
}

/** How a period is named: its day, or its day and hour (UTC). */
function periodName(start: number, unit: 'HOUR' | 'DAY'): string {
  const iso = new Date(start).toISOString();
  return unit === 'DAY' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The start of the period the API names (a `day`, or an `hour`'s DateTime), in milliseconds. */
function periodStart(group: { day?: string | null; hour?: string | null }): number {
  if (group.hour) return Date.parse(group.hour);
  if (group.day) return Date.parse(`${group.day}T00:00:00Z`);
  return Number.NaN;
}

/** Seconds as a person reads a duration: `45 s`, `4 min 05 s`, `1 h 02 min`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Steps of a duration axis, in seconds: round seconds, minutes and hours. */
const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Alerts by whom they reach, stacked in this order. */
const AUDIENCES: { type: ContactAlertType; label: string; color: string }[] = [
  { type: 'TECHNICAL', label: 'Technical', color: '#7b4fc9' },
  { type: 'FUNCTIONAL', label: 'Functional', color: '#e07b00' },
  { type: 'BOTH', label: 'Both', color: '#8a93a6' },
];

/** Calls `fn` once, `ms` after the last of a burst of calls. */
function useDebounced(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => latest.current(), ms);
  };
}

const percent = (value: number) => `${value.toFixed(1)} %`;

/** The trends page. */
export function Trends(props: { location: Location }) {
  const { params } = props.location;
  const windowName: WindowName = (params.get('window') ?? '') in WINDOWS ? (params.get('window') as WindowName) : '7d';
  const integration = params.get('integration') ?? '';
  const { unit, length, starts, from, to } = periodsOf(windowName);
  const scope = integration ? { integration: { code: { eq: integration } } } : {};
  const subscriptionScope = { integration: integration ? { code: integration } : null };

  // The subscriptions start before the query (one socket, in order): a change committed while it
  // runs is not missed, its event asks again.
  const again = useRef(() => {});
  const soon = useDebounced(() => again.current(), 300);
  const errors = [
    useSubscription(RunChanged, subscriptionScope, soon),
    useSubscription(RecordChanged, subscriptionScope, soon),
    useSubscription(AlertRaised, subscriptionScope, soon),
  ];
  const trends = useQuery(TrendsQuery, {
    filter: { createdAt: { gte: from }, ...scope },
    // Runs per period are the runs started in it, as operations people count them (a run created
    // and not started yet is in none); the charts per integration take the runs created in the
    // window.
    startedFilter: { startTime: { gte: from }, ...scope },
    alertFilter: { createdAt: { gte: from }, ...scope },
    perPeriod: [unit, 'STATUS'],
    alertsPerPeriod: [unit, 'CONTACT_ALERT_TYPE'],
  });
  again.current = trends.refetch;

  const onFilter = (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(href('/trends', { window: String(form.get('window') ?? ''), integration: String(form.get('integration') ?? '') }));
  };

  const data = trends.data;
  const index = new Map(starts.map((start, i) => [start, i]));
  const categories = starts.map((start) => periodName(start, unit));
  const times = starts.map((start) => start / 1000);
  const perStatus = new Map(STACK.map(({ status }) => [status, starts.map(() => 0)]));
  const records = starts.map(() => 0);
  for (const group of data?.perPeriod ?? []) {
    const i = index.get(periodStart(group));
    if (i === undefined || !group.status) continue;
    perStatus.get(group.status)![i] += group.count;
    records[i] += group.recordsProcessed;
  }
  const periodRange = (i: number) => ({
    from: new Date(starts[i]).toISOString(),
    to: new Date(starts[i] + length).toISOString(),
  });

  // Failure rate: failed ÷ finished (successful or failed), the worst first.
  const finished = new Map<string, { failed: number; finished: number }>();
  for (const group of data?.perIntegration ?? []) {
    const code = group.integration?.code;
    if (!code || (group.status !== 'FAILED' && group.status !== 'SUCCESSFUL')) continue;
    const entry = finished.get(code) ?? { failed: 0, finished: 0 };
    entry.finished += group.count;
    if (group.status === 'FAILED') entry.failed += group.count;
    finished.set(code, entry);
  }
  const ranked = [...finished.entries()]
    .map(([code, n]) => ({ code, ...n, rate: (100 * n.failed) / n.finished }))
    .sort((a, b) => b.rate - a.rate || a.code.localeCompare(b.code));

  // Durations: the slowest (by p95) first.
  const durations = (data?.durations ?? [])
    .filter((d) => d.integration && d.count > 0)
    .map((d) => ({ code: d.integration!.code, ...d }))
    .sort((a, b) => (b.p95Seconds ?? 0) - (a.p95Seconds ?? 0) || a.code.localeCompare(b.code));

  const perAudience = new Map(AUDIENCES.map(({ type }) => [type, starts.map(() => 0)]));
  for (const group of data?.alerts ?? []) {
    const i = index.get(periodStart(group));
    if (i === undefined || !group.contactAlertType) continue;
    perAudience.get(group.contactAlertType)![i] += group.count;
  }

  return (
    <div class="trends">
      <section class="card">
        <h2>Trends</h2>
        <form class="filters" onSubmit={onFilter} onChange={(e) => e.currentTarget.requestSubmit()} data-testid="trends-filters">
          <label>
            Window{' '}
            <select name="window" value={windowName} data-testid="trends-window">
              {Object.entries(WINDOWS).map(([value, w]) => (
                <option value={value}>{w.label}</option>
              ))}
            </select>
          </label>
          <label>
            Integration{' '}
            <select name="integration" value={integration} data-testid="trends-integration">
              <option value="">all</option>
              {data?.integrations.nodes.map((node) => (
                <option value={node.code}>{node.code}</option>
              ))}
            </select>
          </label>
          <span class="muted small live" aria-busy={trends.loading ? 'true' : 'false'} data-testid="trends-state">
            <span class="dot" /> Live, since {new Date(starts[0]).toISOString().slice(0, 16).replace('T', ' ')} UTC
          </span>
        </form>
        <ErrorLine error={trends.error ?? errors.find((e) => e) ?? null} />
      </section>
      {data ? (
        <div class="charts">
          <BarChart
            title={`Runs per ${unit === 'HOUR' ? 'hour' : 'day'} by status`}
            description="Runs started in each period (UTC), stacked by the status they have now."
            testid="runs"
            categoryHeader={unit === 'HOUR' ? 'Hour (UTC)' : 'Day (UTC)'}
            categories={categories}
            times={times}
            stacked
            series={STACK.map(({ status, color }) => ({ label: status, color, values: perStatus.get(status)! }))}
            link={(i, k) => href('/runs', { integration, status: k === null ? null : STACK[k].status, ...periodRange(i), time: 'start' })}
          />
          <BarChart
            title="Failure rate per integration"
            description="Failed runs ÷ finished runs (successful or failed) created in the window, the worst first."
            testid="failure-rate"
            categoryHeader="Integration"
            categories={ranked.map((r) => r.code)}
            series={[{ label: 'Failure rate', color: '#d64545', values: ranked.map((r) => Math.round(r.rate * 10) / 10) }]}
            extra={[
              { label: 'Failed', values: ranked.map((r) => r.failed) },
              { label: 'Finished', values: ranked.map((r) => r.finished) },
            ]}
            format={percent}
            link={(i) => href('/runs', { integration: ranked[i].code, status: 'FAILED', from, to })}
          />
          <BarChart
            title={`Records processed per ${unit === 'HOUR' ? 'hour' : 'day'}`}
            description="The sum of recordsProcessed of the runs started in each period."
            testid="records"
            categoryHeader={unit === 'HOUR' ? 'Hour (UTC)' : 'Day (UTC)'}
            categories={categories}
            times={times}
            series={[{ label: 'Records processed', color: '#2557d6', values: records }]}
            link={(i) => href('/runs', { integration, ...periodRange(i), time: 'start' })}
          />
          <BarChart
            title="Run duration per integration"
            description="Median (dark) and 95th percentile (light) of endTime − startTime of the runs created in the window, the slowest first."
            testid="durations"
            categoryHeader="Integration"
            categories={durations.map((d) => d.code)}
            series={[
              { label: '95th percentile', color: '#9db7ef', values: durations.map((d) => d.p95Seconds), size: 0.7 },
              { label: 'Median', color: '#1f4fc4', values: durations.map((d) => d.medianSeconds), size: 0.35 },
            ]}
            extra={[
              { label: 'Longest', values: durations.map((d) => (d.maxSeconds === null ? '—' : duration(d.maxSeconds))) },
              { label: 'Timed runs', values: durations.map((d) => d.count) },
            ]}
            format={duration}
            steps={DURATION_STEPS}
            link={(i) => href('/runs', { integration: durations[i].code, from, to })}
          />
          <BarChart
            title={`Alerts per ${unit === 'HOUR' ? 'hour' : 'day'} by contact type`}
            description="Alerts raised in each period, stacked by the contacts they reach; a bar leads to the runs of its period."
            testid="alerts"
            categoryHeader={unit === 'HOUR' ? 'Hour (UTC)' : 'Day (UTC)'}
            categories={categories}
            times={times}
            stacked
            series={AUDIENCES.map(({ type, label, color }) => ({ label, color, values: perAudience.get(type)! }))}
            link={(i) => href('/runs', { integration, ...periodRange(i) })}
          />
        </div>
      ) : trends.error ? null : (
        <p class="muted">Loading…</p>
      )}
    </div>
  );
}

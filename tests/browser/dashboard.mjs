// Drives the operations dashboard in headless Chromium against a running gateway that requires a
// bearer token and holds the demo data (`seed --demo`: three integrations with one run in each
// status; every run has an alerted open history record, and each failed run an alert of its own). It enters the token at the prompt, reads
// the run counts, moves a run through the API and watches the counts and the alert feed change
// without a reload, walks the runs list to a run's detail, resolves an open record from the UI
// (and checks it through the API), lists the documents not yet exported, adds a contact to an
// integration (and sees a bad email refused next to its field), follows a webhook delivery to a
// local receiver that fails through the Deliveries view (filters, attempts, Redeliver), and checks
// that the page never talked to any host but the gateway. The token needs the admin scope (the
// deliveries) and the gateway `--allow-private-webhook-targets` (the receiver is on loopback).
//
// Before all that, on a second gateway over an empty database (no authentication), the overview
// says there is no data yet and shows the command that loads the demo data.
//
// Usage: node dashboard.mjs <base URL> <bearer token (read and write)> <artifacts directory>
//        <base URL of a gateway over an empty database>
// Screenshots land in <artifacts>/dashboard-*.png. CHROMIUM overrides the browser binary.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const [baseUrl, token, artifacts, emptyUrl] = process.argv.slice(2);
if (!baseUrl || !token || !artifacts || !emptyUrl) {
  console.error('usage: node dashboard.mjs <base URL> <bearer token> <artifacts directory> <base URL of an empty gateway>');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });
const gateway = new URL(baseUrl);
const TIMEOUT = 20_000;
const started = Date.now();

/** A GraphQL operation over HTTP with the token, as another client of the gateway would send it. */
async function api(query, variables = {}) {
  const response = await fetch(new URL('/graphql', gateway), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) {
    throw new Error(`API ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

/**
 * A webhook receiver on a free local port: it answers 503 until `healthy` is set, then 200, and
 * records each request's `webhook-id`.
 */
async function startReceiver() {
  const received = [];
  const state = { healthy: false };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received.push({ webhookId: request.headers['webhook-id'] });
      response.writeHead(state.healthy ? 200 : 503, { 'content-type': 'text/plain' });
      response.end(state.healthy ? 'ok' : 'unavailable');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    received,
    set healthy(value) {
      state.healthy = value;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The rows of a chart's text alternative, each as the texts of its cells. */
async function tableRows(page, chart) {
  return page
    .getByTestId(`${chart}-table`)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent.trim())));
}

/** How many pixels of a chart's canvas have one of its series' colours: bars were drawn. */
async function barPixels(page, chart, colors) {
  return page
    .getByTestId(`chart-${chart}`)
    .locator('canvas')
    .evaluate((canvas, colors) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      const rgb = colors.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] < 200) continue;
        if (rgb.some(([r, g, b]) => Math.abs(data[i] - r) < 8 && Math.abs(data[i + 1] - g) < 8 && Math.abs(data[i + 2] - b) < 8)) n++;
      }
      return n;
    }, colors);
}

/** Waits until `read()` satisfies `ok`, or fails with what it last read. */
async function eventually(read, ok, what) {
  let last;
  for (const deadline = Date.now() + TIMEOUT; Date.now() < deadline; ) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: last read ${JSON.stringify(last)}`);
}

/** The failure-rate table as the API's counts make it: code, rate, failed, finished; worst first. */
function failureRows(groups) {
  const byCode = new Map();
  for (const group of groups) {
    if (group.status !== 'FAILED' && group.status !== 'SUCCESSFUL') continue;
    const entry = byCode.get(group.integration.code) ?? { failed: 0, finished: 0 };
    entry.finished += group.count;
    if (group.status === 'FAILED') entry.failed += group.count;
    byCode.set(group.integration.code, entry);
  }
  return [...byCode.entries()]
    .map(([code, n]) => ({ code, ...n, rate: (100 * n.failed) / n.finished }))
    .sort((a, b) => b.rate - a.rate || a.code.localeCompare(b.code))
    .map((r) => [r.code, `${(Math.round(r.rate * 10) / 10).toFixed(1)} %`, String(r.failed), String(r.finished)]);
}

/** Seconds as the dashboard reads a duration (`duration` in dashboard/src/views/trends.tsx). */
function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The durations table as the API's statistics make it: code, p95, median, longest, timed runs; slowest first. */
function durationRows(groups) {
  const read = (seconds) => (seconds === null ? '—' : duration(seconds));
  return groups
    .filter((d) => d.integration && d.count > 0)
    .sort((a, b) => (b.p95Seconds ?? 0) - (a.p95Seconds ?? 0) || a.integration.code.localeCompare(b.integration.code))
    .map((d) => [d.integration.code, read(d.p95Seconds), read(d.medianSeconds), read(d.maxSeconds), String(d.count)]);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A window of the trends view as the page computes it: its periods' starts (ms) and names, its bounds. */
function windowOf(unit, periods) {
  const length = unit === 'HOUR' ? HOUR : DAY;
  const current = Math.floor(Date.now() / length) * length;
  const starts = Array.from({ length: periods }, (_, i) => current - (periods - 1 - i) * length);
  const name = (t) => {
    const iso = new Date(t).toISOString();
    return unit === 'DAY' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  };
  return {
    unit,
    length,
    starts,
    names: starts.map(name),
    name,
    from: new Date(starts[0]).toISOString(),
    to: new Date(current + length).toISOString(),
  };
}

/**
 * The tables of the trends' time-axis charts as the API's aggregates make them, period by period
 * (zeros included): runs started per period by status (columns in the order of `runsHeader`),
 * their records processed, alerts raised per period by contact type.
 */
async function periodTables(window, runsHeader) {
  const { unit, from } = window;
  const data = await api(
    `query ($from: DateTime!, $runs: [IntegrationRunGroupBy!]!, $alerts: [IntegrationAlertGroupBy!]!) {
      runs: integrationRunCounts(filter: {startTime: {gte: $from}}, groupBy: $runs, periodsOf: START_TIME) { day hour status count recordsProcessed }
      alerts: integrationAlertCounts(filter: {createdAt: {gte: $from}}, groupBy: $alerts) { day hour contactAlertType count }
    }`,
    { from, runs: [unit, 'STATUS'], alerts: [unit, 'CONTACT_ALERT_TYPE'] },
  );
  const periodOf = (group) => (group.hour ? window.name(Date.parse(group.hour)) : group.day);
  const sum = (groups, period, match, value) =>
    groups.filter((g) => periodOf(g) === period && match(g)).reduce((n, g) => n + value(g), 0);
  return {
    runs: window.names.map((p) => [p, ...runsHeader.slice(1).map((status) => String(sum(data.runs, p, (g) => g.status === status, (g) => g.count)))]),
    records: window.names.map((p) => [p, String(sum(data.runs, p, () => true, (g) => g.recordsProcessed))]),
    alerts: window.names.map((p) => [
      p,
      ...['TECHNICAL', 'FUNCTIONAL', 'BOTH'].map((type) => String(sum(data.alerts, p, (g) => g.contactAlertType === type, (g) => g.count))),
    ]),
  };
}

/** Waits until the trends' time-axis tables hold the API's numbers for `window`; returns them. */
async function periodTablesAgree(page, window) {
  const runsHeader = await page.getByTestId('runs-table').locator('thead th').allTextContents();
  let expected;
  try {
    await eventually(
      async () => {
        expected = await periodTables(window, runsHeader);
        return Object.fromEntries(await Promise.all(Object.keys(expected).map(async (chart) => [chart, await tableRows(page, chart)])));
      },
      (shown) => JSON.stringify(shown) === JSON.stringify(expected),
      'the runs, records and alerts tables',
    );
  } catch (error) {
    throw new Error(`${error.message}; the API's numbers: ${JSON.stringify(expected)}`);
  }
  return expected;
}

/** Clicks category `index` of `count` of a time-axis chart, `fromBottom` pixels above its x axis. */
async function clickBar(page, chart, index, count, fromBottom = 3) {
  const over = await page.getByTestId(`chart-${chart}`).locator('.u-over').boundingBox();
  const x = over.x + ((index + 0.5) * over.width) / count;
  const y = over.y + over.height - fromBottom;
  await page.mouse.move(x, y);
  await page.mouse.click(x, y);
}

/** The trends view over the demo data (see the call). */
async function trends(page, notReloaded, shot) {
  const charts = {
    runs: ['#2e9d48', '#d64545'],
    'failure-rate': ['#d64545'],
    records: ['#2557d6'],
    durations: ['#1f4fc4', '#9db7ef'],
    alerts: ['#7b4fc9', '#e07b00'],
  };
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByTestId('trends-link').click();
  await page.waitForURL(/\/dashboard\/trends$/);
  for (const [chart, colors] of Object.entries(charts)) {
    await page.getByTestId(`chart-${chart}`).locator('canvas').waitFor();
    const pixels = await eventually(() => barPixels(page, chart, colors), (n) => n > 100, `the ${chart} chart's bars`);
    console.log(`trends: the ${chart} chart drew ${pixels} pixels of bars`);
  }
  // Seven days by day: a row per day in the runs chart's table.
  check((await tableRows(page, 'runs')).length === 7, 'the 7-day window has not 7 days');

  // The failure rates' text alternative, behind its toggle, holds the API's numbers.
  const toggle = page.getByTestId('failure-rate-toggle');
  check((await toggle.getAttribute('aria-expanded')) === 'false', 'the table is shown before the toggle');
  await toggle.click();
  check((await toggle.getAttribute('aria-expanded')) === 'true', 'the toggle does not say the table is shown');
  await page.getByTestId('failure-rate-table').waitFor();
  const from = new Date(Math.floor(Date.now() / DAY) * DAY - 6 * DAY).toISOString();
  const perIntegration = async () =>
    failureRows(
      (
        await api(
          `query ($from: DateTime!) {
            integrationRunCounts(filter: {createdAt: {gte: $from}}, groupBy: [INTEGRATION, STATUS]) { integration { code } status count }
          }`,
          { from },
        )
      ).integrationRunCounts,
    );
  const expected = await perIntegration();
  check(expected.length === 3, `the API ranks ${JSON.stringify(expected)}`);
  await eventually(
    () => tableRows(page, 'failure-rate'),
    (rows) => JSON.stringify(rows) === JSON.stringify(expected),
    `the failure-rate table should be ${JSON.stringify(expected)}`,
  );
  console.log(`trends: failure rates as the API counts them: ${expected.map((r) => `${r[0]} ${r[1]}`).join(', ')}`);
  // So do the runs started per day (status by status), the records processed and the alerts
  // per day (every day of the window, zeros included), and the durations per integration.
  const week = windowOf('DAY', 7);
  check(week.from === from, `the test's window starts at ${week.from}, not ${from}`);
  const weekTables = await periodTablesAgree(page, week);
  const total = (rows) => rows.reduce((n, row) => n + row.slice(1).reduce((m, cell) => m + Number(cell), 0), 0);
  check(total(weekTables.runs) > 0 && total(weekTables.records) > 0 && total(weekTables.alerts) > 0, `empty tables: ${JSON.stringify(weekTables)}`);
  const durationsNow = async () =>
    durationRows(
      (
        await api(
          `query ($from: DateTime!) {
            integrationRunDurations(filter: {createdAt: {gte: $from}}, groupBy: [INTEGRATION]) { integration { code } count medianSeconds p95Seconds maxSeconds }
          }`,
          { from },
        )
      ).integrationRunDurations,
    );
  const durations = await durationsNow();
  check(durations.length === 3, `the API times ${JSON.stringify(durations)}`);
  await eventually(
    () => tableRows(page, 'durations'),
    (rows) => JSON.stringify(rows) === JSON.stringify(durations),
    `the durations table should be ${JSON.stringify(durations)}`,
  );
  console.log(
    `trends: runs (${total(weekTables.runs)}), records (${total(weekTables.records)}) and alerts (${total(weekTables.alerts)}) per day and the durations of ${durations.length} integrations as the API computes them`,
  );

  // A run of the steadiest integration fails through the API: its rate changes, live.
  const before = expected.find((r) => r[0] === 'WORKDAY-USERS');
  const run = await api('mutation { createIntegrationRun(input: {integration: {code: "WORKDAY-USERS"}}) { id } }');
  const id = run.createIntegrationRun.id;
  await api('mutation ($id: Int!) { runIntegrationRun(id: $id) { status } }', { id });
  await api('mutation ($id: Int!) { failIntegrationRun(id: $id) { status } }', { id });
  const changed = await perIntegration();
  const after = changed.find((r) => r[0] === 'WORKDAY-USERS');
  check(
    Number(after[2]) === Number(before[2]) + 1 && Number(after[3]) === Number(before[3]) + 1,
    `after a failure the API counts ${after} (before: ${before})`,
  );
  await eventually(
    () => tableRows(page, 'failure-rate'),
    (rows) => JSON.stringify(rows) === JSON.stringify(changed),
    `the failure-rate table after run #${id} failed should be ${JSON.stringify(changed)}`,
  );
  await notReloaded('while the trends changed');
  console.log(`trends: run #${id} failed through the API; WORKDAY-USERS went from ${before[1]} to ${after[1]} without a reload`);
  await shot('trends');

  // A run created (started, not finished: no status change) and then its recordsProcessed
  // updated, both through the API: the runs and the records per day follow without a reload.
  const today = week.names[6];
  const row = (tables, chart) => tables[chart].find((r) => r[0] === today);
  const created = await api(
    'mutation ($at: DateTime!) { createIntegrationRun(input: {integration: {code: "WORKDAY-USERS"}, startTime: $at, totalRecords: 500}) { id } }',
    { at: new Date().toISOString() },
  );
  const startedId = created.createIntegrationRun.id;
  const withRun = await periodTablesAgree(page, week);
  const pending = (await page.getByTestId('runs-table').locator('thead th').allTextContents()).indexOf('PENDING');
  check(pending > 0, 'the runs table has no PENDING column');
  check(
    Number(row(withRun, 'runs')[pending]) === Number(row(weekTables, 'runs')[pending]) + 1,
    `after run #${startedId} was created the runs of ${today} read ${row(withRun, 'runs')} (before: ${row(weekTables, 'runs')})`,
  );
  await api('mutation ($id: Int!) { updateIntegrationRun(id: $id, input: {recordsProcessed: 321}) { id } }', { id: startedId });
  const withRecords = await periodTablesAgree(page, week);
  check(
    Number(row(withRecords, 'records')[1]) === Number(row(withRun, 'records')[1]) + 321,
    `after run #${startedId} processed 321 records the records of ${today} read ${row(withRecords, 'records')} (before: ${row(withRun, 'records')})`,
  );
  await notReloaded('while a run was created and updated');
  console.log(`trends: run #${startedId} created, then 321 records processed, through the API; the runs and records of ${today} followed without a reload`);

  // A click on the worst integration's bar lists its failed runs of the window.
  const [worst, , failed] = changed[0];
  const over = await page.getByTestId('chart-failure-rate').locator('.u-over').boundingBox();
  await page.mouse.move(over.x + over.width / 6, over.y + over.height - 4);
  await page.mouse.click(over.x + over.width / 6, over.y + over.height - 4);
  await page.waitForURL(/\/dashboard\/runs\?/);
  const params = new URL(page.url()).searchParams;
  check(
    params.get('integration') === worst && params.get('status') === 'FAILED' && params.get('from') === from && params.get('to') === week.to,
    `the bar of ${worst} led to ${page.url()}`,
  );
  await page.getByTestId('filter-range').waitFor();
  await page.locator('table[data-testid="runs"][aria-busy="false"]').waitFor();
  await page.getByText(new RegExp(`shown of ${failed}$`)).waitFor();
  const listed = await page.getByTestId('runs').locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => [row.children[1].textContent.trim(), row.children[2].textContent.trim()]),
  );
  check(
    listed.length > 0 && listed.every(([code, status]) => code === worst && status === 'FAILED'),
    `the runs list shows ${JSON.stringify(listed)}`,
  );
  console.log(`trends: the ${worst} bar lists its ${failed} failed runs`);
  await shot('trends-runs');

  // The last 30 days: every chart drawn again, a row per day, the tables the API's numbers.
  await page.getByRole('link', { name: 'Trends' }).click();
  await page.getByTestId('trends-window').selectOption('30d');
  await page.waitForURL(/window=30d/);
  const month = windowOf('DAY', 30);
  await eventually(() => tableRows(page, 'runs'), (rows) => rows.length === 30 && rows[0][0] === month.names[0], 'the 30-day window by day');
  for (const [chart, colors] of Object.entries(charts)) {
    const pixels = await eventually(() => barPixels(page, chart, colors), (n) => n > 100, `the ${chart} chart's bars over 30 days`);
    console.log(`trends: over 30 days the ${chart} chart drew ${pixels} pixels of bars`);
  }
  const monthTables = await periodTablesAgree(page, month);
  check(monthTables.runs.filter((r) => r.slice(1).some((cell) => cell !== '0')).length >= 28, `runs on too few of the 30 days: ${JSON.stringify(monthTables.runs)}`);
  await shot('trends-30d');

  // A click on the foot of the busiest day's bar in the runs per day: the runs list of that day
  // (from and to in the URL, by start time) and of the status at the bottom of its stack.
  const runsHeader = await page.getByTestId('runs-table').locator('thead th').allTextContents();
  const sums = monthTables.runs.map((r) => r.slice(1).reduce((n, cell) => n + Number(cell), 0));
  const busiest = sums.indexOf(Math.max(...sums));
  const bottom = monthTables.runs[busiest].findIndex((cell, k) => k > 0 && cell !== '0');
  const [bottomStatus, bottomCount] = [runsHeader[bottom], Number(monthTables.runs[busiest][bottom])];
  await clickBar(page, 'runs', busiest, 30);
  await page.waitForURL(/\/dashboard\/runs\?/);
  const dayFrom = new Date(month.starts[busiest]).toISOString();
  const dayTo = new Date(month.starts[busiest] + DAY).toISOString();
  const barParams = new URL(page.url()).searchParams;
  check(
    barParams.get('from') === dayFrom && barParams.get('to') === dayTo && barParams.get('time') === 'start' && barParams.get('status') === bottomStatus,
    `the ${month.names[busiest]} bar's foot (${bottomStatus}) led to ${page.url()}`,
  );
  await page.getByTestId('filter-range').waitFor();
  check((await page.getByTestId('filter-range').textContent()).startsWith('Started'), 'the range does not say it is of start times');
  await page.locator('table[data-testid="runs"][aria-busy="false"]').waitFor();
  await page.getByText(new RegExp(`shown of ${bottomCount}$`)).waitFor();
  const ids = await page.getByTestId('runs').locator('tbody tr').evaluateAll((rows) => rows.map((row) => Number(row.dataset.runId)));
  check(ids.length > 0, 'the runs list of the bar is empty');
  // The rows' dates, as the API gives them (the list shows them in the browser's time zone).
  const listedRuns = await api(
    'query ($ids: [Int!]) { integrationRuns(filter: {id: {in: $ids}}, first: 100) { nodes { id status startTime } } }',
    { ids },
  );
  check(
    listedRuns.integrationRuns.nodes.length === ids.length &&
      listedRuns.integrationRuns.nodes.every(
        (r) => r.status === bottomStatus && Date.parse(r.startTime) >= Date.parse(dayFrom) && Date.parse(r.startTime) < Date.parse(dayTo),
      ),
    `the runs listed for ${month.names[busiest]} ${bottomStatus}: ${JSON.stringify(listedRuns.integrationRuns.nodes)}`,
  );
  console.log(`trends: the foot of the ${month.names[busiest]} bar lists its ${bottomCount} ${bottomStatus} runs, every one started that day`);
  await shot('trends-day-runs');

  // The last 24 hours, by hour: every chart again, and the tables as the API counts them.
  await page.getByRole('link', { name: 'Trends' }).click();
  await page.getByTestId('trends-window').selectOption('24h');
  await page.waitForURL(/window=24h/);
  const day = windowOf('HOUR', 24);
  await eventually(() => tableRows(page, 'runs'), (rows) => rows.length === 24 && rows[0][0] === day.names[0], 'the 24-hour window by hour');
  for (const [chart, colors] of Object.entries(charts)) {
    await eventually(() => barPixels(page, chart, colors), (n) => n > 50, `the ${chart} chart's bars over 24 hours`);
  }
  const dayTables = await periodTablesAgree(page, day);
  const hours = dayTables.runs.filter((r) => r.slice(1).some((cell) => cell !== '0')).length;
  check(hours >= 20, `runs started in only ${hours} of the last 24 hours`);
  console.log(`trends: 24 hours by hour, runs started in ${hours} of them, the tables as the API counts them`);
  await shot('trends-24h');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // Chromium's sandbox refuses to run as root, which CI containers are.
  args: ['--no-sandbox'],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);
  const shot = async (name) => {
    const path = join(artifacts, `dashboard-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
  };

  // Every request and WebSocket the page opens must go to the gateway itself.
  const foreign = [];
  const checkHost = (url) => {
    const { protocol, host } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') return;
    if (host !== gateway.host) foreign.push(url);
  };
  page.on('request', (request) => checkHost(request.url()));
  const sockets = [];
  page.on('websocket', (socket) => {
    sockets.push(socket.url());
    checkHost(socket.url());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A CSP violation shows up here; the page must cause none.
    if (message.type() === 'error') {
      console.log(`browser console: ${message.text()}`);
      if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
    }
  });

  // 0. A first start: the overview of an empty gateway says so, with the demo data's command.
  const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  fresh.setDefaultTimeout(TIMEOUT);
  fresh.on('pageerror', (error) => problems.push(`page error (empty gateway): ${error.message}`));
  await fresh.goto(new URL('/dashboard', emptyUrl).href);
  await fresh.getByTestId('first-start').getByText('This gateway holds no data yet').waitFor();
  const command = (await fresh.getByTestId('first-start-command').textContent()).trim();
  check(command === 'cargo run --release -- seed --demo', `the first start shows ${JSON.stringify(command)}`);
  check((await fresh.getByTestId('run-counts').count()) === 0, 'the empty overview shows a table of zeros');
  await fresh.screenshot({ path: join(artifacts, 'dashboard-first-start.png'), fullPage: true });
  console.log(`first start: the empty overview shows \`${command}\``);
  await fresh.close();

  // 1. The page is public; the data is not, so the app asks for a token.
  const response = await page.goto(new URL('/dashboard', gateway).href);
  check(response?.status() === 200, `GET /dashboard answered ${response?.status()}`);
  await page.getByText('This gateway requires a token').waitFor();
  await shot('token');
  // A wrong token is refused (the socket closes with 4403) and the prompt asks again.
  await page.getByTestId('token-input').fill('igw_not-a-token');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText('The token was refused').waitFor();
  await page.getByTestId('token-input').fill(token);
  await page.getByRole('button', { name: 'Connect' }).click();

  // 2. The counts of the demo data: one run per status and integration.
  const cell = (code, status) => page.getByTestId(`count-${code}-${status}`);
  const expectText = async (locator, text, what) => {
    try {
      await locator.filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) }).waitFor();
    } catch {
      throw new Error(`${what}: expected ${text}, the page shows ${await locator.textContent().catch(() => 'nothing')}`);
    }
  };
  await expectText(cell('SAP-INVOICES', 'PENDING'), '1', 'SAP-INVOICES pending runs');
  await expectText(cell('SAP-INVOICES', 'RUNNING'), '1', 'SAP-INVOICES running runs');
  await expectText(page.getByTestId('count-all-RUNNING'), '3', 'running runs of all integrations');
  // The demo's history adds finished runs and their alerts; the API says how many.
  const totals = await api(`{
    failed: integrationRunCounts(filter: {status: {eq: FAILED}}) { count }
    integrationAlerts { totalCount }
  }`);
  const failedRuns = totals.failed[0].count;
  const alertCount = totals.integrationAlerts.totalCount;
  // At least the present's: one failed run per integration, 15 alerts of its records and 3 of its failures.
  check(failedRuns > 3 && alertCount > 18, `the demo has ${failedRuns} failed runs and ${alertCount} alerts`);
  await expectText(page.getByTestId('count-all-FAILED'), String(failedRuns), 'failed runs of all integrations');
  await expectText(page.getByTestId('alert-total'), String(alertCount), 'alerts');
  check(sockets.length > 0, 'the dashboard opened no WebSocket');
  console.log(`counts: 1 pending and 1 running run of SAP-INVOICES, 3 running in all, ${failedRuns} failed, ${alertCount} alerts`);
  await shot('overview-before');

  // 3. Another client starts the pending SAP-INVOICES run; the counts follow without a reload.
  // A mark on the window survives in-page navigation and dies with a reload.
  await page.evaluate(() => {
    window.dashboardTestMark = true;
  });
  const notReloaded = async (when) =>
    check(await page.evaluate(() => window.dashboardTestMark === true), `the page reloaded ${when}`);
  const pending = await api(`{
    integrationRuns(filter: {status: {eq: PENDING}, integration: {code: {eq: "SAP-INVOICES"}}}) { nodes { id } }
  }`);
  const runId = pending.integrationRuns.nodes[0].id;
  await api('mutation ($id: Int!) { runIntegrationRun(id: $id) { status } }', { id: runId });
  await expectText(cell('SAP-INVOICES', 'PENDING'), '0', 'SAP-INVOICES pending runs after the run action');
  await expectText(cell('SAP-INVOICES', 'RUNNING'), '2', 'SAP-INVOICES running runs after the run action');
  await expectText(page.getByTestId('count-all-RUNNING'), '4', 'running runs of all integrations after the run action');
  await page.getByTestId('last-status-change').filter({ hasText: `#${runId}` }).waitFor();
  console.log(`run #${runId} started through the API: the counts changed live`);
  // A run created through the API is counted at once too (a creation is no status change).
  await api('mutation { createIntegrationRun(input: {integration: {code: "SAP-INVOICES"}}) { id } }');
  await expectText(cell('SAP-INVOICES', 'PENDING'), '1', 'SAP-INVOICES pending runs after a run was created');
  await notReloaded('while a run was created');
  console.log('a run created through the API: the pending count changed live');

  // An alert raised through the API appears at the top of the feed, live.
  const documentId = 424242;
  const alert = await api(
    `mutation ($input: NewHistoryRecordInput!) {
      createIntegrationHistoryAlert(input: $input) { id integrationRunId }
    }`,
    {
      input: {
        contactAlertType: 'BOTH',
        documentType: 'INVOICE_HEADER',
        documentId,
        integrationRunId: runId,
        responses: [{ responseCode: '502', responseMessage: 'ERP unreachable' }],
      },
    },
  );
  const alertItem = page.getByTestId('alert-feed').locator('li').first();
  await alertItem.filter({ hasText: `INVOICE_HEADER ${documentId}` }).waitFor();
  await expectText(page.getByTestId('alert-total'), String(alertCount + 1), 'alerts after one was raised');
  await notReloaded('while the counts and alerts changed');
  console.log(`alert for INVOICE_HEADER ${documentId} arrived live`);
  await shot('overview');

  // 3b. Trends over the demo's 30 days: every chart drawn, its text alternative the API's numbers,
  // a failure through the API showing up without a reload, a bar leading to the runs it counts.
  await trends(page, notReloaded, shot);

  // 4. The runs list, filtered in the URL, and a run's detail with its errors and records.
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await page.getByTestId('filter-status').selectOption('RUNNING');
  await page.waitForURL(/\/dashboard\/runs\?status=RUNNING$/);
  // The filtered rows, not the ones shown while they load.
  await page.locator('table[data-testid="runs"][aria-busy="false"]').waitFor();
  await page.getByTestId('runs').locator('tbody tr').first().waitFor();
  const runningRows = await page.getByTestId('runs').locator('tbody tr').count();
  check(runningRows === 4, `the RUNNING filter lists ${runningRows} runs, not 4`);
  await shot('runs');
  await page.getByTestId('runs').locator(`tr[data-run-id="${runId}"] a`).first().click();
  await page.waitForURL(new RegExp(`/dashboard/runs/${runId}$`));
  await expectText(page.getByTestId('run-status'), 'RUNNING', `run #${runId}'s status`);
  await page.getByTestId('run-records').getByText(`INVOICE_HEADER ${documentId}`).waitFor();
  await page.getByTestId('run-records').getByText('ERP unreachable').waitFor();
  await shot('run');

  // 5. The open records of the alerted document (the alert's link), resolved from the UI.
  await page.getByRole('link', { name: 'Overview' }).click();
  // (The trends' failed run has raised a newer alert since: the item is found by its document.)
  await page
    .getByTestId('alert-feed')
    .locator('li')
    .filter({ hasText: `INVOICE_HEADER ${documentId}` })
    .getByRole('link', { name: `INVOICE_HEADER ${documentId}` })
    .click();
  await page.waitForURL(/\/dashboard\/records\?/);
  const params = new URL(page.url()).searchParams;
  check(
    params.get('documentType') === 'INVOICE_HEADER' &&
      params.get('documentId') === String(documentId) &&
      params.get('resolved') === 'false',
    `the records URL is ${page.url()}`,
  );
  const row = page.getByTestId('records').locator(`tr[data-record-id="${alert.createIntegrationHistoryAlert.id}"]`);
  await row.waitFor();
  await shot('records');
  await row.getByRole('button', { name: 'Resolve' }).click();
  await page.getByTestId('notice').filter({ hasText: 'resolved' }).waitFor();
  await row.waitFor({ state: 'detached' });
  await page.getByTestId('no-records').waitFor();
  const after = await api(
    `query ($id: Int!) { integrationHistoryRecord(id: $id) { resolved updatedBy { name } } }`,
    { id: alert.createIntegrationHistoryAlert.id },
  );
  check(after.integrationHistoryRecord.resolved === true, `the API says ${JSON.stringify(after)}`);
  console.log(`record #${alert.createIntegrationHistoryAlert.id} resolved from the UI (the API agrees)`);
  await shot('records-resolved');

  // The filter form: the demo's open record of INVOICE_HEADER 1001, acknowledged from the UI
  // (a resolved Success record that resolves every earlier open one of the document).
  await page.getByTestId('filter-document-id').fill('1001');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/documentId=1001/);
  const open1001 = page.getByTestId('records').locator('tbody tr');
  await open1001.first().waitFor();
  check((await open1001.count()) === 1, `INVOICE_HEADER 1001 has ${await open1001.count()} open records, not 1`);
  await open1001.first().getByRole('button', { name: 'Acknowledge' }).click();
  await page.getByTestId('notice').filter({ hasText: 'acknowledged' }).waitFor();
  await page.getByTestId('no-records').waitFor();
  const acknowledged = await api(`{
    integrationHistoryRecords(filter: {documentType: {eq: INVOICE_HEADER}, documentId: {eq: 1001}}) {
      nodes { resolved status }
    }
  }`);
  const states = acknowledged.integrationHistoryRecords.nodes;
  check(
    states.length === 2 && states.every((record) => record.resolved),
    `after the acknowledgement the API lists ${JSON.stringify(states)}`,
  );
  console.log('INVOICE_HEADER 1001 acknowledged from the UI: no open record left (the API agrees)');

  // 6. The documents not yet exported: three per demo run, plus the alerted document.
  await page.getByRole('link', { name: 'Not exported' }).click();
  await expectText(page.getByTestId('exports-total'), '46', 'documents not yet exported');
  await page.getByTestId('next').click();
  await page.waitForURL(/\/dashboard\/exports\?after=/);
  await page.getByTestId('previous').waitFor();
  await shot('exports');

  // 7. An integration's contacts: one added from the UI and listed, a bad email refused with the
  // gateway's message next to the field, the new contact deactivated (the API agrees).
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByTestId('integration-SAP-INVOICES').click();
  await page.waitForURL(/\/dashboard\/integrations\/SAP-INVOICES$/);
  const contacts = page.getByTestId('contacts');
  await contacts.waitFor();
  await page.getByTestId('contact-name').fill('Dana Operations');
  await page.getByTestId('contact-email').fill('dana.ops@example.com');
  await page.getByTestId('contact-type').selectOption('FUNCTIONAL');
  await page.getByRole('button', { name: 'Add contact' }).click();
  await page.getByTestId('notice').filter({ hasText: 'Dana Operations added' }).waitFor();
  const dana = contacts.locator('tbody tr').filter({ hasText: 'dana.ops@example.com' });
  await dana.filter({ hasText: 'FUNCTIONAL' }).waitFor();
  await expectText(dana.locator('td').nth(3), 'yes', 'the new contact is active');
  // The form starts empty again after an addition.
  check((await page.getByTestId('contact-email').inputValue()) === '', 'the contact form kept the added email');
  await page.getByTestId('contact-name').fill('Typo');
  await page.getByTestId('contact-email').fill('not-an-email');
  await page.getByRole('button', { name: 'Add contact' }).click();
  const emailError = page.getByTestId('contact-email-error');
  await emailError.filter({ hasText: /not an email address/ }).waitFor();
  check(
    (await page.getByTestId('contact-email').getAttribute('aria-invalid')) === 'true',
    'the refused email field is not marked invalid',
  );
  check((await page.getByTestId('contact-name-error').count()) === 0, 'the name field shows an error too');
  check((await contacts.locator('tbody tr').filter({ hasText: 'not-an-email' }).count()) === 0, 'the bad contact is listed');
  console.log(`a bad email refused next to its field: ${await emailError.textContent()}`);
  await shot('contacts');
  await dana.getByRole('button', { name: 'Deactivate Dana Operations' }).click();
  await page.getByTestId('notice').filter({ hasText: 'Dana Operations deactivated' }).waitFor();
  await expectText(dana.locator('td').nth(3), 'no', 'the deactivated contact is inactive');
  const listed = await api(`{
    integration(code: "SAP-INVOICES") { contacts(includeInactive: true) { name email contactType active } }
  }`);
  const stored = listed.integration.contacts.filter((c) => c.email === 'dana.ops@example.com');
  check(
    stored.length === 1 && stored[0].contactType === 'FUNCTIONAL' && stored[0].active === false,
    `the API lists ${JSON.stringify(listed.integration.contacts)}`,
  );
  check(
    !listed.integration.contacts.some((c) => c.email === 'not-an-email'),
    'the refused contact was written',
  );
  console.log('contact added, listed and deactivated from the UI (the API agrees)');

  // 8. Deliveries: a webhook endpoint on a local receiver that answers 503 until told otherwise,
  // so an alert's delivery fails, is retried and dies (the server runs with 3 attempts and a short
  // backoff); the view finds it by its filters, shows its attempts, and Redeliver sends it again to
  // the now healthy receiver.
  const receiver = await startReceiver();
  try {
    const created = await api(
      `mutation ($input: CreateWebhookEndpointInput!) {
        createWebhookEndpoint(input: $input) { endpoint { id url } }
      }`,
      { input: { url: receiver.url, eventTypes: ['ALERT_RAISED'], description: 'browser test receiver' } },
    );
    const endpoint = created.createWebhookEndpoint.endpoint;
    await api(
      `mutation ($input: NewHistoryRecordInput!) { createIntegrationHistoryAlert(input: $input) { id } }`,
      {
        input: {
          contactAlertType: 'TECHNICAL',
          documentType: 'INVOICE_HEADER',
          documentId: 515151,
          integrationRunId: runId,
          responses: [{ responseCode: '500', responseMessage: 'webhook test' }],
        },
      },
    );
    // The delivery, once the worker has given up on it (3 attempts, all answered 503).
    const deliveryQuery = `query ($endpointId: Int!) {
      webhookDeliveries(filter: {endpointId: $endpointId}) { nodes { id status attemptCount webhookId } }
    }`;
    let delivery = null;
    for (let i = 0; i < 150 && delivery?.status !== 'DEAD'; i++) {
      delivery = (await api(deliveryQuery, { endpointId: endpoint.id })).webhookDeliveries.nodes[0] ?? null;
      if (delivery?.status !== 'DEAD') await new Promise((resolve) => setTimeout(resolve, 200));
    }
    check(delivery?.status === 'DEAD', `the failing delivery is ${JSON.stringify(delivery)}, not DEAD`);
    check(delivery.attemptCount === 3, `the dead delivery made ${delivery.attemptCount} attempts, not 3`);
    check(receiver.received.length === 3, `the receiver saw ${receiver.received.length} requests, not 3`);

    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.waitForURL(/\/dashboard\/deliveries$/);
    const deliveries = page.locator('table[data-testid="deliveries"]');
    const settled = page.locator('table[data-testid="deliveries"][aria-busy="false"]');
    await page.getByTestId('filter-endpoint').selectOption(String(endpoint.id));
    await page.waitForURL(new RegExp(`endpoint=${endpoint.id}`));
    await page.getByTestId('filter-channel').selectOption('WEBHOOK');
    await page.waitForURL(/channel=WEBHOOK/);
    await page.getByTestId('filter-event-type').selectOption('ALERT_RAISED');
    await page.waitForURL(/eventType=ALERT_RAISED/);
    await page.getByTestId('filter-delivery-status').selectOption('DEAD');
    await page.waitForURL(/status=DEAD/);
    await settled.waitFor();
    const rows = deliveries.locator('tbody[data-delivery-id]');
    const row = deliveries.locator(`tbody[data-delivery-id="${delivery.id}"]`);
    await row.waitFor();
    check((await rows.count()) === 1, `the filters list ${await rows.count()} deliveries, not 1`);
    await row.getByText('DEAD', { exact: true }).waitFor();
    await row.getByText(receiver.url).waitFor();
    await expectText(row.getByTestId('attempt-count'), '3', 'the dead delivery’s attempts');
    // Another channel's filter does not list it.
    await page.getByTestId('filter-channel').selectOption('EMAIL');
    await page.waitForURL(/channel=EMAIL/);
    await page.getByTestId('no-deliveries').waitFor();
    await page.getByTestId('filter-channel').selectOption('WEBHOOK');
    await row.waitFor();
    // Its attempts, each answered 503.
    const expander = row.getByRole('button', { name: new RegExp(`^[▸▾] #${delivery.id}$`) });
    await expander.click();
    check((await expander.getAttribute('aria-expanded')) === 'true', 'the expanded row says it is collapsed');
    const attempts = row.getByTestId('attempts').locator('tbody tr');
    await attempts.first().waitFor();
    check((await attempts.count()) === 3, `the expanded row lists ${await attempts.count()} attempts, not 3`);
    for (let i = 0; i < 3; i++) {
      await expectText(attempts.nth(i).locator('td').nth(2), '503', `attempt ${i + 1}'s status code`);
    }
    await shot('deliveries');

    // Redeliver to the healthy receiver: pending at once, then delivered with a fourth attempt,
    // under the same webhook-id.
    receiver.healthy = true;
    await page.getByTestId('filter-delivery-status').selectOption('');
    await page.waitForURL((url) => !url.searchParams.has('status'));
    await settled.waitFor();
    await row.getByRole('button', { name: `Redeliver delivery #${delivery.id}` }).click();
    await page.getByTestId('notice').filter({ hasText: `Delivery #${delivery.id} redelivered: now PENDING` }).waitFor();
    await row.getByText('DELIVERED', { exact: true }).waitFor();
    await expectText(row.getByTestId('attempt-count'), '4', 'the redelivered delivery’s attempts');
    await row.getByTestId('attempts').locator('tbody tr').nth(3).filter({ hasText: '200' }).waitFor();
    check(receiver.received.length === 4, `the receiver saw ${receiver.received.length} requests, not 4`);
    const ids = new Set(receiver.received.map((request) => request.webhookId));
    check(ids.size === 1 && ids.has(delivery.webhookId), `the webhook-ids were ${[...ids].join(', ')}`);
    console.log(`delivery #${delivery.id}: dead after 3 attempts (503), redelivered from the UI, delivered`);
    await shot('deliveries-redelivered');
  } finally {
    await receiver.close();
  }

  await notReloaded('between the views (the token would have been lost)');
  check(
    await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length) === 0,
    'the token went into storage or a cookie',
  );
  if (foreign.length > 0) problems.push(`requests to other hosts: ${foreign.join(', ')}`);
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(`dashboard test failed:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`dashboard test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// Drives the GraphiQL explorer in headless Chromium against a running gateway that requires a
// bearer token: puts the token in the header editor, runs a query and a subscription from the UI,
// and checks that the page never talked to any host but the gateway (no CDN).
//
// Usage: node explorer.mjs <base URL> <bearer token> <screenshot path>
// The screenshot shows the subscription's event; one beside it (…-query.png) the query's result.
// CHROMIUM overrides the browser binary (default: Debian's /usr/bin/chromium).
import { chromium } from 'playwright-core';

const [baseUrl, token, screenshot] = process.argv.slice(2);
if (!baseUrl || !token || !screenshot) {
  console.error('usage: node explorer.mjs <base URL> <bearer token> <screenshot path>');
  process.exit(2);
}
const gateway = new URL(baseUrl);
const TIMEOUT = 20_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // Chromium's sandbox refuses to run as root, which CI containers are.
  args: ['--no-sandbox'],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);

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
    if (message.type() === 'error') console.log(`browser console: ${message.text()}`);
  });

  const response = await page.goto(new URL('/graphql', gateway).href);
  if (response?.status() !== 200) throw new Error(`GET /graphql answered ${response?.status()}`);
  await page.waitForSelector('.graphiql-query-editor .CodeMirror');

  // GraphiQL's editors are CodeMirror 5 instances; their DOM nodes hold the editor object.
  const setEditor = (selector, text) =>
    page.evaluate(
      ([selector, text]) => document.querySelector(`${selector} .CodeMirror`).CodeMirror.setValue(text),
      [selector, text],
    );
  const result = () =>
    page.evaluate(() => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() ?? '');
  const waitForResult = async (predicate, what) => {
    const deadline = Date.now() + TIMEOUT;
    let text = '';
    while (Date.now() < deadline) {
      text = await result();
      if (predicate(text)) return text;
      await page.waitForTimeout(100);
    }
    throw new Error(`the result pane never showed ${what}; it shows:\n${text}`);
  };
  const run = () => page.click('.graphiql-execute-button');

  // 1. Without a token the gateway refuses, and the refusal shows in the result pane.
  await setEditor('.graphiql-query-editor', '{ integrations { totalCount nodes { code } } }');
  await run();
  await waitForResult((text) => text.includes('UNAUTHENTICATED'), 'the UNAUTHENTICATED error');

  // 2. The token typed into the header editor goes with the query.
  await page.getByRole('button', { name: 'Headers' }).click();
  const headerEditor = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
  await page.click(`${headerEditor} .CodeMirror`);
  // The editor closes brackets and quotes itself, so the closing brace is not typed.
  await page.keyboard.type(`{"Authorization": "Bearer ${token}"`);
  const headers = await page.evaluate(
    (selector) => document.querySelector(`${selector} .CodeMirror`).CodeMirror.getValue(),
    headerEditor,
  );
  if (JSON.parse(headers).Authorization !== `Bearer ${token}`) {
    throw new Error(`the header editor holds ${headers}`);
  }
  await run();
  const queryResult = await waitForResult(
    (text) => text.includes('SAP-INVOICES'),
    'the demo integrations',
  );
  const data = JSON.parse(queryResult).data;
  if (data?.integrations?.totalCount !== 3) throw new Error(`unexpected result: ${queryResult}`);
  console.log(`query: ${data.integrations.nodes.map((n) => n.code).join(', ')}`);
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-query.png') });

  // The schema fetched on load was refused (no token yet); re-fetched with the token, the
  // documentation explorer shows it.
  await page.click('[aria-label="Re-fetch GraphQL schema"]');
  await page.getByRole('button', { name: /Documentation Explorer/ }).click();
  await page.locator('.graphiql-doc-explorer').getByText('Root Types').waitFor();
  await page.locator('.graphiql-doc-explorer-root-type', { hasText: 'subscription' }).waitFor();

  // 3. A subscription runs over graphql-ws with the same headers as connection_init payload;
  // afterSequence: 0 replays the demo data's status changes, so events arrive at once.
  await setEditor(
    '.graphiql-query-editor',
    'subscription { integrationRunStatusChanged(afterSequence: 0) { sequence status } }',
  );
  await run();
  const event = await waitForResult(
    (text) => /"sequence":\s*\d+/.test(text) && text.includes('"status"'),
    'a subscription event',
  );
  if (sockets.length === 0) throw new Error('the subscription did not open a WebSocket');
  console.log(`subscription event: ${event.replace(/\s+/g, ' ')}`);

  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);

  // Stop the subscription (the button toggles while it runs) so the socket closes cleanly.
  await run();

  if (foreign.length > 0) problems.push(`requests to other hosts: ${foreign.join(', ')}`);
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(`explorer test failed:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('explorer test passed');

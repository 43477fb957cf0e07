// The reference client of graphql-transport-ws (npm `graphql-ws`) subscribes to run status
// changes on a running gateway, drives a run over HTTP, and checks what it receives; then it
// checks that an invalid subscription is answered with the protocol's `error`.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const endpoint = `${base}/graphql`;

async function gql(query, variables = {}) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const code = `JS-${Date.now()}`;
await gql(`mutation($code: String!) { createIntegration(input: {code: $code, name: $code,
  businessObject: "Invoice", direction: FROM_COUPA, endSystem: "SAP", endSystemType: ERP}) { id } }`, { code });
const { createIntegrationRun: run } = await gql(
  `mutation($code: String!) { createIntegrationRun(input: {integration: {code: $code}}) { id } }`, { code });

const client = createClient({ url: endpoint.replace(/^http/, 'ws'), webSocketImpl: WebSocket });
const received = [];
const done = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`timed out; received ${JSON.stringify(received)}`)), 15000);
  client.subscribe(
    {
      query: `subscription($run: Int) { integrationRunStatusChanged(runId: $run, afterSequence: 0) {
        sequence previousStatus status run { id integration { code } } } }`,
      variables: { run: run.id },
    },
    {
      next: (msg) => {
        if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
        received.push(msg.data.integrationRunStatusChanged);
        if (received.length === 3) { clearTimeout(timer); resolve(); }
      },
      error: reject,
      complete: () => {},
    },
  );
});

for (const action of ['run', 'pause', 'run']) {
  await gql(`mutation($id: Int!) { ${action}IntegrationRun(id: $id) { status } }`, { id: run.id });
}
await done;

// An operation refused before execution (an unknown field) reaches the sink's `error` with the
// GraphQL errors array (graphql-transport-ws's `error` message), never `next` or `complete`.
const refused = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no answer to an invalid subscription')), 15000);
  const fail = (what) => { clearTimeout(timer); reject(new Error(`expected error, got ${what}`)); };
  client.subscribe(
    { query: 'subscription { noSuchField }' },
    {
      next: (msg) => fail(`next ${JSON.stringify(msg)}`),
      error: (errors) => { clearTimeout(timer); resolve(errors); },
      complete: () => fail('complete'),
    },
  );
});
if (!Array.isArray(refused) || refused.length === 0
    || !refused.every((e) => typeof e.message === 'string' && e.path === undefined)) {
  throw new Error(`expected the GraphQL errors array, got ${JSON.stringify(refused)}`);
}
await client.dispose();

const statuses = received.map((e) => `${e.previousStatus}->${e.status}`);
const expected = ['PENDING->RUNNING', 'RUNNING->PAUSED', 'PAUSED->RUNNING'];
if (JSON.stringify(statuses) !== JSON.stringify(expected)) {
  throw new Error(`expected ${expected}, got ${statuses}`);
}
if (!received.every((e) => e.run.integration.code === code)) throw new Error('run not resolvable');
if (!(received[0].sequence < received[1].sequence && received[1].sequence < received[2].sequence)) {
  throw new Error('sequences out of order');
}
console.log(`graphql-ws client: received ${statuses.join(', ')}; an invalid subscription got error: ${refused[0].message}`);

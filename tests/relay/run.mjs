// Relay's Global Object Identification against the gateway, with the real Relay compiler and
// runtime (scripts/relay runs it against a fresh server).
//
//   node tests/relay/run.mjs URL [--verbose]
//   node tests/relay/run.mjs --compile-only [--schema=FILE]
//
// 1. relay-compiler (relay.config.json: schema ../../schema.graphql, `nodeInterfaceIdField` and
//    `nodeInterfaceIdVariableName` both `nodeId`) compiles the fragments and queries of src/ into
//    __generated__/ (regenerated on every run, not committed), and the artifacts are checked:
//    every @refetchable fragment on a Node type refetches through `node(nodeId: $nodeId)`.
// 2. Against the gateway at URL (POST URL/graphql, {query, variables}), with the text Relay
//    generated (`params.text`): the seed mutations (a few integrations, runs, errors, history
//    records and responses of this run's own, so an empty database is enough), the root query,
//    every refetch query with the nodeId the root query answered, the pagination queries for
//    the next pages (and a backward page), and `node` / `nodes` with garbled and unknown ids
//    (null, not an error). Refetched objects must equal what the root query answered; every
//    `__typename` must be the expected one; the same object has one nodeId wherever it is
//    reached, and no two objects share one.
// 3. The same through relay-runtime as an app uses it (Environment keyed by `nodeId`, fetchQuery,
//    fragment snapshots, getRefetchMetadata / getPaginationMetadata / getPaginationVariables as
//    useRefetchableFragment and usePaginationFragment use them): a refetch lands on the record the
//    root query wrote, and loading the next pages grows the connection in the store.
//
// --schema=FILE compiles against another schema file (e.g. a patched copy while the server's
// side is under way); --compile-only stops after step 1. Ends with "N passed, M failed" and
// exits 1 on any failure.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, inspect } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const generated = join(here, '__generated__');

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const compileOnly = flag('compile-only');
const verbose = flag('verbose');
const schemaOverride = option('schema');
const url = args.find((a) => !a.startsWith('--'))?.replace(/\/+$/, '').replace(/\/graphql$/, '');
if (!url && !compileOnly) {
  console.error('usage: node run.mjs URL [--verbose] | node run.mjs --compile-only [--schema=FILE]');
  process.exit(2);
}

// What Relay must be configured with, and what it must generate from it.
const ID_FIELD = 'nodeId';
const ID_VARIABLE = 'nodeId';
// @refetchable fragment -> [refetch query, type condition, refetched through node(nodeId:)?]
const REFETCHABLE = {
  IntegrationDetails_integration: ['IntegrationRefetchQuery', 'Integration', true],
  IntegrationRuns_integration: ['IntegrationRunsPaginationQuery', 'Integration', true],
  RunFields_run: ['RunRefetchQuery', 'IntegrationRun', true],
  RunErrors_run: ['RunErrorsPaginationQuery', 'IntegrationRun', true],
  ErrorFields_error: ['ErrorRefetchQuery', 'IntegrationError', true],
  HistoryRecordFields_record: ['HistoryRecordRefetchQuery', 'IntegrationHistoryRecord', true],
  ResponseFields_response: ['ResponseRefetchQuery', 'IntegrationRecordResponse', true],
  UserFields_user: ['UserRefetchQuery', 'User', true],
  AlertFields_alert: ['AlertRefetchQuery', 'IntegrationAlert', true],
  ContactFields_contact: ['ContactRefetchQuery', 'IntegrationContact', true],
  NodeSummary_node: ['NodeSummaryRefetchQuery', 'Node', true],
  IntegrationList_query: ['IntegrationListPaginationQuery', 'Query', false],
};

// ---------------------------------------------------------------------------------------------
// A tiny runner: each check passes or fails; a failed `must` stops the checks that depend on it.

let passed = 0;
let failed = 0;
const failures = [];
class Stop extends Error {}

function pass(name) {
  passed += 1;
  if (verbose) console.log(`ok    ${name}`);
}
function fail(name, detail) {
  failed += 1;
  failures.push(name);
  console.log(`FAIL  ${name}${detail ? `\n      ${String(detail).replace(/\n/g, '\n      ')}` : ''}`);
}
function check(name, condition, detail) {
  if (condition) pass(name);
  else fail(name, typeof detail === 'function' ? detail() : detail);
  return condition;
}
function must(name, condition, detail) {
  if (!check(name, condition, detail)) throw new Stop(name);
}
function equal(name, actual, expected) {
  return check(name, isDeepStrictEqual(actual, expected), () => diff(actual, expected));
}
function diff(actual, expected) {
  return `expected ${show(expected)}\n     got ${show(actual)}`;
}
function show(value) {
  return inspect(value, { depth: 6, breakLength: 120, maxStringLength: 200 });
}
async function step(name, body) {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof Stop)) fail(`${name}: threw`, error?.stack ?? error);
    else console.log(`      (${name}: the checks after this failure were skipped)`);
  }
}
function finish() {
  console.log(`\nrelay: ${failed === 0 ? 'all checks passed' : `${failed} check(s) failed`}`);
  for (const name of failures.slice(0, 20)) console.log(`  - ${name}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// ---------------------------------------------------------------------------------------------
// 1. Compile.

function compile() {
  // A clean directory every run: the artifacts are whatever this compiler makes of src/ now.
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(generated, { recursive: true });
  let config = join(here, 'relay.config.json');
  if (schemaOverride) {
    const base = JSON.parse(readFileSync(config, 'utf8'));
    config = join(here, '.relay.config.override.json');
    writeFileSync(config, JSON.stringify({ ...base, schema: resolve(schemaOverride) }, null, 2));
  }
  const cli = require.resolve('relay-compiler/cli.js');
  const version = require('relay-compiler/package.json').version;
  const run = spawnSync(process.execPath, [cli, config], { cwd: here, encoding: 'utf8' });
  if (schemaOverride) rmSync(config, { force: true });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '').trim();
  must(`relay-compiler ${version} compiles src/ against ${schemaOverride ?? '../../schema.graphql'}`,
    run.status === 0 && !/\[ERROR\]/.test(output), output || `exit status ${run.status}`);
  if (verbose) console.log(output.replace(/^/gm, '      '));
  return version;
}

function artifact(name) {
  return require(join(generated, `${name}.graphql.js`));
}

function checkArtifacts() {
  const files = readdirSync(generated).filter((f) => f.endsWith('.graphql.js'));
  check('artifacts were generated', files.length > 0, 'no *.graphql.js in __generated__');
  for (const [fragmentName, [queryName, type, throughNode]] of Object.entries(REFETCHABLE)) {
    const fragment = artifact(fragmentName);
    const refetch = fragment.metadata?.refetch;
    if (!check(`${fragmentName} is a refetchable fragment on ${type}`,
      fragment.kind === 'Fragment' && fragment.type === type && refetch != null,
      () => show({ kind: fragment.kind, type: fragment.type, refetch: refetch != null }))) continue;
    const operation = refetch.operation.default ?? refetch.operation;
    check(`${fragmentName}'s refetch query is ${queryName}`, operation.params?.name === queryName,
      () => diff(operation.params?.name, queryName));
    const text = operation.params.text;
    if (throughNode) {
      equal(`${fragmentName} is identified by ${ID_FIELD} into $${ID_VARIABLE}`, refetch.identifierInfo,
        { identifierField: ID_FIELD, identifierQueryVariableName: ID_VARIABLE });
      equal(`${queryName} reads the fragment at node`, refetch.fragmentPathInResult, ['node']);
      check(`${queryName} declares $${ID_VARIABLE}: ID! and calls node(${ID_FIELD}: $${ID_VARIABLE})`,
        text.includes(`$${ID_VARIABLE}: ID!`) && text.includes(`node(${ID_FIELD}: $${ID_VARIABLE})`),
        text.split('\n\n')[0]);
    } else {
      check(`${queryName} is a root query (no node)`, !/\bnode\(/.test(text.split('\n\n')[0]),
        text.split('\n\n')[0]);
    }
    // Relay keys its store by the Node id field: it must select it on every Node type it reads.
    check(`${queryName} selects ${ID_FIELD}`, new RegExp(`\\b${ID_FIELD}\\b`).test(text));
    if (/Pagination/.test(queryName)) {
      check(`${fragmentName} carries connection metadata`, refetch.connection?.forward?.count != null
        && refetch.connection?.forward?.cursor != null, () => show(refetch.connection));
    }
  }
  return files.length;
}

// ---------------------------------------------------------------------------------------------
// 2. The generated text against the gateway.

async function post(text, variables) {
  let response;
  try {
    response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: text, variables }),
    });
  } catch (error) {
    throw new Error(`POST ${url}/graphql: ${error.cause?.message ?? error.message}`);
  }
  const body = await response.text();
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`POST ${url}/graphql: HTTP ${response.status}, not JSON: ${body.slice(0, 300)}`);
  }
  return { status: response.status, json };
}

/** Runs a generated operation; a failed check when it answers errors or no data. */
async function execute(name, variables, label = name) {
  const operation = artifact(name);
  const { status, json } = await post(operation.params.text, variables);
  must(`${label}: no errors`, status === 200 && json.errors == null && json.data != null,
    () => `HTTP ${status}: ${show(json.errors ?? json)}\n      variables: ${show(variables)}`);
  return json.data;
}

/** Everything of `part` is in `whole` (the root query selects more on the same objects). */
function contained(part, whole) {
  if (Array.isArray(part)) {
    return Array.isArray(whole) && part.length === whole.length && part.every((p, i) => contained(p, whole[i]));
  }
  if (part !== null && typeof part === 'object') {
    return whole !== null && typeof whole === 'object' && !Array.isArray(whole)
      // `__isNode: __typename` is what Relay selects for a spread on the interface: only where
      // the spread is (checked apart).
      && Object.entries(part).every(([k, v]) => k.startsWith('__is') || (k in whole && contained(v, whole[k])));
  }
  return isDeepStrictEqual(part, whole);
}

function withoutOwners(value) {
  if (Array.isArray(value)) return value.map(withoutOwners);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '__fragmentOwner')
    .map(([k, v]) => [k, withoutOwners(v)]));
}

function isNodeId(value) {
  return typeof value === 'string' && value.length > 0;
}

// A garbled id: text that was never an id, and ids broken in ways an opaque-id decoder must
// survive. An unknown one: a well-formed id of no row, made when the id is readable (plain, or
// base64/base64url of a text naming the type and ending in the number, e.g. `Integration:7` or
// `["Integration",7]`) by swapping in a number no row has; otherwise it is opaque to us and the
// check is skipped.
const NODE_TYPES = ['IntegrationRecordResponse', 'IntegrationHistoryRecord', 'IntegrationError', 'IntegrationRun',
  'Integration', 'User'];
function garbledIds(real) {
  return ['', 'garbage', 'not base64 !!!', '\u00e9\u00e8\u{1F600}', `${real}x`, real.slice(1),
    real.split('').reverse().join(''), 'X'.repeat(300)].filter((id) => id !== real);
}
function unknownId(real) {
  const bump = (text) => {
    const m = /^([\x20-\x7e]*?)([0-9]+)([^0-9]{0,3})$/.exec(text);
    return m && NODE_TYPES.some((t) => m[1].includes(t)) ? `${m[1]}2147480000${m[3]}` : null;
  };
  const plain = bump(real);
  if (plain) return plain;
  for (const encoding of ['base64', 'base64url']) {
    const decoded = Buffer.from(real, encoding);
    if (decoded.toString(encoding).replace(/=+$/, '') !== real.replace(/=+$/, '')) continue;
    const bumped = bump(decoded.toString('utf8'));
    if (bumped) {
      const encoded = Buffer.from(bumped, 'utf8').toString(encoding);
      return real.endsWith('=') ? encoded : encoded.replace(/=+$/, '');
    }
  }
  return null;
}

async function seed() {
  const prefix = `relay-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const integrations = [];
  for (const suffix of ['a', 'b', 'c']) {
    const data = await execute('SeedCreateIntegrationMutation', {
      input: {
        code: `${prefix}-${suffix}`,
        name: `Relay harness ${prefix} ${suffix}`,
        businessObject: 'Invoice',
        direction: 'TO_COUPA',
        endSystem: 'Relay harness',
        endSystemType: 'ERP',
        integrationType: 'API',
      },
    }, `seed: createIntegration ${suffix}`);
    integrations.push(data.createIntegration);
  }
  const [main] = integrations;
  const runs = [];
  for (let i = 0; i < 5; i += 1) {
    const data = await execute('SeedCreateRunMutation', {
      input: { integration: { code: main.code }, totalRecords: 10 + i, flow: { harness: 'relay', run: i } },
    }, `seed: createIntegrationRun ${i}`);
    runs.push(data.createIntegrationRun);
  }
  await execute('SeedRunRunMutation', { id: runs[0].id, input: { recordsProcessed: 3 } }, 'seed: runIntegrationRun');
  const errors = [];
  for (let i = 0; i < 3; i += 1) {
    const data = await execute('SeedCreateErrorMutation', {
      input: {
        contactAlertType: 'TECHNICAL',
        integrationRunId: runs[0].id,
        documentType: 'INVOICE',
        documentId: 7000 + i,
        status: 'Error',
        responses: [{ responseCode: `E${i}`, responseMessage: `error ${i} of the relay harness` }],
      },
    }, `seed: createIntegrationError ${i}`);
    errors.push(data.createIntegrationError);
  }
  const record = (await execute('SeedCreateHistoryRecordMutation', {
    input: {
      contactAlertType: 'BOTH',
      documentType: 'INVOICE',
      documentId: 4242,
      externalId: `${prefix}-ext`,
      integrationRunId: runs[1].id,
      status: 'Success',
      responses: [
        { responseCode: '200', responseMessage: 'accepted' },
        { responseCode: '201', responseMessage: 'stored' },
      ],
    },
  }, 'seed: createIntegrationHistoryRecord')).createIntegrationHistoryRecord;
  const contact = (await execute('SeedCreateContactMutation', {
    input: {
      integration: { code: main.code },
      name: 'Relay Harness',
      email: `${prefix}@example.com`,
      contactType: 'TECHNICAL',
    },
  }, 'seed: createIntegrationContact')).createIntegrationContact;
  const alerted = (await execute('SeedCreateErrorAlertMutation', {
    input: {
      contactAlertType: 'TECHNICAL',
      integrationRunId: runs[2].id,
      documentType: 'INVOICE',
      documentId: 8000,
      status: 'Error',
      responses: [{ responseCode: 'E9', responseMessage: 'an alerting error of the relay harness' }],
    },
  }, 'seed: createIntegrationErrorAlert')).createIntegrationErrorAlert;
  check('seed: mutation answers carry nodeIds (Relay added them)',
    [...integrations, ...runs, ...errors, record, contact, alerted].every((o) => isNodeId(o.nodeId)),
    () => show({ integrations, runs, errors, record, contact, alerted }));
  return { prefix, integrations, runs, errors, record, contact, alerted };
}

function rootVariables(seeded) {
  return {
    code: seeded.integrations[0].code,
    records: { externalId: { eq: `${seeded.prefix}-ext` } },
    integrations: { code: { startsWith: `${seeded.prefix}-` } },
    alerts: { integration: { code: { eq: seeded.integrations[0].code } } },
  };
}

async function network(seeded) {
  const variables = rootVariables(seeded);
  const root = await execute('RelayHarnessQuery', variables, 'root query RelayHarnessQuery');
  const integration = root.integration;
  must('root: the integration is there', integration != null, show(root));
  equal('root: integration __typename', integration.__typename, 'Integration');
  check('root: integration nodeId', isNodeId(integration.nodeId), show(integration.nodeId));
  equal('root: integration id is the vendor id', integration.id, seeded.integrations[0].id);
  equal('root: the same integration has the same nodeId as createIntegration answered',
    integration.nodeId, seeded.integrations[0].nodeId);

  const runs = integration.runs.edges.map((e) => e.node);
  equal('root: first page of runs', runs.map((r) => r.id), seeded.runs.slice(0, 2).map((r) => r.id));
  equal('root: runs totalCount', integration.runs.totalCount, 5);
  equal('root: runs pageInfo.hasNextPage', integration.runs.pageInfo.hasNextPage, true);
  check('root: run __typenames and nodeIds', runs.every((r) => r.__typename === 'IntegrationRun' && isNodeId(r.nodeId)),
    () => show(runs.map((r) => [r.__typename, r.nodeId])));
  equal('root: runs keep the nodeIds createIntegrationRun answered', runs.map((r) => r.nodeId),
    seeded.runs.slice(0, 2).map((r) => r.nodeId));
  const run0 = runs[0];
  equal('root: run status', run0.status, 'RUNNING');
  const errors = run0.integrationErrors.edges.map((e) => e.node);
  equal('root: first page of the run\'s errors', errors.map((e) => e.id), [seeded.errors[0].id]);
  equal('root: errors totalCount', run0.integrationErrors.totalCount, 3);
  const error0 = errors[0];
  equal('root: error __typename', error0.__typename, 'IntegrationError');
  equal('root: the error\'s run is the run (same nodeId)', error0.integrationRun.nodeId, run0.nodeId);
  equal('root: the error\'s integration is the integration (same nodeId)', error0.integration.nodeId, integration.nodeId);
  const errorResponse = error0.responses[0];
  must('root: the error has its response', errorResponse != null, show(error0));
  equal('root: response __typename', errorResponse.__typename, 'IntegrationRecordResponse');

  const records = root.integrationHistoryRecords.edges.map((e) => e.node);
  equal('root: the history record', records.map((r) => r.id), [seeded.record.id]);
  const record = records[0];
  must('root: history record present', record != null);
  equal('root: history record __typename', record.__typename, 'IntegrationHistoryRecord');
  equal('root: the record\'s run has the nodeId of the run (same object, same id)', record.integrationRun?.nodeId,
    seeded.runs[1].nodeId);
  equal('root: the record\'s responses', record.responses.map((r) => r.responseCode), ['200', '201']);
  const user = integration.createdBy;
  must('root: createdBy is a user', user != null, 'createdBy is null (the server attributes writes to its local user)');
  equal('root: user __typename', user.__typename, 'User');
  equal('root: the same user has the same nodeId everywhere', new Set([user.nodeId, run0.createdBy?.nodeId,
    record.createdBy?.nodeId, errorResponse.createdBy?.nodeId]).size, 1);

  const contacts = integration.contacts;
  equal('root: the integration\'s contact', contacts.map((c) => [c.__typename, c.id]),
    [['IntegrationContact', seeded.contact.id]]);
  const contact = contacts[0];
  const alerts = root.integrationAlerts.edges.map((e) => e.node);
  equal('root: the alert the alerting error raised', alerts.map((a) => [a.__typename, a.integrationErrorId]),
    [['IntegrationAlert', seeded.alerted.id]]);
  const alert = alerts[0];
  must('root: contact and alert present', contact != null && alert != null, show(root));

  const list = root.integrations;
  equal('root: integrations of this run (first page)', list.edges.map((e) => e.node.code),
    seeded.integrations.slice(0, 2).map((i) => i.code));
  equal('root: integrations totalCount', list.totalCount, 3);

  // Global ids are global: one per object, distinct across types with equal vendor ids.
  const objects = [integration, ...runs, ...errors, ...error0.responses, record, ...record.responses, user, contact,
    alert];
  const ids = objects.map((o) => o.nodeId);
  equal('nodeIds are distinct across objects and types', new Set(ids).size, ids.length);
  const vendorIds = objects.map((o) => `${o.id}`);
  if (new Set(vendorIds).size < vendorIds.length) pass('(objects of different types share a vendor id, their nodeIds differ)');

  // Each refetch query, with the nodeId the root query answered.
  const refetches = [
    ['IntegrationRefetchQuery', integration, 'Integration'],
    ['RunRefetchQuery', run0, 'IntegrationRun'],
    ['RunRefetchQuery', runs[1], 'IntegrationRun'],
    ['ErrorRefetchQuery', error0, 'IntegrationError'],
    ['HistoryRecordRefetchQuery', record, 'IntegrationHistoryRecord'],
    ['ResponseRefetchQuery', errorResponse, 'IntegrationRecordResponse'],
    ['ResponseRefetchQuery', record.responses[1], 'IntegrationRecordResponse'],
    ['UserRefetchQuery', user, 'User'],
    ['ContactRefetchQuery', contact, 'IntegrationContact'],
    ['AlertRefetchQuery', alert, 'IntegrationAlert'],
    ['NodeSummaryRefetchQuery', integration, 'Integration'],
    ['NodeSummaryRefetchQuery', run0, 'IntegrationRun'],
    ['NodeSummaryRefetchQuery', user, 'User'],
  ];
  for (const [query, object, type] of refetches) {
    await step(`${query} ${type}`, async () => {
      const data = await execute(query, { [ID_VARIABLE]: object.nodeId }, `${query}(${type} ${object.id})`);
      const node = data.node;
      must(`${query}(${type} ${object.id}): node is there`, node != null, show(data));
      equal(`${query}(${type} ${object.id}): __typename`, node.__typename, type);
      equal(`${query}(${type} ${object.id}): same nodeId`, node.nodeId, object.nodeId);
      if (node.__isNode !== undefined) equal(`${query}(${type} ${object.id}): __isNode`, node.__isNode, type);
      check(`${query}(${type} ${object.id}): the fields equal the root query's`, contained(node, object),
        () => diff(node, object));
    });
  }

  // The pagination queries: the pages after the root query's, as loadNext asks for them.
  await step('IntegrationRunsPaginationQuery', async () => {
    let pageInfo = integration.runs.pageInfo;
    const seen = runs.map((r) => r.id);
    let pages = 1;
    let last;
    while (pageInfo.hasNextPage && pages < 10) {
      const data = await execute('IntegrationRunsPaginationQuery', {
        [ID_VARIABLE]: integration.nodeId, count: 2, cursor: pageInfo.endCursor, last: null, before: null,
      }, `IntegrationRunsPaginationQuery page ${pages + 1}`);
      must(`IntegrationRunsPaginationQuery page ${pages + 1}: the integration`,
        data.node?.__typename === 'Integration' && data.node.nodeId === integration.nodeId, show(data));
      last = data.node.runs;
      equal(`IntegrationRunsPaginationQuery page ${pages + 1}: totalCount`, last.totalCount, 5);
      seen.push(...last.edges.map((e) => e.node.id));
      check(`IntegrationRunsPaginationQuery page ${pages + 1}: run __typenames`,
        last.edges.every((e) => e.node.__typename === 'IntegrationRun'));
      pageInfo = last.pageInfo;
      pages += 1;
    }
    equal('IntegrationRunsPaginationQuery: paging forward reaches every run once, in order', seen,
      seeded.runs.map((r) => r.id));
    equal('IntegrationRunsPaginationQuery: 3 pages of 2', pages, 3);
    // Backward, as loadPrevious asks: the two runs before the last page.
    const back = await execute('IntegrationRunsPaginationQuery', {
      [ID_VARIABLE]: integration.nodeId, count: null, cursor: null, last: 2, before: last.pageInfo.startCursor,
    }, 'IntegrationRunsPaginationQuery backward');
    equal('IntegrationRunsPaginationQuery backward: the two runs before', back.node.runs.edges.map((e) => e.node.id),
      seeded.runs.slice(2, 4).map((r) => r.id));
    equal('IntegrationRunsPaginationQuery backward: hasPreviousPage', back.node.runs.pageInfo.hasPreviousPage, true);
    // A refetch with the root's arguments answers the root's first page.
    const again = await execute('IntegrationRunsPaginationQuery', { [ID_VARIABLE]: integration.nodeId },
      'IntegrationRunsPaginationQuery refetch');
    check('IntegrationRunsPaginationQuery refetch: equals the root query\'s', contained(again.node, integration),
      () => diff(again.node, integration));
  });

  await step('RunErrorsPaginationQuery', async () => {
    const data = await execute('RunErrorsPaginationQuery', {
      [ID_VARIABLE]: run0.nodeId, count: 5, cursor: run0.integrationErrors.pageInfo.endCursor,
    }, 'RunErrorsPaginationQuery next page');
    equal('RunErrorsPaginationQuery: the run', data.node?.nodeId, run0.nodeId);
    equal('RunErrorsPaginationQuery: the remaining errors', data.node.integrationErrors.edges.map((e) => e.node.id),
      seeded.errors.slice(1).map((e) => e.id));
    equal('RunErrorsPaginationQuery: no more', data.node.integrationErrors.pageInfo.hasNextPage, false);
  });

  await step('IntegrationListPaginationQuery', async () => {
    const data = await execute('IntegrationListPaginationQuery', {
      filter: variables.integrations, count: 2, cursor: list.pageInfo.endCursor, last: null, before: null,
    }, 'IntegrationListPaginationQuery next page');
    equal('IntegrationListPaginationQuery: the third integration', data.integrations.edges.map((e) => e.node.code),
      [seeded.integrations[2].code]);
    equal('IntegrationListPaginationQuery: nodeId as createIntegration answered',
      data.integrations.edges[0]?.node.nodeId, seeded.integrations[2].nodeId);
    equal('IntegrationListPaginationQuery: no more', data.integrations.pageInfo.hasNextPage, false);
  });

  // node / nodes directly: every type, garbled and unknown ids.
  await step('node and nodes', async () => {
    const known = [[integration, 'Integration'], [run0, 'IntegrationRun'], [error0, 'IntegrationError'],
      [record, 'IntegrationHistoryRecord'], [errorResponse, 'IntegrationRecordResponse'], [user, 'User']];
    for (const [object, type] of known) {
      const data = await execute('NodeLookupQuery', { [ID_VARIABLE]: object.nodeId }, `node(${type})`);
      equal(`node(${type}): __typename and nodeId`, [data.node?.__typename, data.node?.nodeId], [type, object.nodeId]);
    }
    const bad = [...new Set(known.flatMap(([o]) => garbledIds(o.nodeId)))];
    for (const id of bad) {
      const { status, json } = await post(artifact('NodeLookupQuery').params.text, { [ID_VARIABLE]: id });
      equal(`node(garbled ${show(id.length > 40 ? `${id.slice(0, 40)}...` : id)}) is null, not an error`,
        { status, errors: json.errors, data: json.data }, { status: 200, errors: undefined, data: { node: null } });
    }
    const unknown = known.map(([o]) => unknownId(o.nodeId)).filter((id) => id != null);
    if (unknown.length === 0) {
      console.log('      (the nodeIds are opaque to this script: no unknown well-formed id was made)');
    }
    for (const id of unknown) {
      const data = await execute('NodeLookupQuery', { [ID_VARIABLE]: id }, `node(unknown ${id})`);
      equal(`node(unknown ${id}) is null`, data.node, null);
    }
    const ids = [integration.nodeId, 'garbage', run0.nodeId, ...unknown.slice(0, 1), user.nodeId, '', record.nodeId];
    const many = await execute('NodeLookupManyQuery', { nodeIds: ids }, 'nodes([...])');
    const expected = ids.map((id) => known.find(([o]) => o.nodeId === id)?.[1] ?? null);
    equal('nodes([...]): one per id, in order, null where there is none',
      many.nodes.map((n) => n && n.__typename), expected);
    equal('nodes([...]): the nodeIds echo', many.nodes.map((n) => n && n.nodeId), ids.map((id, i) => (expected[i] ? id : null)));
    equal('nodes([]) is []', (await execute('NodeLookupManyQuery', { nodeIds: [] }, 'nodes([])')).nodes, []);
  });
  return root;
}

// ---------------------------------------------------------------------------------------------
// 3. relay-runtime: the store keyed by nodeId, refetch and pagination as the hooks do them.

async function runtime(seeded) {
  const {
    Environment, Network, RecordSource, Store, createOperationDescriptor, fetchQuery, getRequest,
    getSelector, getVariablesFromFragment, getRefetchMetadata, getPaginationMetadata,
    getPaginationVariables, getValueAtPath,
  } = require('relay-runtime');
  const network = Network.create(async (params, variables) => (await post(params.text, variables)).json);
  const environment = new Environment({
    network,
    store: new Store(new RecordSource()),
    // Relay keys records by the Node interface's id field: ours is nodeId (`id` is the vendor's
    // integer, the same for different types).
    getDataID: (value) => value[ID_FIELD],
  });
  const query = artifact('RelayHarnessQuery');
  const variables = rootVariables(seeded);
  const operation = createOperationDescriptor(getRequest(query), variables);
  environment.retain(operation);
  await fetchQuery(environment, query, variables).toPromise();
  const rootSnapshot = environment.lookup(operation.fragment);
  must('runtime: the root query is in the store, nothing missing', !rootSnapshot.isMissingData
    && rootSnapshot.data?.integration != null, show(rootSnapshot.data));
  const read = (fragment, ref) => environment.lookup(getSelector(artifact(fragment), ref));

  const integrationRef = rootSnapshot.data.integration;
  equal('runtime: the integration\'s record is its nodeId', integrationRef.__id, seeded.integrations[0].nodeId);
  const runsSnapshot = read('IntegrationRuns_integration', integrationRef);
  check('runtime: IntegrationRuns_integration reads with nothing missing', !runsSnapshot.isMissingData);
  const runRef = runsSnapshot.data.runs.edges[0].node;
  const errorsSnapshot = read('RunErrors_run', runRef);
  const errorRef = errorsSnapshot.data.integrationErrors.edges[0].node;
  const recordRef = rootSnapshot.data.integrationHistoryRecords.edges[0].node;
  const errorData = read('ErrorFields_error', errorRef).data;
  const userRef = read('IntegrationDetails_integration', integrationRef).data.createdBy;

  // useRefetchableFragment's refetch: the identifier from the fragment's data, the query from
  // its metadata; the answer must land on the same record.
  const targets = [
    ['IntegrationDetails_integration', integrationRef],
    ['RunFields_run', runRef],
    ['ErrorFields_error', errorRef],
    ['HistoryRecordFields_record', recordRef],
    ['ResponseFields_response', errorData.responses[0]],
    ['UserFields_user', userRef],
    ['NodeSummary_node', integrationRef],
  ];
  for (const [fragmentName, ref] of targets) {
    await step(`runtime refetch ${fragmentName}`, async () => {
      const fragment = artifact(fragmentName);
      const before = read(fragmentName, ref);
      must(`runtime: ${fragmentName} reads with nothing missing`, !before.isMissingData && before.data != null,
        show(before));
      const { refetchableRequest, fragmentRefPathInResponse, identifierInfo } = getRefetchMetadata(fragment, 'harness');
      const identifier = before.data[identifierInfo.identifierField];
      check(`runtime: ${fragmentName} has its ${identifierInfo.identifierField}`, isNodeId(identifier));
      const refetchVariables = {
        ...ref.__fragmentOwner.variables,
        ...getVariablesFromFragment(fragment, ref),
        [identifierInfo.identifierQueryVariableName]: identifier,
      };
      const refetchOperation = createOperationDescriptor(getRequest(refetchableRequest), refetchVariables);
      environment.retain(refetchOperation);
      await fetchQuery(environment, refetchableRequest, refetchVariables).toPromise();
      const result = environment.lookup(refetchOperation.fragment);
      const newRef = getValueAtPath(result.data, fragmentRefPathInResponse);
      equal(`runtime: ${refetchableRequest.params.name} lands on the same record`, newRef?.__id, ref.__id);
      const after = read(fragmentName, newRef);
      // (Nested fragment references name the operation that read them: the refetch query now.)
      equal(`runtime: ${fragmentName} reads the same after the refetch`, withoutOwners(after.data),
        withoutOwners(before.data));
    });
  }

  // usePaginationFragment's loadNext until hasNextPage is false.
  await step('runtime pagination IntegrationRuns_integration', async () => {
    const fragment = artifact('IntegrationRuns_integration');
    const { connectionPathInFragmentData, identifierField, paginationRequest, paginationMetadata } =
      getPaginationMetadata(fragment, 'harness');
    const { identifierInfo } = getRefetchMetadata(fragment, 'harness');
    const sizes = [];
    for (let page = 0; page < 10; page += 1) {
      const data = read('IntegrationRuns_integration', integrationRef).data;
      const connection = getValueAtPath(data, connectionPathInFragmentData);
      sizes.push(connection.edges.length);
      if (!connection.pageInfo.hasNextPage) break;
      const paginationVariables = getPaginationVariables('forward', 2, connection.pageInfo.endCursor, {
        ...integrationRef.__fragmentOwner.variables,
        ...getVariablesFromFragment(fragment, integrationRef),
      }, {}, paginationMetadata);
      paginationVariables[identifierInfo.identifierQueryVariableName] = data[identifierField];
      await fetchQuery(environment, paginationRequest, paginationVariables).toPromise();
    }
    equal('runtime: loadNext grows the connection in the store to every run', sizes, [2, 4, 5]);
    const data = read('IntegrationRuns_integration', integrationRef).data;
    const nodes = getValueAtPath(data, connectionPathInFragmentData).edges.map((e) => e.node.__id);
    equal('runtime: the connection\'s runs are the runs\' records', nodes, seeded.runs.map((r) => r.nodeId));
  });

  await step('runtime pagination RunErrors_run', async () => {
    const fragment = artifact('RunErrors_run');
    const { connectionPathInFragmentData, identifierField, paginationRequest, paginationMetadata } =
      getPaginationMetadata(fragment, 'harness');
    const data = read('RunErrors_run', runRef).data;
    const connection = getValueAtPath(data, connectionPathInFragmentData);
    const paginationVariables = getPaginationVariables('forward', 10, connection.pageInfo.endCursor, {
      ...runRef.__fragmentOwner.variables, ...getVariablesFromFragment(fragment, runRef),
    }, {}, paginationMetadata);
    paginationVariables[ID_VARIABLE] = data[identifierField];
    await fetchQuery(environment, paginationRequest, paginationVariables).toPromise();
    const after = getValueAtPath(read('RunErrors_run', runRef).data, connectionPathInFragmentData);
    equal('runtime: the run\'s errors after loadNext', after.edges.map((e) => e.node.__id),
      seeded.errors.map((e) => e.nodeId));
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let version;
  await step('compile', async () => {
    version = compile();
    checkArtifacts();
  });
  if (failed > 0 || compileOnly) {
    if (compileOnly && failed === 0) {
      const sample = artifact('RunRefetchQuery').params.text.split('\n\n')[0];
      console.log(`relay-compiler ${version}: artifacts in ${generated}; RunRefetchQuery:\n${sample}`);
    }
    finish();
  }
  let seeded;
  await step('seed', async () => {
    seeded = await seed();
  });
  if (seeded) {
    await step('network', () => network(seeded));
    await step('runtime', () => runtime(seeded));
  }
  console.log(`relay-compiler ${version} against ${url}${seeded ? ` (rows of ${seeded.prefix})` : ''}`);
  finish();
}

await main();

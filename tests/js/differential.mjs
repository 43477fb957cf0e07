// Differential test of request validation: graphql-js (the reference implementation) and a
// running gateway judge the same corpus of requests, and must agree on every one.
//
//   node tests/js/differential.mjs http://127.0.0.1:PORT [--verbose] [--json=FILE] [--only=TEXT]
//                                  [--seed=N] [--mutants=N] [--repeat] [--ws-wait=MS]
//   node tests/js/differential.mjs --corpus-only [--verbose]   (graphql-js's verdicts, no server)
//
// --repeat sends every POST case twice and fails a case whose two answers differ (the gateway
// answers a document it has seen by another path); --ws-wait is how long a subscription that has
// not been refused is waited for (500 ms); --json writes every case with both verdicts.
//
// graphql-js's verdict: `parse` (a syntax error refuses), `validate` with `specifiedRules` (any
// error refuses), the choice of the operation as `execute` makes it, then `getVariableValues`
// for that operation (a coercion error refuses); anything else is accepted. The schema is
// `schema.graphql` built with `buildSchema`; its custom scalars get the server's coercion
// (DateTime: an RFC 3339 string; JSON: any value), which SDL cannot say.
//
// The server's verdict: a POST to /graphql (`accept: application/graphql-response+json`) is
// refused when it answers 400 without a `data` key (a request error) and accepted when it
// answers 2xx with `data` (even `null`, or with field errors); any other answer agrees with
// neither. An operation that is a subscription goes over the WebSocket (graphql-transport-ws, the
// graphql-ws client), since a plain POST takes no subscription: refused when the server answers
// with an `error` message or a `next` without `data` whose errors have no path; accepted when a
// `next` carries data or nothing comes back within --ws-wait.
//
// The corpus: hand-written cases, at least one invalid one for every rule of `specifiedRules`,
// for parsing, for the choice of the operation and for variable coercion, most with a valid
// counterpart; then documents made by mutating valid ones with a seeded PRNG. The script checks
// its own corpus first: every hand-written case with an `expect` must get that verdict from
// graphql-js, an invalid case of rule X must be refused by rule X alone, and every rule of
// `specifiedRules` must have such a case.
//
// Output: a table of disagreements, then `<N> passed, <M> failed`; the exit status is 1 on any
// disagreement, 2 when the corpus or the server cannot be used.

import { readFileSync, writeFileSync } from 'node:fs';

import {
  Kind,
  buildSchema,
  getVariableValues,
  parse,
  parseType,
  parseValue,
  print,
  specifiedRules,
  validate,
  validateSchema,
  visit,
} from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const base = args.find((a) => !a.startsWith('--')) ?? 'http://127.0.0.1:8080';
const option = (name, fallback) => {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
};
const VERBOSE = args.includes('--verbose');
const CORPUS_ONLY = args.includes('--corpus-only');
const JSON_OUT = option('json', null);
const ONLY = option('only', null);
const SEED = Number(option('seed', 18));
const MUTANTS = Number(option('mutants', 400));
const REPEAT = args.includes('--repeat');
const WS_WAIT_MS = Number(option('ws-wait', 500));
const endpoint = `${base}/graphql`;

// ---------------------------------------------------------------------------------------------
// The schema, with the server's coercion of its custom scalars.

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
{
  const problems = validateSchema(schema);
  if (problems.length) fail(`schema.graphql is not a valid schema: ${problems[0].message}`);
  // async-graphql's DateTime<Utc> takes a string chrono parses as RFC 3339.
  const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
  const dateTime = schema.getType('DateTime');
  dateTime.parseValue = (value) => {
    if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
      throw new TypeError(`DateTime cannot represent ${JSON.stringify(value)} (RFC 3339 expected)`);
    }
    return value;
  };
  dateTime.parseLiteral = (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError(`DateTime cannot represent ${print(ast)}`);
    return dateTime.parseValue(ast.value);
  };
  // JSON keeps graphql-js's default for a custom scalar: any value, any literal.
}

function fail(message) {
  console.error(`differential: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// graphql-js's verdict.

const refuse = (stage, message) => ({ verdict: 'refuse', stage, message });
const accept = () => ({ verdict: 'accept', stage: 'accepted', message: '' });

/** Parses with graphql-js; null when the text does not parse. */
function tryParse(query) {
  try {
    return parse(query);
  } catch {
    return null;
  }
}

/** The operation `execute` would run, or the message with which it refuses. */
function selectOperation(doc, operationName) {
  const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName == null) {
    if (operations.length > 1) {
      return { error: 'Must provide operation name if query contains multiple operations.' };
    }
    if (operations.length === 0) return { error: 'Must provide an operation.' };
    return { operation: operations[0] };
  }
  const operation = operations.find((op) => op.name?.value === operationName);
  return operation ? { operation } : { error: `Unknown operation named "${operationName}".` };
}

function judgeWithGraphqlJs(c) {
  let doc;
  try {
    doc = parse(c.query);
  } catch (error) {
    return refuse('parse', error.message);
  }
  let errors;
  try {
    errors = validate(schema, doc);
  } catch (error) {
    // graphql-js 16 throws here for `@skip(if: $var)` on a subscription's root field
    // (SingleFieldSubscriptions collects the fields with no variable values). Nothing it
    // serves would accept such a request, and the spec since 2025 forbids it: a refusal.
    return refuse('validate', `validate threw: ${error.message}`);
  }
  if (errors.length) return refuse('validate', errors[0].message);
  const { operation, error } = selectOperation(doc, c.operationName);
  if (error) return refuse('operation', error);
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variablesOf(c), {
    maxErrors: 50,
  });
  if (coerced.errors) return refuse('variables', coerced.errors[0].message);
  return accept();
}

function variablesOf(c) {
  return c.variablesJSON !== undefined ? JSON.parse(c.variablesJSON) : c.variables ?? {};
}

/** Which transport carries a case: a subscription goes over the WebSocket. */
function transportOf(c) {
  const doc = tryParse(c.query);
  if (!doc) return 'post';
  const { operation } = selectOperation(doc, c.operationName);
  const chosen =
    operation ?? doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) ?? null;
  return chosen?.operation === 'subscription' ? 'ws' : 'post';
}

// ---------------------------------------------------------------------------------------------
// The server's verdict.

function bodyOf(c) {
  const parts = [`"query":${JSON.stringify(c.query)}`];
  parts.push(`"variables":${c.variablesJSON ?? JSON.stringify(c.variables ?? {})}`);
  if (c.operationName !== undefined) parts.push(`"operationName":${JSON.stringify(c.operationName)}`);
  return `{${parts.join(',')}}`;
}

async function post(body, retried = false) {
  let res;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body,
    });
  } catch (error) {
    // A kept-alive connection closed under the request ("fetch failed", seen once in many
    // runs): try once more on a new one, then judge the case as neither verdict rather than
    // stopping the run.
    if (!retried) return post(body, true);
    return { status: 0, contentType: '', text: `no answer: ${error.cause?.message ?? error.message}`, json: null };
  }
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Judged below as neither verdict.
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

/** An error's message with its `extensions.code`. */
const describe = (error) =>
  error ? `${error.message}${error.extensions?.code ? ` [${error.extensions.code}]` : ''}` : '';

async function judgeOverPost(c) {
  const { status, contentType, text, json } = await post(bodyOf(c));
  const message = describe(json?.errors?.[0]);
  const isObject = json !== null && typeof json === 'object' && !Array.isArray(json);
  if (status === 400 && isObject && !('data' in json)) {
    if (!contentType.startsWith('application/graphql-response+json')) {
      return { verdict: 'other', message: `400 as ${contentType}: ${message}` };
    }
    return { verdict: 'refuse', message };
  }
  if (status >= 200 && status < 300 && isObject && 'data' in json) {
    return { verdict: 'accept', message: message || `${status} with data` };
  }
  return { verdict: 'other', message: `HTTP ${status}: ${message || text.slice(0, 120)}` };
}

function judgeOverWebSocket(client, c) {
  return new Promise((resolve) => {
    let settled = false;
    let unsubscribe = () => {};
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(result);
    };
    const timer = setTimeout(
      () => settle({ verdict: 'accept', message: `subscribed (nothing within ${WS_WAIT_MS} ms)` }),
      WS_WAIT_MS,
    );
    unsubscribe = client.subscribe(
      { query: c.query, variables: variablesOf(c), operationName: c.operationName },
      {
        next: (payload) => {
          // async-graphql sends a request error as a `next` without data (graphql-ws: `error`).
          const errors = payload.errors ?? [];
          const first = describe(errors[0]);
          const requestError =
            errors.length > 0 &&
            (payload.data === undefined || payload.data === null) &&
            errors.every((e) => !e.path);
          settle(
            requestError
              ? { verdict: 'refuse', message: first }
              : { verdict: 'accept', message: first || 'next with data' },
          );
        },
        error: (error) => {
          if (Array.isArray(error)) settle({ verdict: 'refuse', message: describe(error[0]) });
          else settle({ verdict: 'other', message: `socket: ${error?.reason ?? error?.message ?? error}` });
        },
        complete: () => settle({ verdict: 'accept', message: 'completed at once' }),
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Seed data: one integration and one run, so that valid cases read and write real rows.

async function gql(query, variables = {}) {
  const { status, json } = await post(JSON.stringify({ query, variables }));
  if (status !== 200 || json?.errors) fail(`seeding failed (${status}): ${JSON.stringify(json)}`);
  return json.data;
}

// ---------------------------------------------------------------------------------------------
// The hand-written corpus.

function handWrittenCases({ code: S, integrationId: I, runId: R }) {
  const cases = [];
  const counter = { n: 0 };
  // add(rule, name, query, { variables, variablesJSON, operationName, expect, ruleCheck })
  const add = (rule, name, query, extra = {}) => cases.push({ rule, name, query, ...extra });
  const no = { expect: 'refuse' };
  const yes = { expect: 'accept' };
  const fresh = () => `DIFF-${++counter.n}`;

  // Parsing.
  const P = 'Parse';
  add(P, 'missing closing brace', '{ integrations { totalCount }', no);
  add(P, 'extra closing brace', '{ integrations { totalCount } } }', no);
  add(P, 'empty document', '', no);
  add(P, 'only whitespace and a comment', '  # nothing\n', no);
  add(P, 'empty selection set', '{ }', no);
  add(P, 'empty nested selection set', '{ integrations { } }', no);
  add(P, 'argument without value', '{ integrations(first: ) { totalCount } }', no);
  add(P, 'unterminated string', '{ integration(code: "DIFF) { id } }', no);
  add(P, 'unterminated block string', '{ integration(code: """DIFF) { id } }', no);
  add(P, 'line break inside a string', '{ integration(code: "DIFF\nSEED") { id } }', no);
  add(P, 'unknown escape in a string', '{ integration(code: "\\q") { id } }', no);
  add(P, 'lone surrogate escape', '{ integration(code: "\\uD800") { id } }', no);
  // The 2021 spec's StringCharacter excludes only `"`, `\` and line ends, so graphql-js takes it.
  add(P, 'control character in a string', '{ integration(code: "a\u0001b") { id } }');
  // Valid too where a field would store it: the writing field fails when it runs (a field
  // error, 200), the document is not refused.
  add(P, 'control character in a text to store', `mutation { createIntegration(input: {code: "${fresh()}\u0007", name: "N", businessObject: "Invoice", direction: FROM_COUPA, endSystem: "SAP", endSystemType: ERP, integrationType: API}) { id } }`, yes);
  add(P, 'control character in a variable to store', 'mutation($code: String!) { createIntegration(input: {code: $code, name: "N", businessObject: "Invoice", direction: FROM_COUPA, endSystem: "SAP", endSystemType: ERP, integrationType: API}) { id } }', { ...yes, variables: { code: 'a\u0001b' } });
  add(P, 'leading zero in an Int', '{ integrations(first: 01) { totalCount } }', no);
  add(P, 'number ending in a dot', '{ integrations(first: 1.) { totalCount } }', no);
  add(P, 'hexadecimal number', '{ integrations(first: 0x10) { totalCount } }', no);
  add(P, 'exponent without digits', '{ integrations(first: 1e) { totalCount } }', no);
  add(P, 'number followed by a name', '{ integrations(first: 5x) { totalCount } }', no);
  add(P, 'dollar without a name', 'query($: Int) { __typename }', no);
  add(P, 'fragment named on', 'fragment on on Integration { id }\n{ integrations { nodes { ...on } } }', no);
  add(P, 'fragment variables (legacy syntax)', '{ integrations { nodes { ...F } } }\nfragment F($n: Int) on Integration { id }', no);
  add(P, 'variable in a default value', 'query($a: Int, $b: Int = $a) { integrations(first: $b) { totalCount } }', no);
  add(P, 'selection after the document', '{ integrations { totalCount } } totalCount', no);
  add(P, 'two aliases on one field', '{ a: b: integrations { totalCount } }', no);
  add(P, 'spread outside a selection set', '...F\nfragment F on Query { __typename }', no);
  add(P, 'non-ASCII letter in a name', '{ intégrations { totalCount } }', no);
  add(P, 'no-break space as whitespace', '{\u00a0__typename }', no);
  add(P, 'missing colon in a variable definition', 'query($id Int!) { integrationRun(id: $id) { id } }', no);
  add(P, 'missing selection set after an operation', 'query Q', no);
  add(P, 'operation type run into its name', 'queryRuns { integrations { totalCount } }', no);
  add(P, 'mutation run into its name', `mutationNewRun { createIntegrationRun(input: {integration: {code: "${S}"}}) { id } }`, no);
  add(P, 'fragment run into its name', '{ integrations { nodes { ...F } } }\nfragmentF on Integration { id }', no);
  add(P, 'spread of a fragment named like a keyword run into on', '{ integrations { nodes { ...onIntegration } } }\nfragment onIntegration on Integration { id }', yes);
  add(P, 'braced Unicode escape', '{ integration(code: "\\u{1F600}") { id } }', yes);
  add(P, 'surrogate pair escape', '{ integration(code: "\\uD83D\\uDE00") { id } }', yes);
  add(P, 'byte order mark before the document', '\ufeff{ __typename }', yes);
  add(P, 'commas and comments everywhere', ',{,integrations(,first:,1,),{,totalCount,#c\n},},', yes);
  add(P, 'CRLF line ends and tabs', 'query\r\n\t{\r\n\tintegrations\t{ totalCount }\r\n}\r\n', yes);
  add(P, 'block string argument', `{ integration(code: """\n  ${S}\n""") { id } }`, yes);
  add(P, 'keywords as aliases', '{ true: __typename null: __typename on: __typename fragment: __typename query: __typename }', yes);
  add(P, 'operation named query', 'query query { __typename }', yes);
  add(P, 'negative zero and exponents where Int is not needed', '{ integration(code: "-0") { id } }', yes);
  add(P, 'description on an operation', '"Described." query Described { __typename }');
  add(P, 'descriptions on a fragment and a variable', '"""Op""" query D("the id" $id: Int = 1) { integrationRun(id: $id) { ...R } } "R." fragment R on IntegrationRun { id }', yes);
  add(P, 'description on a shorthand query', '"Described." { __typename }', no);

  // ExecutableDefinitions
  let r = 'ExecutableDefinitions';
  add(r, 'type definition beside an operation', '{ integrations { totalCount } }\ntype Extra { id: Int }', no);
  add(r, 'type extension beside an operation', '{ integrations { totalCount } }\nextend type Query { extra: Int }', no);
  add(r, 'schema definition beside an operation', 'schema { query: Query }\n{ integrations { totalCount } }', no);
  add(r, 'scalar definition beside an operation', '{ integrations { totalCount } }\nscalar Extra', no);
  add(r, 'directive definition beside an operation', 'directive @extra on FIELD\n{ __typename }', no);
  add(r, 'valid: operations and fragments only', '{ integrations { nodes { ...F } } }\nfragment F on Integration { id }', yes);

  r = 'UniqueOperationNames';
  add(r, 'two queries named alike', 'query Runs { integrationRuns { totalCount } }\nquery Runs { integrations { totalCount } }', { ...no, operationName: 'Runs' });
  add(r, 'a query and a mutation named alike', 'query Same { __typename }\nmutation Same { __typename }', { ...no, operationName: 'Same' });
  add(r, 'valid: two names', 'query Runs { integrationRuns { totalCount } }\nquery Integrations { integrations { totalCount } }', { ...yes, operationName: 'Runs' });

  r = 'LoneAnonymousOperation';
  add(r, 'anonymous and named operations', '{ integrations { totalCount } }\nquery Named { integrationRuns { totalCount } }', { ...no, operationName: 'Named' });
  add(r, 'two anonymous operations', '{ integrations { totalCount } }\n{ integrationRuns { totalCount } }', no);
  add(r, 'anonymous query and anonymous mutation', '{ __typename }\nmutation { __typename }', no);
  add(r, 'valid: one anonymous operation with the keyword', 'query { integrations { totalCount } }', yes);

  r = 'SingleFieldSubscriptions';
  add(r, 'two root fields', 'subscription { integrationRunStatusChanged { sequence } integrationAlertRaised { sequence } }', no);
  add(r, 'two root fields through a fragment', 'subscription { ...Both }\nfragment Both on Subscription { integrationRunStatusChanged { sequence } integrationErrorChanged { sequence } }', no);
  add(r, 'one field under two aliases', 'subscription { a: integrationRunStatusChanged { sequence } b: integrationRunStatusChanged { sequence } }', no);
  add(r, '__typename as the root field', 'subscription { __typename }', no);
  add(r, 'a field and __typename', 'subscription { integrationRunStatusChanged { sequence } __typename }', no);
  add(r, 'second root field skipped by a literal @skip', 'subscription { integrationRunStatusChanged { sequence } integrationAlertRaised @skip(if: true) { sequence } }');
  add(r, 'root field with @include(if: $variable)', 'subscription Maybe($on: Boolean!) { integrationRunStatusChanged @include(if: $on) { sequence } }', { variables: { on: true } });
  add(r, 'valid: one root field', 'subscription { integrationRunStatusChanged { sequence } }', yes);
  add(r, 'valid: one root field with variables', 'subscription OnRun($run: Int) { integrationRunStatusChanged(runId: $run) { sequence status } }', { ...yes, variables: { run: R } });
  add(r, 'valid: one root field through a fragment', 'subscription { ...One }\nfragment One on Subscription { integrationAlertRaised { sequence } }', yes);
  add(r, 'valid: one root field selected twice', 'subscription { integrationErrorChanged { sequence } integrationErrorChanged { at } }', yes);

  r = 'KnownTypeNames';
  add(r, 'unknown variable type', 'query($f: IntegrationFiltr) { integrations(filter: $f) { totalCount } }', no);
  add(r, 'unknown inline fragment type', '{ integrations { nodes { ... on Integraton { id } } } }', no);
  add(r, 'unknown fragment type', '{ integrations { nodes { ...F } } }\nfragment F on Integraton { id }', no);
  add(r, 'UUID, a scalar the schema does not have', 'query($id: UUID!) { integrationRun(id: $id) { id } }', { ...no, variables: { id: R } });
  add(r, 'Decimal, a scalar the schema does not have', 'query($n: Decimal) { integrations(first: $n) { totalCount } }', { ...no, variables: { n: 1 } });
  add(r, 'UUID for a String argument', 'query($code: UUID) { integration(code: $code) { id } }', { ...no, variables: { code: S } });
  add(r, 'valid: ID variable for a global id', 'query($n: ID!) { node(nodeId: $n) { nodeId } }', { ...yes, variables: { n: 'SW50ZWdyYXRpb25SdW46MQ==' } });
  add(r, 'unknown list item type', 'query($ids: [Identifier!]) { __typename }', no);
  add(r, 'valid: input type variable', 'query($f: IntegrationFilter) { integrations(filter: $f) { totalCount } }', { ...yes, variables: { f: { code: { eq: S } } } });

  r = 'FragmentsOnCompositeTypes';
  add(r, 'fragment on an enum', '{ integrations { nodes { ...F } } }\nfragment F on Direction { __typename }', no);
  add(r, 'inline fragment on a scalar', `{ integration(id: ${I}) { ... on String { id } } }`, no);
  add(r, 'fragment on an input object', '{ integrations { nodes { ...F } } }\nfragment F on IntegrationFilter { id }', no);
  add(r, 'valid: inline fragment on the object', `{ integration(id: ${I}) { ... on Integration { id } } }`, yes);

  r = 'VariablesAreInputTypes';
  add(r, 'object type variable', 'query($i: Integration) { integrations { totalCount } }', no);
  add(r, 'non-null connection variable', 'query($c: IntegrationConnection!) { __typename }', no);
  add(r, 'list of object variable', 'query($l: [PageInfo]) { __typename }', no);
  add(r, 'valid: input object variables', 'query($f: IntegrationRunFilter, $o: IntegrationRunOrder) { integrationRuns(filter: $f, orderBy: $o) { totalCount } }', { ...yes, variables: { f: null, o: { field: 'ID' } } });

  r = 'ScalarLeafs';
  add(r, 'object field without selection', '{ integrations }', no);
  add(r, 'nullable object field without selection', `{ integrationRun(id: ${R}) }`, no);
  add(r, 'list of objects without selection', '{ integrationRunCounts }', no);
  add(r, 'selection on an Int', '{ integrations { totalCount { value } } }', no);
  add(r, 'selection on an enum', `{ integration(id: ${I}) { direction { name } } }`, no);
  add(r, 'mutation field without selection', `mutation { resolveIntegrationError(id: 1) }`, no);
  add(r, 'valid: leaves selected', `{ integrationRun(id: ${R}) { id status } }`, yes);

  r = 'FieldsOnCorrectType';
  add(r, 'unknown field on a connection', '{ integrations { total } }', no);
  add(r, 'unknown root field', '{ nothing }', no);
  add(r, 'unknown mutation', 'mutation { deleteIntegration(id: 1) { id } }', no);
  add(r, 'field of another type in an inline fragment', '{ integrations { nodes { ... on Integration { status } } } }', no);
  add(r, 'unknown subscription field', 'subscription { integrationRunStatusChange { sequence } }', no);
  add(r, 'field of the wrong case', '{ Integrations { totalCount } }', no);
  add(r, 'valid: __typename everywhere', '{ __typename integrations { __typename totalCount } }', yes);
  add(r, 'valid: __typename on the mutation root', 'mutation { __typename }', yes);

  r = 'UniqueFragmentNames';
  add(r, 'two fragments named alike', '{ integrations { nodes { ...F } } }\nfragment F on Integration { id }\nfragment F on Integration { code }', no);
  add(r, 'valid: two fragments', '{ integrations { nodes { ...F ...G } } }\nfragment F on Integration { id }\nfragment G on Integration { code }', yes);

  r = 'KnownFragmentNames';
  add(r, 'spread of a missing fragment', '{ integrations { nodes { ...Missing } } }', no);
  add(r, 'spread of a missing fragment inside a fragment', '{ integrations { nodes { ...F } } }\nfragment F on Integration { id ...Missing }', no);

  r = 'NoUnusedFragments';
  add(r, 'unused fragment', '{ integrations { totalCount } }\nfragment Unused on Integration { id }', no);
  add(r, 'fragment used only by an unused fragment', '{ integrations { totalCount } }\nfragment A on Integration { ...B }\nfragment B on Integration { id }', no);
  add(r, 'only a fragment', 'fragment Lonely on Query { __typename }', no);

  r = 'PossibleFragmentSpreads';
  add(r, 'inline fragment of another object type', '{ integrations { nodes { ... on IntegrationRun { id } } } }', no);
  add(r, 'fragment of another object type', '{ integrations { nodes { ...R } } }\nfragment R on IntegrationRun { id }', no);
  add(r, 'mutation fragment in a query', '{ ... on Mutation { __typename } }', no);
  add(r, 'valid: fragment on the root type', '{ ... on Query { __typename } }', yes);

  r = 'NoFragmentCycles';
  add(r, 'two fragments spreading each other', '{ integrations { nodes { ...A } } }\nfragment A on Integration { id ...B }\nfragment B on Integration { code ...A }', no);
  add(r, 'fragment spreading itself', '{ integrations { nodes { ...A } } }\nfragment A on Integration { id ...A }', no);
  add(r, 'cycle of three through inline fragments', '{ integrations { nodes { ...A } } }\nfragment A on Integration { ...B }\nfragment B on Integration { ... on Integration { ...C } }\nfragment C on Integration { ...A }', no);
  add(r, 'valid: one fragment spread twice', '{ integrations { nodes { ...A } edges { node { ...A } } } }\nfragment A on Integration { id code }', yes);

  r = 'UniqueVariableNames';
  add(r, 'one variable defined twice', 'query($id: Int!, $id: Int!) { integrationRun(id: $id) { id } }', { ...no, variables: { id: R } });
  add(r, 'one variable defined twice with two types', 'query($id: Int!, $id: String) { integrationRun(id: $id) { id } }', { ...no, variables: { id: R } });

  r = 'NoUndefinedVariables';
  add(r, 'variable never defined', `{ integrationRun(id: $id) { id } }`, { ...no, variables: { id: R } });
  add(r, 'variable of a fragment not defined by the operation', 'query Q { integrations { nodes { ...F } } }\nfragment F on Integration { runs(first: $n) { totalCount } }', { ...no, operationName: 'Q', variables: { n: 1 } });
  add(r, 'variable in a directive not defined', '{ integrations @include(if: $show) { totalCount } }', { ...no, variables: { show: true } });
  add(r, 'variable inside a list literal not defined', '{ integrationRuns(filter: {id: {in: [$id]}}) { totalCount } }', { ...no, variables: { id: R } });
  add(r, 'variable defined by another operation', 'query A($n: Int) { integrations(first: $n) { totalCount } }\nquery B { integrations(first: $n) { totalCount } }', { ...no, operationName: 'A', variables: { n: 1 } });
  add(r, 'valid: variable of a fragment defined', 'query($n: Int) { integrations { nodes { ...F } } }\nfragment F on Integration { runs(first: $n) { totalCount } }', { ...yes, variables: { n: 1 } });

  r = 'NoUnusedVariables';
  add(r, 'unused variable', 'query($id: Int) { integrations { totalCount } }', no);
  add(r, 'variable unused in the operation not chosen', 'query A($n: Int) { integrations(first: $n) { totalCount } }\nquery B($n: Int) { integrations { totalCount } }', { ...no, operationName: 'A', variables: { n: 1 } });
  add(r, 'variable used only in an unused fragment', 'query($n: Int) { integrations { totalCount } }\nfragment F on Integration { runs(first: $n) { totalCount } }', no);
  add(r, 'valid: variable used in a directive', 'query($show: Boolean!) { integrations @include(if: $show) { totalCount } }', { ...yes, variables: { show: true } });

  r = 'KnownDirectives';
  add(r, 'unknown directive', '{ integrations @cached { totalCount } }', no);
  add(r, '@skip on a query', 'query @skip(if: true) { __typename }', no);
  add(r, '@include on a mutation', 'mutation @include(if: true) { __typename }', no);
  add(r, '@include on a fragment definition', '{ integrations { nodes { ...F } } }\nfragment F on Integration @include(if: true) { id }', no);
  add(r, '@skip on a variable definition', 'query($n: Int @skip(if: true)) { integrations(first: $n) { totalCount } }', no);
  add(r, '@oneOf on a field', '{ integrations @oneOf { totalCount } }', no);
  add(r, '@deprecated on a field', '{ integrations @deprecated { totalCount } }', no);
  add(r, '@specifiedBy on a field', '{ integrations @specifiedBy(url: "https://example.com") { totalCount } }', no);
  add(r, 'valid: @skip and @include on fields', '{ integrations @include(if: true) { totalCount } runs: integrationRuns @skip(if: true) { totalCount } }', yes);
  add(r, 'valid: @include on spreads and inline fragments', '{ integrations { nodes { ...F @include(if: true) ... @skip(if: false) { code } } } }\nfragment F on Integration { id }', yes);

  r = 'UniqueDirectivesPerLocation';
  add(r, '@skip twice on a field', '{ integrations @skip(if: false) @skip(if: false) { totalCount } }', no);
  add(r, '@include twice on an inline fragment', '{ integrations { nodes { ... @include(if: true) @include(if: true) { id } } } }', no);
  add(r, 'valid: @skip and @include on one field', '{ integrations @skip(if: false) @include(if: true) { totalCount } }', yes);

  r = 'KnownArgumentNames';
  add(r, 'unknown argument of a root field', '{ integrations(size: 5) { totalCount } }', no);
  add(r, 'unknown argument of a directive', '{ integrations @skip(if: false, when: true) { totalCount } }', no);
  add(r, 'argument on a field without arguments', `{ integration(id: ${I}) { code(upper: true) } }`, no);
  add(r, 'argument of another field', '{ integrationRuns(documentType: INVOICE) { totalCount } }', no);
  add(r, 'argument on __typename', '{ integrations { nodes { __typename(id: 7) id } } }', no);
  add(r, 'argument on __typename at the root', '{ __typename(first: 1) }', no);
  add(r, 'valid: known arguments', '{ integrations(first: 2) { totalCount } }', yes);

  r = 'UniqueArgumentNames';
  add(r, 'one argument given twice', '{ integrations(first: 1, first: 2) { totalCount } }', no);
  add(r, 'one argument given twice with one value', `{ integrationRun(id: ${R}, id: ${R}) { id } }`, no);
  add(r, 'directive argument given twice', '{ integrations @skip(if: false, if: true) { totalCount } }', no);

  r = 'ValuesOfCorrectType';
  add(r, 'enum value as a string literal', '{ integrationRuns(filter: {status: {eq: "RUNNING"}}) { totalCount } }', no);
  add(r, 'valid: enum value', '{ integrationRuns(filter: {status: {eq: RUNNING}}) { totalCount } }', yes);
  add(r, 'unknown enum value', '{ integrationRuns(filter: {status: {eq: RUNING}}) { totalCount } }', no);
  add(r, 'enum value of another enum', '{ integrations(filter: {direction: {eq: ERP}}) { totalCount } }', no);
  add(r, 'enum value in lower case', '{ integrationRuns(filter: {status: {eq: running}}) { totalCount } }', no);
  add(r, 'Boolean for an enum', '{ integrationRuns(filter: {status: {eq: true}}) { totalCount } }', no);
  add(r, 'string list for an enum list', '{ integrationRunCounts(groupBy: ["STATUS"]) { count } }', no);
  add(r, 'Int above 2^31-1', '{ integrationRun(id: 2147483648) { id } }', no);
  add(r, 'Int below -2^31', '{ integrationRun(id: -2147483649) { id } }', no);
  add(r, 'Int beyond 64 bits', '{ integrationRun(id: 99999999999999999999) { id } }', no);
  add(r, 'valid: Int at 2^31-1', '{ integrationRun(id: 2147483647) { id } }', yes);
  add(r, 'valid: Int at -2^31', '{ integrationRun(id: -2147483648) { id } }', yes);
  add(r, 'Float for an Int', '{ integrations(first: 1.5) { totalCount } }', no);
  add(r, 'Float with a zero fraction for an Int', '{ integrations(first: 1.0) { totalCount } }', no);
  add(r, 'Float with an exponent for an Int', '{ integrations(first: 1e1) { totalCount } }', no);
  add(r, 'String for an Int', '{ integrations(first: "1") { totalCount } }', no);
  add(r, 'Int for a String', '{ integration(code: 123) { id } }', no);
  add(r, 'Boolean for a String', '{ integration(code: true) { id } }', no);
  add(r, 'enum value for a String', '{ integration(code: SAP) { id } }', no);
  add(r, 'String for a Boolean', '{ integrations(filter: {standard: {eq: "true"}}) { totalCount } }', no);
  add(r, 'Int for a Boolean', '{ integrations(filter: {standard: {eq: 1}}) { totalCount } }', no);
  add(r, 'enum value for a Boolean directive argument', '{ integrations @include(if: TRUE) { totalCount } }', no);
  add(r, 'null for a non-null argument', '{ integrationRun(id: null) { id } }', no);
  add(r, 'null for a non-null directive argument', '{ integrations @skip(if: null) { totalCount } }', no);
  add(r, 'null item in a list of non-null', '{ integrationRuns(filter: {id: {in: [1, null]}}) { totalCount } }', no);
  add(r, 'valid: null for a nullable argument', '{ integrations(first: null, filter: null) { totalCount } }', yes);
  add(r, 'valid: one value for a list', '{ integrationRuns(filter: {id: {in: 1}}) { totalCount } }', yes);
  add(r, 'list for an Int', '{ integrations(first: [1]) { totalCount } }', no);
  add(r, 'nested list for a list', '{ integrationRuns(filter: {id: {in: [[1]]}}) { totalCount } }', no);
  add(r, 'object for an Int', '{ integrations(first: {value: 1}) { totalCount } }', no);
  add(r, 'Int for an input object', '{ integrations(filter: 1) { totalCount } }', no);
  add(r, 'String for an input object', '{ integrations(filter: "code") { totalCount } }', no);
  add(r, 'list for an input object', '{ integrations(filter: [{code: {eq: "X"}}]) { totalCount } }', no);
  add(r, 'missing required input field', '{ integrationRuns(orderBy: {direction: DESC}) { totalCount } }', no);
  add(r, 'missing required input fields of a mutation', `mutation { createIntegration(input: {code: "${fresh()}"}) { id } }`, no);
  add(r, 'null for a required input field', '{ integrationRuns(orderBy: {field: null}) { totalCount } }', no);
  add(r, 'valid: default of a required input field', '{ integrationRuns(orderBy: {field: ID}) { totalCount } }', yes);
  add(r, 'unknown input field', '{ integrationRuns(filter: {statuss: {eq: RUNNING}}) { totalCount } }', no);
  add(r, 'unknown input field of a mutation', `mutation { createIntegrationRun(input: {integration: {code: "${S}"}, priority: 1}) { id } }`, no);
  add(r, 'OneOf input object with no field', 'mutation { createIntegrationRun(input: {integration: {}}) { id } }', no);
  add(r, 'OneOf input object with two fields', `mutation { createIntegrationRun(input: {integration: {id: ${I}, code: "${S}"}}) { id } }`, no);
  add(r, 'OneOf input object with a null field', 'mutation { createIntegrationRun(input: {integration: {id: null}}) { id } }', no);
  add(r, 'OneOf DocumentRef with two fields', 'mutation { addIntegrationRecordResponse(input: {to: {integrationHistoryRecordId: 1, integrationErrorId: 2}}) { id } }', no);
  add(r, 'OneOf argument of a subscription with no field', 'subscription { integrationRunStatusChanged(integration: {}) { sequence } }', no);
  add(r, 'valid: OneOf input object with one field', `mutation { createIntegrationRun(input: {integration: {code: "${S}"}}) { id } }`, yes);
  add(r, 'valid: OneOf input object with a non-null variable', 'mutation($i: Int!) { createIntegrationRun(input: {integration: {id: $i}}) { id } }', { ...yes, variables: { i: I } });
  add(r, 'DateTime literal that is no date', '{ integrationRuns(filter: {createdAt: {gt: "yesterday"}}) { totalCount } }', no);
  add(r, 'DateTime literal that is an Int', '{ integrationRuns(filter: {createdAt: {gt: 5}}) { totalCount } }', no);
  add(r, 'valid: DateTime literal', '{ integrationRuns(filter: {createdAt: {gt: "2024-01-01T00:00:00Z"}}) { totalCount } }', yes);
  add(r, 'valid: JSON literal of any shape', `mutation { createIntegrationRun(input: {integration: {code: "${S}"}, flow: {steps: [1, "two", {three: true}], none: null}}) { id } }`, yes);
  add(r, 'default value of the wrong type', 'query($n: Int = "five") { integrations(first: $n) { totalCount } }', no);
  add(r, 'null default for a non-null variable', 'query($n: Int! = null) { integrations(first: $n) { totalCount } }', no);
  add(r, 'default value with an unknown field', 'query($f: IntegrationRunFilter = {nope: 1}) { integrationRuns(filter: $f) { totalCount } }', no);
  add(r, 'valid: block string for a String', `{ integration(code: """${S}""") { id } }`, yes);
  add(r, 'default value of the wrong type, variable given', 'query($n: Int = "five") { integrations(first: $n) { totalCount } }', { ...no, variables: { n: 1 } });
  add(r, 'Boolean default for an input object, variable given', 'query($f: IntegrationRunFilter = true) { integrationRuns(filter: $f) { totalCount } }', { ...no, variables: { f: {} } });
  add(r, 'list default for a OneOf input object, variable given', `mutation($to: DocumentRef! = [1, 2]) { addIntegrationRecordResponse(input: {to: $to}) { id } }`, { ...no, variables: { to: { integrationErrorId: 1 } } });
  // The same invalid literals beside a second root field, and in the argument of a nested field:
  // a server that finds them only when the field runs answers them as field errors.
  const beside = 'integrations { totalCount }';
  add(r, 'Int for an input object, beside another root field', `{ integrationRuns(filter: 7) { totalCount } ${beside} }`, no);
  add(r, 'Int above 2^31-1, beside another root field', `{ integrationRun(id: 2147483648) { id } ${beside} }`, no);
  add(r, 'DateTime literal that is no date, beside another root field', `{ integrationRuns(filter: {createdAt: {gt: "yesterday"}}) { totalCount } ${beside} }`, no);
  add(r, 'OneOf input object with two fields, beside another root field', `mutation { a: createIntegrationRun(input: {integration: {id: ${I}, code: "${S}"}}) { id } b: createIntegrationRun(input: {integration: {code: "${S}"}}) { id } }`, no);
  add(r, 'Int above 2^31-1 in a nested field', '{ integrations { nodes { runs(first: 2147483648) { totalCount } } } }', no);
  add(r, 'Int for an input object in a nested field', '{ integrations { nodes { runs(filter: 7) { totalCount } } } }', no);
  add(r, 'enum value as a string literal in a nested field', '{ integrations { nodes { runs(filter: {status: {eq: "RUNNING"}}) { totalCount } } } }', no);

  r = 'ProvidedRequiredArguments';
  add(r, 'missing required argument', '{ integrationRun { id } }', no);
  add(r, 'one of two required arguments missing', '{ documentExport(documentId: 1) { exported } }', no);
  add(r, 'missing required mutation argument', `mutation { updateIntegrationRun(id: ${R}) { id } }`, no);
  add(r, '@skip without if', '{ integrations @skip { totalCount } }', no);
  add(r, '@include without if', '{ integrations @include { totalCount } }', no);
  add(r, 'valid: required argument with a default left out', '{ integrationRunCounts { count } }', yes);
  add(r, 'valid: both required arguments', '{ documentExport(documentType: INVOICE, documentId: 1) { exported } }', yes);

  r = 'VariablesInAllowedPosition';
  add(r, 'nullable Int variable for an Int!', 'query($id: Int) { integrationRun(id: $id) { id } }', { ...no, variables: { id: R } });
  add(r, 'String! variable for an Int!', 'query($id: String!) { integrationRun(id: $id) { id } }', { ...no, variables: { id: String(R) } });
  add(r, 'nullable enum variable in a list of non-null', 'query($s: RunStatus) { integrationRuns(filter: {status: {in: [$s]}}) { totalCount } }', { ...no, variables: { s: 'RUNNING' } });
  add(r, 'list of nullable for a list of non-null', 'query($ids: [Int]) { integrationRuns(filter: {id: {in: $ids}}) { totalCount } }', { ...no, variables: { ids: [R] } });
  add(r, 'Int! variable for a list', 'query($id: Int!) { integrationRuns(filter: {id: {in: $id}}) { totalCount } }', { ...no, variables: { id: R } });
  add(r, 'nullable Boolean for @skip(if:)', 'query($v: Boolean) { integrations @skip(if: $v) { totalCount } }', { ...no, variables: { v: false } });
  add(r, 'variable of another enum', 'query($d: Direction!) { integrationRuns(filter: {status: {eq: $d}}) { totalCount } }', { ...no, variables: { d: 'TO_COUPA' } });
  add(r, 'list of nullable items for a list with a default', 'query($g: [IntegrationRunGroupBy]) { integrationRunCounts(groupBy: $g) { count } }', { ...no, variables: { g: ['STATUS'] } });
  add(r, 'input object variable of another type', 'query($f: IntegrationFilter) { integrationRuns(filter: $f) { totalCount } }', { ...no, variables: { f: {} } });
  add(r, 'nullable variable in a OneOf input object', `mutation($i: Int) { createIntegrationHistoryRecord(input: {contactAlertType: BOTH, documentType: INVOICE, documentId: 1, integrationRunId: ${R}, integration: {id: $i}}) { id } }`, { ...no, variables: { i: I } });
  // graphql-js 16.15 misses this one when the OneOf input object sits in a non-null position
  // (`integration: IntegrationRefInput!`): the rule looks at the parent input type without
  // unwrapping NON_NULL. The spec refuses it; graphql-js's verdict is what this test compares.
  add(r, 'nullable variable in a OneOf input object at a non-null position', `mutation($i: Int) { createIntegrationRun(input: {integration: {id: $i}}) { id } }`, { variables: { i: I } });
  add(r, 'valid: nullable variable with a default for an Int!', 'query($id: Int = 1) { integrationRun(id: $id) { id } }', yes);
  add(r, 'valid: nullable variable where the argument has a default', 'query($g: [IntegrationRunGroupBy!]) { integrationRunCounts(groupBy: $g) { count } }', { ...yes, variables: { g: ['STATUS'] } });
  add(r, 'valid: Int! variable as a list item', 'query($id: Int!) { integrationRuns(filter: {id: {in: [$id]}}) { totalCount } }', { ...yes, variables: { id: R } });
  add(r, 'valid: Int! variable for a nullable Int', 'query($id: Int!) { integrationRuns(filter: {id: {eq: $id}}) { totalCount } }', { ...yes, variables: { id: R } });
  add(r, 'valid: explicit null for a nullable variable with a default used as Int!', 'query($id: Int = 1) { integrationRun(id: $id) { id } }', { ...yes, variables: { id: null } });

  r = 'OverlappingFieldsCanBeMerged';
  add(r, 'one alias for two fields', '{ integrations { x: totalCount x: pageInfo { hasNextPage } } }', no);
  add(r, 'one alias with two arguments', '{ run: integrationRun(id: 1) { id } run: integrationRun(id: 2) { id } }', no);
  add(r, 'alias shadowing a field', `{ integration(id: ${I}) { code: name code } }`, no);
  add(r, 'one field with two arguments through a fragment', `{ integrationRun(id: ${R}) { id } ...F }\nfragment F on Query { integrationRun(id: 2) { id } }`, no);
  add(r, 'conflict inside merged selections', '{ integrations { nodes { id } } integrations { nodes { id: code } } }', no);
  add(r, 'variable and literal for one argument', 'query($id: Int!) { integrationRun(id: $id) { id } integrationRun(id: 1) { id } }', { ...no, variables: { id: R } });
  add(r, 'one field with and without arguments', '{ integrations { totalCount } integrations(first: 1) { totalCount } }', no);
  add(r, 'same name, Int and String leaves', `{ integration(id: ${I}) { value: id value: code } }`, no);
  add(r, 'valid: one field selected twice', '{ integrations { totalCount } integrations { totalCount pageInfo { hasNextPage } } }', yes);
  add(r, 'valid: aliases for two arguments', '{ a: integrationRun(id: 1) { id } b: integrationRun(id: 2) { id } }', yes);

  r = 'UniqueInputFieldNames';
  add(r, 'input field given twice', '{ integrationRuns(filter: {id: {eq: 1, eq: 2}}) { totalCount } }', no);
  add(r, 'nested input field given twice', '{ integrationRuns(filter: {status: {eq: RUNNING}, status: {eq: PAUSED}}) { totalCount } }', no);
  add(r, 'mutation input field given twice', `mutation { createIntegration(input: {code: "${fresh()}", code: "${fresh()}", name: "N", businessObject: "Invoice", direction: FROM_COUPA, endSystem: "SAP", endSystemType: ERP}) { id } }`, no);
  add(r, 'input field given twice in a default value', 'query($f: IntegrationRunFilter = {id: {eq: 1, eq: 2}}) { integrationRuns(filter: $f) { totalCount } }', no);

  r = 'MaxIntrospectionDepth';
  add(r, 'introspection nested four lists deep', '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }', no);
  add(r, 'valid: shallow introspection', '{ __schema { queryType { name } } __type(name: "RunStatus") { enumValues { name } } }', yes);

  // Choosing the operation, as `execute` does.
  r = 'OperationSelection';
  add(r, 'two operations without operationName', 'query A { __typename }\nquery B { integrations { totalCount } }', no);
  add(r, 'unknown operationName', 'query A { __typename }', { ...no, operationName: 'B' });
  add(r, 'operationName for an anonymous operation', '{ __typename }', { ...no, operationName: 'Named' });
  add(r, 'valid: operationName chooses the second', 'query A { __typename }\nquery B { integrations { totalCount } }', { ...yes, operationName: 'B' });
  add(r, 'valid: null operationName with one operation', 'query A { __typename }', { ...yes, operationName: null });

  // Variable coercion (graphql-js getVariableValues). Each document comes first with valid
  // variables, so the server has seen it before it gets invalid ones.
  r = 'VariableCoercion';
  const byId = 'query Run($id: Int!) { integrationRun(id: $id) { id } }';
  add(r, 'valid: Int! given', byId, { ...yes, variables: { id: R } });
  add(r, 'required variable missing', byId, { ...no, variables: {} });
  add(r, 'null for a non-null variable', byId, { ...no, variables: { id: null } });
  add(r, 'String for an Int', byId, { ...no, variables: { id: String(R) } });
  add(r, 'Float for an Int', byId, { ...no, variables: { id: 1.5 } });
  add(r, 'Int above 2^31-1', byId, { ...no, variables: { id: 2147483648 } });
  add(r, 'Int below -2^31', byId, { ...no, variables: { id: -2147483649 } });
  add(r, 'Boolean for an Int', byId, { ...no, variables: { id: true } });
  add(r, 'list for an Int', byId, { ...no, variables: { id: [R] } });
  add(r, 'object for an Int', byId, { ...no, variables: { id: {} } });
  add(r, 'valid: JSON number 1.0 for an Int', byId, { ...yes, variablesJSON: '{"id": 1.0}' });
  add(r, 'valid: JSON number 1e2 for an Int', byId, { ...yes, variablesJSON: '{"id": 1e2}' });
  add(r, 'valid: a variable the operation does not define', byId, { ...yes, variables: { id: R, extra: 'unused' } });
  const byIdBeside = 'query RunBeside($id: Int!) { integrationRun(id: $id) { id } integrations { totalCount } }';
  add(r, 'valid: Int! beside another root field', byIdBeside, { ...yes, variables: { id: R } });
  add(r, 'Int above 2^31-1 beside another root field', byIdBeside, { ...no, variables: { id: 2147483648 } });
  add(r, 'required variable missing beside another root field', byIdBeside, { ...no, variables: {} });

  const byIds = 'query Runs($ids: [Int!]) { integrationRuns(filter: {id: {in: $ids}}) { totalCount } }';
  add(r, 'valid: list of Int', byIds, { ...yes, variables: { ids: [R] } });
  add(r, 'valid: one value for a list', byIds, { ...yes, variables: { ids: R } });
  add(r, 'valid: null for a nullable list', byIds, { ...yes, variables: { ids: null } });
  add(r, 'valid: nullable list left out', byIds, { ...yes, variables: {} });
  add(r, 'null item in a list of non-null', byIds, { ...no, variables: { ids: [1, null] } });
  add(r, 'String item in a list of Int', byIds, { ...no, variables: { ids: ['1'] } });
  add(r, 'nested list for a list', byIds, { ...no, variables: { ids: [[1]] } });
  add(r, 'String for a list of Int', byIds, { ...no, variables: { ids: '1' } });

  const byStatus = 'query ByStatus($s: RunStatus!) { integrationRuns(filter: {status: {eq: $s}}) { totalCount } }';
  add(r, 'valid: enum value name', byStatus, { ...yes, variables: { s: 'RUNNING' } });
  add(r, 'unknown enum value name', byStatus, { ...no, variables: { s: 'RUNING' } });
  add(r, 'enum value name in lower case', byStatus, { ...no, variables: { s: 'running' } });
  add(r, 'Int for an enum', byStatus, { ...no, variables: { s: 1 } });
  add(r, 'null for a non-null enum', byStatus, { ...no, variables: { s: null } });
  add(r, 'list for an enum', byStatus, { ...no, variables: { s: ['RUNNING'] } });

  const byFilter = 'query Filtered($f: IntegrationRunFilter) { integrationRuns(filter: $f) { totalCount } }';
  add(r, 'valid: input object', byFilter, { ...yes, variables: { f: { status: { in: ['RUNNING', 'PAUSED'] } } } });
  add(r, 'unknown field in an input object', byFilter, { ...no, variables: { f: { statuss: { eq: 'RUNNING' } } } });
  add(r, 'enum in a nested input object given in the wrong case', byFilter, { ...no, variables: { f: { status: { eq: 'Running' } } } });
  add(r, 'String for an input object', byFilter, { ...no, variables: { f: 'status' } });
  add(r, 'list for an input object', byFilter, { ...no, variables: { f: [{}] } });
  add(r, 'valid: one object for a list of input objects', byFilter, { ...yes, variables: { f: { and: { id: { eq: 1 } } } } });
  add(r, 'wrong scalar three levels deep', byFilter, { ...no, variables: { f: { not: { not: { id: { eq: 'x' } } } } } });
  add(r, 'Int above 2^31-1 in an input object', byFilter, { ...no, variables: { f: { id: { eq: 2147483648 } } } });
  add(r, 'valid: DateTime string', byFilter, { ...yes, variables: { f: { createdAt: { gt: '2024-01-01T00:00:00Z' } } } });
  add(r, 'DateTime string that is no date', byFilter, { ...no, variables: { f: { createdAt: { gt: 'yesterday' } } } });
  add(r, 'DateTime given as a number', byFilter, { ...no, variables: { f: { createdAt: { gt: 1700000000 } } } });
  const nested = 'query Nested($f: IntegrationRunFilter, $n: Int) { integrations { nodes { runs(filter: $f, first: $n) { totalCount } } } }';
  add(r, 'valid: variables of a nested field', nested, { ...yes, variables: { f: { status: { eq: 'RUNNING' } }, n: 2 } });
  add(r, 'unknown enum value for a nested field', nested, { ...no, variables: { f: { status: { eq: 'RUN' } } } });
  add(r, 'Int above 2^31-1 for a nested field', nested, { ...no, variables: { n: 2147483648 } });

  const newRun = 'mutation NewRun($input: CreateIntegrationRunInput!) { createIntegrationRun(input: $input) { id status } }';
  add(r, 'valid: nested input object with a OneOf', newRun, { ...yes, variables: { input: { integration: { code: S } } } });
  add(r, 'valid: nested input object with JSON', newRun, { ...yes, variables: { input: { integration: { id: I }, totalRecords: 10, flow: { a: [1] } } } });
  add(r, 'required nested field missing', newRun, { ...no, variables: { input: {} } });
  add(r, 'OneOf with no field', newRun, { ...no, variables: { input: { integration: {} } } });
  add(r, 'OneOf with two fields', newRun, { ...no, variables: { input: { integration: { id: I, code: S } } } });
  add(r, 'OneOf with one field and one null', newRun, { ...no, variables: { input: { integration: { id: I, code: null } } } });
  add(r, 'OneOf with its field null', newRun, { ...no, variables: { input: { integration: { id: null } } } });
  add(r, 'String for an Int in a nested object', newRun, { ...no, variables: { input: { integration: { code: S }, totalRecords: '10' } } });
  add(r, 'unknown field in a nested object', newRun, { ...no, variables: { input: { integration: { code: S }, priority: 1 } } });
  add(r, 'DateTime that is no date in a nested object', newRun, { ...no, variables: { input: { integration: { code: S }, startTime: 'not a time' } } });

  const batch = 'mutation Batch($inputs: [NewHistoryRecordInput!]!) { createIntegrationHistoryRecords(inputs: $inputs) { id } }';
  const record = { contactAlertType: 'BOTH', documentType: 'INVOICE', documentId: 1, integrationRunId: R };
  add(r, 'valid: one object for a list of input objects', batch, { ...yes, variables: { inputs: record } });
  add(r, 'valid: empty list', batch, { ...yes, variables: { inputs: [] } });
  add(r, 'required field missing in a list item', batch, { ...no, variables: { inputs: [{ contactAlertType: 'BOTH', documentType: 'INVOICE' }] } });
  add(r, 'null item in a nested list of non-null', batch, { ...no, variables: { inputs: [{ ...record, responses: [null] }] } });
  add(r, 'null for a non-null list', batch, { ...no, variables: { inputs: null } });

  const page = 'query Page($first: Int = 5, $after: String) { integrations(first: $first, after: $after) { totalCount } }';
  add(r, 'valid: defaults used', page, { ...yes, variables: {} });
  add(r, 'valid: explicit null over a default', page, { ...yes, variables: { first: null } });
  add(r, 'Int for a String', page, { ...no, variables: { after: 5 } });
  add(r, 'String for an Int with a default', page, { ...no, variables: { first: '5' } });

  const flag = 'query Flag($show: Boolean!) { integrations @include(if: $show) { totalCount } }';
  add(r, 'valid: Boolean', flag, { ...yes, variables: { show: true } });
  add(r, 'String for a Boolean', flag, { ...no, variables: { show: 'true' } });
  add(r, 'Int for a Boolean', flag, { ...no, variables: { show: 1 } });
  add(r, 'required Boolean missing', flag, { ...no, variables: {} });

  const byCode = 'query Code($code: String!) { integration(code: $code) { id } }';
  add(r, 'valid: String', byCode, { ...yes, variables: { code: S } });
  add(r, 'Int for a String', byCode, { ...no, variables: { code: 5 } });
  add(r, 'Boolean for a String', byCode, { ...no, variables: { code: true } });
  add(r, 'object for a String', byCode, { ...no, variables: { code: {} } });
  add(r, 'list for a String', byCode, { ...no, variables: { code: ['x'] } });

  const flow = `mutation Flow($flow: JSON) { createIntegrationRun(input: {integration: {code: "${S}"}, flow: $flow}) { id } }`;
  add(r, 'valid: JSON object', flow, { ...yes, variables: { flow: { x: [1, null, 'y'] } } });
  add(r, 'valid: JSON string', flow, { ...yes, variables: { flow: 'text' } });
  add(r, 'valid: JSON null', flow, { ...yes, variables: { flow: null } });

  const ordered = 'query Ordered($o: IntegrationRunOrder = {field: ID}) { integrationRuns(orderBy: $o) { totalCount } }';
  add(r, 'valid: input object default', ordered, { ...yes, variables: {} });
  add(r, 'required field of an input object missing', ordered, { ...no, variables: { o: { direction: 'DESC' } } });

  const watch = 'subscription Watch($run: Int, $statuses: [RunStatus!]) { integrationRunStatusChanged(runId: $run, statuses: $statuses) { sequence status } }';
  add(r, 'valid: subscription variables, one value for a list', watch, { ...yes, variables: { run: R, statuses: 'RUNNING' } });
  add(r, 'subscription variable with an unknown enum value', watch, { ...no, variables: { statuses: ['RUN'] } });
  add(r, 'subscription variable String for an Int', watch, { ...no, variables: { run: '1' } });

  return cases;
}

// ---------------------------------------------------------------------------------------------
// Mutated documents: valid documents changed by one random edit each.

function baseDocuments({ code: S, integrationId: I, runId: R }) {
  return [
    { name: 'run page', query: 'query RunPage($first: Int, $status: RunStatus!) { integrationRuns(first: $first, filter: {status: {eq: $status}}, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount pageInfo { hasNextPage endCursor } nodes { id status integration { code } } } }', variables: { first: 5, status: 'PENDING' } },
    { name: 'integration by code', query: `{ integration(code: "${S}") { id code direction endSystemType runs(first: 2) { nodes { id status } } } }` },
    { name: 'integration fragment', query: 'query One($id: Int!) { integration(id: $id) { ...IntegrationFields } }\nfragment IntegrationFields on Integration { id name createdAt createdBy { name } }', variables: { id: I } },
    { name: 'integration filter', query: '{ integrations(filter: {or: [{direction: {eq: TO_COUPA}}, {endSystemType: {in: [ERP, HR]}}]}, limit: 3) { nodes { code ... on Integration { standard } } } }' },
    { name: 'run counts', query: 'query Counts($groupBy: [IntegrationRunGroupBy!]!) { integrationRunCounts(groupBy: $groupBy) { status count totalRecords } }', variables: { groupBy: ['STATUS'] } },
    { name: 'history records', query: 'query Records($resolved: Boolean) { integrationHistoryRecords(filter: {resolved: {eq: $resolved}, documentType: {eq: INVOICE}}, first: 3) { edges { cursor node { id documentId responses { responseCode } } } } }', variables: { resolved: false } },
    { name: 'run detail', query: `{ integrationRun(id: ${R}) { id status flow startTime integrationErrors(first: 1) { totalCount } historyRecords(last: 1) { totalCount } } }` },
    { name: 'exports', query: 'query Exports { documentExports(filter: {exported: {eq: false}}) { totalCount } documentExport(documentType: INVOICE, documentId: 1) { exported } }' },
    { name: 'alerts', query: 'query Alerts($after: String) { integrationAlerts(after: $after, first: 2, orderBy: {direction: DESC}) { nodes { id message contactAlertType } } }', variables: { after: null } },
    { name: 'skip and include', query: 'query Skip($skip: Boolean!, $include: Boolean = true) { integrations @skip(if: $skip) { totalCount } runs: integrationRuns @include(if: $include) { totalCount } }', variables: { skip: false } },
    { name: 'create integration', query: 'mutation NewIntegration($code: String!) { createIntegration(input: {code: $code, name: $code, businessObject: "Invoice", direction: FROM_COUPA, endSystem: "SAP", endSystemType: ERP}) { id code } }', variables: { code: 'DIFF-MUTANT' } },
    { name: 'create run', query: `mutation NewRun { createIntegrationRun(input: {integration: {code: "${S}"}, totalRecords: 10, flow: {source: "differential"}}) { id status integration { id } } }` },
    { name: 'update run', query: 'mutation Update($id: Int!, $input: IntegrationRunInput!) { updateIntegrationRun(id: $id, input: $input) { id recordsProcessed } }', variables: { id: R, input: { totalRecords: 10, recordsProcessed: 1 } } },
    { name: 'create error', query: 'mutation Error($runId: Int!) { createIntegrationError(input: {contactAlertType: TECHNICAL, integrationRunId: $runId, documentType: INVOICE, documentId: 7, responses: [{responseCode: "500", responseMessage: "boom"}]}) { id resolved responses { id } } }', variables: { runId: R } },
    { name: 'introspection', query: 'query Introspect { __type(name: "IntegrationRun") { name fields { name type { name kind ofType { name } } } } }' },
    { name: 'typename and edges', query: '{ __typename q: integrations(first: 1) { edges { node { __typename id } } } }' },
    { name: 'errors filter', query: 'query Errors($f: IntegrationErrorFilter) { integrationErrors(filter: $f, orderBy: {field: CREATED_AT}) { totalCount nodes { id status integrationRun { id } } } }', variables: { f: { resolved: { eq: false }, createdAt: { gte: '2020-01-01T00:00:00Z' } } } },
    { name: 'two operations', query: 'query Two { integrations { totalCount } }\nquery Other($id: Int!) { integrationRun(id: $id) { id } }', operationName: 'Other', variables: { id: R } },
    { name: 'record response', query: 'mutation Response($to: DocumentRef!) { addIntegrationRecordResponse(input: {to: $to, responseCode: "200"}) { id } }', variables: { to: { integrationErrorId: 1 } } },
    { name: 'watch runs', query: 'subscription Watch($run: Int) { integrationRunStatusChanged(runId: $run, statuses: [RUNNING, PAUSED]) { sequence previousStatus status run { id } } }', variables: { run: R } },
    { name: 'watch alerts', query: `subscription Alerts { integrationAlertRaised(integration: {code: "${S}"}, contactAlertType: BOTH) { sequence alert { id message } } }` },
  ];
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NO_LOC = { noLocation: true };
const VALUE_POOL = ['7', '-1', '2147483648', '1.5', '"text"', '"RUNNING"', 'true', 'null', 'RUNNING', 'INVOICE', '[1, 2]', '[]', '{eq: 1}', '{}', '$nowhere', '"2024-01-01T00:00:00Z"'].map((v) => parseValue(v, NO_LOC));
const TYPE_POOL = ['Int', 'Int!', 'String', 'String!', 'Boolean!', '[Int!]', '[Int]!', 'RunStatus', 'RunStatus!', '[RunStatus!]', 'IntegrationRunFilter', 'IntegrationRefInput!', 'DateTime', 'JSON', 'ID', 'Float', 'Integration', 'Upload'].map((t) => parseType(t, NO_LOC));
const DIRECTIVE_POOL = ['@unknown', '@skip(if: true)', '@include(if: false)', '@include(if: true)', '@skip', '@include(if: "yes")', '@skip(if: $nowhere)', '@oneOf', '@deprecated', '@specifiedBy(url: "x")', '@skip(if: false) @skip(if: false)'].map((d) => parse(`{ f ${d} }`, NO_LOC).definitions[0].selectionSet.selections[0].directives);
const FIELD_NAMES = [...new Set(Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && t.getFields).flatMap((t) => Object.keys(t.getFields())))].sort();
const ENUM_VALUES = [...new Set(Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && t.getValues).flatMap((t) => t.getValues().map((v) => v.name)))].sort();
const TYPE_NAMES = Object.keys(schema.getTypeMap()).filter((n) => !n.startsWith('__')).sort();

const nameNode = (value) => ({ kind: Kind.NAME, value });
const clone = (x) => structuredClone(x);

function nodesOf(doc, kinds) {
  const found = [];
  visit(doc, { enter: (node) => { if (kinds.includes(node.kind)) found.push(node); } });
  return found;
}

function replaceNode(doc, target, replacement) {
  let done = false;
  return visit(doc, {
    enter: (node) => {
      if (done || node !== target) return undefined;
      done = true;
      return replacement;
    },
  });
}

/** Picks a node of these kinds (filtered) and replaces it with what `edit` makes of it. */
function editOne(rand, doc, kinds, edit, filter = () => true) {
  const candidates = nodesOf(doc, kinds).filter(filter);
  if (!candidates.length) return null;
  const target = candidates[Math.floor(rand() * candidates.length)];
  const replacement = edit(clone(target), target);
  if (replacement === undefined) return null;
  return replaceNode(doc, target, replacement);
}

/** Edits a selection set's list of selections at one index. */
function editSelections(rand, doc, edit) {
  return editOne(rand, doc, [Kind.SELECTION_SET], (set) => {
    const i = Math.floor(rand() * set.selections.length);
    const selections = edit(set.selections, i);
    return selections ? { ...set, selections } : undefined;
  });
}

const pick = (rand, xs) => xs[Math.floor(rand() * xs.length)];
const isField = (n) => n.kind === Kind.FIELD;
const firstOperation = (doc) => doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);

/** Each mutation takes (rand, {doc, text, variables}) and returns {doc} or {text} and maybe
 * {variables, operationName}, or null when it does not apply. */
const MUTATIONS = {
  'drop a field': (rand, { doc }) => ({ doc: editSelections(rand, doc, (s, i) => (isField(s[i]) ? s.filter((_, j) => j !== i) : null)) }),
  'duplicate a field': (rand, { doc }) => ({ doc: editSelections(rand, doc, (s, i) => [...s.slice(0, i + 1), clone(s[i]), ...s.slice(i + 1)]) }),
  'rename a field': (rand, { doc }) => ({ doc: editOne(rand, doc, [Kind.FIELD], (f) => ({ ...f, name: nameNode(rand() < 0.3 ? `${f.name.value}s` : pick(rand, FIELD_NAMES)) })) }),
  'alias a field as a sibling': (rand, { doc }) => ({
    doc: editSelections(rand, doc, (s, i) => {
      const others = s.filter((x, j) => j !== i && isField(x));
      if (!isField(s[i]) || !others.length) return null;
      const other = pick(rand, others);
      return s.map((x, j) => (j === i ? { ...x, alias: nameNode((other.alias ?? other.name).value) } : x));
    }),
  }),
  'wrap a field in an inline fragment': (rand, { doc }) => ({
    doc: editSelections(rand, doc, (s, i) => {
      const typeCondition = rand() < 0.5 ? undefined : { kind: Kind.NAMED_TYPE, name: nameNode(pick(rand, TYPE_NAMES)) };
      const fragment = { kind: Kind.INLINE_FRAGMENT, typeCondition, directives: [], selectionSet: { kind: Kind.SELECTION_SET, selections: [clone(s[i])] } };
      return s.map((x, j) => (j === i ? fragment : x));
    }),
  }),
  'swap an argument value': (rand, { doc }) => ({ doc: editOne(rand, doc, [Kind.ARGUMENT, Kind.OBJECT_FIELD], (a) => ({ ...a, value: clone(pick(rand, VALUE_POOL)) })) }),
  'drop an argument': (rand, { doc }) => ({ doc: editOne(rand, doc, [Kind.ARGUMENT], () => null) }),
  'duplicate an argument': (rand, { doc }) => ({
    doc: editOne(rand, doc, [Kind.FIELD, Kind.DIRECTIVE], (n) => {
      if (!n.arguments?.length) return undefined;
      const i = Math.floor(rand() * n.arguments.length);
      return { ...n, arguments: [...n.arguments, clone(n.arguments[i])] };
    }),
  }),
  'add an argument': (rand, { doc }) => ({
    doc: editOne(rand, doc, [Kind.FIELD], (f) => ({
      ...f,
      arguments: [...(f.arguments ?? []), { kind: Kind.ARGUMENT, name: nameNode(pick(rand, ['first', 'id', 'filter', 'limit', 'if', 'extra'])), value: clone(pick(rand, VALUE_POOL)) }],
    })),
  }),
  'swap an enum value': (rand, { doc }) => ({ doc: editOne(rand, doc, [Kind.ENUM], (e) => ({ ...e, value: rand() < 0.2 ? e.value.toLowerCase() : pick(rand, ENUM_VALUES) })) }),
  'duplicate an input field': (rand, { doc }) => ({
    doc: editOne(rand, doc, [Kind.OBJECT], (o) => (o.fields.length ? { ...o, fields: [...o.fields, clone(pick(rand, o.fields))] } : undefined)),
  }),
  'drop an input field': (rand, { doc }) => ({ doc: editOne(rand, doc, [Kind.OBJECT_FIELD], () => null) }),
  'duplicate a variable definition': (rand, { doc }) => ({
    doc: editOne(rand, doc, [Kind.OPERATION_DEFINITION], (op) => (op.variableDefinitions?.length ? { ...op, variableDefinitions: [...op.variableDefinitions, clone(pick(rand, op.variableDefinitions))] } : undefined)),
  }),
  "change a variable's type": (rand, { doc }) => ({ doc: editOne(rand, doc, [Kind.VARIABLE_DEFINITION], (v) => ({ ...v, type: clone(pick(rand, TYPE_POOL)) })) }),
  'drop a variable definition': (rand, { doc }) => ({ doc: editOne(rand, doc, [Kind.VARIABLE_DEFINITION], () => null) }),
  'add an unused variable': (rand, { doc }) => ({
    doc: editOne(rand, doc, [Kind.OPERATION_DEFINITION], (op) => ({
      ...op,
      variableDefinitions: [...(op.variableDefinitions ?? []), { kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: nameNode('unused') }, type: clone(pick(rand, TYPE_POOL)), directives: [] }],
    })),
  }),
  'add a default value': (rand, { doc }) => ({
    doc: editOne(rand, doc, [Kind.VARIABLE_DEFINITION], (v) => ({ ...v, defaultValue: clone(pick(rand, VALUE_POOL.filter((x) => x.kind !== Kind.VARIABLE))) })),
  }),
  'add a directive': (rand, { doc }) => ({
    doc: editOne(rand, doc, [Kind.FIELD, Kind.INLINE_FRAGMENT, Kind.FRAGMENT_SPREAD, Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION], (n) => ({ ...n, directives: [...(n.directives ?? []), ...clone(pick(rand, DIRECTIVE_POOL))] })),
  }),
  'change the operation type': (rand, { doc }) => ({
    doc: editOne(rand, doc, [Kind.OPERATION_DEFINITION], (op) => {
      const others = ['query', 'mutation', 'subscription'].filter((t) => t !== op.operation);
      return { ...op, operation: pick(rand, others) };
    }),
  }),
  'remove a closing brace': (rand, { text }) => {
    const at = [...text.matchAll(/\}/g)].map((m) => m.index);
    if (!at.length) return null;
    const i = pick(rand, at);
    return { text: text.slice(0, i) + text.slice(i + 1) };
  },
  'delete a character': (rand, { text }) => {
    const i = Math.floor(rand() * text.length);
    return { text: text.slice(0, i) + text.slice(i + 1) };
  },
  'insert a punctuator': (rand, { text }) => {
    const i = Math.floor(rand() * (text.length + 1));
    return { text: text.slice(0, i) + pick(rand, ['{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '=', '"', '...', '|', '&']) + text.slice(i) };
  },
  'truncate the document': (rand, { text }) => ({ text: text.slice(0, Math.floor(rand() * text.length)) }),
  'drop a variable value': (rand, { variables }) => {
    const keys = Object.keys(variables);
    if (!keys.length) return null;
    const v = { ...variables };
    delete v[pick(rand, keys)];
    return { variables: v };
  },
  'change a variable value': (rand, { variables }) => {
    const keys = Object.keys(variables);
    if (!keys.length) return null;
    const key = pick(rand, keys);
    const value = pick(rand, [null, 'text', 'RUNNING', 7, -1, 2147483648, 1.5, true, [], [1], {}, { eq: 1 }, { integration: { code: 'X' } }]);
    return { variables: { ...variables, [key]: value } };
  },
  'add a field to a variable object': (rand, { variables }) => {
    const keys = Object.keys(variables).filter((k) => variables[k] && typeof variables[k] === 'object' && !Array.isArray(variables[k]));
    if (!keys.length) return null;
    const key = pick(rand, keys);
    return { variables: { ...variables, [key]: { ...variables[key], [pick(rand, ['extra', 'id', 'eq', 'code'])]: pick(rand, [1, 'x', null]) } } };
  },
  'change the operation name': (rand, { doc, operationName }) => {
    const names = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION && d.name).map((d) => d.name.value);
    return { operationName: pick(rand, [...names, 'Missing', null].filter((n) => n !== operationName)) };
  },
};

function mutatedCases(bases, count, seed) {
  const rand = mulberry32(seed);
  const names = Object.keys(MUTATIONS);
  const cases = [];
  const seen = new Set();
  let attempts = 0;
  while (cases.length < count && attempts < count * 20) {
    attempts += 1;
    const b = pick(rand, bases);
    const op = pick(rand, names);
    const doc = parse(b.query, NO_LOC);
    const variables = b.variables ?? {};
    const out = MUTATIONS[op](rand, { doc, text: b.query, variables: clone(variables), operationName: b.operationName });
    if (!out || (out.doc === null)) continue;
    const c = {
      rule: `mutated: ${op}`,
      name: `#${cases.length + 1} ${b.name}`,
      query: out.doc ? print(out.doc) : out.text ?? b.query,
      variables: out.variables ?? variables,
      operationName: 'operationName' in out ? out.operationName : b.operationName,
    };
    const key = JSON.stringify([c.query, c.variables, c.operationName]);
    const original = JSON.stringify([b.query, variables, b.operationName]);
    if (seen.has(key) || key === original || (out.doc && print(out.doc) === print(doc) && !out.variables && !('operationName' in out))) continue;
    seen.add(key);
    cases.push(c);
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Checks of the corpus itself.

const RULES = Object.fromEntries(specifiedRules.map((rule) => [rule.name.replace(/Rule$/, ''), rule]));

function refusedByRule(doc, rule) {
  try {
    return validate(schema, doc, [rule]).length > 0;
  } catch {
    return true; // thrown, as judgeWithGraphqlJs explains
  }
}

function checkCorpus(cases) {
  const problems = [];
  const covered = new Set();
  for (const c of cases) {
    const js = c.js;
    if (c.expect && js.verdict !== c.expect) {
      problems.push(`${c.rule} / ${c.name}: expected graphql-js to ${c.expect}, it did (${js.stage}: ${js.message})`);
    }
    const rule = RULES[c.rule];
    if (rule && js.verdict === 'refuse' && !c.name.startsWith('valid')) {
      const doc = tryParse(c.query);
      if (doc && refusedByRule(doc, rule)) covered.add(c.rule);
      else problems.push(`${c.rule} / ${c.name}: rule ${c.rule} alone does not refuse it (${js.message})`);
    }
  }
  for (const rule of Object.keys(RULES)) {
    if (!covered.has(rule)) problems.push(`no invalid case for rule ${rule}`);
  }
  if (problems.length) fail(`the corpus is wrong:\n  ${problems.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------
// Run.

const started = Date.now();
async function seedData() {
  if (CORPUS_ONLY) return { code: 'DIFF-SEED', integrationId: 1, runId: 1 };
  const code = `DIFF-SEED-${started}`;
  const { createIntegration } = await gql(
    `mutation($code: String!) { createIntegration(input: {code: $code, name: $code,
      businessObject: "Invoice", direction: FROM_COUPA, endSystem: "SAP", endSystemType: ERP}) { id } }`,
    { code },
  );
  const { createIntegrationRun } = await gql(
    'mutation($id: Int!) { createIntegrationRun(input: {integration: {id: $id}}) { id } }',
    { id: createIntegration.id },
  );
  return { code, integrationId: createIntegration.id, runId: createIntegrationRun.id };
}
const seed = await seedData();

const handWritten = handWrittenCases(seed);
const mutated = mutatedCases(baseDocuments(seed), MUTANTS, SEED);
let cases = [...handWritten, ...mutated];
for (const c of cases) {
  c.js = judgeWithGraphqlJs(c);
  c.transport = transportOf(c);
}
// The valid bases are cases too: a mutant means little if its base is refused.
for (const b of baseDocuments(seed)) {
  const c = { rule: 'mutation base', name: b.name, query: b.query, variables: b.variables ?? {}, operationName: b.operationName, expect: 'accept' };
  c.js = judgeWithGraphqlJs(c);
  c.transport = transportOf(c);
  cases.push(c);
}
checkCorpus(cases);
if (ONLY) cases = cases.filter((c) => `${c.rule} ${c.name}`.includes(ONLY));
if (CORPUS_ONLY) {
  const counts = new Map();
  for (const c of cases) {
    const key = c.rule.startsWith('mutated') ? 'mutated' : c.rule;
    const [refused, accepted] = counts.get(key) ?? [0, 0];
    counts.set(key, c.js.verdict === 'refuse' ? [refused + 1, accepted] : [refused, accepted + 1]);
  }
  console.log('cases per rule (refused by graphql-js / accepted):');
  for (const [rule, [refused, accepted]] of counts) console.log(`  ${rule.padEnd(28)} ${String(refused).padStart(4)} / ${accepted}`);
  if (VERBOSE) for (const c of cases) console.log(`${c.js.verdict.padEnd(6)} ${c.transport.padEnd(4)} ${c.rule} / ${c.name}: ${c.query.replace(/\s+/g, ' ')}  ${JSON.stringify(c.variables ?? {})}  — ${c.js.message}`);
  process.exit(0);
}

for (const c of cases.filter((x) => x.transport === 'post')) {
  c.server = await judgeOverPost(c);
  if (REPEAT) {
    // The gateway answers a document it has answered before by another path (direct reads).
    const again = await judgeOverPost(c);
    if (again.verdict !== c.server.verdict) {
      c.server = { verdict: 'unstable', message: `${c.server.verdict} (${c.server.message}), then ${again.verdict} (${again.message})` };
    }
  }
}
const wsCases = cases.filter((x) => x.transport === 'ws');
if (wsCases.length) {
  const client = createClient({ url: endpoint.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  const CONCURRENCY = 8;
  for (let i = 0; i < wsCases.length; i += CONCURRENCY) {
    const chunk = wsCases.slice(i, i + CONCURRENCY);
    const verdicts = await Promise.all(chunk.map((c) => judgeOverWebSocket(client, c)));
    chunk.forEach((c, j) => { c.server = verdicts[j]; });
  }
  await client.dispose();
}

// ---------------------------------------------------------------------------------------------
// Report.

const short = (s, n) => {
  const one = String(s ?? '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00a0\ufeff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\s+/g, ' ')
    .trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};
// Disagreements we know, each with its reason. A known case that disagrees is reported but does
// not fail the run; one that starts agreeing fails it, so the list only shrinks.
const KNOWN = new Map([
  ['nullable variable in a OneOf input object at a non-null position',
    "the spec (All Variable Usages Are Allowed, OneOf Input Objects) refuses it; graphql-js 16.15 and 17.1 miss it when the OneOf object's own position is non-null (their check asks whether the parent input type is a OneOf object without unwrapping its non-null type)"],
]);
const disagree = cases.filter((c) => c.server.verdict !== c.js.verdict);
const known = disagree.filter((c) => KNOWN.has(c.name));
const nowAgreeing = [...KNOWN.keys()].filter(
  (name) => cases.some((c) => c.name === name) && !disagree.some((c) => c.name === name),
);
const failed = disagree.filter((c) => !KNOWN.has(c.name));
const passed = cases.length - disagree.length;

const count = (f) => cases.filter(f).length;
const isMutant = (c) => c.rule.startsWith('mutated');
const isBase = (c) => c.rule === 'mutation base';
console.log(
  `corpus: ${cases.length} cases: ${count((c) => !isMutant(c) && !isBase(c))} hand-written, ` +
    `${count(isMutant)} mutated (seed ${SEED}) and their ${count(isBase)} valid bases; ` +
    `${wsCases.length} over the WebSocket`,
);
console.log(`graphql-js refuses ${count((c) => c.js.verdict === 'refuse')}, accepts ${count((c) => c.js.verdict === 'accept')}`);
if (VERBOSE) {
  const byRule = new Map();
  for (const c of cases) {
    const [n, bad] = byRule.get(c.rule) ?? [0, 0];
    byRule.set(c.rule, [n + 1, bad + (c.server.verdict === c.js.verdict ? 0 : 1)]);
  }
  console.log('cases and disagreements per rule:');
  for (const [rule, [n, bad]] of byRule) console.log(`  ${rule.padEnd(42)} ${String(n).padStart(4)} ${String(bad).padStart(4)}`);
  for (const c of cases) {
    console.log(`${c.server.verdict === c.js.verdict ? 'ok  ' : 'FAIL'} ${c.rule} / ${c.name}: graphql-js ${c.js.verdict}, server ${c.server.verdict} (${short(c.server.message, 100)})`);
  }
}

if (failed.length) {
  const rows = failed.map((c) => [
    c.name,
    c.rule,
    `${c.js.verdict}: ${short(c.js.message, 70)}`,
    `${c.server.verdict}: ${short(c.server.message, 70)}`,
  ]);
  const header = ['case', 'rule', 'graphql-js', 'server'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((row) => row[i].length))));
  const line = (cells) =>
    `| ${cells.map((cell, i) => short(cell, widths[i]).padEnd(widths[i]).replaceAll('|', '¦')).join(' | ')} |`;
  console.log(`\n${failed.length} disagreements:\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log('\nthe documents:');
  for (const c of failed) {
    const extra = [
      c.variablesJSON ?? (Object.keys(c.variables ?? {}).length ? JSON.stringify(c.variables) : ''),
      c.operationName !== undefined ? `operationName ${JSON.stringify(c.operationName)}` : '',
      c.transport === 'ws' ? 'over the WebSocket' : '',
    ].filter(Boolean).join('; ');
    console.log(`  ${c.name} [${c.rule}]: ${short(c.query, 240)}${extra ? `  — ${short(extra, 160)}` : ''}`);
  }
}

if (known.length) {
  console.log(`\n${known.length} known disagreements (not failures):`);
  for (const c of known) console.log(`  ${c.name} [${c.rule}]: ${KNOWN.get(c.name)}`);
}
if (nowAgreeing.length) {
  console.log('\nknown disagreements that now agree (remove them from KNOWN):');
  for (const name of nowAgreeing) console.log(`  ${name}`);
}

if (JSON_OUT) {
  writeFileSync(JSON_OUT, JSON.stringify(cases.map(({ rule, name, query, variables, variablesJSON, operationName, transport, js, server }) => ({ rule, name, query, variables, variablesJSON, operationName, transport, js, server })), null, 2));
}
console.log(`\ntook ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed.length + nowAgreeing.length} failed, ${known.length} skipped`);
process.exit(failed.length || nowAgreeing.length ? 1 : 0);

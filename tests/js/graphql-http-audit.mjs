// graphql-http's server audit (the reference implementation's checks of the GraphQL over HTTP
// spec) against a running gateway: node tests/js/graphql-http-audit.mjs http://host:port/graphql
//
// Every audit must pass — MUST, SHOULD and MAY alike (src/http/graphql_http/mod.rs says which
// rules the transport follows); any other status fails the run, naming the audit and its reason.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node tests/js/graphql-http-audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url, fetchFn: fetch });
const levels = {};
const failed = [];
for (const result of results) {
  const level = result.name.split(' ')[0];
  levels[level] ??= { passed: 0, total: 0 };
  levels[level].total += 1;
  if (result.status === 'ok') {
    levels[level].passed += 1;
  } else {
    failed.push(result);
  }
}
console.log(
  `graphql-http audit (${results.length} audits): ` +
    Object.entries(levels)
      .map(([level, n]) => `${level} ${n.passed}/${n.total}`)
      .join(', '),
);
for (const result of failed) {
  console.error(`${result.status}: ${result.name} (${result.id}): ${result.reason}`);
}
process.exit(failed.length === 0 && results.length > 0 ? 0 : 1);

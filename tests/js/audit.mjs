// Runs the graphql-http server audits against a live hub and prints the
// results as JSON: one {id, name, status, reason} per audit.
// Usage: node audit.mjs <graphql url> <bearer token>
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);

// The audits send no credentials of their own; the hub wants a token.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  results.push({
    id: audit.id,
    name: audit.name,
    status: result.status,
    reason: result.status === 'ok' ? null : result.reason,
  });
}
process.stdout.write(JSON.stringify(results));

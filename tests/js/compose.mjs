// Composes the hub's subgraph SDL (read from stdin) with the tickets subgraph
// and prints {errors} or {supergraph, incidentFields} as JSON.
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { ticketsTypeDefs } from './tickets.mjs';

const hubSdl = readFileSync(0, 'utf8');
const result = composeServices([
  { name: 'hub', url: 'http://hub.invalid/graphql', typeDefs: parse(hubSdl) },
  { name: 'tickets', url: 'http://tickets.invalid/graphql', typeDefs: ticketsTypeDefs },
]);

if (result.errors) {
  process.stdout.write(JSON.stringify({ errors: result.errors.map((e) => e.message) }));
} else {
  const incident = result.schema.toAPISchema().toGraphQLJSSchema().getType('Incident');
  process.stdout.write(JSON.stringify({
    supergraph: result.supergraphSdl,
    incidentFields: Object.keys(incident.getFields()),
  }));
}

// Runs @apollo/gateway in @apollo/server against the live hub and the tickets
// subgraph, sends a mutation and a query through it, and prints the answers.
// Usage: node gateway.mjs <hub graphql url> <bearer token> <team id>
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ticketsSchema } from './tickets.mjs';

const [hubUrl, token, teamId] = process.argv.slice(2);

const tickets = new ApolloServer({ schema: ticketsSchema() });
const { url: ticketsUrl } = await startStandaloneServer(tickets, { listen: { port: 0 } });

// Clients' credentials pass through to the hub; composition uses the token given.
class Authorized extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    request.http.headers.set('authorization', context?.authorization ?? `Bearer ${token}`);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: new IntrospectAndCompose({
    subgraphs: [
      { name: 'hub', url: hubUrl },
      { name: 'tickets', url: ticketsUrl },
    ],
  }),
  buildService: ({ url }) => new Authorized({ url }),
});
const server = new ApolloServer({ gateway });
const { url: gatewayUrl } = await startStandaloneServer(server, {
  listen: { port: 0 },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});

async function send(query, variables, authorization = `Bearer ${token}`) {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

const declared = await send(
  `mutation Declare($input: DeclareIncidentInput!) {
     declareIncident(input: $input) { id ref title team { slug } ticket { key url } }
   }`,
  { input: { title: 'Checkout through the gateway', teamId, severity: 'SEV2' } },
);
const listed = await send(
  `{ incidents(first: 5) { totalCount nodes { ref status region { name } ticket { key } } } }`,
);
const anonymous = await send('{ incidents(first: 1) { totalCount } }', {}, '');

await server.stop();
await tickets.stop();
process.stdout.write(JSON.stringify({ declared, listed, anonymous }));

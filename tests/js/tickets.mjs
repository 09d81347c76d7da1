// A second subgraph for the federation tests: it extends the hub's Incident
// entity with a ticket from an imaginary tracker.
import { parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';

export const ticketsTypeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    ticketSystem: String!
  }

  type Ticket {
    key: String!
    url: String!
  }

  extend type Incident @key(fields: "id") {
    id: ID!
    ticket: Ticket!
  }
`);

const resolvers = {
  Query: { ticketSystem: () => 'imaginary tracker' },
  Incident: {
    __resolveReference: (ref) => ({ id: ref.id }),
    ticket: (incident) => ({
      key: `OPS-${incident.id.slice(-6)}`,
      url: `https://tickets.example/OPS-${incident.id.slice(-6)}`,
    }),
  },
};

export const ticketsSchema = () => buildSubgraphSchema([{ typeDefs: ticketsTypeDefs, resolvers }]);

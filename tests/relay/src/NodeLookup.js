import { graphql } from 'relay-runtime';

// Direct use of the root fields: one object, and several in order.
export const NodeLookupQuery = graphql`
  query NodeLookupQuery($nodeId: ID!) {
    node(nodeId: $nodeId) {
      __typename
      ...NodeSummary_node
    }
  }
`;

export const NodeLookupManyQuery = graphql`
  query NodeLookupManyQuery($nodeIds: [ID!]!) {
    nodes(nodeIds: $nodeIds) {
      __typename
      ...NodeSummary_node
    }
  }
`;

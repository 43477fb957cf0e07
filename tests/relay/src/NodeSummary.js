import { graphql } from 'relay-runtime';

// A fragment on the interface itself: refetched through `node` like the object fragments.
export const NodeSummary = graphql`
  fragment NodeSummary_node on Node @refetchable(queryName: "NodeSummaryRefetchQuery") {
    __typename
    ... on Integration {
      code
    }
    ... on IntegrationRun {
      status
    }
    ... on IntegrationError {
      resolved
    }
    ... on IntegrationHistoryRecord {
      documentId
    }
    ... on IntegrationRecordResponse {
      responseCode
    }
    ... on User {
      name
    }
  }
`;

import { graphql } from 'relay-runtime';

// The page's root query: one integration with its runs (and their errors), the history records
// of the integration, and the list of the harness's integrations.
export const RelayHarnessQuery = graphql`
  query RelayHarnessQuery(
    $code: String!
    $records: IntegrationHistoryRecordFilter
    $integrations: IntegrationFilter
  ) {
    integration(code: $code) {
      __typename
      ...IntegrationDetails_integration
      ...IntegrationRuns_integration
      ...NodeSummary_node
    }
    integrationHistoryRecords(first: 10, filter: $records) {
      totalCount
      edges {
        node {
          __typename
          ...HistoryRecordFields_record
        }
      }
    }
    ...IntegrationList_query @arguments(filter: $integrations)
  }
`;

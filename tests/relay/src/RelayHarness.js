import { graphql } from 'relay-runtime';

// The page's root query: one integration with its runs (and their errors) and its contacts, the
// history records and alerts of the integration, and the list of the harness's integrations.
export const RelayHarnessQuery = graphql`
  query RelayHarnessQuery(
    $code: String!
    $records: IntegrationHistoryRecordFilter
    $integrations: IntegrationFilter
    $alerts: IntegrationAlertFilter
  ) {
    integration(code: $code) {
      __typename
      ...IntegrationDetails_integration
      ...IntegrationRuns_integration
      ...NodeSummary_node
      contacts {
        __typename
        ...ContactFields_contact
      }
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
    integrationAlerts(first: 10, filter: $alerts) {
      edges {
        node {
          __typename
          ...AlertFields_alert
        }
      }
    }
    ...IntegrationList_query @arguments(filter: $integrations)
  }
`;

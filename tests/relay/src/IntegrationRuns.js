import { graphql } from 'relay-runtime';

// An integration's runs as usePaginationFragment pages them: forward with count/cursor
// (first/after), backward with last/before, under filters that key the connection.
export const IntegrationRuns = graphql`
  fragment IntegrationRuns_integration on Integration
  @refetchable(queryName: "IntegrationRunsPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 2 }
    cursor: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
    filter: { type: "IntegrationRunFilter" }
    orderBy: { type: "IntegrationRunOrder" }
  ) {
    code
    runs(
      first: $count
      after: $cursor
      last: $last
      before: $before
      filter: $filter
      orderBy: $orderBy
    ) @connection(key: "IntegrationRuns_runs", filters: ["filter", "orderBy"]) {
      totalCount
      edges {
        cursor
        node {
          id
          ...RunFields_run
          ...RunErrors_run
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

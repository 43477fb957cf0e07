import { graphql } from 'relay-runtime';

// A run's errors, paged forward as usePaginationFragment pages them
// (RunErrorsPaginationQuery: `node(nodeId: $nodeId)` with count/cursor).
export const RunErrors = graphql`
  fragment RunErrors_run on IntegrationRun
  @refetchable(queryName: "RunErrorsPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 1 }
    cursor: { type: "String" }
  ) {
    integrationErrors(first: $count, after: $cursor)
      @connection(key: "RunErrors_integrationErrors") {
      totalCount
      edges {
        node {
          id
          ...ErrorFields_error
        }
      }
    }
  }
`;

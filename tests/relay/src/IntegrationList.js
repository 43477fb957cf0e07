import { graphql } from 'relay-runtime';

// A root connection paged both ways; its refetch query is a plain query (no `node`).
export const IntegrationList = graphql`
  fragment IntegrationList_query on Query
  @refetchable(queryName: "IntegrationListPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 2 }
    cursor: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
    filter: { type: "IntegrationFilter" }
  ) {
    integrations(first: $count, after: $cursor, last: $last, before: $before, filter: $filter)
      @connection(key: "IntegrationList_integrations", filters: ["filter"]) {
      totalCount
      edges {
        node {
          id
          code
          ...NodeSummary_node
        }
      }
    }
  }
`;

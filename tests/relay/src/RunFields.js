import { graphql } from 'relay-runtime';

// What a run's row shows; useRefetchableFragment refetches it through
// `node(nodeId: $nodeId)` (RunRefetchQuery).
export const RunFields = graphql`
  fragment RunFields_run on IntegrationRun @refetchable(queryName: "RunRefetchQuery") {
    __typename
    id
    integrationId
    status
    startTime
    endTime
    totalRecords
    recordsProcessed
    flow
    createdAt
    updatedAt
    createdBy {
      ...UserFields_user
    }
  }
`;

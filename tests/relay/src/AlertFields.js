import { graphql } from 'relay-runtime';

// An alert raised to the integration's contacts; refetched through `node(nodeId: $nodeId)`
// (AlertRefetchQuery).
export const AlertFields = graphql`
  fragment AlertFields_alert on IntegrationAlert @refetchable(queryName: "AlertRefetchQuery") {
    __typename
    id
    contactAlertType
    integrationErrorId
    integrationRunId
    documentType
    documentId
    message
    createdAt
    createdBy {
      ...UserFields_user
    }
  }
`;

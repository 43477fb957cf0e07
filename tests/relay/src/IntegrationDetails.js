import { graphql } from 'relay-runtime';

export const IntegrationDetails = graphql`
  fragment IntegrationDetails_integration on Integration
  @refetchable(queryName: "IntegrationRefetchQuery") {
    __typename
    id
    code
    name
    businessObject
    direction
    endSystem
    endSystemType
    integrationType
    standard
    createdAt
    updatedAt
    createdBy {
      ...UserFields_user
    }
    updatedBy {
      ...UserFields_user
    }
  }
`;

import { graphql } from 'relay-runtime';

export const ResponseFields = graphql`
  fragment ResponseFields_response on IntegrationRecordResponse
  @refetchable(queryName: "ResponseRefetchQuery") {
    __typename
    id
    responseCode
    responseMessage
    integrationHistoryRecordId
    integrationErrorId
    createdAt
    createdBy {
      ...UserFields_user
    }
  }
`;

import { graphql } from 'relay-runtime';

export const ErrorFields = graphql`
  fragment ErrorFields_error on IntegrationError @refetchable(queryName: "ErrorRefetchQuery") {
    __typename
    id
    contactAlertType
    documentType
    documentId
    status
    resolved
    integrationRunId
    integrationRun {
      id
    }
    integration {
      id
      code
    }
    responses {
      ...ResponseFields_response
    }
    createdAt
  }
`;

import { graphql } from 'relay-runtime';

export const HistoryRecordFields = graphql`
  fragment HistoryRecordFields_record on IntegrationHistoryRecord
  @refetchable(queryName: "HistoryRecordRefetchQuery") {
    __typename
    id
    contactAlertType
    documentType
    documentId
    externalId
    status
    resolved
    integrationRunId
    integrationRun {
      id
      status
    }
    responses {
      ...ResponseFields_response
    }
    createdAt
    createdBy {
      ...UserFields_user
    }
  }
`;

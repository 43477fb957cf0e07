import { graphql } from 'relay-runtime';

// The rows the harness reads, written the way a Relay app writes (commitMutation); Relay adds
// `nodeId` to every object selected, so the answers key the store like the queries do.
export const SeedCreateIntegrationMutation = graphql`
  mutation SeedCreateIntegrationMutation($input: CreateIntegrationInput!) {
    createIntegration(input: $input) {
      id
      code
    }
  }
`;

export const SeedCreateRunMutation = graphql`
  mutation SeedCreateRunMutation($input: CreateIntegrationRunInput!) {
    createIntegrationRun(input: $input) {
      id
      status
    }
  }
`;

export const SeedRunRunMutation = graphql`
  mutation SeedRunRunMutation($id: Int!, $input: IntegrationRunInput) {
    runIntegrationRun(id: $id, input: $input) {
      id
      status
      ...RunFields_run
    }
  }
`;

export const SeedCreateErrorMutation = graphql`
  mutation SeedCreateErrorMutation($input: NewIntegrationErrorInput!) {
    createIntegrationError(input: $input) {
      id
      responses {
        id
      }
    }
  }
`;

export const SeedCreateHistoryRecordMutation = graphql`
  mutation SeedCreateHistoryRecordMutation($input: NewHistoryRecordInput!) {
    createIntegrationHistoryRecord(input: $input) {
      id
      responses {
        id
      }
    }
  }
`;

export const SeedCreateContactMutation = graphql`
  mutation SeedCreateContactMutation($input: CreateIntegrationContactInput!) {
    createIntegrationContact(input: $input) {
      id
    }
  }
`;

export const SeedCreateErrorAlertMutation = graphql`
  mutation SeedCreateErrorAlertMutation($input: NewIntegrationErrorInput!) {
    createIntegrationErrorAlert(input: $input) {
      id
    }
  }
`;

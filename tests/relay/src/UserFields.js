import { graphql } from 'relay-runtime';

// Who created or changed a row: every mutation of the harness is attributed to a user (the
// server's `local` user when authentication is off).
export const UserFields = graphql`
  fragment UserFields_user on User @refetchable(queryName: "UserRefetchQuery") {
    __typename
    id
    name
    kind
  }
`;

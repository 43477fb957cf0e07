import { graphql } from 'relay-runtime';

// A person the integration's alerts reach; refetched through `node(nodeId: $nodeId)`
// (ContactRefetchQuery).
export const ContactFields = graphql`
  fragment ContactFields_contact on IntegrationContact @refetchable(queryName: "ContactRefetchQuery") {
    __typename
    id
    name
    email
    contactType
    active
    createdAt
    updatedAt
  }
`;

// The GraphiQL explorer the gateway serves at its GraphQL endpoint. scripts/build-explorer bundles
// this file with React, GraphiQL and graphql-ws into dist/, which the binary embeds, so the page
// needs nothing but the gateway itself (no CDN).
import 'graphiql/style.css';

import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { getOperationAST, parse } from 'graphql';
import { createClient } from 'graphql-ws';
import React from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('graphiql');
// The server writes its endpoint path into the page; queries and subscriptions go to the same host.
const endpoint = root.dataset.endpoint || '/graphql';
const wsUrl = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}${endpoint}`;

const httpFetcher = createGraphiQLFetcher({ url: endpoint });

// One graphql-ws client per set of headers: the gateway reads the bearer token from the
// connection_init payload, so when the header editor changes, the next subscription opens a new
// connection with the new headers as its payload.
let socket = null;
function wsClient(headers) {
  const key = JSON.stringify(headers || {});
  if (socket && socket.key === key) {
    return socket.client;
  }
  if (socket) {
    socket.client.dispose();
  }
  const client = createClient({ url: wsUrl, connectionParams: headers || {}, lazy: true });
  socket = { key, client };
  return client;
}

// Whether the operation GraphiQL is about to run is a subscription. A document that doesn't parse
// goes over HTTP, which reports the syntax error.
function isSubscription(params) {
  try {
    const operation = getOperationAST(parse(params.query), params.operationName || undefined);
    return operation?.operation === 'subscription';
  } catch {
    return false;
  }
}

// Queries and mutations go over HTTP with the editor's headers; subscriptions over graphql-ws with
// the same headers as connectionParams.
function fetcher(params, options) {
  if (isSubscription(params)) {
    return wsClient(options?.headers).iterate(params);
  }
  return httpFetcher(params, options);
}

const defaultQuery = `# Welcome to the integration-gateway explorer.
#
# Put a bearer token in the Headers tab when the gateway requires one:
#   {"Authorization": "Bearer <token>"}
# It is sent with queries and mutations, and as the connection_init payload of subscriptions.
# Then re-fetch the schema (the circular arrows, bottom left) for the docs and completion.

{
  integrations(first: 10) {
    totalCount
    nodes { id code name }
  }
}
`;

createRoot(root).render(React.createElement(GraphiQL, { fetcher, defaultQuery }));

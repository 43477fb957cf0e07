// One graphql-ws connection (graphql-transport-ws) to the gateway carries every query, mutation and
// subscription. The bearer token goes in the connection_init payload, where the gateway reads it;
// it lives in this module's closure only (no storage, no cookie).
import { print } from '@0no-co/graphql.web';
import type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';
import { createClient, type Client } from 'graphql-ws/client';

/** The graphql-transport-ws close code the gateway sends for a missing, refused or expired token. */
const FORBIDDEN = 4403;

// Any typed document: the result and variables are inferred per call.
type Doc = TadaDocumentNode<any, any>;

/** The dashboard's access to the gateway. */
export interface Gateway {
  /** Runs a query or mutation once; rejects with the GraphQL errors (a GatewayError). */
  request<D extends Doc>(document: D, variables: VariablesOf<D>): Promise<ResultOf<D>>;
  /** Starts a subscription; the returned function stops it. */
  subscribe<D extends Doc>(
    document: D,
    variables: VariablesOf<D>,
    onEvent: (event: ResultOf<D>) => void,
    onError: (message: string) => void,
  ): () => void;
  /** Closes the connection. */
  dispose(): void;
}

/**
 * The GraphQL errors a request was answered with. `fields` maps each input field the gateway
 * named (`extensions.fields` of a `VALIDATION` error, one message per broken rule, or the one
 * `extensions.field` of e.g. a `CONFLICT`) to its message, so a form can show it next to the field.
 */
export class GatewayError extends Error {
  readonly fields: ReadonlyMap<string, string>;

  constructor(errors: readonly unknown[]) {
    super(describe(errors));
    const fields = new Map<string, string>();
    const add = (field: unknown, message: unknown) => {
      if (typeof field === 'string' && !fields.has(field)) fields.set(field, String(message));
    };
    for (const error of errors) {
      if (!error || typeof error !== 'object') continue;
      const { message, extensions } = error as { message?: unknown; extensions?: Record<string, unknown> };
      if (Array.isArray(extensions?.fields)) {
        for (const item of extensions.fields as { field?: unknown; message?: unknown }[]) {
          add(item?.field, item?.message);
        }
      }
      add(extensions?.field, message);
    }
    this.fields = fields;
  }
}

/** Whether a value looks like a WebSocket CloseEvent (the browser's or a plain object). */
function closeCode(value: unknown): number | null {
  if (value && typeof value === 'object' && 'code' in value && typeof value.code === 'number') {
    return value.code;
  }
  return null;
}

/** A readable message for whatever graphql-ws reports as an error. */
function describe(error: unknown): string {
  if (Array.isArray(error)) {
    return error.map((e) => (e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e))).join('; ');
  }
  const code = closeCode(error);
  if (code !== null) {
    const reason = (error as { reason?: string }).reason;
    return `the connection closed (${code}${reason ? `: ${reason}` : ''})`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Connects (lazily, on the first operation) to `url` with `token`, if any. `onForbidden` is called
 * when the gateway refuses the connection for want of a valid token; such a close is not retried,
 * since the same token would be refused again.
 */
export function connect(url: string, token: string | null, onForbidden: (reason: string) => void): Gateway {
  const client: Client = createClient({
    url,
    connectionParams: () => (token ? { Authorization: `Bearer ${token}` } : {}),
    // Keep the socket a moment between views, so navigating does not reconnect each time.
    lazyCloseTimeout: 5_000,
    shouldRetry: (error) => closeCode(error) !== null && closeCode(error) !== FORBIDDEN,
    on: {
      closed: (event) => {
        if (closeCode(event) === FORBIDDEN) {
          onForbidden((event as { reason?: string }).reason ?? '');
        }
      },
    },
  });

  return {
    request(document, variables) {
      return new Promise((resolve, reject) => {
        let result: ResultOf<typeof document> | undefined;
        client.subscribe(
          { query: print(document), variables: variables as Record<string, unknown> },
          {
            next: (response) => {
              if (response.errors?.length) {
                reject(new GatewayError(response.errors));
              } else {
                result = response.data as ResultOf<typeof document>;
              }
            },
            error: (error) => reject(new Error(describe(error))),
            complete: () => {
              if (result !== undefined) resolve(result);
              else reject(new Error('the gateway sent no data'));
            },
          },
        );
      });
    },
    subscribe(document, variables, onEvent, onError) {
      return client.subscribe(
        { query: print(document), variables: variables as Record<string, unknown> },
        {
          next: (response) => {
            if (response.errors?.length) onError(describe(response.errors));
            else if (response.data) onEvent(response.data as ResultOf<typeof document>);
          },
          error: (error) => onError(describe(error)),
          complete: () => {},
        },
      );
    },
    dispose() {
      void client.dispose();
    },
  };
}

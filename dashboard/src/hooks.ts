// Data hooks over the one gateway connection: a query that can be re-run when an event says its
// data changed, and a subscription that lives as long as the component.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';

import type { Gateway } from './client';

type Doc = TadaDocumentNode<any, any>;

/** The connection of the current token. */
export const GatewayContext = createContext<Gateway | null>(null);

/** The connection of the current token; the app provides it above every view. */
export function useGateway(): Gateway {
  const gateway = useContext(GatewayContext);
  if (!gateway) throw new Error('no gateway connection');
  return gateway;
}

/** A query's state; `data` stays while a re-fetch runs, so live updates do not flicker. */
export interface QueryState<D extends Doc> {
  data: ResultOf<D> | undefined;
  error: string | null;
  loading: boolean;
  /** Runs the query again (e.g. after an event or a mutation). */
  refetch: () => void;
}

/** Runs `document` with `variables`, again whenever they change or `refetch` is called. */
export function useQuery<D extends Doc>(document: D, variables: VariablesOf<D>): QueryState<D> {
  const gateway = useGateway();
  const key = JSON.stringify(variables);
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<{
    data: ResultOf<D> | undefined;
    error: string | null;
    loading: boolean;
    /** The variables `data` answers. */
    key: string | null;
  }>({
    data: undefined,
    error: null,
    loading: true,
    key: null,
  });
  // Results of an older request that arrive late are dropped.
  const latest = useRef(0);
  useEffect(() => {
    const id = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    gateway.request(document, JSON.parse(key)).then(
      (data) => id === latest.current && setState({ data, error: null, loading: false, key }),
      (error: Error) => id === latest.current && setState((s) => ({ ...s, error: error.message, loading: false })),
    );
  }, [gateway, document, key, nonce]);
  // Data of other variables (kept on screen while the new ones load) is still loading: the
  // effect above starts the request only after this render.
  const loading = state.loading || (state.key !== key && state.error === null);
  return { data: state.data, error: state.error, loading, refetch: () => setNonce((n) => n + 1) };
}

/** Subscribes to `document` while mounted (and anew when `variables` change). */
export function useSubscription<D extends Doc>(
  document: D,
  variables: VariablesOf<D>,
  onEvent: (event: ResultOf<D>) => void,
): string | null {
  const gateway = useGateway();
  const key = JSON.stringify(variables);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    return gateway.subscribe(document, JSON.parse(key), (event) => handler.current(event), setError);
  }, [gateway, document, key]);
  return error;
}

/**
 * A query kept current by a subscription: re-run on every event. The subscription is started
 * first (both go over the one socket, in order), so a change committed while the query runs is
 * not missed: its event arrives and runs the query again.
 */
export function useLiveQuery<Q extends Doc, S extends Doc>(
  query: Q,
  variables: VariablesOf<Q>,
  subscription: S,
  subscriptionVariables: VariablesOf<S>,
  onEvent?: (event: ResultOf<S>) => void,
): QueryState<Q> & { subscriptionError: string | null } {
  const refetch = useRef(() => {});
  const subscriptionError = useSubscription(subscription, subscriptionVariables, (event) => {
    onEvent?.(event);
    refetch.current();
  });
  const state = useQuery(query, variables);
  refetch.current = state.refetch;
  return { ...state, subscriptionError };
}

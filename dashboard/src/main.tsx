// The operations dashboard the gateway serves at /dashboard. scripts/build-dashboard bundles it
// into dist/, which the binary embeds, so the page needs nothing but the gateway itself.
import './style.css';

import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { JSX } from 'preact';

import { connect } from './client';
import { GatewayContext } from './hooks';
import { BASE, href, useLocation, type Location } from './router';
import { Link } from './ui';
import { Deliveries } from './views/deliveries';
import { Exports } from './views/exports';
import { IntegrationDetail } from './views/integration';
import { Overview } from './views/overview';
import { Records } from './views/records';
import { RunDetail } from './views/run';
import { Runs } from './views/runs';
import { Trends } from './views/trends';

const root = document.getElementById('dashboard');
// The server writes its GraphQL path into the page; the socket goes to the same host.
const endpoint = root?.dataset.endpoint ?? '/graphql';
const wsUrl = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}${endpoint}`;

/** Why a token is asked for: none given yet, or the given one was refused. */
type TokenNeed = { refused: boolean; reason: string } | null;

function App() {
  // The token lives here, in memory only: a reload forgets it, by design.
  const [token, setToken] = useState<string | null>(null);
  const [need, setNeed] = useState<TokenNeed>(null);
  const gateway = useMemo(
    () => connect(wsUrl, token, (reason) => setNeed({ refused: token !== null, reason })),
    [token],
  );
  useEffect(() => () => gateway.dispose(), [gateway]);
  const location = useLocation();

  return (
    <>
      <header class="top">
        <h1>
          <Link to={href('/')}>integration-gateway</Link> <span class="muted">operations</span>
        </h1>
        <nav>
          <NavLink location={location} path="/" label="Overview" />
          <NavLink location={location} path="/trends" label="Trends" />
          <NavLink location={location} path="/runs" label="Runs" />
          <NavLink location={location} path="/records" label="Open records" />
          <NavLink location={location} path="/exports" label="Not exported" />
          <NavLink location={location} path="/deliveries" label="Deliveries" />
        </nav>
      </header>
      <main>
        {need ? (
          <TokenPrompt
            need={need}
            onToken={(value) => {
              setNeed(null);
              setToken(value);
            }}
          />
        ) : (
          <GatewayContext.Provider value={gateway}>
            <View location={location} />
          </GatewayContext.Provider>
        )}
      </main>
    </>
  );
}

function NavLink(props: { location: Location; path: string; label: string }) {
  const active =
    props.path === '/' ? props.location.path === '/' : props.location.path.startsWith(props.path);
  return (
    <Link to={href(props.path)} class={active ? 'active' : ''}>
      {props.label}
    </Link>
  );
}

function View(props: { location: Location }) {
  const { path } = props.location;
  if (path === '/') return <Overview />;
  if (path === '/trends' || path === '/trends/') return <Trends location={props.location} />;
  if (path === '/runs' || path === '/runs/') return <Runs location={props.location} />;
  const run = /^\/runs\/(\d+)\/?$/.exec(path);
  if (run) return <RunDetail id={Number(run[1])} location={props.location} />;
  if (path === '/records' || path === '/records/') return <Records location={props.location} />;
  if (path === '/exports' || path === '/exports/') return <Exports location={props.location} />;
  if (path === '/deliveries' || path === '/deliveries/') return <Deliveries location={props.location} />;
  const integration = /^\/integrations\/([^/]+)\/?$/.exec(path);
  if (integration) return <IntegrationDetail code={decodeURIComponent(integration[1])} />;
  return (
    <section class="card">
      <h2>Not found</h2>
      <p>
        There is no page at <code>{BASE + path}</code>. <Link to={href('/')}>Go to the overview.</Link>
      </p>
    </section>
  );
}

function TokenPrompt(props: { need: NonNullable<TokenNeed>; onToken: (token: string) => void }) {
  const onSubmit = (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('token') ?? '').trim();
    if (value) props.onToken(value.replace(/^Bearer\s+/i, ''));
  };
  return (
    <section class="card token">
      <h2>{props.need.refused ? 'The token was refused' : 'This gateway requires a token'}</h2>
      <p>
        {props.need.refused
          ? `The gateway refused it${props.need.reason ? `: ${props.need.reason}` : ''}. Enter another one.`
          : 'Enter a bearer token with the core.integration.read scope (core.integration.write to resolve records and edit contacts, core.integration.admin for the deliveries).'}{' '}
        It is kept in this page's memory only and forgotten on reload.
      </p>
      <p class="muted small">
        Create one with <code>integration-gateway token create --name dashboard --scope core.integration.read</code>.
      </p>
      <form onSubmit={onSubmit} data-testid="token-form">
        <input
          name="token"
          type="password"
          autoComplete="off"
          placeholder="token"
          aria-label="Bearer token"
          autoFocus
          data-testid="token-input"
        />{' '}
        <button type="submit">Connect</button>
      </form>
    </section>
  );
}

if (root) {
  root.textContent = '';
  render(<App />, root);
}

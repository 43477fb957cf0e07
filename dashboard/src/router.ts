// Path routing under the dashboard's base path (`/dashboard/runs/7`); filters and paging cursors
// live in the query string, so every view can be linked and survives the back button. The gateway
// answers every path under the base with the same page.
import { useEffect, useState } from 'preact/hooks';

const root = document.getElementById('dashboard');

/** The path the gateway serves the dashboard at (from the page, e.g. `/dashboard`). */
export const BASE = (root?.dataset.base ?? '/dashboard').replace(/\/$/, '');

/** The current location relative to BASE: the route path and its query parameters. */
export interface Location {
  path: string;
  params: URLSearchParams;
}

function current(): Location {
  const path = window.location.pathname.startsWith(BASE)
    ? window.location.pathname.slice(BASE.length) || '/'
    : '/';
  return { path, params: new URLSearchParams(window.location.search) };
}

const NAVIGATED = 'dashboard:navigate';

/** The URL of a route: `href('/runs', {status: 'RUNNING'})`; empty parameters are left out. */
export function href(path: string, params: Record<string, string | number | null | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  return `${BASE}${path === '/' ? '' : path}${query ? `?${query}` : ''}`;
}

/** Goes to `url` without reloading the page (the token lives in memory only). */
export function navigate(url: string): void {
  if (url === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current location, re-rendering on navigation and on back/forward. */
export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return location;
}

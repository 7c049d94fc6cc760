// A tiny history-API router: a list of path patterns ("/organisations/:id"), a store with the current match,
// and a click handler that turns same-origin links into in-app navigation. The server answers every unknown
// path with index.html, so reloading any page works.
import { writable, type Readable } from 'svelte/store';

export interface Route<N extends string = string> {
  name: N;
  pattern: string;
}

export interface Match<N extends string = string> {
  name: N | 'not_found';
  params: Record<string, string>;
  path: string;
  query: URLSearchParams;
}

/** Matches a path against the patterns in order; `:name` segments capture one decoded segment. */
export function matchRoute<N extends string>(routes: Route<N>[], url: string): Match<N> {
  const u = new URL(url, 'http://x');
  const path = u.pathname.length > 1 ? u.pathname.replace(/\/+$/, '') : u.pathname;
  const segs = path.split('/').filter(Boolean);
  for (const r of routes) {
    const pats = r.pattern.split('/').filter(Boolean);
    if (pats.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pats.length; i++) {
      if (pats[i].startsWith(':')) {
        try {
          params[pats[i].slice(1)] = decodeURIComponent(segs[i]);
        } catch {
          ok = false;
          break;
        }
      } else if (pats[i] !== segs[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return { name: r.name, params, path, query: u.searchParams };
  }
  return { name: 'not_found', params: {}, path, query: u.searchParams };
}

/** Only in-site paths are allowed as a "go back to" target after log in. */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

export interface RouterWindow {
  location: { pathname: string; search: string; origin: string };
  history: { pushState(data: unknown, unused: string, url: string): void; replaceState(data: unknown, unused: string, url: string): void };
  addEventListener(type: string, fn: (e: Event) => void): void;
  removeEventListener(type: string, fn: (e: Event) => void): void;
  scrollTo?(x: number, y: number): void;
}

export interface Router<N extends string> {
  current: Readable<Match<N>>;
  navigate(url: string, opts?: { replace?: boolean }): void;
  /** Handles a click anywhere in the page; returns true when it took over a link. */
  handleClick(e: MouseEvent): boolean;
  destroy(): void;
}

export function createRouter<N extends string>(routes: Route<N>[], win: RouterWindow): Router<N> {
  const here = () => win.location.pathname + win.location.search;
  const current = writable<Match<N>>(matchRoute(routes, here()));
  const onPop = () => current.set(matchRoute(routes, here()));
  win.addEventListener('popstate', onPop);

  function navigate(url: string, opts: { replace?: boolean } = {}): void {
    if (opts.replace) win.history.replaceState({}, '', url);
    else win.history.pushState({}, '', url);
    current.set(matchRoute(routes, here()));
    win.scrollTo?.(0, 0);
  }

  function handleClick(e: MouseEvent): boolean {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return false;
    const target = e.target as Element | null;
    const a = target?.closest?.('a') as HTMLAnchorElement | null;
    if (!a || !a.href || a.target || a.hasAttribute('download') || a.getAttribute('rel')?.includes('external')) return false;
    const url = new URL(a.href);
    if (url.origin !== win.location.origin || url.pathname.startsWith('/api/')) return false;
    if (url.pathname === win.location.pathname && url.search === win.location.search && url.hash) return false; // in-page anchor, e.g. skip link
    e.preventDefault();
    navigate(url.pathname + url.search);
    return true;
  }

  return { current, navigate, handleClick, destroy: () => win.removeEventListener('popstate', onPop) };
}

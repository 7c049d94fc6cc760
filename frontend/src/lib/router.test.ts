import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { createRouter, matchRoute, safeNext, type RouterWindow } from './router';

const routes = [
  { name: 'home', pattern: '/' },
  { name: 'organisations', pattern: '/organisations' },
  { name: 'organisation', pattern: '/organisations/:id' },
];

describe('matchRoute', () => {
  it('matches static paths, with or without a trailing slash', () => {
    expect(matchRoute(routes, '/').name).toBe('home');
    expect(matchRoute(routes, '/organisations/').name).toBe('organisations');
  });
  it('captures and decodes parameters', () => {
    const m = matchRoute(routes, '/organisations/a%20b?x=1');
    expect(m.name).toBe('organisation');
    expect(m.params).toEqual({ id: 'a b' });
    expect(m.query.get('x')).toBe('1');
  });
  it('reports unknown paths and bad encodings as not_found', () => {
    expect(matchRoute(routes, '/nope').name).toBe('not_found');
    expect(matchRoute(routes, '/organisations/1/2').name).toBe('not_found');
    expect(matchRoute(routes, '/organisations/%E0%A4%A').name).toBe('not_found');
  });
});

describe('safeNext', () => {
  it('only accepts in-site paths', () => {
    expect(safeNext('/account')).toBe('/account');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext(null, '/x')).toBe('/x');
  });
});

function fakeWindow(path: string) {
  const listeners: Record<string, ((e: Event) => void)[]> = {};
  const loc = { pathname: path, search: '', origin: 'http://teixit.test' };
  const set = (url: string) => {
    const u = new URL(url, loc.origin);
    loc.pathname = u.pathname;
    loc.search = u.search;
  };
  const pushed: string[] = [];
  const win: RouterWindow = {
    location: loc,
    history: {
      pushState: (_d, _u, url) => {
        pushed.push(url);
        set(url);
      },
      replaceState: (_d, _u, url) => set(url),
    },
    addEventListener: (type, fn) => (listeners[type] ??= []).push(fn),
    removeEventListener: (type, fn) => (listeners[type] = (listeners[type] ?? []).filter((f) => f !== fn)),
  };
  return { win, pushed, back: (url: string) => { set(url); listeners.popstate?.forEach((f) => f(new Event('popstate'))); } };
}

function click(href: string, extra: Partial<MouseEvent> = {}, attrs: Record<string, string> = {}) {
  const a = {
    href: new URL(href, 'http://teixit.test').href,
    target: attrs.target ?? '',
    hasAttribute: (n: string) => n in attrs,
    getAttribute: (n: string) => attrs[n] ?? null,
  };
  let prevented = false;
  const e = {
    defaultPrevented: false, button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false,
    target: { closest: () => a },
    preventDefault: () => (prevented = true),
    ...extra,
  } as unknown as MouseEvent;
  return { e, prevented: () => prevented };
}

describe('createRouter', () => {
  it('navigates with pushState and updates the current match', () => {
    const { win, pushed } = fakeWindow('/');
    const r = createRouter(routes, win);
    r.navigate('/organisations/42');
    expect(pushed).toEqual(['/organisations/42']);
    expect(get(r.current)).toMatchObject({ name: 'organisation', params: { id: '42' } });
  });

  it('follows the back button (popstate)', () => {
    const { win, back } = fakeWindow('/organisations');
    const r = createRouter(routes, win);
    back('/');
    expect(get(r.current).name).toBe('home');
  });

  it('takes over plain same-origin link clicks only', () => {
    const { win, pushed } = fakeWindow('/');
    const r = createRouter(routes, win);
    const plain = click('/organisations');
    expect(r.handleClick(plain.e)).toBe(true);
    expect(plain.prevented()).toBe(true);
    expect(r.handleClick(click('/organisations', { ctrlKey: true }).e)).toBe(false);
    expect(r.handleClick(click('https://elsewhere.example/x').e)).toBe(false);
    expect(r.handleClick(click('/api/v1/me/export').e)).toBe(false);
    expect(r.handleClick(click('/x', {}, { target: '_blank' }).e)).toBe(false);
    expect(r.handleClick(click('/organisations#main').e)).toBe(false); // same page anchor
    expect(pushed).toEqual(['/organisations']);
  });
});

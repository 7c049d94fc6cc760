import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from './api';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    return respond(call);
  }) as typeof fetch;
  return { fn, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const header = (c: Call, name: string) => (c.init.headers as Record<string, string>)[name];

describe('ApiClient errors', () => {
  it('parses the documented error shape, fields included', async () => {
    const { fn } = fakeFetch(() =>
      json(400, { error: { code: 'validation', message: 'Check the fields', fields: { password: 'too short', n: 3 } } }),
    );
    const err = (await new ApiClient({ fetch: fn }).register({ email: 'a@b.c', password: 'x', name: 'A', language: 'ca' }).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation');
    expect(err.message).toBe('Check the fields');
    expect(err.fields).toEqual({ password: 'too short' });
  });

  it('reads Retry-After on rate limiting', async () => {
    const { fn } = fakeFetch(() => json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '120' }));
    const err = (await new ApiClient({ fetch: fn }).login({ email: 'a@b.c', password: 'x' }).catch((e) => e)) as ApiError;
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(120);
  });

  it('gives a code made from the status when the body is not JSON', async () => {
    const { fn } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const err = (await new ApiClient({ fetch: fn }).session().catch((e) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(err.code).toBe('http_502');
    expect(err.fields).toEqual({});
  });

  it('tells the app when the session has ended (401)', async () => {
    let ended = 0;
    const { fn } = fakeFetch(() => json(401, { error: { code: 'unauthenticated', message: 'sign in' } }));
    const err = (await new ApiClient({ fetch: fn, onUnauthenticated: () => ended++ }).listTokens().catch((e) => e)) as ApiError;
    expect(err.status).toBe(401);
    expect(ended).toBe(1);
  });

  it('turns a failed connection into code "network"', async () => {
    const fn = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const err = (await new ApiClient({ fetch: fn }).session().catch((e) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.code).toBe('network');
  });
});

describe('ApiClient requests', () => {
  it('attaches the CSRF token to state-changing requests only', async () => {
    const { fn, calls } = fakeFetch((c) => (c.init.method === 'DELETE' ? new Response(null, { status: 204 }) : json(200, { items: [] })));
    const api = new ApiClient({ fetch: fn });
    api.setCsrfToken('tok123');
    await api.listTokens();
    await api.revokeToken('t 1');
    await api.updateMe({ name: 'N' }).catch(() => undefined);
    expect(header(calls[0], 'X-CSRF-Token')).toBeUndefined();
    expect(calls[1].init.method).toBe('DELETE');
    expect(calls[1].url).toBe('/api/v1/tokens/t%201');
    expect(header(calls[1], 'X-CSRF-Token')).toBe('tok123');
    expect(header(calls[2], 'X-CSRF-Token')).toBe('tok123');
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true);
  });

  it('sends no CSRF header before a session exists', async () => {
    const { fn, calls } = fakeFetch(() => json(200, { user: null, csrfToken: '' }));
    await new ApiClient({ fetch: fn }).login({ email: 'a@b.c', password: 'p' });
    expect(header(calls[0], 'X-CSRF-Token')).toBeUndefined();
    expect(header(calls[0], 'Content-Type')).toBe('application/json');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ email: 'a@b.c', password: 'p' });
  });

  it('sends the interface language and resolves 204 with undefined', async () => {
    const { fn, calls } = fakeFetch(() => new Response(null, { status: 204 }));
    const res = await new ApiClient({ fetch: fn, language: () => 'ca' }).logout();
    expect(res).toBeUndefined();
    expect(header(calls[0], 'Accept-Language')).toBe('ca');
  });

  it('builds list queries with cursor and limit', async () => {
    const { fn, calls } = fakeFetch(() => json(200, { items: [], nextCursor: '' }));
    const api = new ApiClient({ fetch: fn });
    await api.listOrganisations();
    await api.listOrganisations('abc', 5);
    expect(calls[0].url).toBe('/api/v1/organisations?limit=20');
    expect(calls[1].url).toBe('/api/v1/organisations?limit=5&cursor=abc');
  });
});

describe('ApiClient prefetch', () => {
  afterEach(() => vi.useRealTimers());
  it('lets the page take the answer asked for early, once', async () => {
    const { fn, calls } = fakeFetch(() => json(200, { n: calls.length }));
    const api = new ApiClient({ fetch: fn });
    api.prefetch('/territories/t1/network');
    expect(calls).toHaveLength(1); // asked at once, while the page's code loads
    expect(await api.get('/territories/t1/network')).toEqual({ n: 1 });
    expect(calls).toHaveLength(1);
    expect(await api.get('/territories/t1/network')).toEqual({ n: 2 }); // taken once: a later read asks again
    expect(calls).toHaveLength(2);
  });
  it('asks again when the early answer is stale or for another path', async () => {
    vi.useFakeTimers();
    const { fn, calls } = fakeFetch(() => json(200, {}));
    const api = new ApiClient({ fetch: fn });
    api.prefetch('/a');
    await api.get('/b');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/a', '/api/v1/b']);
    vi.advanceTimersByTime(11_000);
    await api.get('/a');
    expect(calls).toHaveLength(3);
  });
  it('gives the page the early failure as its own', async () => {
    const { fn } = fakeFetch(() => json(404, { error: { code: 'not_found', message: 'The territory was not found.' } }));
    const api = new ApiClient({ fetch: fn });
    api.prefetch('/territories/x/network');
    const err = (await api.get('/territories/x/network').catch((e) => e)) as ApiError;
    expect(err.status).toBe(404);
  });
});

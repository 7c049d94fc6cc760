import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { ApiClient } from './api';
import { unreadCount, unreadRefresher } from './notify';

describe('unread count', () => {
  it('asks at most once a minute unless forced', async () => {
    const calls: string[] = [];
    const api = new ApiClient({ fetch: async (input) => { calls.push(String(input)); return new Response(JSON.stringify({ items: [], unread: 3 }), { status: 200 }); } });
    let t = 0;
    const refresh = unreadRefresher(api, () => t);
    await refresh();
    t = 30_000;
    await refresh();
    expect(calls).toEqual(['/api/v1/notifications?limit=1']);
    expect(get(unreadCount)).toBe(3);
    await refresh(true);
    t = 91_000;
    await refresh();
    expect(calls.length).toBe(3);
  });
});

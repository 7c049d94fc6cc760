import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { CursorList } from './cursorList.svelte';

describe('CursorList', () => {
  it('loads the first page, appends the next one and keeps its cursor', async () => {
    const pages: Record<string, { items: number[]; nextCursor?: string }> = { '': { items: [1, 2], nextCursor: 'c2' }, c2: { items: [3] } };
    const list = new CursorList<number>(async (cursor) => pages[cursor]);
    expect(await list.load()).toEqual([1, 2]);
    expect(list.next).toBe('c2');
    expect(await list.load(list.next)).toEqual([3]);
    expect(list.items).toEqual([1, 2, 3]);
    expect(list.next).toBe('');
    expect(list.loading).toBe(false);
  });
  it('says why a page failed, keeps what it had and clears the reason once a page loads', async () => {
    let fail = true;
    const list = new CursorList<number>(async () => {
      if (fail) throw new ApiError(0, 'network', 'Failed to fetch');
      return { items: [7] };
    });
    expect(await list.load()).toBeNull();
    expect(list.error).not.toBe('');
    expect(list.items).toEqual([]);
    fail = false;
    await list.load();
    expect(list.error).toBe('');
    expect(list.items).toEqual([7]);
  });
  it('shows the last first page asked for when an earlier answer comes late', async () => {
    const waiting: Record<string, (p: { items: string[]; nextCursor?: string }) => void> = {};
    let order = 'newest';
    const list = new CursorList<string>((cursor) => new Promise((resolve) => (waiting[order + cursor] = resolve)));
    const newest = list.load();
    order = 'supported';
    const supported = list.load();
    waiting.supported({ items: ['most supported', 'newest'], nextCursor: 's2' });
    expect(await supported).toEqual(['most supported', 'newest']);
    expect(list.loading).toBe(false);
    waiting.newest({ items: ['newest', 'most supported'], nextCursor: 'n2' });
    expect(await newest).toBeNull();
    expect(list.items).toEqual(['most supported', 'newest']);
    expect(list.next).toBe('s2');
  });
  it('drops a page to append that was asked for before the list was asked for again, and a late failure', async () => {
    const waiting: Record<string, { ok: (p: { items: number[] }) => void; fail: (e: Error) => void }> = {};
    let n = 0;
    const list = new CursorList<number>((cursor) => new Promise((ok, fail) => (waiting[cursor || String(n++)] = { ok, fail })));
    const first = list.load();
    waiting['0'].ok({ items: [1, 2], nextCursor: 'c2' } as { items: number[] });
    await first;
    const more = list.load('c2');
    const again = list.load();
    const third = list.load();
    waiting['1'].fail(new ApiError(0, 'network', 'Failed to fetch'));
    expect(await again).toBeNull();
    waiting.c2.ok({ items: [3] });
    expect(await more).toBeNull();
    expect(list.loading).toBe(true);
    waiting['2'].ok({ items: [9] });
    expect(await third).toEqual([9]);
    expect(list.items).toEqual([9]);
    expect(list.error).toBe('');
    expect(list.loading).toBe(false);
  });
  it('leaves out items already listed when appending, given a key', async () => {
    const pages: Record<string, { items: { id: string }[]; nextCursor?: string }> = {
      '': { items: [{ id: 'a' }, { id: 'b' }], nextCursor: 'c2' },
      c2: { items: [{ id: 'b' }, { id: 'c' }] },
    };
    const list = new CursorList<{ id: string }>(async (cursor) => pages[cursor], (c) => c.id);
    await list.load();
    expect(await list.load('c2')).toEqual([{ id: 'b' }, { id: 'c' }]);
    expect(list.items.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });
});

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
});

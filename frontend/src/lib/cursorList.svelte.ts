// A list read a page at a time, where "more" appends the page after the last one: the items so far, the next
// page's cursor, whether a page is loading and why the last one failed. One owner for the lists that end in
// a "more" button, so they load, append and fail alike.
import { get } from 'svelte/store';
import type { Page } from './api';
import { describeError } from './errors';
import { t } from './i18n';

export class CursorList<T> {
  items = $state<T[]>([]);
  /** The cursor of the page after the last one loaded; empty when there is none. */
  next = $state('');
  loading = $state(true);
  /** Why the last page did not load, in the reader's language; empty once one has. */
  error = $state('');
  #fetch: (cursor: string) => Promise<Page<T>>;

  /** `fetch` reads one page: the first one for an empty cursor. */
  constructor(fetch: (cursor: string) => Promise<Page<T>>) {
    this.#fetch = fetch;
  }

  /** Loads the first page (no cursor), or appends the page after `cursor`; returns that page's items, null when it failed. */
  async load(cursor = ''): Promise<T[] | null> {
    this.loading = true;
    try {
      const page = await this.#fetch(cursor);
      const items = page.items ?? [];
      this.items = cursor ? [...this.items, ...items] : items;
      this.next = page.nextCursor ?? '';
      this.error = '';
      return items;
    } catch (err) {
      this.error = describeError(err, get(t)).summary;
      return null;
    } finally {
      this.loading = false;
    }
  }
}

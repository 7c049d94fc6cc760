// A list read a page at a time, where "more" appends the page after the last one: the items so far, the next
// page's cursor, whether a page is loading and why the last one failed. One owner for the lists that end in
// a "more" button, so they load, append and fail alike.
//
// Answers can come back in another order than they were asked for (a reader changes a filter, then the
// order, before the first list arrives). The list shows the answer to the last first page asked for: an
// earlier first page, or a page to append asked for before it, is dropped when it arrives late.
import { get } from 'svelte/store';
import type { Page } from './api';
import { describeError } from './errors';
import { t } from './i18n';
import { LastAsked } from './lastAsked';

export class CursorList<T> {
  items = $state<T[]>([]);
  /** The cursor of the page after the last one loaded; empty when there is none. */
  next = $state('');
  loading = $state(true);
  /** Why the last page did not load, in the reader's language; empty once one has. */
  error = $state('');
  #fetch: (cursor: string) => Promise<Page<T>>;
  #key?: (item: T) => string;
  /** A page belongs to the list while no later first page was asked for. */
  #asked = new LastAsked();

  /** `fetch` reads one page: the first one for an empty cursor. With `key`, an appended page leaves out the
   *  items already listed (a record written meanwhile shifts the pages of a list sorted by date). */
  constructor(fetch: (cursor: string) => Promise<Page<T>>, key?: (item: T) => string) {
    this.#fetch = fetch;
    this.#key = key;
  }

  /** Loads the first page (no cursor), or appends the page after `cursor`; returns that page's items, null when
   *  it failed or when a later first page was asked for meanwhile (that one's answer is the list). */
  async load(cursor = ''): Promise<T[] | null> {
    const current = cursor ? this.#asked.current() : this.#asked.ask();
    this.loading = true;
    try {
      const page = await this.#fetch(cursor);
      if (!current()) return null;
      const items = page.items ?? [];
      this.items = cursor ? [...this.items, ...this.#unlisted(items)] : items;
      this.next = page.nextCursor ?? '';
      this.error = '';
      return items;
    } catch (err) {
      if (current()) this.error = describeError(err, get(t)).summary;
      return null;
    } finally {
      if (current()) this.loading = false;
    }
  }

  #unlisted(items: T[]): T[] {
    const key = this.#key;
    if (!key) return items;
    const have = new Set(this.items.map(key));
    return items.filter((i) => !have.has(key(i)));
  }
}

import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { announce, announcement, announcePage } from './announce';

describe('live region messages', () => {
  it('keeps an action message when the page changes right after it', () => {
    announce('You are logged in.');
    announcePage('Home · Teixit');
    expect(get(announcement).replace('\u200b', '')).toBe('You are logged in. Home · Teixit');
  });
  it('announces only the page when no action came just before', () => {
    announce('Saved.');
    announcePage('Home · Teixit', Date.now() + 5000);
    expect(get(announcement).replace('\u200b', '')).toBe('Home · Teixit');
  });
  it('makes a repeated message differ so screen readers read it again', () => {
    announce('Copied');
    const first = get(announcement);
    announce('Copied');
    expect(get(announcement)).not.toBe(first);
  });
});

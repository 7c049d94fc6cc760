import { describe, expect, it } from 'vitest';
import { clearDraft, emptyDraft, loadDraft, saveDraft } from './draft';

class MemoryStorage {
  data = new Map<string, string>();
  get length() {
    return this.data.size;
  }
  clear() {
    this.data.clear();
  }
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}

describe('contribution draft', () => {
  it('keeps a draft per diagnosis until it is cleared', () => {
    const s = new MemoryStorage() as unknown as Storage;
    const d = { ...emptyDraft(), kind: 'need', theme: 'housing', text: 'No lift', point: { lat: 41.38, lon: 2.17 } };
    expect(saveDraft('a', d, s)).toBe(true);
    expect(loadDraft('a', s)).toEqual(d);
    expect(loadDraft('b', s)).toEqual(emptyDraft());
    clearDraft('a', s);
    expect(loadDraft('a', s)).toEqual(emptyDraft());
  });
  it('removes the key for an empty draft and ignores damaged data', () => {
    const s = new MemoryStorage() as unknown as Storage;
    saveDraft('a', { ...emptyDraft(), text: 'x' }, s);
    saveDraft('a', emptyDraft(), s);
    expect(s.length).toBe(0);
    s.setItem('teixit.draft.contribution.a', '{not json');
    expect(loadDraft('a', s)).toEqual(emptyDraft());
    s.setItem('teixit.draft.contribution.a', JSON.stringify({ text: 5, point: { lat: 'x' }, facilitator: 'yes' }));
    expect(loadDraft('a', s)).toEqual(emptyDraft());
  });
  it('says when the browser refuses to store', () => {
    const s = { setItem() { throw new Error('quota'); }, removeItem() {}, getItem: () => null } as unknown as Storage;
    expect(saveDraft('a', { ...emptyDraft(), text: 'x' }, s)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ApiClient } from './api';
import { excerpt, findingsOpen, listContributions, phaseState, vote } from './diagnosis';

describe('diagnosis helpers', () => {
  it('places each phase against the current one', () => {
    expect(phaseState('gathering', 'synthesis')).toBe('done');
    expect(phaseState('synthesis', 'synthesis')).toBe('now');
    expect(phaseState('follow_up', 'synthesis')).toBe('later');
  });
  it('opens findings while gathering and in synthesis only', () => {
    expect(['gathering', 'synthesis', 'prioritisation', 'action_plan'].map(findingsOpen)).toEqual([true, true, false, false]);
  });
  it('collapses spaces and shortens long texts with an ellipsis', () => {
    expect(excerpt('short')).toBe('short');
    expect(excerpt('a  b\n c')).toBe('a b c');
    const e = excerpt('x'.repeat(200), 20);
    expect(e.length).toBe(20);
    expect(e.endsWith('…')).toBe(true);
  });
  it('sends filters, cursor and an assisted ballot as the API expects', async () => {
    const calls: { url: string; body?: string }[] = [];
    const api = new ApiClient({
      fetch: async (url, init) => {
        calls.push({ url: String(url), body: init?.body as string | undefined });
        return new Response('{"items":[]}', { status: 200 });
      },
    });
    await listContributions(api, 'd 1', { kind: 'need', sort: '-supports', cursor: 'c2' });
    expect(calls[0].url).toBe('/api/v1/diagnoses/d%201/contributions?limit=50&kind=need&sort=-supports&cursor=c2');
    await vote(api, 'd1', { f1: 2 }, { consent: true });
    expect(JSON.parse(calls[1].body!)).toEqual({ votes: { f1: 2 }, assisted: { consent: true } });
    await vote(api, 'd1', { f1: 1 });
    expect(JSON.parse(calls[2].body!)).toEqual({ votes: { f1: 1 } });
  });
});

import { describe, expect, it } from 'vitest';
import { ApiClient } from './api';
import { badPhaseDates, datesFromSchedule, excerpt, findingsOpen, listContributions, nextPhase, phaseState, scheduleFromDates, territoryOptions, updateContribution, vote, withdrawContribution, type Territory } from './diagnosis';

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
  it('names the next step, none after follow-up', () => {
    expect(nextPhase('gathering')).toBe('synthesis');
    expect(nextPhase('action_plan')).toBe('follow_up');
    expect(nextPhase('follow_up')).toBeNull();
    expect(nextPhase('nonsense')).toBeNull();
  });
  it('turns phase dates into the schedule the API takes and back', () => {
    const dates = datesFromSchedule([{ name: 'synthesis', start: '2026-03-01' }, { name: 'gathering', start: '2026-01-10', end: '2026-02-28' }]);
    expect(dates.gathering).toEqual({ start: '2026-01-10', end: '2026-02-28' });
    expect(dates.follow_up).toEqual({ start: '', end: '' });
    expect(scheduleFromDates(dates)).toEqual([
      { name: 'gathering', start: '2026-01-10', end: '2026-02-28' },
      { name: 'synthesis', start: '2026-03-01' },
    ]);
    expect(badPhaseDates(dates)).toEqual([]);
    dates.prioritisation = { start: '2026-05-02', end: '2026-05-01' };
    expect(badPhaseDates(dates)).toEqual(['prioritisation']);
  });
  it('lists territories as a tree: each parent, then its children by name', () => {
    const x = (id: string, name: string, parentId?: string) => ({ id, name, parentId, level: 'other', ancestors: [] }) as Territory;
    const all = [x('n2', 'Sant Antoni', 'd1'), x('c', 'Barcelona'), x('d1', 'Eixample', 'c'), x('n1', 'la Dreta', 'd1'), x('o', 'Orphan', 'gone')];
    expect(territoryOptions(all).map((o) => `${o.depth}:${o.territory.id}`)).toEqual(['0:c', '1:d1', '2:n1', '2:n2', '0:o']);
  });
  it('changes and withdraws a contribution with PATCH and DELETE', async () => {
    const calls: { method?: string; url: string; body?: string }[] = [];
    const api = new ApiClient({
      fetch: async (url, init) => {
        calls.push({ method: init?.method, url: String(url), body: init?.body as string | undefined });
        return init?.method === 'DELETE' ? new Response(null, { status: 204 }) : new Response('{}', { status: 200 });
      },
    });
    await updateContribution(api, 'c1', { text: 'new words', theme: 'health' });
    await withdrawContribution(api, 'c1');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['PATCH /api/v1/contributions/c1', 'DELETE /api/v1/contributions/c1']);
    expect(JSON.parse(calls[0].body!)).toEqual({ text: 'new words', theme: 'health' });
  });
});

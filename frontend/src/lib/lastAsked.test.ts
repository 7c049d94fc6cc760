import { describe, expect, it } from 'vitest';
import { LastAsked } from './lastAsked';

describe('LastAsked', () => {
  it('keeps only the answer to the last request, whatever order the answers come in', async () => {
    const last = new LastAsked();
    const shown: string[] = [];
    const answer = (what: string, ms: number) => {
      const current = last.ask();
      return new Promise<void>((done) => setTimeout(() => { if (current()) shown.push(what); done(); }, ms));
    };
    await Promise.all([answer('first', 20), answer('second', 1)]);
    expect(shown).toEqual(['second']);
  });

  it('lets a follow-up of the request in flight through until a new request', () => {
    const last = new LastAsked();
    const first = last.ask();
    const more = last.current();
    expect(first() && more()).toBe(true);
    last.ask();
    expect(first()).toBe(false);
    expect(more()).toBe(false);
  });

  it('drops what is in flight on cancel', () => {
    const last = new LastAsked();
    const current = last.ask();
    last.cancel();
    expect(current()).toBe(false);
    expect(last.ask()()).toBe(true);
  });
});

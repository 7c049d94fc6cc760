import { describe, expect, it } from 'vitest';
import { createAutosave, type SaveState } from './autosave';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}
function manualTimers() {
  let fn: (() => void) | null = null;
  return { set: (f: () => void) => ((fn = f), 1), clear: () => (fn = null), fire: () => fn?.(), get armed() { return fn !== null; } };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('autosave', () => {
  it('keeps the text locally at once, saves after the pause, then forgets the local copy', async () => {
    const storage = memory();
    const timers = manualTimers();
    const states: SaveState[] = [];
    const sent: string[] = [];
    const a = createAutosave<string, void>({ key: 'k', storage, timers, save: async (v) => void sent.push(v), onState: (s) => states.push(s), now: () => new Date(0) });
    a.change('one');
    a.change('two');
    expect(storage.m.get('k')).toBe('"two"');
    expect(sent).toEqual([]);
    timers.fire();
    await tick();
    expect(sent).toEqual(['two']);
    expect(storage.m.has('k')).toBe(false);
    expect(states[states.length - 1]).toEqual({ kind: 'saved', at: new Date(0) });
  });

  it('says when a save fails and keeps the text on the device; the next try sends it', async () => {
    const storage = memory();
    const timers = manualTimers();
    const states: SaveState[] = [];
    let fail = true;
    const a = createAutosave<string, void>({ key: 'k', storage, timers, save: async () => { if (fail) throw new Error('offline'); }, onState: (s) => states.push(s) });
    a.change('text');
    timers.fire();
    await tick();
    expect(states[states.length - 1]?.kind).toBe('failed');
    expect(a.local()).toBe('text');
    fail = false;
    expect(await a.flush()).toBe(true);
    expect(a.local()).toBeNull();
  });

  it('a change during a save is saved after it, and the local copy stays until then', async () => {
    const storage = memory();
    const timers = manualTimers();
    const sent: string[] = [];
    let release: () => void = () => {};
    const a = createAutosave<string, void>({ key: 'k', storage, timers, onState: () => {}, save: (v) => { sent.push(v); return new Promise<void>((r) => (release = r)); } });
    a.change('a');
    const first = a.flush();
    a.change('b');
    release();
    await first;
    expect(storage.m.get('k')).toBe('"b"');
    const second = a.flush();
    await tick();
    release();
    await second;
    expect(sent).toEqual(['a', 'b']);
    expect(storage.m.has('k')).toBe(false);
  });

  it('without auto, changes wait for flush', async () => {
    const timers = manualTimers();
    const sent: string[] = [];
    const a = createAutosave<string, void>({ key: 'k', storage: memory(), timers, auto: false, onState: () => {}, save: async (v) => void sent.push(v) });
    a.change('x');
    expect(timers.armed).toBe(false);
    await a.flush();
    expect(sent).toEqual(['x']);
  });
});

// Autosave of a draft: every change is kept on this device at once (localStorage) and sent to the server
// after a pause in typing (debounced). A save that fails keeps the local copy and says so; the next change
// or "try again" sends it again. The local copy is removed once the server has exactly that text, so a
// reload finds either nothing (all saved) or the text that had not reached the server.

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'failed'; error: unknown };

type Timers = { set: (fn: () => void, ms: number) => unknown; clear: (h: unknown) => void };
type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface AutosaveOptions<T, R> {
  /** Sends the value to the server. */
  save: (value: T) => Promise<R>;
  /** Where the local copy lives (one key per draft). */
  key: string;
  /** Milliseconds of quiet before saving. */
  delay?: number;
  /** false: keep changes locally and save only on flush() (a published practice: each save is a version). */
  auto?: boolean;
  onState: (s: SaveState) => void;
  onSaved?: (result: R, value: T) => void;
  storage?: KeyValue | null;
  timers?: Timers;
  now?: () => Date;
}

export interface Autosave<T> {
  change(value: T): void;
  /** Saves now (waits for a save in progress first); resolves true when the latest value is saved. */
  flush(): Promise<boolean>;
  /** The copy kept on this device, if an earlier visit left one. */
  local(): T | null;
  /** Forgets the local copy (after the person chose the server's text). */
  discard(): void;
  destroy(): void;
}

function defaultStorage(): KeyValue | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function createAutosave<T, R>(o: AutosaveOptions<T, R>): Autosave<T> {
  const storage = o.storage === undefined ? defaultStorage() : o.storage;
  const timers: Timers = o.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  const now = o.now ?? (() => new Date());
  const delay = o.delay ?? 1500;
  const auto = o.auto ?? true;
  let latest: T | undefined;
  let dirty = false;
  let timer: unknown = null;
  let running: Promise<boolean> | null = null;

  const keep = (v: T) => {
    try {
      storage?.setItem(o.key, JSON.stringify(v));
    } catch {
      // storage full or disabled: the server save still runs
    }
  };

  async function run(): Promise<boolean> {
    while (running) await running;
    if (!dirty || latest === undefined) return true;
    const value = latest;
    dirty = false;
    o.onState({ kind: 'saving' });
    running = (async () => {
      try {
        const r = await o.save(value);
        if (!dirty) storage?.removeItem(o.key);
        o.onState(dirty ? { kind: 'pending' } : { kind: 'saved', at: now() });
        o.onSaved?.(r, value);
        return true;
      } catch (error) {
        dirty = true;
        o.onState({ kind: 'failed', error });
        return false;
      }
    })();
    const ok = await running;
    running = null;
    return ok;
  }

  return {
    change(value: T) {
      latest = value;
      dirty = true;
      keep(value);
      o.onState({ kind: 'pending' });
      if (timer !== null) timers.clear(timer);
      timer = auto ? timers.set(() => {
        timer = null;
        void run();
      }, delay) : null;
    },
    flush() {
      if (timer !== null) {
        timers.clear(timer);
        timer = null;
      }
      return run();
    },
    local() {
      try {
        const raw = storage?.getItem(o.key);
        return raw ? (JSON.parse(raw) as T) : null;
      } catch {
        return null;
      }
    },
    discard() {
      storage?.removeItem(o.key);
    },
    destroy() {
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
  };
}

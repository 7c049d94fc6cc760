// The catalog store: `$t('key', {param})` gives the text in the current language. Catalogs are flat JSON files,
// one per language, with `{name}` placeholders. Catalan, the default and the fallback for a missing key, is in
// the first page's script; each other language is its own chunk, fetched when a reader first uses it (the
// reader's language before the app first draws, another one before a switch shows it), so nobody downloads
// the three languages they do not read.
import { derived, get, writable } from 'svelte/store';
import ca from '../i18n/ca.json';
import type { Language } from './api';

export type Catalog = Record<string, string>;

export const LANGUAGES: Language[] = ['ca', 'es', 'it', 'en'];
export const DEFAULT_LANGUAGE: Language = 'ca';
/** Each language's name in that language, for the switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = { ca: 'Català', es: 'Español', it: 'Italiano', en: 'English' };

/** The catalogs loaded so far (with the parts added to them); a language not loaded yet is empty. */
export const catalogs: Record<Language, Catalog> = { ca: { ...ca }, es: {}, it: {}, en: {} };

const loaders: Record<Language, () => Promise<{ default: Catalog }>> = {
  ca: async () => ({ default: ca }),
  es: () => import('../i18n/es.json'),
  it: () => import('../i18n/it.json'),
  en: () => import('../i18n/en.json'),
};
/** Downloads started, by language ("es") or part and language ("diagnosis:es"). */
const loading = new Map<string, Promise<void>>([['ca', Promise.resolve()]]);
/** Bumped when a language's catalog arrives, so that `t` translates again. */
const arrived = writable(0);

/**
 * Loads a language's main catalog once, and that language's catalog of every part already in use (later calls
 * share the first download). Parts and main catalogs never share a key, so the order they arrive in does not
 * matter. A failed download is forgotten so that the next call tries again; meanwhile texts fall back to Catalan.
 */
export function ensureCatalog(lang: Language): Promise<void> {
  return Promise.all([loadOnce(lang, loaders[lang]), ...[...parts].map(([name, part]) => loadOnce(`${name}:${lang}`, part[lang]))]).then(() => undefined);
}

/** Downloads under `key` once, then merges into the catalogs (keeping any text already there) and redraws. */
function loadOnce(key: string, load: () => Promise<{ default: Catalog }>): Promise<void> {
  let p = loading.get(key);
  if (!p) {
    const lang = key.slice(-2) as Language;
    p = load().then(
      (m) => {
        catalogClashes.push(...mergeCatalogs(catalogs, { [lang]: m.default } as Record<Language, Catalog>));
        arrived.update((n) => n + 1);
      },
      (err: unknown) => {
        loading.delete(key);
        throw err;
      },
    );
    loading.set(key, p);
  }
  return p;
}

/** Keys ("lang:key") a part tried to redefine with another text; the text already there was kept. */
export const catalogClashes: string[] = [];

/**
 * Adds `part` to `into`, one language at a time, keeping any text already there: a part never changes what
 * the main catalogs or another part say. Returns the keys ("lang:key") it tried to redefine with another
 * text (the same text again is no clash, so adding a part twice is harmless).
 */
export function mergeCatalogs(into: Record<Language, Catalog>, part: Partial<Record<Language, Catalog>>): string[] {
  const clashes: string[] = [];
  for (const l of LANGUAGES) {
    for (const [k, v] of Object.entries(part[l] ?? {})) {
      if (!(k in into[l])) into[l][k] = v;
      else if (into[l][k] !== v) clashes.push(`${l}:${k}`);
    }
  }
  return clashes;
}

/** A part's catalog in each language (src/i18n/<part>/<lang>.json), each its own chunk. */
export type PartCatalogs = Record<Language, () => Promise<{ default: Catalog }>>;
/** The parts in use so far, by name: a language switch loads their catalogs too. */
const parts = new Map<string, PartCatalogs>();

/**
 * Starts loading the catalog of a part of the app that loads on demand, in the reader's language only, so its
 * strings travel with its code instead of weighing on the first page, and nobody downloads the three
 * languages they do not read. Called when the part's module (lib/*I18n.ts) is evaluated; whoever draws the
 * part waits for `partsReady()` first (`withCatalogs` does it for a dynamic import). Keys must not repeat
 * the main catalogs' or another part's (i18n/parts.test.ts checks every part); a clash keeps the first text
 * and is recorded in `catalogClashes`.
 */
export function usePart(name: string, catalogsByLanguage: PartCatalogs): Promise<void> {
  parts.set(name, catalogsByLanguage);
  const p = ensureCatalog(get(locale));
  p.catch(() => {}); // reported to whoever waits for partsReady()
  return p;
}

/** Settles when the reader's language is here with every part in use (trying a failed download once more);
 * rejects when one still cannot be downloaded. */
export function partsReady(): Promise<void> {
  return ensureCatalog(get(locale));
}

/** A dynamic import that resolves once the catalogs its module asked for are here, so nothing shows a key. */
export function withCatalogs<T>(load: () => Promise<T>): () => Promise<T> {
  return () => load().then(async (m) => (await partsReady(), m));
}

const STORAGE_KEY = 'teixit.language';

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as string[]).includes(v);
}

/**
 * Chooses the interface language: the account's, else the one chosen earlier on this device, else the first
 * supported entry of the browser's list ("es-ES" counts as "es"), else Catalan.
 */
export function pickLanguage(account: string | null | undefined, stored: string | null | undefined, browser: readonly string[] = []): Language {
  if (isLanguage(account)) return account;
  if (isLanguage(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

/** Replaces `{name}` placeholders; unknown placeholders are left visible so that mistakes show. */
export function format(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

function lookup(lang: Language, key: string): string | undefined {
  return catalogs[lang]?.[key] ?? catalogs[DEFAULT_LANGUAGE][key];
}

/**
 * Looks a key up in one language, falling back to Catalan, then to the key itself. With a numeric `count`
 * parameter it uses `key.one` or `key.other` (the only two plural forms ca, es, it and en need).
 */
export function translate(lang: Language, key: string, params?: Record<string, string | number>): string {
  let text: string | undefined;
  if (typeof params?.count === 'number') text = lookup(lang, `${key}.${params.count === 1 ? 'one' : 'other'}`);
  text ??= lookup(lang, key) ?? key;
  return format(text, params);
}

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  const nav = globalThis.navigator;
  if (!nav) return [];
  return nav.languages?.length ? nav.languages : nav.language ? [nav.language] : [];
}

export const locale = writable<Language>(pickLanguage(null, readStored(), browserLanguages()));

/**
 * Sets the language once its catalog is here (so the page never shows a half-translated state), remembers it
 * on this device, and updates `<html lang>`. When the catalog cannot be fetched the language is still set and
 * the texts fall back to Catalan until a later try.
 */
export async function setLocale(lang: Language): Promise<void> {
  // A part that starts being used while the language downloads (a lazy page arriving meanwhile) asks for
  // its catalog in the language still shown: wait for it in the new language too before switching.
  let used: number;
  do {
    used = parts.size;
    await ensureCatalog(lang).catch(() => undefined);
  } while (parts.size !== used);
  locale.set(lang);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or storage full: the choice lasts for this visit only.
  }
}

locale.subscribe((lang) => {
  if (globalThis.document) globalThis.document.documentElement.lang = lang;
});

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export const t = derived([locale, arrived], ([lang]) => ((key: string, params?: Record<string, string | number>) => translate(lang, key, params)) as Translate);

/** The current language, for code outside components. */
export function currentLocale(): Language {
  return get(locale);
}

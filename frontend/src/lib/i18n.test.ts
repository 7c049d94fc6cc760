import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { catalogs, ensureCatalog, format, LANGUAGES, locale, mergeCatalogs, partsReady, pickLanguage, setLocale, t, translate, usePart, withCatalogs, type Catalog } from './i18n';
import type { Language } from './api';

// The main catalog files themselves (the app loads all but Catalan on demand).
const files = import.meta.glob<Catalog>('../i18n/*.json', { eager: true, import: 'default' });
const file = (lang: Language) => files[`../i18n/${lang}.json`];

describe('catalogs', () => {
  const base = Object.keys(file('ca')).sort();

  it.each(LANGUAGES)('%s has exactly the same keys as ca', (lang) => {
    expect(Object.keys(file(lang)).sort()).toEqual(base);
  });

  it.each(LANGUAGES)('%s has no empty values', (lang) => {
    const empty = Object.entries(file(lang)).filter(([, v]) => typeof v !== 'string' || v.trim() === '');
    expect(empty).toEqual([]);
  });

  it.each(LANGUAGES)('%s uses the same placeholders as ca in every text', (lang) => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differ = base.filter((k) => names(file(lang)[k]).join() !== names(file('ca')[k]).join());
    expect(differ).toEqual([]);
  });
});

describe('loading a language on demand', () => {
  it('has Catalan from the start and another language only once asked for', async () => {
    expect(catalogs.ca['nav.home']).toBe('Inici');
    expect(catalogs.es['nav.home']).toBeUndefined();
    expect(translate('es', 'nav.home')).toBe('Inici'); // falls back to Catalan meanwhile
    await Promise.all([ensureCatalog('es'), ensureCatalog('es')]);
    expect(catalogs.es).toEqual(expect.objectContaining(file('es')));
    expect(translate('es', 'nav.home')).toBe(file('es')['nav.home']);
  });
  it('sets the language only once its texts are here', async () => {
    const pending = setLocale('en');
    expect(get(locale)).not.toBe('en');
    await pending;
    expect(get(locale)).toBe('en');
    expect(get(t)('nav.home')).toBe('Home');
    await setLocale('ca');
  });
});

describe('mergeCatalogs', () => {
  const each = (c: Catalog) => ({ ca: { ...c }, es: { ...c }, it: { ...c }, en: { ...c } }) as Record<Language, Catalog>;
  it('adds new keys in every language and reports none', () => {
    const into = each({ a: 'A' });
    expect(mergeCatalogs(into, each({ b: 'B' }))).toEqual([]);
    expect(into.it).toEqual({ a: 'A', b: 'B' });
  });
  it('keeps the text already there and reports each redefined key per language', () => {
    const into = each({ a: 'A' });
    const part = each({ a: 'other', c: 'C' });
    part.en.a = 'A';
    expect(mergeCatalogs(into, part)).toEqual(['ca:a', 'es:a', 'it:a']);
    expect(into.ca).toEqual({ a: 'A', c: 'C' });
  });
  it('takes the same part twice without a clash', () => {
    const into = each({});
    mergeCatalogs(into, each({ x: 'X' }));
    expect(mergeCatalogs(into, each({ x: 'X' }))).toEqual([]);
  });
});

describe('a part of the app that loads on demand', () => {
  // A part with its catalogs counted as they are downloaded; one language's download fails once.
  const asked: string[] = [];
  let failItalian = true;
  const part = (lang: Language) => async () => {
    asked.push(lang);
    if (lang === 'it' && failItalian) {
      failItalian = false;
      throw new Error('offline');
    }
    return { default: { "test.part.word": `word-${lang}` } };
  };
  it('downloads the reader’s language only, and another one when the reader switches', async () => {
    await setLocale('es');
    const page = withCatalogs(async () => {
      usePart('test-part', { ca: part('ca'), es: part('es'), it: part('it'), en: part('en') });
      return 'the page';
    });
    expect(await page()).toBe('the page');
    expect(asked).toEqual(['es']);
    expect(get(t)('test.part.word')).toBe('word-es');
    await setLocale('en');
    expect(asked).toEqual(['es', 'en']);
    expect(get(t)('test.part.word')).toBe('word-en');
    await setLocale('ca');
  });
  it('reports a download that failed, and tries it again when asked', async () => {
    await setLocale('it').catch(() => {});
    await expect(partsReady()).resolves.toBeUndefined(); // the second try
    expect(asked.filter((l) => l === 'it')).toEqual(['it', 'it']);
    expect(get(t)('test.part.word')).toBe('word-it');
    await setLocale('ca');
  });
});

describe('a part that starts being used while the language changes', () => {
  it('is here in the new language when the switch shows it', async () => {
    const asked: string[] = [];
    const part = (lang: Language) => async () => {
      asked.push(lang);
      return { default: { 'test.late.word': `late-${lang}` } };
    };
    const switching = setLocale('it'); // as when the session says the account reads Italian
    usePart('test-late', { ca: part('ca'), es: part('es'), it: part('it'), en: part('en') }); // a lazy page arrives
    await switching;
    expect(get(locale)).toBe('it');
    expect(get(t)('test.late.word')).toBe('late-it');
    await setLocale('ca');
  });
});

describe('pickLanguage', () => {
  it('prefers the account language', () => {
    expect(pickLanguage('it', 'es', ['en-GB'])).toBe('it');
  });
  it('then the language chosen on this device', () => {
    expect(pickLanguage(null, 'es', ['en-GB'])).toBe('es');
  });
  it('then the first supported browser language, ignoring the region', () => {
    expect(pickLanguage(null, null, ['de-DE', 'es-ES', 'en'])).toBe('es');
  });
  it('falls back to Catalan', () => {
    expect(pickLanguage(undefined, 'xx', ['de', 'fr'])).toBe('ca');
    expect(pickLanguage(null, null, [])).toBe('ca');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('Hola, {name}. {other}', { name: 'Anna' })).toBe('Hola, Anna. {other}');
  });
  it('chooses the plural form from count', () => {
    expect(translate('en', 'org.memberCount', { count: 1 })).toBe('1 member');
    expect(translate('en', 'org.memberCount', { count: 3 })).toBe('3 members');
    expect(translate('ca', 'org.memberCount', { count: 0 })).toBe('0 membres');
  });
  it('returns the key itself when it is missing everywhere', () => {
    expect(translate('es', 'no.such.key')).toBe('no.such.key');
  });
});

describe('t store', () => {
  it('follows the current locale', async () => {
    await setLocale('en');
    expect(get(t)('nav.home')).toBe('Home');
    await setLocale('ca');
    expect(get(locale)).toBe('ca');
    expect(get(t)('nav.home')).toBe('Inici');
    await setLocale('it');
    expect(get(t)('members.added', { name: 'Gio' })).toBe('Gio ora è membro.');
  });
});

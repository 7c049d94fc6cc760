// The catalogs of parts that load on demand (src/i18n/<part>/<lang>.json) follow the main catalogs' rules:
// the same keys in every language, no empty text, the same placeholders; no key repeats a main one or another
// part's; and each part's loader module (lib/*I18n.ts) adds it through usePart with no clash recorded.
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogClashes, catalogs, ensureCatalog, LANGUAGES, mergeCatalogs, type Catalog } from '../lib/i18n';
import type { Language } from '../lib/api';

// The main catalog files, then every module that adds a part (lib/*I18n.ts), loaded as the lazy pages load
// them, with every language's main catalog loaded as a reader's would be.
const mainFiles = import.meta.glob<Catalog>('./*.json', { eager: true, import: 'default' });
const main = Object.fromEntries(LANGUAGES.map((l) => [l, { ...mainFiles[`./${l}.json`] }])) as Record<Language, Catalog>;
const loaders = import.meta.glob('../lib/*I18n.ts');
beforeAll(async () => {
  for (const load of Object.values(loaders)) await load();
  for (const l of LANGUAGES) await ensureCatalog(l);
});

const files = import.meta.glob<Record<string, string>>('./*/*.json', { eager: true, import: 'default' });
const parts: Record<string, Record<string, Record<string, string>>> = {};
for (const [file, catalog] of Object.entries(files)) {
  const [, part, lang] = file.match(/^\.\/([^/]+)\/(\w+)\.json$/)!;
  (parts[part] ??= {})[lang] = catalog;
}
const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();

describe.each(Object.keys(parts))('catalog part %s', (part) => {
  const p = parts[part];
  const base = Object.keys(p.ca ?? {}).sort();
  it('exists in every language with the same keys', () => {
    expect(base.length).toBeGreaterThan(0);
    for (const l of LANGUAGES) expect(Object.keys(p[l] ?? {}).sort()).toEqual(base);
  });
  it('has no empty text and the same placeholders as ca', () => {
    for (const l of LANGUAGES) {
      expect(base.filter((k) => !p[l][k]?.trim())).toEqual([]);
      expect(base.filter((k) => names(p[l][k]) !== names(p.ca[k]))).toEqual([]);
    }
  });
  it('does not repeat a key of the main catalogs', () => {
    expect(base.filter((k) => k in main.ca)).toEqual([]);
  });
  it('is added by its loader module through usePart', () => {
    for (const l of LANGUAGES) expect(base.filter((k) => catalogs[l][k] !== p[l][k])).toEqual([]);
  });
});

describe('all parts together', () => {
  it('have a loader module each', () => {
    expect(Object.keys(loaders).length).toBe(Object.keys(parts).length);
  });
  it('never redefine a key of the main catalogs or of one another', () => {
    const into = Object.fromEntries(LANGUAGES.map((l) => [l, { ...main[l] }])) as Record<Language, Catalog>;
    expect(Object.values(parts).flatMap((p) => mergeCatalogs(into, p as Record<Language, Catalog>))).toEqual([]);
  });
  it('were added with no clash recorded', () => {
    expect(catalogClashes).toEqual([]);
  });
});

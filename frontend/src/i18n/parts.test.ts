// The catalogs of parts that load on demand (src/i18n/<part>/<lang>.json) follow the main catalogs' rules:
// the same keys in every language, no empty text, the same placeholders; and no key repeats a main one.
import { describe, expect, it } from 'vitest';
import { catalogs, LANGUAGES } from '../lib/i18n';

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
    expect(base.filter((k) => k in catalogs.ca)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { LANGUAGES } from './i18n';
import { clashes, diagnosisCatalogs } from './diagnosisCatalog';

describe('diagnosis catalogs', () => {
  const base = Object.keys(diagnosisCatalogs.ca).sort();
  it.each(LANGUAGES)('%s has the same keys as ca, none empty, same placeholders', (lang) => {
    expect(Object.keys(diagnosisCatalogs[lang]).sort()).toEqual(base);
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
    for (const k of base) {
      expect(diagnosisCatalogs[lang][k].trim(), k).not.toBe('');
      expect(names(diagnosisCatalogs[lang][k]), k).toBe(names(diagnosisCatalogs.ca[k]));
    }
  });
  it('does not redefine a key of the main catalogs', () => {
    expect(clashes).toEqual([]);
  });
});

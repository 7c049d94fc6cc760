// The diagnosis pages' own strings (contribute form, ballot, action plan, dashboard, map, territories), kept
// in i18n/diagnosis/*.json and bundled with those lazy pages instead of the first page: they are ~220 keys
// per language that a person reading the home page never needs. Importing this module adds them to the
// shared catalogs before the pages render; keys never clash with the main catalogs (checked in a test).
import ca from '../i18n/diagnosis/ca.json';
import es from '../i18n/diagnosis/es.json';
import it from '../i18n/diagnosis/it.json';
import en from '../i18n/diagnosis/en.json';
import { catalogs, type Catalog } from './i18n';
import type { Language } from './api';

export const diagnosisCatalogs: Record<Language, Catalog> = { ca, es, it, en };

/** Keys that were already in the main catalogs when these were added (kept as they were; should be none). */
export const clashes: string[] = [];

for (const lang of Object.keys(diagnosisCatalogs) as Language[]) {
  for (const [k, v] of Object.entries(diagnosisCatalogs[lang])) {
    if (k in catalogs[lang]) {
      if (catalogs[lang][k] !== v) clashes.push(`${lang}:${k}`);
    } else catalogs[lang][k] = v;
  }
}

// The strings of the diagnosis pages (contribute form, ballot, action plan, dashboard, map, territories, the
// new-diagnosis and settings pages). Imported by those (lazily loaded) pages, so the first page does not
// carry their ~250 keys per language.
import { usePart } from './i18n';

usePart('diagnosis', {
  ca: () => import('../i18n/diagnosis/ca.json'),
  es: () => import('../i18n/diagnosis/es.json'),
  it: () => import('../i18n/diagnosis/it.json'),
  en: () => import('../i18n/diagnosis/en.json'),
});

// The strings of a practice's page and its editor's fields: sections, transfers, history, related practices.
import { usePart } from './i18n';

usePart('practice', {
  ca: () => import('../i18n/practice/ca.json'),
  es: () => import('../i18n/practice/es.json'),
  it: () => import('../i18n/practice/it.json'),
  en: () => import('../i18n/practice/en.json'),
});

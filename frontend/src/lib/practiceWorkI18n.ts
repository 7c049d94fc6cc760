// The strings of the practice editor, translation and version pages, the transfer workflow and the
// notifications page. Imported by those (lazily loaded) pages, so the first page does not carry them.
import { usePart } from './i18n';

usePart('practice-work', {
  ca: () => import('../i18n/practice-work/ca.json'),
  es: () => import('../i18n/practice-work/es.json'),
  it: () => import('../i18n/practice-work/it.json'),
  en: () => import('../i18n/practice-work/en.json'),
});

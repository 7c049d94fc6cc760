// The strings of "Read in …" and translation notes, added where a page shows translatable content.
import { usePart } from './i18n';

usePart('translation', {
  ca: () => import('../i18n/translation/ca.json'),
  es: () => import('../i18n/translation/es.json'),
  it: () => import('../i18n/translation/it.json'),
  en: () => import('../i18n/translation/en.json'),
});

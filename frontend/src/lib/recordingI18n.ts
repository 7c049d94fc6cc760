// The strings of the recording page, the summary on an exchange day's page and the recording retention
// setting. Imported by those (lazily loaded) parts, so the first page does not carry them.
import { usePart } from './i18n';

usePart('recording', {
  ca: () => import('../i18n/recording/ca.json'),
  es: () => import('../i18n/recording/es.json'),
  it: () => import('../i18n/recording/it.json'),
  en: () => import('../i18n/recording/en.json'),
});

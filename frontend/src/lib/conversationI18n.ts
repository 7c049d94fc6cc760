// The strings of comments and follows, under practices, contributions, findings and diagnoses.
import { usePart } from './i18n';

usePart('conversation', {
  ca: () => import('../i18n/conversation/ca.json'),
  es: () => import('../i18n/conversation/es.json'),
  it: () => import('../i18n/conversation/it.json'),
  en: () => import('../i18n/conversation/en.json'),
});

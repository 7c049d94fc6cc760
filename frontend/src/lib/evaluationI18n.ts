// The strings of the evaluation pages (editions, groups' tables, synthesis, report). Imported by those lazily
// loaded pages only.
import { usePart } from './i18n';

usePart('evaluation', {
  ca: () => import('../i18n/evaluation/ca.json'),
  es: () => import('../i18n/evaluation/es.json'),
  it: () => import('../i18n/evaluation/it.json'),
  en: () => import('../i18n/evaluation/en.json'),
});

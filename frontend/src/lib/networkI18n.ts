// The strings of the network pages (actors, relations, the network map). Imported by those (lazily
// loaded) pages and by the notifications page, so the first page does not carry them.
import { usePart } from './i18n';

usePart('network', {
  ca: () => import('../i18n/network/ca.json'),
  es: () => import('../i18n/network/es.json'),
  it: () => import('../i18n/network/it.json'),
  en: () => import('../i18n/network/en.json'),
});

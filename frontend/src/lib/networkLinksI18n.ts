// The strings of need → practice links (on a diagnosis's findings and plan, on a practice's page): a small
// part of their own, so the diagnosis and practice pages do not carry the whole network part.
import { usePart } from './i18n';

usePart('network-links', {
  ca: () => import('../i18n/network-links/ca.json'),
  es: () => import('../i18n/network-links/es.json'),
  it: () => import('../i18n/network-links/it.json'),
  en: () => import('../i18n/network-links/en.json'),
});

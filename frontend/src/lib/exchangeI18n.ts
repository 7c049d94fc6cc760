// The strings of an exchange day's page, its form, its registration and agenda editor (lazy pages).
import { usePart } from './i18n';

usePart('exchange', {
  ca: () => import('../i18n/exchange/ca.json'),
  es: () => import('../i18n/exchange/es.json'),
  it: () => import('../i18n/exchange/it.json'),
  en: () => import('../i18n/exchange/en.json'),
});

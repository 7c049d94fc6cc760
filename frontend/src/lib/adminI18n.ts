// The strings of the audit log page and the admins' reset links, loaded with that page only.
import { usePart } from './i18n';

usePart('admin', {
  ca: () => import('../i18n/admin/ca.json'),
  es: () => import('../i18n/admin/es.json'),
  it: () => import('../i18n/admin/it.json'),
  en: () => import('../i18n/admin/en.json'),
});

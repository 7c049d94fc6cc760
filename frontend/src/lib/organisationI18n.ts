// The strings of an organisation's page: members, roles, invitations (and the roles shown elsewhere).
import { usePart } from './i18n';

usePart('organisation', {
  ca: () => import('../i18n/organisation/ca.json'),
  es: () => import('../i18n/organisation/es.json'),
  it: () => import('../i18n/organisation/it.json'),
  en: () => import('../i18n/organisation/en.json'),
});

// The strings of the account page: profile, password, sessions, access tokens, invitations, data rights.
import { usePart } from './i18n';

usePart('account', {
  ca: () => import('../i18n/account/ca.json'),
  es: () => import('../i18n/account/es.json'),
  it: () => import('../i18n/account/it.json'),
  en: () => import('../i18n/account/en.json'),
});

// Turns an API error into what a form shows: one summary sentence in the user's language, plus per-field
// messages. Known codes get our own plain words; otherwise the server's message is shown.
import { ApiError } from './api';
import type { Translate } from './i18n';

export interface FormErrors {
  summary: string;
  fields: Record<string, string>;
}

const KNOWN = new Set([
  'email_taken', 'invalid_credentials', 'rate_limited', 'user_not_found', 'already_member', 'last_admin',
  'forbidden', 'not_found', 'unauthenticated', 'network', 'validation',
]);

export function describeError(err: unknown, t: Translate): FormErrors {
  if (!(err instanceof ApiError)) return { summary: t('error.unexpected'), fields: {} };
  let code = err.code;
  if (!KNOWN.has(code)) {
    if (err.status === 401) code = 'unauthenticated';
    else if (err.status === 403) code = 'forbidden';
    else if (err.status === 404) code = 'not_found';
  }
  const fields = { ...err.fields };
  if (code === 'email_taken' && !fields.email) fields.email = t('error.email_taken');
  if (code === 'user_not_found' && !fields.email) fields.email = t('error.user_not_found');
  if (code === 'already_member' && !fields.email) fields.email = t('error.already_member');
  if (code === 'rate_limited') {
    const seconds = err.retryAfter ?? 60;
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return { summary: t('error.rate_limited', { count: minutes }), fields };
  }
  if (KNOWN.has(code)) return { summary: t(`error.${code}`), fields };
  if (err.status >= 500) return { summary: t('error.server'), fields };
  return { summary: err.message || t('error.unexpected'), fields };
}

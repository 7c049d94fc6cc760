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

/**
 * The server explains field problems in short English phrases ("must be at least 10 characters long"). The
 * common ones are turned into our own words in the reader's language; anything else is shown as sent.
 */
export function localizeField(field: string, why: string, t: Translate): string {
  const num = (re: RegExp) => why.match(re)?.[1];
  if (/too common/i.test(why)) return t('validation.passwordCommon');
  if (/already registered/i.test(why)) return t('error.email_taken');
  if (/valid email/i.test(why)) return t('validation.emailFormat');
  const between = why.match(/between (\d+) and (\d+)/i);
  if (between) return t('validation.between', { min: between[1], max: between[2] });
  const atMost = num(/at most (\d+)/i);
  if (atMost) return t(/required/i.test(why) ? 'validation.requiredAtMost' : 'validation.atMost', { max: atMost });
  const atLeast = num(/at least (\d+)/i);
  if (atLeast) return field === 'password' ? t('validation.passwordLength') : t('validation.atLeast', { min: atLeast });
  if (/must be one of/i.test(why)) return t('validation.choose');
  if (/required/i.test(why)) return t('validation.required');
  return why.charAt(0).toUpperCase() + why.slice(1);
}

export function describeError(err: unknown, t: Translate): FormErrors {
  if (!(err instanceof ApiError)) return { summary: t('error.unexpected'), fields: {} };
  let code = err.code;
  if (!KNOWN.has(code)) {
    if (err.status === 401) code = 'unauthenticated';
    else if (err.status === 403) code = 'forbidden';
    else if (err.status === 404) code = 'not_found';
  }
  const fields: Record<string, string> = {};
  for (const [k, why] of Object.entries(err.fields)) fields[k] = localizeField(k, why, t);
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

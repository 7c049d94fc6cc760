// Turns an API error into what a form shows: one summary sentence in the user's language, plus per-field
// messages. The server writes both in the language we send as Accept-Language (its catalogs hold every code
// and field reason, checked by a Go test), so the client only adds what it knows better: network failures,
// how long to wait when rate limited, and a sentence's capital letter and full stop.
import { ApiError } from './api';
import type { Translate } from './i18n';

export interface FormErrors {
  summary: string;
  fields: Record<string, string>;
}

/** A field reason from the server ("ha de tenir entre 3 i 200 caràcters") as a sentence next to its field. */
export function sentence(why: string): string {
  const s = why.trim();
  if (!s) return s;
  const first = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

export function describeError(err: unknown, t: Translate): FormErrors {
  if (!(err instanceof ApiError)) return { summary: t('error.unexpected'), fields: {} };
  const fields: Record<string, string> = {};
  for (const [k, why] of Object.entries(err.fields)) fields[k] = sentence(why);
  for (const k of Object.keys(err.reasons)) fields[k] ??= t('validation.required');
  // Codes about the email typed: shown next to the email field as well.
  if (['email_taken', 'user_not_found', 'already_member'].includes(err.code) && !fields.email && err.message) {
    fields.email = err.message;
  }
  if (err.code === 'rate_limited') {
    const seconds = err.retryAfter ?? 60;
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return { summary: t('error.rate_limited', { count: minutes }), fields };
  }
  if (err.code === 'network') return { summary: t('error.network'), fields };
  if (err.status >= 500) return { summary: t('error.server'), fields };
  if (err.message && !err.code.startsWith('http_')) return { summary: err.message, fields };
  if (err.status === 401) return { summary: t('error.unauthenticated'), fields };
  if (err.status === 403) return { summary: t('error.forbidden'), fields };
  if (err.status === 404) return { summary: t('error.not_found'), fields };
  return { summary: err.message || t('error.unexpected'), fields };
}

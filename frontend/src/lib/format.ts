import type { Language } from './api';

/** A date in the reader's language, e.g. "25 de nov. 2026"; empty for missing or invalid input. */
export function formatDate(iso: string | null | undefined, lang: Language): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric' }).format(d);
}

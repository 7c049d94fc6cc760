import type { Language } from './api';

/** A date in the reader's language, e.g. "25 de nov. 2026"; empty for missing or invalid input. */
export function formatDate(iso: string | null | undefined, lang: Language): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric' }).format(d);
}

/** A calendar day ("2026-11-30") in words: "30 de novembre de 2026"; the year left out when it is this year. */
export function formatDay(day: string | null | undefined, lang: Language, now = new Date()): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ?? '');
  if (!m) return day ?? '';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  const sameYear = d.getUTCFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: sameYear ? undefined : 'numeric', timeZone: 'UTC' }).format(d);
}

/** Two calendar days as one span in words, as the language writes it: "1–20 de desembre de 2026", "1 – 20
 * December 2026"; the year left out when both are this year. Either missing: the other alone (formatDay). */
export function formatDayRange(from: string | null | undefined, to: string | null | undefined, lang: Language, now = new Date()): string {
  const day = (s: string | null | undefined) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? '');
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  };
  const a = day(from), b = day(to);
  if (!a || !b || b < a) return formatDay(a ? from : to, lang, now);
  const sameYear = a.getUTCFullYear() === now.getFullYear() && b.getUTCFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: sameYear ? undefined : 'numeric', timeZone: 'UTC' }).formatRange(a, b);
}

/** The Monday that starts an ISO week ("2026-W49" → "2026-11-30"); null when it is not one. */
export function weekStart(isoWeek: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(isoWeek);
  if (!m) return null;
  const year = +m[1], week = +m[2];
  if (week < 1 || week > 53) return null;
  const jan4 = new Date(Date.UTC(year, 0, 4)); // always in week 1
  const monday1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(monday1 + (week - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
}

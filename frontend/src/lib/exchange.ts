// Exchange days in the reader's words: dates shown in the day's own time zone and the reader's language, the
// conversion between a form's local date and time and the API's RFC 3339 instants, and who may join live.
import type { ExchangeDay, Language, Membership, Organisation } from './api';

/** Time zones offered in the form; the device's own zone is added when it is not among them. */
export const TIME_ZONES = ['Europe/Madrid', 'Atlantic/Canary', 'Europe/Rome', 'Europe/Lisbon', 'Europe/Paris', 'Europe/London'];

export function deviceTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Madrid';
  } catch {
    return 'Europe/Madrid';
  }
}

export function timeZoneChoices(): string[] {
  const own = deviceTimeZone();
  return TIME_ZONES.includes(own) ? TIME_ZONES : [own, ...TIME_ZONES];
}

function safeZone(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

/**
 * When the day happens, in its own time zone: "Wednesday, 25 November 2026, 17:00 – 19:00". A day that ends
 * on another date shows both dates in full.
 */
export function formatDayWhen(day: Pick<ExchangeDay, 'startsAt' | 'endsAt' | 'timeZone'>, lang: Language): string {
  const start = new Date(day.startsAt);
  const end = new Date(day.endsAt);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return '';
  const timeZone = safeZone(day.timeZone);
  const full = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short', timeZone });
  const dateOnly = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeZone });
  const timeOnly = new Intl.DateTimeFormat(lang, { timeStyle: 'short', timeZone });
  if (dateOnly.format(start) === dateOnly.format(end)) return `${full.format(start)} – ${timeOnly.format(end)}`;
  return `${full.format(start)} – ${full.format(end)}`;
}

/** The time zone's readable name in the reader's language ("hora de Europa central"), else its id. */
export function zoneName(tz: string, lang: Language, at = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat(lang, { timeZone: tz, timeZoneName: 'long' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName');
    return part ? `${part.value} (${tz})` : tz;
  } catch {
    return tz;
  }
}

/** Minutes to add to UTC to get the wall clock of tz at that instant. */
function offsetMinutes(utcMs: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((wall - utcMs) / 60000);
}

/** A form's "2026-12-10" + "17:00" read in tz → an RFC 3339 instant in UTC; empty when incomplete. */
export function zonedToISO(date: string, time: string, tz: string): string {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})/.exec(time);
  if (!d || !t) return '';
  const wall = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]);
  let utc = wall - offsetMinutes(wall, tz) * 60000;
  utc = wall - offsetMinutes(utc, tz) * 60000; // again, in case the first guess crossed a clock change
  return new Date(utc).toISOString();
}

/** The day after a form's date ("2026-12-31" → "2027-01-01"): where a session that ends after midnight ends. */
export function nextDate(date: string): string {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!d) return '';
  return new Date(Date.UTC(+d[1], +d[2] - 1, +d[3] + 1)).toISOString().slice(0, 10);
}

/** An instant → the form's date ("2026-12-10") and time ("17:00") in tz. */
export function isoToZoned(iso: string, tz: string): { date: string; time: string } {
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return { date: '', time: '' };
  const wall = new Date(ms + offsetMinutes(ms, tz) * 60000).toISOString();
  return { date: wall.slice(0, 10), time: wall.slice(11, 16) };
}

/** How long after its planned end the server still admits people to the live session (exchange.LiveGrace). */
const LIVE_GRACE_MS = 2 * 60 * 60 * 1000;

/** The day happens today (in its time zone) or is going on now, and is neither cancelled nor over. */
export function isLiveToday(day: ExchangeDay, now = new Date()): boolean {
  if (day.status !== 'scheduled') return false;
  const start = new Date(day.startsAt).getTime();
  const end = new Date(day.endsAt).getTime();
  if (now.getTime() > end + LIVE_GRACE_MS) return false;
  if (now.getTime() >= start) return true;
  const tz = safeZone(day.timeZone) ?? 'UTC';
  return isoToZoned(day.startsAt, tz).date === isoToZoned(now.toISOString(), tz).date;
}

/** Registered people and members of the host organisation may enter the live session. */
export function mayJoinLive(day: ExchangeDay, memberships: Membership[] | undefined): boolean {
  return day.canManage || day.myRegistration === 'registered' || !!memberships?.some((m) => m.organisationId === day.hostOrgId);
}

/** Organisations where the person may host an exchange day (admins and professionals). */
export function hostableOrganisations(memberships: Membership[] | undefined): string[] {
  return (memberships ?? []).filter((m) => m.role === 'admin' || m.role === 'professional').map((m) => m.organisationId);
}

/**
 * The organisations the signed-in person may act for (admin or professional: host a day, start or adopt a
 * practice), with their names, in name order; `except` is left out. A name that does not load shows as the id.
 */
export async function hostableOrganisationNames(
  client: { get<T>(path: string): Promise<T>; getOrganisation(id: string): Promise<Organisation> },
  except = '',
): Promise<{ id: string; name: string }[]> {
  const ids = hostableOrganisations(await myMemberships(client)).filter((id) => id !== except);
  const named = await Promise.all(ids.map((id) => client.getOrganisation(id).then((o) => ({ id, name: o.name }), () => ({ id, name: id }))));
  return named.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The signed-in person's organisations and roles, asked fresh from the session endpoint (they change when
 * someone creates an organisation or is added to one); empty when signed out or on failure.
 */
export async function myMemberships(client: { get<T>(path: string): Promise<T> }): Promise<Membership[]> {
  try {
    const res = await client.get<{ memberships?: Membership[]; user?: { memberships?: Membership[] } | null }>('/auth/session');
    return res.memberships ?? res.user?.memberships ?? [];
  } catch {
    return [];
  }
}

import { describe, expect, it } from 'vitest';
import type { ExchangeDay } from './api';
import { formatDayWhen, hostableOrganisations, isLiveToday, isoToZoned, mayJoinLive, nextDate, zonedToISO } from './exchange';

const day = (over: Partial<ExchangeDay> = {}): ExchangeDay => ({
  id: 'd1', hostOrgId: 'o1', title: 'T', description: '', startsAt: '2026-12-10T16:00:00Z', endsAt: '2026-12-10T18:00:00Z',
  timeZone: 'Europe/Madrid', agenda: [{ id: 'q', text: 'Q?' }], registrationMode: 'open', capacity: 0, summaryVisibility: 'public',
  recordingVisibility: 'members', video: false, status: 'scheduled', registeredCount: 0, waitlistCount: 0, myRegistration: null, canManage: false, ...over,
});

describe('exchange day times', () => {
  it('reads a form date and time in the day’s time zone, across clock changes', () => {
    expect(zonedToISO('2026-12-10', '17:00', 'Europe/Madrid')).toBe('2026-12-10T16:00:00.000Z'); // winter, UTC+1
    expect(zonedToISO('2026-07-10', '17:00', 'Europe/Madrid')).toBe('2026-07-10T15:00:00.000Z'); // summer, UTC+2
    expect(zonedToISO('2026-07-10', '17:00', 'Atlantic/Canary')).toBe('2026-07-10T16:00:00.000Z');
    expect(zonedToISO('', '17:00', 'Europe/Madrid')).toBe('');
  });
  it('ends a session that goes past midnight on the next day, across months and years', () => {
    expect(nextDate('2026-12-10')).toBe('2026-12-11');
    expect(nextDate('2026-02-28')).toBe('2026-03-01');
    expect(nextDate('2026-12-31')).toBe('2027-01-01');
    expect(nextDate('')).toBe('');
    // 22:30–00:30 in Madrid on 10 December: two hours, ending on the 11th
    const start = zonedToISO('2026-12-10', '22:30', 'Europe/Madrid');
    const end = zonedToISO(nextDate('2026-12-10'), '00:30', 'Europe/Madrid');
    expect(new Date(end).getTime() - new Date(start).getTime()).toBe(2 * 3600_000);
  });
  it('turns an instant back into the form’s date and time', () => {
    expect(isoToZoned('2026-12-10T16:00:00Z', 'Europe/Madrid')).toEqual({ date: '2026-12-10', time: '17:00' });
    expect(isoToZoned('2026-12-10T23:30:00Z', 'Europe/Rome')).toEqual({ date: '2026-12-11', time: '00:30' });
  });
  it('shows the day in its own time zone and the reader’s language', () => {
    const ca = formatDayWhen(day(), 'ca');
    expect(ca).toMatch(/10 de desembre/);
    expect(ca).toMatch(/2026/);
    expect(ca).toMatch(/17:00/);
    expect(ca).toMatch(/19:00/);
    expect(formatDayWhen(day(), 'en')).toMatch(/December 10, 2026.*5:00\s?PM.*7:00\s?PM/);
  });
});

describe('who may join live, and when', () => {
  it('opens the day it happens (in its time zone) and while it runs, never when cancelled or long over', () => {
    const d = day();
    expect(isLiveToday(d, new Date('2026-12-10T08:00:00Z'))).toBe(true); // same morning
    expect(isLiveToday(d, new Date('2026-12-10T17:00:00Z'))).toBe(true); // during
    expect(isLiveToday(d, new Date('2026-12-10T19:30:00Z'))).toBe(true); // overrunning
    expect(isLiveToday(d, new Date('2026-12-10T21:00:00Z'))).toBe(false); // over
    expect(isLiveToday(d, new Date('2026-12-09T22:00:00Z'))).toBe(false); // the day before in Madrid
    expect(isLiveToday(day({ status: 'cancelled' }), new Date('2026-12-10T17:00:00Z'))).toBe(false);
  });
  it('admits registered people, organisers and members of the host organisation', () => {
    expect(mayJoinLive(day(), [])).toBe(false);
    expect(mayJoinLive(day({ myRegistration: 'waitlisted' }), [])).toBe(false);
    expect(mayJoinLive(day({ myRegistration: 'registered' }), [])).toBe(true);
    expect(mayJoinLive(day({ canManage: true }), [])).toBe(true);
    expect(mayJoinLive(day(), [{ organisationId: 'o1', role: 'member' }])).toBe(true);
  });
  it('lets admins and professionals host, not plain members', () => {
    expect(hostableOrganisations([
      { organisationId: 'a', role: 'admin' }, { organisationId: 'b', role: 'member' }, { organisationId: 'c', role: 'professional' },
    ])).toEqual(['a', 'c']);
  });
});

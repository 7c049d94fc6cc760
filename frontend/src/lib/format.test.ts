import { describe, expect, it } from 'vitest';
import { formatDay, formatDayRange, weekStart } from './format';

describe('dates in words', () => {
  it('finds the Monday of an ISO week', () => {
    expect(weekStart('2026-W49')).toBe('2026-11-30');
    expect(weekStart('2026-W01')).toBe('2025-12-29'); // week 1 starts in the previous year
    expect(weekStart('2020-W53')).toBe('2020-12-28');
    expect(weekStart('2026-W54')).toBeNull();
    expect(weekStart('soon')).toBeNull();
  });
  it('says a day in the reader’s language, with the year only when it is not this one', () => {
    const now = new Date('2026-12-05T10:00:00Z');
    expect(formatDay('2026-11-30', 'ca', now)).toBe('30 de novembre');
    expect(formatDay('2026-11-30', 'es', now)).toBe('30 de noviembre');
    expect(formatDay('2026-11-30', 'it', now)).toBe('30 novembre');
    expect(formatDay('2025-03-01', 'ca', now)).toBe('1 de març del 2025');
    expect(formatDay('not a day', 'ca', now)).toBe('not a day');
  });
  it('says a span of days as the language writes it', () => {
    const now = new Date('2026-12-05T10:00:00Z');
    const ca = formatDayRange('2026-12-01', '2026-12-20', 'ca', now);
    expect(ca).toMatch(/^1\s*[–-]\s*20 de desembre$/);
    expect(formatDayRange('2026-11-30', '2026-12-20', 'es', now)).toMatch(/^30 de noviembre\s*[–-]\s*20 de diciembre$/);
    expect(formatDayRange('2025-12-01', '2026-01-20', 'it', now)).toMatch(/2025.*2026/);
    expect(formatDayRange('2026-12-01', '', 'ca', now)).toBe('1 de desembre');
    expect(formatDayRange('2026-12-20', '2026-12-01', 'ca', now)).toBe('20 de desembre'); // backwards: the start alone
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeError, localizeField } from './errors';
import { translate } from './i18n';

const t = (k: string, p?: Record<string, string | number>) => translate('en', k, p);

describe('describeError', () => {
  it('uses our words for known codes and keeps server field messages', () => {
    const e = describeError(new ApiError(400, 'validation', 'bad', { password: 'is too common; choose another', other: 'looks odd' }), t);
    expect(e.summary).toBe(t('error.validation'));
    expect(e.fields).toEqual({ password: t('validation.passwordCommon'), other: 'Looks odd' });
  });
  it('puts email_taken next to the email field', () => {
    expect(describeError(new ApiError(409, 'email_taken', 'x'), t).fields.email).toBe(t('error.email_taken'));
  });
  it('says how many minutes to wait when rate limited', () => {
    expect(describeError(new ApiError(429, 'rate_limited', 'x', {}, 90), t).summary).toContain('2 minutes');
    expect(describeError(new ApiError(429, 'rate_limited', 'x', {}, 30), t).summary).toContain('1 minute ');
  });
  it('falls back by status, then to the server message', () => {
    expect(describeError(new ApiError(403, 'nope', 'x'), t).summary).toBe(t('error.forbidden'));
    expect(describeError(new ApiError(500, 'boom', 'x'), t).summary).toBe(t('error.server'));
    expect(describeError(new ApiError(422, 'odd', 'Odd thing'), t).summary).toBe('Odd thing');
    expect(describeError(new Error('x'), t).summary).toBe(t('error.unexpected'));
  });
});

describe('localizeField', () => {
  const ca = (k: string, p?: Record<string, string | number>) => translate('ca', k, p);
  it.each([
    ['password', 'must be at least 10 characters long', 'La contrasenya ha de tenir com a mínim 10 caràcters.'],
    ['email', 'must be a valid email address, like name@example.org', ca('validation.emailFormat')],
    ['email', 'is already registered', ca('error.email_taken')],
    ['name', 'is required, between 2 and 150 characters', 'Escriu entre 2 i 150 caràcters.'],
    ['name', 'is required, at most 80 characters (say what uses it)', 'Omple aquest camp, amb 80 caràcters com a màxim.'],
    ['description', 'must be at most 5000 characters', 'Escriu 5000 caràcters com a màxim.'],
    ['kind', 'must be one of association, network', ca('validation.choose')],
    ['email', 'is required', 'Omple aquest camp.'],
  ])('%s: "%s" in Catalan', (field, why, expected) => {
    expect(localizeField(field, why, ca)).toBe(expected);
  });
});

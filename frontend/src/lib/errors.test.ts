import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeError } from './errors';
import { translate } from './i18n';

const t = (k: string, p?: Record<string, string | number>) => translate('en', k, p);

describe('describeError', () => {
  it('uses our words for known codes and keeps server field messages', () => {
    const e = describeError(new ApiError(400, 'validation', 'bad', { password: 'too common' }), t);
    expect(e.summary).toBe(t('error.validation'));
    expect(e.fields).toEqual({ password: 'too common' });
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

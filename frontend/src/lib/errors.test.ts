import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeError, sentence } from './errors';
import { ensureCatalog, translate } from './i18n';

beforeAll(() => ensureCatalog('en'));

const t = (k: string, p?: Record<string, string | number>) => translate('en', k, p);

describe('describeError', () => {
  it("shows the server's words (already in the reader's language) as sentences", () => {
    const e = describeError(new ApiError(400, 'validation', 'Cal revisar alguns camps.',
      { title: 'ha de tenir entre 3 i 200 caràcters' }, null, { title: { code: 'length', params: { min: 3, max: 200 } } }), t);
    expect(e.summary).toBe('Cal revisar alguns camps.');
    expect(e.fields).toEqual({ title: 'Ha de tenir entre 3 i 200 caràcters.' });
  });
  it('puts email_taken next to the email field', () => {
    expect(describeError(new ApiError(409, 'email_taken', 'Ja hi ha un compte amb aquest correu.'), t).fields.email).toBe('Ja hi ha un compte amb aquest correu.');
  });
  it('says how many minutes to wait when rate limited', () => {
    expect(describeError(new ApiError(429, 'rate_limited', 'x', {}, 90), t).summary).toContain('2 minutes');
    expect(describeError(new ApiError(429, 'rate_limited', 'x', {}, 30), t).summary).toContain('1 minute ');
  });
  it('falls back by status when the server sent no error body', () => {
    expect(describeError(new ApiError(403, 'http_403', ''), t).summary).toBe(t('error.forbidden'));
    expect(describeError(new ApiError(500, 'boom', 'x'), t).summary).toBe(t('error.server'));
    expect(describeError(new ApiError(422, 'odd', 'Odd thing'), t).summary).toBe('Odd thing');
    expect(describeError(new Error('x'), t).summary).toBe(t('error.unexpected'));
    expect(describeError(new ApiError(0, 'network', 'Failed to fetch'), t).summary).toBe(t('error.network'));
  });
  it('never leaves a refused field without words', () => {
    expect(describeError(new ApiError(400, 'validation', 'x', {}, null, { name: { code: 'required' } }), t).fields.name).toBe(t('validation.required'));
  });
});

describe('sentence', () => {
  it.each([
    ['és obligatori', 'És obligatori.'],
    ['Already a sentence.', 'Already a sentence.'],
    ['', ''],
  ])('%s', (why, expected) => expect(sentence(why)).toBe(expected));
});

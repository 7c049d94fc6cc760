import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { FormState } from './form.svelte';

describe('FormState', () => {
  it('is busy while the request runs and clears earlier errors', async () => {
    const form = new FormState();
    form.invalid({ email: 'Needed.' });
    let busyDuring = false;
    await form.send(async () => {
      busyDuring = form.busy;
    });
    expect(busyDuring).toBe(true);
    expect(form.busy).toBe(false);
    expect(form.errors).toBeNull();
  });
  it("shows a failed request's field reasons as the form's errors", async () => {
    const form = new FormState();
    await form.send(async () => {
      throw new ApiError(400, 'validation', 'Check the fields.', { title: 'too short' });
    });
    expect(form.busy).toBe(false);
    expect(form.errors).toEqual({ summary: 'Check the fields.', fields: { title: 'Too short.' } });
  });
});

// What a form does while it sends: it is busy (its button disabled) until the request ends, and when the
// request fails it shows why in its ErrorSummary and next to each field. Every form that sends through
// `send` behaves alike: one owner for the busy flag and for turning a failure into FormErrors.
import { get } from 'svelte/store';
import { t } from './i18n';
import { describeError, type FormErrors } from './errors';

export class FormState {
  /** True while a request runs: the submit button is disabled. */
  busy = $state(false);
  /** What the form shows: null while nothing is wrong. */
  errors = $state<FormErrors | null>(null);

  /** Refuses to send: `fields` (API field name → sentence) are what the person must fix first. */
  invalid(fields: Record<string, string>): void {
    this.errors = { summary: get(t)('form.fixFields'), fields };
  }

  /** Clears earlier errors and runs `request` with the form busy; a failure becomes the form's errors. */
  async send(request: () => Promise<void>): Promise<void> {
    this.errors = null;
    this.busy = true;
    try {
      await request();
    } catch (err) {
      this.errors = describeError(err, get(t));
    } finally {
      this.busy = false;
    }
  }
}

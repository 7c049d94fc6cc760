// One polite live region for the whole app: page changes and results of actions are read out by screen readers.
import { writable } from 'svelte/store';

export const announcement = writable('');

let n = 0;
export function announce(message: string): void {
  // Alternate a zero-width suffix so the same message twice is still announced.
  n++;
  announcement.set(message + (n % 2 ? '' : '\u200b'));
}

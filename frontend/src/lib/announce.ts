// One polite live region for the whole app: page changes and results of actions are read out by screen readers.
import { writable } from 'svelte/store';

export const announcement = writable('');

let n = 0;
let last = { text: '', at: 0 };

function set(text: string): void {
  // Alternate a zero-width suffix so the same message twice is still announced.
  n++;
  announcement.set(text + (n % 2 ? '' : '\u200b'));
}

/** Announces the result of an action ("Your changes are saved."). */
export function announce(message: string): void {
  last = { text: message, at: Date.now() };
  set(message);
}

/**
 * Announces a new page by its title. When an action has just been announced (it usually led to this page,
 * e.g. "You are logged in."), both are read, the action first, so the page change does not swallow it.
 */
export function announcePage(title: string, now = Date.now()): void {
  const recent = now - last.at < 1500 ? `${last.text} ` : '';
  last = { text: '', at: 0 };
  set(recent + title);
}

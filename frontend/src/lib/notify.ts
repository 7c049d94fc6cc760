// Follows and notifications (/api/v1/follows, /api/v1/notifications) for the signed-in person. The site
// header shows the unread count: one small request (limit=1), never more often than once a minute unless
// the person has just read something.
import { writable } from 'svelte/store';
import type { ApiClient, Page } from './api';

export type FollowKind = 'practice' | 'organisation' | 'theme' | 'diagnosis';

export interface Follow {
  kind: FollowKind;
  target: string;
  at: string;
}

/** Something a follow button offers: its kind, id and name in words ("this practice"). */
export interface FollowTarget {
  kind: FollowKind;
  target: string;
  name: string;
}

export interface Notification {
  id: string;
  kind: 'new_version' | 'new_practice' | 'new_transfer' | 'transfer_update' | 'comment_reply' | string;
  title: string;
  link: string;
  at: string;
  read: boolean;
}

export interface NotificationPage extends Page<Notification> {
  unread: number;
}

export function listFollows(api: ApiClient): Promise<{ items: Follow[] }> {
  return api.get('/follows');
}

export function follow(api: ApiClient, kind: FollowKind, target: string): Promise<Follow> {
  return api.post('/follows', { kind, target });
}

export function unfollow(api: ApiClient, kind: FollowKind, target: string): Promise<void> {
  return api.del('/follows?' + new URLSearchParams({ kind, target }));
}

export function listNotifications(api: ApiClient, cursor = '', limit = 30): Promise<NotificationPage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  return api.get('/notifications?' + q);
}

export function markRead(api: ApiClient, id: string): Promise<void> {
  return api.post('/notifications/' + encodeURIComponent(id) + '/read');
}

export function markAllRead(api: ApiClient): Promise<void> {
  return api.post('/notifications/read-all');
}

/** How the person gets notices by email (always in-app too). */
export type EmailChoice = 'immediate' | 'daily' | 'never';
export const EMAIL_CHOICES: EmailChoice[] = ['immediate', 'daily', 'never'];

export interface NotificationSettings {
  email: EmailChoice;
  /** False when the server sends no email at all. */
  emailAvailable: boolean;
}

export function getNotificationSettings(api: ApiClient): Promise<NotificationSettings> {
  return api.get('/me/notification-settings');
}

export function setNotificationSettings(api: ApiClient, email: EmailChoice): Promise<NotificationSettings> {
  return api.put('/me/notification-settings', { email });
}

/** Unread notifications of the signed-in person, as the header shows them (null: not known). */
export const unreadCount = writable<number | null>(null);

/** The header asks at most once per this many milliseconds. */
export const UNREAD_MIN_INTERVAL = 60_000;

/**
 * Refreshes the unread count with one small request unless it was asked less than a minute ago;
 * force (after reading notifications) asks at once.
 */
export function unreadRefresher(api: ApiClient, now: () => number = Date.now) {
  let last = -Infinity;
  let inFlight = false;
  return async (force = false): Promise<void> => {
    if (inFlight || (!force && now() - last < UNREAD_MIN_INTERVAL)) return;
    inFlight = true;
    last = now();
    try {
      unreadCount.set((await listNotifications(api, '', 1)).unread);
    } catch {
      // The header simply shows no count.
    } finally {
      inFlight = false;
    }
  };
}

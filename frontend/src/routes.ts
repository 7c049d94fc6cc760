import type { Route } from './lib/router';

export type RouteName = 'diagnoses' | 'diagnosis' | 'home' | 'register' | 'login' | 'account' | 'organisations' | 'organisation' | 'search' | 'exchange-days' | 'exchange-day-new' | 'exchange-day' | 'exchange-day-edit' | 'exchange-day-live' | 'practices' | 'practice';

export const routes: Route<RouteName>[] = [
  { name: 'home', pattern: '/' },
  { name: 'register', pattern: '/register' },
  { name: 'login', pattern: '/login' },
  { name: 'account', pattern: '/account' },
  { name: 'organisations', pattern: '/organisations' },
  { name: 'organisation', pattern: '/organisations/:id' },
  { name: 'exchange-days', pattern: '/exchange-days' },
  { name: 'exchange-day-new', pattern: '/exchange-days/new' },
  { name: 'exchange-day', pattern: '/exchange-days/:id' },
  { name: 'exchange-day-edit', pattern: '/exchange-days/:id/edit' },
  { name: 'exchange-day-live', pattern: '/exchange-days/:id/live' },
  { name: 'practices', pattern: '/practices' },
  { name: 'practice', pattern: '/practices/:id' },
  { name: 'diagnoses', pattern: '/diagnoses' },
  { name: 'diagnosis', pattern: '/diagnoses/:id' },
  { name: 'search', pattern: '/search' },
];

import type { Route } from './lib/router';

export type RouteName = 'diagnoses' | 'diagnosis' | 'home' | 'register' | 'login' | 'account' | 'organisations' | 'organisation' | 'search' | 'exchange-days' | 'exchange-day-new' | 'exchange-day' | 'exchange-day-edit' | 'exchange-day-live' | 'practices' | 'practice' | 'practice-new' | 'practice-edit' | 'practice-translate' | 'practice-version' | 'practice-adopt' | 'transfer' | 'notifications' | 'diagnosis-map' | 'diagnosis-dashboard' | 'diagnosis-moderation' | 'territories' | 'territory';

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
  { name: 'practice-new', pattern: '/practices/new' },
  { name: 'practice', pattern: '/practices/:id' },
  { name: 'practice-edit', pattern: '/practices/:id/edit' },
  { name: 'practice-translate', pattern: '/practices/:id/translations/:lang' },
  { name: 'practice-version', pattern: '/practices/:id/versions/:n' },
  { name: 'practice-adopt', pattern: '/practices/:id/adopt' },
  { name: 'transfer', pattern: '/transfers/:id' },
  { name: 'notifications', pattern: '/notifications' },
  { name: 'diagnoses', pattern: '/diagnoses' },
  { name: 'diagnosis', pattern: '/diagnoses/:id' },
  { name: 'diagnosis-map', pattern: '/diagnoses/:id/map' },
  { name: 'diagnosis-dashboard', pattern: '/diagnoses/:id/dashboard' },
  { name: 'diagnosis-moderation', pattern: '/diagnoses/:id/moderation' },
  { name: 'territories', pattern: '/territories' },
  { name: 'territory', pattern: '/territories/:id' },
  { name: 'search', pattern: '/search' },
];

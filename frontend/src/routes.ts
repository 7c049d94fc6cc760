import type { Route } from './lib/router';

export type RouteName = 'home' | 'register' | 'login' | 'account' | 'organisations' | 'organisation';

export const routes: Route<RouteName>[] = [
  { name: 'home', pattern: '/' },
  { name: 'register', pattern: '/register' },
  { name: 'login', pattern: '/login' },
  { name: 'account', pattern: '/account' },
  { name: 'organisations', pattern: '/organisations' },
  { name: 'organisation', pattern: '/organisations/:id' },
];

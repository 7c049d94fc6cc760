// Every catalog key the code asks for exists, so no one ever sees a raw key like "members.add".
import { describe, expect, it } from 'vitest';
import { catalogs } from '../lib/i18n';
import { ORG_KINDS, ROLES } from '../lib/api';

// Parts of the app that load on demand carry their own catalogs (src/i18n/<part>/<lang>.json).
const parts = import.meta.glob<Record<string, string>>('./*/ca.json', { eager: true, import: 'default' });

// Every source file's text, through Vite (no Node types needed in the app's tsconfig).
const files = import.meta.glob<string>(['../**/*.svelte', '../**/*.ts', '!../**/*.test.ts'], { query: '?raw', import: 'default', eager: true });

const used = new Set<string>();
for (const text of Object.values(files)) {
  const code = text
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*)/.test(line)) // skip comments
    .join('\n');
  for (const m of code.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
}
for (const k of ORG_KINDS) used.add(`org.kind.${k}`);
for (const r of ROLES) used.add(`role.${r}`);
for (const code of ['email_taken', 'invalid_credentials', 'user_not_found', 'already_member', 'last_admin', 'forbidden', 'not_found', 'unauthenticated', 'network', 'validation', 'server', 'unexpected']) {
  used.add(`error.${code}`);
}

describe('catalog usage', () => {
  it('finds the keys used in the code', () => {
    expect(used.size).toBeGreaterThan(100);
  });
  it('has every used key (or its .one/.other plural forms) in ca', () => {
    const ca = { ...catalogs.ca, ...Object.assign({}, ...Object.values(parts)) };
    const has = (k: string) => k in ca || (`${k}.one` in ca && `${k}.other` in ca);
    expect([...used].filter((k) => !has(k))).toEqual([]);
  });
});

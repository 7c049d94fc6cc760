// Who is signed in. One ApiClient for the whole app; the session store holds the user and feeds the CSRF token
// to the client. The account's language wins over the device's choice when someone signs in.
import { get, writable } from 'svelte/store';
import { ApiClient, type Language, type SessionResponse, type User } from './api';
import { currentLocale, locale, setLocale } from './i18n';

export const api = new ApiClient({ language: currentLocale, onUnauthenticated: () => forget() });

export interface SessionState {
  loaded: boolean;
  user: User | null;
}

export const session = writable<SessionState>({ loaded: false, user: null });

// The account's language is switched to (its catalogue loaded) before the caller moves on, so the page that
// follows a sign-in is already in that language.
async function apply(res: SessionResponse): Promise<User | null> {
  api.setCsrfToken(res.csrfToken ?? '');
  if (res.user?.language && res.user.language !== get(locale)) await setLocale(res.user.language);
  session.set({ loaded: true, user: res.user ? { ...res.user, memberships: res.memberships ?? res.user.memberships ?? [] } : null });
  return res.user ?? null;
}

export async function loadSession(): Promise<void> {
  try {
    await apply(await api.session());
  } catch {
    // The page still works for reading when the session cannot be checked.
    session.set({ loaded: true, user: null });
  }
}

export async function login(email: string, password: string): Promise<User | null> {
  return apply(await api.login({ email, password }));
}

export async function register(input: { email: string; password: string; name: string; language: Language }): Promise<User | null> {
  return apply(await api.register(input));
}

export async function logout(): Promise<void> {
  try {
    await api.logout();
  } finally {
    api.setCsrfToken('');
    session.set({ loaded: true, user: null });
  }
}

/** Forgets the user locally, after the account was deleted. */
export function forget(): void {
  api.setCsrfToken('');
  session.set({ loaded: true, user: null });
}

export function updateUser(user: User): void {
  session.update((s) => ({ ...s, user: { ...s.user, ...user } }));
}

/** Changes the language now and, when signed in, on the account too. */
export async function chooseLanguage(lang: Language): Promise<void> {
  setLocale(lang);
  const user = get(session).user;
  if (user && user.language !== lang) {
    try {
      updateUser(await api.updateMe({ language: lang }));
    } catch {
      // The device keeps the choice; the account is updated next time.
    }
  }
}

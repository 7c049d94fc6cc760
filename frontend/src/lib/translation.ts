// Machine translations of user content: the reader's language when a translation exists, the original one
// click away, and "Read in …" for a reader who waits while the engine works (the page polls; the server
// never makes a request wait for the engine). Hidden when the server has no engine.
import type { ApiClient } from './api';
import './translationI18n';

/** Native names of the languages content can be written in (shown as they call themselves). */
export const CONTENT_LANGUAGE_NAMES: Record<string, string> = { ca: 'Català', es: 'Español', it: 'Italiano', en: 'English', fr: 'Français' };

export interface TranslatedText {
  title: string;
  body: { markdown: string; html: string };
  machine: boolean;
  reviewed: boolean;
  stale: boolean;
  engine: string;
  at: string;
}

export type TranslationState = 'ready' | 'queued' | 'failed' | 'none' | 'original';

export interface TranslationView {
  kind: string;
  id: string;
  language: string;
  originalLanguage: string;
  state: TranslationState;
  translation: TranslatedText | null;
  canCorrect: boolean;
  /** Where this kind's translations are corrected when not here (a practice: section by section). */
  correctAt?: string;
  /** The title is an excerpt of the body: a correction gives the body only. */
  titleFromBody: boolean;
  working: boolean;
  attempts: number;
}

const path = (kind: string, id: string, lang: string) => `/translations/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/${lang}`;

/** The translation of a record into lang and where it stands (never waits for the engine). */
export function getTranslation(api: ApiClient, kind: string, id: string, lang: string): Promise<TranslationView> {
  return api.get<TranslationView>(path(kind, id, lang));
}

/** Asks for it: queued at once; poll getTranslation until it is ready. */
export function askTranslation(api: ApiClient, kind: string, id: string, lang: string): Promise<TranslationView> {
  return api.post<TranslationView>(path(kind, id, lang));
}

/** Replaces it with a person's correction (people who may edit the original). */
export function correctTranslation(api: ApiClient, kind: string, id: string, lang: string, body: { title: string; body: string }): Promise<TranslationView> {
  return api.put<TranslationView>(path(kind, id, lang), body);
}

/** Whether a state means "keep polling". */
export function stillWorking(v: TranslationView): boolean {
  return v.state === 'queued' || (v.working && !!v.translation?.stale);
}

/** One record of a list shown in the reader's language. */
export interface ShownTranslation {
  id: string;
  originalLanguage: string;
  translation: TranslatedText;
}

/** The ready translations into lang of a list's records (at most 100 ids; never queues work). */
export async function readyTranslations(api: ApiClient, kind: string, ids: string[], lang: string): Promise<Map<string, ShownTranslation>> {
  const out = new Map<string, ShownTranslation>();
  for (let i = 0; i < ids.length; i += 100) {
    const q = new URLSearchParams({ lang, ids: ids.slice(i, i + 100).join(',') });
    const page = await api.get<{ items?: ShownTranslation[] }>(`/translations/${encodeURIComponent(kind)}?${q}`);
    for (const s of page.items ?? []) out.set(s.id, s);
  }
  return out;
}

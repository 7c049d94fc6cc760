import type { ApiClient, Page } from './api';

/** Markdown as stored plus the server's sanitised HTML. */
export interface Markdown {
  markdown: string;
  html: string;
}

export interface Practice {
  id: string;
  status: 'draft' | 'published' | 'archived';
  originalLanguage: string;
  language: string;
  translations: string[];
  title: string;
  summary: Markdown;
  problem: Markdown;
  context: { territory: string; organisationId: string; organisationName: string; targetPopulation: string };
  themes: string[];
  steps: { title: string; detail: Markdown }[];
  resources: { people: string; time: string; budget: string };
  results: Markdown;
  evidence: Markdown;
  evaluation: { summary: Markdown; indicators: { name: string; value: string }[] };
  contact: string;
  attachments: { id: string; filename: string; mime: string; size: number; url: string }[];
  version: number;
  transfers: { count: number; evaluated: number; averageRating: number };
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
}

export interface Transfer {
  id: string;
  practiceId: string;
  adopterOrganisationId: string;
  adopterName: string;
  status: string;
  allowedNext: string[];
  note: Markdown;
  outcome?: { rating: number; lessons: Markdown };
}

export type PracticeSort = 'newest' | 'transferred' | 'rated';
export const PRACTICE_SORTS: PracticeSort[] = ['newest', 'transferred', 'rated'];
/** Themes the server accepts (server/practice/model.go). */
export const PRACTICE_THEMES = ['housing', 'health', 'ageing_loneliness', 'childhood_youth', 'employment', 'digital_divide', 'public_space', 'coexistence', 'mobility', 'culture'];
/** Languages a practice can be written or translated in. */
export const PRACTICE_LANGUAGES = ['ca', 'es', 'it', 'en', 'fr'];

export function listPractices(api: ApiClient, f: { theme?: string; lang?: string; sort?: string; cursor?: string }): Promise<Page<Practice>> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const s = q.toString();
  return api.get('/practices' + (s ? '?' + s : ''));
}

export function getPractice(api: ApiClient, id: string, lang = ''): Promise<Practice> {
  return api.get('/practices/' + encodeURIComponent(id) + (lang ? '?lang=' + encodeURIComponent(lang) : ''));
}

export function listTransfers(api: ApiClient, id: string): Promise<{ items: Transfer[] }> {
  return api.get('/practices/' + encodeURIComponent(id) + '/transfers');
}

export interface Comment {
  id: string;
  parentCommentId?: string;
  author: { id: string; name: string };
  text: Markdown;
  status: string;
  createdAt: string;
}

export function listComments(api: ApiClient, practiceId: string): Promise<Page<Comment>> {
  return api.get('/practices/' + encodeURIComponent(practiceId) + '/comments?limit=100');
}

export function addComment(api: ApiClient, practiceId: string, text: string, parentCommentId = ''): Promise<Comment> {
  return api.post('/practices/' + encodeURIComponent(practiceId) + '/comments', { text, parentCommentId });
}

export function reportComment(api: ApiClient, id: string, reason: string): Promise<Comment> {
  return api.post('/comments/' + encodeURIComponent(id) + '/report', { reason });
}

import type { ApiClient, Page } from './api';
import { practicePath } from './prefetch';

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
  transfers: { count: number; evaluated: number; averageRating: number; items?: TransferSummary[] };
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
}

export interface TransferSummary {
  id: string;
  organisationId: string;
  organisationName: string;
  status: TransferStage;
  rating?: number;
}

export type TransferStage = 'interested' | 'planning' | 'implementing' | 'evaluated' | 'abandoned';
/** The stages in order; abandoned can follow any stage that is not final. */
export const TRANSFER_STAGES: TransferStage[] = ['interested', 'planning', 'implementing', 'evaluated'];

export interface Transfer {
  id: string;
  practiceId: string;
  originOrganisationId: string;
  adopterOrganisationId: string;
  adopterName: string;
  status: TransferStage;
  allowedNext: TransferStage[];
  note: Markdown;
  outcome?: { rating: number; lessons: Markdown } | null;
  history: { status: TransferStage; at: string }[];
  updates: number;
  canEdit: boolean;
  /** The reader belongs to one of the two organisations, who alone read the updates. */
  canReadUpdates?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TransferUpdate {
  id: string;
  authorId: string;
  authorOrganisationId: string;
  fromOrigin: boolean;
  text: Markdown;
  at: string;
}

/** What the API accepts to write a practice; every field is optional on PATCH. */
export interface PracticeInput {
  title?: string;
  summary?: string;
  problem?: string;
  context?: { territory?: string; organisationId?: string; targetPopulation?: string };
  themes?: string[];
  steps?: { title: string; detail: string }[];
  resources?: { people: string; time: string; budget: string };
  results?: string;
  evidence?: string;
  evaluation?: { summary?: string; indicators?: { name: string; value: string }[] };
  contact?: string;
  attachments?: string[];
  language?: string;
}

export interface TranslationInput {
  title: string;
  summary: string;
  problem: string;
  targetPopulation: string;
  steps: { title: string; detail: string }[];
  resources: { people: string; time: string; budget: string };
  results: string;
  evidence: string;
  evaluationSummary: string;
}

export interface Version {
  n: number;
  at: string;
  authorId: string;
}

export interface Diff {
  from: number;
  to: number;
  fields: { field: string; unified: string; lines: { op: '=' | '-' | '+'; text: string }[] }[];
}

export interface MediaAsset {
  id: string;
  mime: string;
  class: string;
  size: number;
  filename: string;
  url: string;
}

/** What the server accepts as a practice attachment (server/mediafile: purpose "attachment"). */
export const ATTACHMENT_MAX_BYTES = 20 << 20;
export const ATTACHMENT_ACCEPT = '.pdf,.jpg,.jpeg,.png,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,application/pdf,image/jpeg,image/png,image/webp';

export type PracticeSort = 'newest' | 'transferred' | 'rated';
export const PRACTICE_SORTS: PracticeSort[] = ['newest', 'transferred', 'rated'];
/** Themes the server accepts (server/practice/model.go). */
/** Languages a practice can be written or translated in. */
export const PRACTICE_LANGUAGES = ['ca', 'es', 'it', 'en', 'fr'];

export function listPractices(api: ApiClient, f: { theme?: string; lang?: string; sort?: string; cursor?: string; status?: string }): Promise<Page<Practice>> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const s = q.toString();
  return api.get('/practices' + (s ? '?' + s : ''));
}

export function getPractice(api: ApiClient, id: string, lang = ''): Promise<Practice> {
  return api.get(practicePath(id, lang));
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
  reports?: number;
  /** What the reporters wrote (moderators' lists only; never who). */
  reportReasons?: string[];
  createdAt: string;
}

/** A commented thing's API path: '/practices/<id>', '/contributions/<id>', '/findings/<id>'. */
export const commentsOf = (kind: 'practices' | 'contributions' | 'findings', id: string) => `/${kind}/${encodeURIComponent(id)}`;

/** One page of a thing's comments, oldest first (cursor: the previous page's nextCursor). */
export function listComments(api: ApiClient, on: string, cursor = ''): Promise<Page<Comment>> {
  return api.get(`${on}/comments?limit=100${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
}

export function addComment(api: ApiClient, on: string, text: string, parentCommentId = ''): Promise<Comment> {
  return api.post(`${on}/comments`, { text, parentCommentId });
}

export function reportComment(api: ApiClient, id: string, reason: string): Promise<Comment> {
  return api.post('/comments/' + encodeURIComponent(id) + '/report', { reason });
}

const pid = (id: string) => '/practices/' + encodeURIComponent(id);

export function createPractice(api: ApiClient, input: PracticeInput): Promise<Practice> {
  return api.post('/practices', input);
}

export function updatePractice(api: ApiClient, id: string, input: PracticeInput): Promise<Practice> {
  return api.patch(pid(id), input);
}

export function publishPractice(api: ApiClient, id: string): Promise<Practice> {
  return api.post(pid(id) + '/publish');
}

export function archivePractice(api: ApiClient, id: string): Promise<Practice> {
  return api.post(pid(id) + '/archive');
}

export function putTranslation(api: ApiClient, id: string, lang: string, input: TranslationInput): Promise<Practice> {
  return api.put(pid(id) + '/translations/' + encodeURIComponent(lang), input);
}

export function listVersions(api: ApiClient, id: string): Promise<{ items: Version[] }> {
  return api.get(pid(id) + '/versions');
}

export function getDiff(api: ApiClient, id: string, n: number): Promise<Diff> {
  return api.get(pid(id) + '/versions/' + n + '/diff');
}

export function relatedPractices(api: ApiClient, id: string): Promise<{ items: Practice[] }> {
  return api.get(pid(id) + '/related');
}

export function uploadAttachment(api: ApiClient, file: File): Promise<MediaAsset> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api.upload('/media?purpose=attachment', form);
}

export function createTransfer(api: ApiClient, practiceId: string, organisationId: string, note: string): Promise<Transfer> {
  return api.post(pid(practiceId) + '/transfers', { organisationId, note });
}

const tid = (id: string) => '/transfers/' + encodeURIComponent(id);

export function getTransfer(api: ApiClient, id: string): Promise<Transfer> {
  return api.get(tid(id));
}

export function patchTransfer(api: ApiClient, id: string, patch: { status?: string; note?: string; outcome?: { rating: number; lessons: string } }): Promise<Transfer> {
  return api.patch(tid(id), patch);
}

export function listUpdates(api: ApiClient, id: string): Promise<{ items: TransferUpdate[] }> {
  return api.get(tid(id) + '/updates');
}

export function addUpdate(api: ApiClient, id: string, text: string): Promise<TransferUpdate> {
  return api.post(tid(id) + '/updates', { text });
}
